"""Load: 16 concurrent clients, a fixed number of requests each, against `edusearch serve` on the
bundled corpus index, mixing /api/search, /search and /doc pages. No errors and server memory flat;
latency (p50/p99) and throughput are printed as figures, not asserted: they depend on the machine."""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from helpers import running_server

pytestmark = pytest.mark.slow

CLIENTS = 16
REQUESTS = 120  # per client
WARMUP_REQUESTS = 15
RSS_GROWTH = 1.5
QUERIES = ["防溺水", "教育公平", "义务教育", "2008年", "２００８年", "营养午餐 OR 食堂供餐", "安全教育 -交通", '"义务教育 均衡"',
           "(校车 OR 交通) 安全", "title:政府工作报告", "title:工作总结 教育", "year:2015-2020 教育", "type:工作总结 安全",
           "溺水防范", "人民", "PM2.5", "covid", "经济", "改革开放", "科技 创新", "脱贫攻坚", "学前教育 普惠", "-教育",
           "OR", "", '"未闭合', "教育" * 30]



def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    with running_server(index_dir, tmp_path_factory.mktemp("load") / "serve.log") as running:
        yield running


def request_mix(url: str, doc_ids: list[str], rng: random.Random) -> str:
    q = rng.choice(QUERIES)
    kind = rng.random()
    if kind < 0.45:
        params = {"q": q, "per_page": rng.choice([10, 10, 50, 100]), "page": rng.choice([1, 1, 1, 2, 5])}
        if rng.random() < 0.2:
            params["year"] = rng.choice(["2010-2020", "unknown", "1990-"])
        return f"{url}/api/search?{urlencode(params)}"
    if kind < 0.8:
        params = {"q": q}
        if rng.random() < 0.2:
            params["doc_type"] = "政府工作报告"
        if rng.random() < 0.2:
            params["page"] = 2
        return f"{url}/search?{urlencode(params)}"
    doc = "/doc/" + quote(rng.choice(doc_ids), safe="/~")
    if rng.random() < 0.1:
        return url + "/api" + doc
    return url + doc + (f"?{urlencode({'q': q})}" if rng.random() < 0.6 else "")


class Clients:
    def __init__(self, url: str, doc_ids: list[str], requests: int, seed: int):
        self.url, self.doc_ids, self.requests = url, doc_ids, requests
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.seed = seed

    def worker(self, n: int) -> None:
        rng = random.Random(self.seed * 100 + n)
        for _ in range(self.requests):
            target = request_mix(self.url, self.doc_ids, rng)
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(target, timeout=30) as r:
                    body = r.read()
                    status = r.status
                dt = time.perf_counter() - t0
                if status != 200:
                    raise ValueError(f"status {status}")
                if "/api/" in target:
                    json.loads(body)
                elif b"</html>" not in body:
                    raise ValueError("truncated page")
                with self.lock:
                    self.latencies.append(dt)
            except (OSError, ValueError) as e:
                detail = e.read()[:200] if isinstance(e, urllib.error.HTTPError) else b""
                with self.lock:
                    self.errors.append(f"{target}: {type(e).__name__}: {e} {detail!r}")

    def run(self) -> Clients:
        threads = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)  # a bound on a hung client, not a trigger
        assert not any(t.is_alive() for t in threads), "a client hung"
        return self


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def test_sixteen_clients(server):
    url, proc = server
    data = json.loads(urllib.request.urlopen(f"{url}/api/search?q={quote('教育')}&per_page=100", timeout=30).read())
    doc_ids = sorted({h["doc_id"] for h in data["hits"]})
    assert len(doc_ids) >= 10

    warm = Clients(url, doc_ids, WARMUP_REQUESTS, seed=1).run()
    assert not warm.errors, warm.errors[:5]
    rss_start = rss_kb(proc.pid)

    t0 = time.perf_counter()
    load = Clients(url, doc_ids, REQUESTS, seed=2).run()
    seconds = time.perf_counter() - t0
    rss_end = rss_kb(proc.pid)
    lat = load.latencies
    n = len(lat) + len(load.errors)
    p50, p99 = pct(lat, 50), pct(lat, 99)
    print(f"\n{CLIENTS} clients: {n} requests in {seconds:.1f} s ({n / seconds:.0f}/s), {len(load.errors)} errors; "
          f"latency p50 {p50 * 1000:.0f} ms, p90 {pct(lat, 90) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
          f"max {max(lat) * 1000:.0f} ms, mean {statistics.mean(lat) * 1000:.0f} ms; "
          f"server RSS {rss_start / 1024:.0f} MB after warm-up → {rss_end / 1024:.0f} MB at the end")
    assert proc.poll() is None, "the server died"
    assert not load.errors, load.errors[:10]
    assert n == CLIENTS * REQUESTS
    assert rss_end <= rss_start * RSS_GROWTH, f"server memory grew from {rss_start} kB to {rss_end} kB"
