"""Crash safety: `edusearch reindex` SIGKILLed at every stage leaves the live index as it was,
searchable with the same answers, and nothing that blocks the next run; two at once are refused.

Each kill stops `edusearch reindex` at a named point of the builder (indexer.store.checkpoints: the run
writes a marker and waits there), then SIGKILLs it, so every test kills at the same place on a fast
or a slow machine. The corpus (the seed reports, a law and every other report fixture) holds enough
files for worker processes; each run has its own session so that whatever it leaves behind can be
found and, at teardown, ended.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import FIXTURES, GOV, SEED_000, SEED_003

from indexer.search.engine import search
from indexer.store import generations as store
from indexer.store.build import reindex
from indexer.store.reader import Library

pytestmark = pytest.mark.slow

EXE = Path(sys.executable).with_name("edusearch")
CMD = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "indexer.cli"]
QUERIES = ["防溺水", "教育公平", "陪餐", "工作总结", "人民", "政府工作报告", "1998年"]
LAW = FIXTURES / "laws" / "白石县学生营养午餐管理办法(2017-09-01).md"
EXTRA = sorted(GOV.iterdir())[::2]  # 9 reports, 12 files in all: parsing runs in worker processes
LOCK_GRACE_S = 60.0  # an upper bound on the release of a killed run's lock (it is immediate)


# -- helpers ------------------------------------------------------------------------------------

def answers(root: Path) -> dict:
    """What the served index says, through a fresh Library as the web app would open it."""
    reader = Library(root).reader()
    out = {}
    for q in QUERIES:
        res = search(reader, q, per_page=50)
        out[q] = (res.total, res.mode, [(h.doc_id, h.section_id, h.snippet_html) for h in res.hits])
    return out


def same_sections(a: tuple, b: tuple) -> bool:
    """The same total, mode and sections with the same snippets, in any order."""
    return a[:2] == b[:2] and sorted(a[2]) == sorted(b[2])


def lock_is_free(root: Path) -> bool:
    fd = os.open(root / store.LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def wait_lock_free(root: Path, timeout: float = LOCK_GRACE_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if lock_is_free(root):
            return True
        time.sleep(0.05)
    return lock_is_free(root)


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def new_gens(root: Path, old: set[str]) -> list[Path]:
    return [p for p in root.glob("gen-*") if p.name not in old]


class Run:
    """One `edusearch …` subprocess in its own session; every process it started is ended at close().

    With `stop_at`, the reindex stops at that named point of the builder (indexer.store.checkpoints):
    it writes `marker` and waits there, so the test acts at the same place on any machine."""

    def __init__(self, args: list[str], stop_at: str | None = None, marker: Path | None = None):
        env = dict(os.environ)
        if stop_at:
            env.update(EDUSEARCH_STOP_AT=stop_at, EDUSEARCH_STOP_MARKER=str(marker))
        self.marker = marker
        self.proc = subprocess.Popen([*CMD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True, env=env)
        self.pid = self.proc.pid
        self.t0 = time.monotonic()
        self.kids: set[int] = set()

    def wait_stopped(self) -> None:
        """Until the run reports its stop point; fails with its output if it ended first."""
        if not wait_for(self, self.marker.exists):
            out, err = self.proc.communicate(timeout=30) if self.proc.poll() is not None else ("", "")
            pytest.fail(f"stop point not reached (rc {self.proc.returncode}): {err[-2000:]}")
        self.watch()

    def resume(self) -> None:
        self.marker.with_name(self.marker.name + ".go").write_text("go")

    def watch(self) -> None:
        self.kids.update(children(self.pid))

    def kill(self) -> bool:
        """SIGKILL the reindex process itself (not its group): True if it was still running."""
        self.watch()
        running = self.proc.poll() is None
        if running:
            os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        return running

    def survivors(self, wait: float = 60.0) -> list[int]:
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(alive(k) for k in self.kids):
            time.sleep(0.05)
        return [k for k in self.kids if alive(k)]

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.communicate(timeout=10)


def wait_for(run: Run, cond, timeout: float = 120.0) -> bool:
    """Poll cond() every 2 ms; False if the run ended (or time ran out) first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.watch()
        if cond():
            return True
        if run.proc.poll() is not None:
            return cond()
        time.sleep(0.002)
    return False


# -- fixtures ---------------------------------------------------------------------------------------

def three_file_index(tmp: Path) -> tuple[Path, Path]:
    """Two seed pages and a law in tmp/src, indexed in tmp/index."""
    src = tmp / "src"
    src.mkdir()
    for f in (SEED_000, SEED_003, LAW):
        shutil.copy(f, src)
    root = tmp / "index"
    reindex(root, [src], progress=False)
    return src, root


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A source folder (3 files indexed, 9 more added since) and its small live index, with its answers."""
    src, root = three_file_index(tmp_path_factory.mktemp("crash"))
    for f in EXTRA:
        shutil.copy(f, src)
    return src, root, answers(root)


@pytest.fixture
def root(base, tmp_path):
    """A private copy of the base index (CURRENT points to the same generation name)."""
    _src, base_root, _ = base
    dst = tmp_path / "index"
    shutil.copytree(base_root, dst, symlinks=True)
    return dst


@pytest.fixture
def runs():
    started: list[Run] = []
    yield started
    for r in started:
        r.close()


def start(runs: list, args: list[str], stop_at: str | None = None, marker: Path | None = None) -> Run:
    r = Run(args, stop_at, marker)
    runs.append(r)
    return r


def assert_unchanged(root: Path, live_name: str, expected: dict, where: str) -> None:
    gen = store.current(root)
    assert gen is not None and gen.name == live_name, f"{where}: live generation changed to {gen}"
    assert answers(root) == expected, f"{where}: the served index answers differently"


def assert_next_reindex_works(root: Path, where: str) -> None:
    """The next run is not refused: the lock is free (a refused run exits 2 at once)."""
    free = wait_lock_free(root)
    holder = (root / store.LOCK).read_text().strip()
    assert free, f"{where}: index/LOCK still held {LOCK_GRACE_S} s after the kill (pid file says {holder})"


# -- kills at each named point of a full rebuild ------------------------------------------------------

@pytest.mark.parametrize("point", ["start", "scan", "parse", "index", "commit", "finish"])
def test_kill_during_full_rebuild(base, root, runs, tmp_path, point):
    _src, _base_root, expected = base
    live = store.current(root).name
    before_lib = Library(root)
    before_reader = before_lib.reader()

    run = start(runs, ["reindex", "--index", str(root), "--full"], point, tmp_path / "marker")
    run.wait_stopped()
    assert run.kill(), f"the run ended at {point!r} instead of waiting there"

    assert_unchanged(root, live, expected, f"kill at {point}")
    # a reader opened before the kill keeps answering, and the library keeps its generation
    assert before_lib.reader() is before_reader
    assert search(before_reader, "防溺水").total == expected["防溺水"][0]
    assert (root / store.CURRENT).read_text().strip() == live
    try:
        assert_next_reindex_works(root, f"kill at {point}")
    finally:
        run.close()  # end orphans (if any) so the other tests are not blocked


def kill_while_parsing(root: Path, runs: list, marker: Path) -> Run:
    """Start a full rebuild and SIGKILL it while its worker processes parse files."""
    run = start(runs, ["reindex", "--index", str(root), "--full"], "parse", marker)
    run.wait_stopped()
    assert run.kids, "the corpus has more than 8 files, so parsing runs in worker processes"
    assert run.kill()
    return run


def test_kill_during_parse_then_next_reindex_is_not_refused(base, root, runs, tmp_path):
    """The user-visible effect of a kill while files are being parsed: `edusearch reindex` again."""
    run = kill_while_parsing(root, runs, tmp_path / "marker")
    try:
        nxt = subprocess.run([*CMD, "reindex", "--index", str(root)], capture_output=True, text=True, timeout=180)
        assert "another reindex is running" not in nxt.stderr, (
            f"stale lock: a reindex killed during parsing left {run.survivors(0)} holding index/LOCK")
        assert nxt.returncode == 0, nxt.stderr
    finally:
        run.close()


def test_kill_during_parse_leaves_no_orphan_workers(base, root, runs, tmp_path):
    """The parse workers of a killed run end with it rather than living on (holding memory and index/LOCK)."""
    run = kill_while_parsing(root, runs, tmp_path / "marker")
    try:
        survivors = run.survivors()
        assert not survivors, f"worker processes of the killed run still alive a minute later: {survivors}"
    finally:
        run.close()


# -- kills at exact points of publishing -----------------------------------------------------------------

@pytest.fixture
def small(tmp_path):
    """A 3-file corpus and its index, quick to update incrementally."""
    return three_file_index(tmp_path)


@pytest.mark.parametrize("point", ["before-pointer", "pointer-written", "after-swap"])
def test_kill_while_publishing(small, runs, tmp_path, point):
    src, root = small
    expected = answers(root)
    live = store.current(root).name
    f = src / SEED_003.name
    f.write_text(f.read_text(encoding="utf-8") + "\n　　四、暑期防溺水家访\n　　全县教师开展暑期防溺水家访。\n",
                 encoding="utf-8")
    run = start(runs, ["reindex", "--index", str(root)], point, tmp_path / "marker")
    run.wait_stopped()
    assert run.kill()

    if point == "after-swap":
        gen = store.current(root)
        assert gen.name != live and (gen / store.MANIFEST).is_file()
        assert search(Library(root).reader(), "暑期防溺水家访").total == 1
    else:
        assert_unchanged(root, live, expected, f"kill at {point}")
        assert search(Library(root).reader(), "暑期防溺水家访").total == 0
    assert_next_reindex_works(root, f"kill at {point}")

    nxt = subprocess.run([*CMD, "reindex", "--index", str(root)], capture_output=True, text=True, timeout=120)
    assert nxt.returncode == 0, nxt.stderr
    assert search(Library(root).reader(), "暑期防溺水家访").total == 1
    assert answers(root)["陪餐"] == expected["陪餐"]
    # what the killed run left is gone: only complete generations, the live one and at most KEEP_OLD more
    gens = list(root.glob("gen-*"))
    assert all((g / store.MANIFEST).is_file() for g in gens), gens
    assert len(gens) <= 1 + store.KEEP_OLD


# -- repeated kills, then a run that completes -----------------------------------------------------------

def test_repeated_kills_then_complete_run(base, root, runs, tmp_path):
    src, _base_root, expected = base
    live = store.current(root).name
    old = {p.name for p in root.glob("gen-*")}
    for point in ("scan", "commit"):
        run = start(runs, ["reindex", "--index", str(root), "--full"], point, tmp_path / f"marker-{point}")
        run.wait_stopped()
        assert run.kill(), point
        run.survivors()
        run.close()
        assert_unchanged(root, live, expected, f"kill at {point}")
    leftovers = new_gens(root, old)
    assert leftovers and not any((g / store.MANIFEST).exists() for g in leftovers)

    done = subprocess.run([*CMD, "reindex", "--index", str(root)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"indexed {len(EXTRA)}, unchanged 3" in done.stdout, done.stdout
    after = answers(root)
    assert after["政府工作报告"][0] > 0 and after["陪餐"][0] == expected["陪餐"][0]
    assert same_sections(after["防溺水"], expected["防溺水"])  # order may move: 18 more reports change the statistics
    assert store.current(root).name != live
    for g in leftovers:
        assert not g.exists(), f"unfinished generation {g.name} was not removed"
    stats = Library(root).reader().stats()
    assert stats.files == 3 + len(EXTRA)


# -- two at once -----------------------------------------------------------------------------------------

def test_second_concurrent_reindex_is_refused(base, root, runs, tmp_path):
    from indexer.store.generations import IndexLocked

    src, _base_root, expected = base
    live = store.current(root).name
    first = start(runs, ["reindex", "--index", str(root), "--full"], "scan", tmp_path / "marker")
    first.wait_stopped()  # holding the lock, waiting
    assert not lock_is_free(root)

    second = subprocess.run([*CMD, "reindex", "--index", str(root)], capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    assert "another reindex is running" in second.stderr and "Traceback" not in second.stderr
    with pytest.raises(IndexLocked):
        reindex(root, progress=False)
    assert_unchanged(root, live, expected, "while the first run holds the lock")

    first.resume()
    out, err = first.proc.communicate(timeout=300)
    assert first.proc.returncode == 0, err
    assert out.strip().startswith(f"full rebuild (--full): {3 + len(EXTRA)} files"), out
    after = answers(root)
    assert after["政府工作报告"][0] > 0 and same_sections(after["防溺水"], expected["防溺水"])
    assert lock_is_free(root)
