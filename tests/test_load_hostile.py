"""Load beside hostile clients: `edusearch serve` on loopback, normal clients sending a fixed list of
requests (report pages, /api/stats, searches) once on the idle server and once while more connections
than waitress's default limit (100) sit half-sent, a few send their request a byte at a time and a
few never read their answer. Every normal request must succeed and their p95 stay within 3× of the
same requests' p95 on the idle server, measured in this same run (a ratio, not a time). And while
32 clients pile up searches, /api/stats stays fast because searches take one of a few slots: its
median is compared with a server whose slots let every thread search (again a ratio in one run).

Bounded: a fixed number of requests and sockets, a timeout on each, and every hostile thread stopped
by an event when the normal clients are done. Only 127.0.0.1 is contacted."""

from __future__ import annotations

import json
import socket
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

CLIENTS = 4
ROUNDS = 6  # each client sends its list of requests this many times
HALF_OPEN = 150  # above waitress's default connection_limit of 100
TRICKLING = 8  # clients sending their request one byte at a time
NOT_READING = 4  # clients that ask for a report and never read it
RATIO = 3.0
HAMMERS = 32  # clients piling up searches ...
HAMMER_REQUESTS = 20  # ... this many each
CHEAP_REQUESTS = 30  # /api/stats meanwhile, one client
TIMEOUT = 15  # seconds a normal request may take before it counts as failed: a bound, not a measure


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    log = tmp_path_factory.mktemp("hostile") / "serve.log"
    with running_server(index_dir, log) as (url, proc):
        yield url, proc, log


def request_list(url: str, doc_ids: list[str]) -> list[str]:
    """What one normal client asks for, in order: cheap pages beside searches."""
    doc = [f"{url}/doc/{quote(d, safe='/~')}" for d in doc_ids[:3]]
    return [f"{url}/api/stats", doc[0], f"{url}/api/search?{urlencode({'q': '防溺水'})}", f"{url}/",
            f"{doc[1]}?{urlencode({'q': '教育'})}", f"{url}/search?{urlencode({'q': '义务教育'})}",
            f"{url}/api/doc/{quote(doc_ids[2], safe='/~')}", f"{url}/help", f"{url}/static/favicon.svg"]


def run_clients(targets: list[str]) -> tuple[list[float], list[str]]:
    """CLIENTS threads, each sending targets ROUNDS times (starting at a different place): latencies and failures."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        order = targets[n:] + targets[:n]
        for _ in range(ROUNDS):
            for target in order:
                t0 = time.perf_counter()
                try:
                    with urllib.request.urlopen(target, timeout=TIMEOUT) as r:
                        r.read()
                        ok = r.status == 200
                    dt = time.perf_counter() - t0
                except OSError as e:
                    ok, dt = False, 0.0
                    with lock:
                        errors.append(f"{target}: {type(e).__name__}: {e}")
                with lock:
                    if ok:
                        latencies.append(dt)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)  # a bound on a hung client, not a trigger
    assert not any(t.is_alive() for t in threads), "a normal client hung"
    return latencies, errors


def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


class Hostile:
    """The hostile clients, opened together and closed together."""

    def __init__(self, port: int):
        self.port = port
        self.sockets: list[socket.socket] = []
        self.stop = threading.Event()
        self.trickler = threading.Thread(target=self._trickle, daemon=True)

    def _connect(self) -> socket.socket:
        s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        self.sockets.append(s)
        return s

    def __enter__(self) -> Hostile:
        for _ in range(HALF_OPEN):  # headers begun, never ended
            self._connect().sendall(b"GET /api/search?q=%E6%95%99%E8%82%B2 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: ")
        for _ in range(NOT_READING):  # a whole request whose answer is never read
            self._connect().sendall(b"GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * 20)
        self.trickler.start()
        return self

    def _trickle(self) -> None:
        """TRICKLING connections each sending a request a byte every 50 ms, over and over, until stopped."""
        request = b"GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        socks = [self._connect() for _ in range(TRICKLING)]
        sent = 0
        while not self.stop.wait(0.05):  # pacing, not a trigger: the test ends when the normal clients are done
            if sent == len(request):
                for s in socks:
                    s.close()
                socks, sent = [self._connect() for _ in range(TRICKLING)], 0
            for s in socks:
                s.sendall(request[sent:sent + 1])
            sent += 1
        for s in socks:
            s.close()

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.trickler.join(timeout=30)
        for s in self.sockets:
            s.close()


def test_normal_requests_keep_their_p95_beside_hostile_clients(server):
    url, proc, log = server
    port = int(url.rsplit(":", 1)[1])
    data = json.loads(urllib.request.urlopen(f"{url}/api/search?q={quote('教育')}&per_page=50", timeout=30).read())
    doc_ids = sorted({h["doc_id"] for h in data["hits"]})
    assert len(doc_ids) >= 3
    targets = request_list(url, doc_ids)
    _, errors = run_clients(targets)  # warm-up, not measured
    assert not errors, errors[:5]

    idle, errors = run_clients(targets)
    assert not errors, errors[:5]
    with Hostile(port) as hostile:
        loaded, errors = run_clients(targets)
        held = len(hostile.sockets)
    assert proc.poll() is None, "the server died"
    assert not errors, errors[:10]
    assert len(loaded) == len(idle) == CLIENTS * ROUNDS * len(targets)
    print(f"\n{len(loaded)} normal requests: p95 {p95(idle) * 1000:.0f} ms idle, {p95(loaded) * 1000:.0f} ms beside "
          f"{held} hostile connections ({HALF_OPEN} half-sent, {TRICKLING} trickling, {NOT_READING} not reading)")
    assert p95(loaded) <= RATIO * p95(idle), (p95(loaded), p95(idle))
    assert "no longer accepting" not in Path(log).read_text()


def cheap_beside_hammering(url: str) -> tuple[list[float], dict[int, int], list[str]]:
    """HAMMERS clients sending HAMMER_REQUESTS heavy searches each while one client asks for /api/stats
    CHEAP_REQUESTS times: the stats latencies, the searches' status counts, and what went wrong."""
    latencies: list[float] = []
    codes: dict[int, int] = {}
    wrong: list[str] = []
    lock = threading.Lock()
    queries = ["教育", "人民 发展", "改革", "经济 社会", "安全"]

    def hammer(n: int) -> None:
        for i in range(HAMMER_REQUESTS):
            q = queries[(n + i) % len(queries)]
            target = f"{url}/api/search?{urlencode({'q': q, 'per_page': 100, 'page': 1 + i % 3})}"
            try:
                with urllib.request.urlopen(target, timeout=60) as r:
                    r.read()
                    code = r.status
            except urllib.error.HTTPError as e:
                code = e.code
                if code != 503 or not (e.headers.get("Retry-After") or "").isdigit():
                    with lock:
                        wrong.append(f"{target}: {code} {e.headers.get('Retry-After')!r}")
            except OSError as e:
                code = 0
                with lock:
                    wrong.append(f"{target}: {type(e).__name__}: {e}")
            with lock:
                codes[code] = codes.get(code, 0) + 1

    def cheap() -> None:
        for _ in range(CHEAP_REQUESTS):
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{url}/api/stats", timeout=60) as r:
                    r.read()
                latencies.append(time.perf_counter() - t0)
            except OSError as e:
                with lock:
                    wrong.append(f"/api/stats: {type(e).__name__}: {e}")
            time.sleep(0.02)  # pacing over the searches' run, not a trigger

    threads = [threading.Thread(target=hammer, args=(i,), daemon=True) for i in range(HAMMERS)]
    threads.append(threading.Thread(target=cheap, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)  # a bound on a hung client, not a trigger
    assert not any(t.is_alive() for t in threads), "a client hung"
    return latencies, codes, wrong


def test_cheap_requests_stay_fast_while_searches_pile_up(index_dir, tmp_path):
    medians = {}
    for heavy in ("8", "2"):  # every thread may search (as before the slots) / the default
        with running_server(index_dir, tmp_path / f"heavy{heavy}.log", "--threads", "8", "--heavy", heavy) as (url, proc):
            latencies, codes, wrong = cheap_beside_hammering(url)
            assert proc.poll() is None, "the server died"
        assert not wrong, wrong[:10]
        assert len(latencies) == CHEAP_REQUESTS and sum(codes.values()) == HAMMERS * HAMMER_REQUESTS
        assert codes.get(200, 0) > 0 and set(codes) <= {200, 503}, codes
        medians[heavy] = statistics.median(latencies)
        print(f"\n--heavy {heavy}: /api/stats median {medians[heavy] * 1000:.1f} ms, max {max(latencies) * 1000:.0f} ms "
              f"beside {HAMMERS} × {HAMMER_REQUESTS} searches ({codes})")
    # seen: 3-25× apart by how busy the machine is (the clients share it); 1.5× says the slots work
    assert medians["2"] * 1.5 <= medians["8"], medians
