"""Reindex under traffic: `edusearch serve` keeps answering every request while `edusearch reindex`
adds a file, removes another and rebuilds, and switches to each new generation without a restart."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from helpers import FIXTURES, GOV, SEED_000, SEED_003, edusearch_command, running_server

from indexer.search.engine import search
from indexer.store import generations as store
from indexer.store.build import reindex
from indexer.store.reader import Library

pytestmark = pytest.mark.slow

CMD = edusearch_command()
REMOVED = FIXTURES / "laws" / "白石县学生营养午餐管理办法(2017-09-01).md"
ADDED = FIXTURES / "laws" / "白石县中小学生校车安全管理条例(2021-10-23).md"
REMOVED_TEXT = "陪餐"  # only in the removed file
ADDED_TEXT = "校车服务提供者"  # only in the added file
QUERIES = ["防溺水", "教育公平", REMOVED_TEXT, ADDED_TEXT, "人民", "title:政府工作报告", "义务教育 OR 学前教育"]
THREADS = 4
MAX_REQUESTS = 4000  # bound on the whole load, whatever happens
MAX_SECONDS = 600  # a bound, never a trigger: the test waits for answered requests, not for time



def get_json(url: str, timeout: float = 10.0) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, json.loads(r.read().decode("utf-8"))


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for f in (SEED_000, SEED_003, REMOVED, *sorted(GOV.iterdir())[-3:]):
        shutil.copy(f, src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    return src, root


@pytest.fixture
def server(corpus, tmp_path):
    _src, root = corpus
    with running_server(root, tmp_path / "serve.log") as running:
        yield running


class Load:
    """THREADS clients looping over QUERIES until stopped (or MAX_REQUESTS / MAX_SECONDS)."""

    def __init__(self, url: str):
        self.url, self.stop = url, threading.Event()
        self.count, self.failures, self.lock = 0, [], threading.Lock()
        self.answered, self.changed = 0, threading.Condition()
        self.totals: dict[str, set[int]] = {q: set() for q in QUERIES}
        self.threads = [threading.Thread(target=self.worker, args=(i,), daemon=True) for i in range(THREADS)]
        self.t0 = time.monotonic()

    def worker(self, n: int) -> None:
        i = n
        while not self.stop.is_set() and time.monotonic() - self.t0 < MAX_SECONDS:
            with self.lock:
                if self.count >= MAX_REQUESTS:
                    return
                self.count += 1
            q = QUERIES[i % len(QUERIES)]
            i += 1
            try:
                status, data = get_json(f"{self.url}/api/search?q={quote(q)}&per_page=5")
                if status != 200 or "hits" not in data:
                    raise ValueError(f"status {status}: {str(data)[:200]}")
                with self.lock:
                    self.totals[q].add(data["total"])
            except (OSError, ValueError, urllib.error.HTTPError) as e:
                body = e.read().decode("utf-8", "replace")[:300] if isinstance(e, urllib.error.HTTPError) else ""
                with self.lock:
                    self.failures.append(f"{q}: {type(e).__name__}: {e} {body}")
            with self.changed:
                self.answered += 1
                self.changed.notify_all()

    def wait_answered(self, more: int) -> None:
        """Until `more` further requests have been answered (or the load has stopped)."""
        with self.changed:
            target = self.answered + more
            self.changed.wait_for(lambda: self.answered >= target or not any(t.is_alive() for t in self.threads),
                                  timeout=MAX_SECONDS)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def run_reindex(*args: str) -> str:
    r = subprocess.run([*CMD, "reindex", *args], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_reindex_while_serving(corpus, server):
    src, root = corpus
    url, proc = server
    pid = proc.pid
    status, before = get_json(f"{url}/api/search?q={quote(ADDED_TEXT)}")
    assert before["total"] == 0 or "没有找到与检索词完全一致" in (before["notice"] or "")
    assert get_json(f"{url}/api/search?q={quote(REMOVED_TEXT)}")[1]["total"] > 0
    first_gen = store.current_token(root)

    with Load(url) as load:
        load.wait_answered(20)
        shutil.copy(ADDED, src)
        (src / REMOVED.name).unlink()
        line = run_reindex("--index", str(root))
        assert "indexed 1" in line and "removed 1" in line, line
        load.wait_answered(20)
        run_reindex("--index", str(root), "--full")  # a whole new generation; the first one is cleaned up
        load.wait_answered(20)
        f = src / SEED_003.name
        f.write_text(f.read_text(encoding="utf-8") + "\n　　四、暑期防溺水家访\n　　全县教师开展暑期防溺水家访。\n",
                     encoding="utf-8")
        run_reindex("--index", str(root))
        load.wait_answered(20)
    assert not (root / first_gen).exists()  # the generation the server first opened is gone

    print(f"\n{load.count} requests in {time.monotonic() - load.t0:.1f} s, {len(load.failures)} failed")
    assert load.count >= 50
    assert not load.failures, load.failures[:10]
    assert proc.poll() is None and proc.pid == pid, "the server exited or was restarted"

    # the server answers from the newest generation, without a restart (it checks CURRENT on each request)
    _, added = get_json(f"{url}/api/search?q={quote(ADDED_TEXT)}&per_page=100")
    assert added["total"] > 0 and not added["notice"], added
    assert all(h["doc_id"].startswith("白石县中小学生校车安全管理条例") for h in added["hits"])
    _, removed = get_json(f"{url}/api/search?q={quote(REMOVED_TEXT)}&per_page=100")
    assert removed["total"] == 0 or "没有找到与检索词完全一致" in (removed["notice"] or ""), removed
    assert not any(h["doc_id"].startswith("白石县学生营养午餐管理办法") for h in removed["hits"])
    _, new_section = get_json(f"{url}/api/search?q={quote('暑期防溺水家访')}")
    assert new_section["total"] == 1
    _, stats = get_json(f"{url}/api/stats")
    assert stats["generation"] == store.current(root).name
    # same answers as a fresh reader of the live generation
    res = search(Library(root).reader(), ADDED_TEXT, per_page=100)
    assert res.mode == "exact" and res.total == added["total"]
    assert proc.poll() is None and proc.pid == pid
