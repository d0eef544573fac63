"""Benchmark edusearch against peers on one corpus; write docs/benchmarks.md and plots.

    python -m benchmarks.run --corpus ../shared/corpus/laws [--work DIR] [--sizes 0.1,0.25,0.5,1] [--skip-whoosh274]

Everything is measured in this run, on this machine: figures are medians and
percentiles over the fixed query list, with ratios against the brute-force scan
measured in the same run. Each engine runs in its own process.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from . import queries as query_list
from .common import ROOT, machine, pct
from .export import export

PEERS = ["brute", "sqlite", "tantivy", "whoosh274"]
COLD_QUERIES = ["人民法院", "防溺水", "个人信息", "行政处罚 year:2010-2020", "pm2.5"]


def py(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=True, **kw)


def edusearch_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("edusearch")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "indexer.cli"]


def summary(ms: list[float]) -> dict:
    return {"p50": pct(ms, 50), "p95": pct(ms, 95), "p99": pct(ms, 99), "max": max(ms) if ms else float("nan")}


# -- edusearch -------------------------------------------------------------------


def build(corpus: Path, index: Path, full: bool = True) -> dict:
    args = ["-m", "benchmarks.build", "--corpus", str(corpus), "--index", str(index)] + (["--full"] if full else [])
    return json.loads(py(*args).stdout)


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def live_gen_bytes(index: Path) -> int:
    name = (index / "CURRENT").read_text().strip()
    return dir_bytes(index / name)


def incremental(corpus: Path, index: Path) -> dict:
    """Change one file's content, reindex, time it (median of 3 different edits)."""
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".md", ".txt"))
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    times = []
    for n in range(3):
        target.write_text(original + f"\n\n第九百九十{n}条 基准测试追加的条文{n}。\n", encoding="utf-8")
        r = build(corpus, index, full=False)
        assert r["indexed"] == 1, r
        times.append(r["seconds"])
    target.write_text(original, encoding="utf-8")
    build(corpus, index, full=False)
    return {"seconds": statistics.median(times), "runs": times, "file": target.name}


def inproc(index: Path, qfile: Path, out: Path, zfile: Path | None = None) -> dict:
    py("-m", "benchmarks.inproc", "--index", str(index), "--queries", str(qfile), "--out", str(out),
       *(["--zero", str(zfile)] if zfile else []))
    return json.loads(out.read_text(encoding="utf-8"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


EXPORTS = ["个人信息", "行政复议", "义务教育", "突发事件", "知识产权 保护"]  # downloads asked after the pages


@contextlib.contextmanager
def serving(index: Path):
    """`edusearch serve` on a free port, once it answers: (its address, its process), stopped after. It keeps
    nothing one search verified for the next (--kept-mb 0): each query's time is its own work."""
    port = free_port()
    proc = subprocess.Popen([*edusearch_cmd(), "serve", "--index", str(index), "--port", str(port), "--kept-mb", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/stats", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def http(index: Path, queries: list[dict], zero: list[dict] | None = None, copies: str = "one") -> dict:
    """The queries over /api/search, timed; then the zero-result ones (timed apart), 20 result pages and
    the EXPORTS as CSV, untimed: the server's resident memory is read at the start, the end and its peak.
    copies="all": every copy of a document a result of its own (copies=all in each URL)."""
    extra = {"copies": "all"} if copies == "all" else {}
    with serving(index) as (base, proc):
        started_rss = rss_kb(proc.pid)

        def timed(qs: list[dict]) -> list[float]:
            ms = []
            for qd in qs:
                url = base + "/api/search?" + urllib.parse.urlencode({"q": qd["q"], **extra})
                t = time.perf_counter()
                body = urllib.request.urlopen(url, timeout=60).read()
                ms.append((time.perf_counter() - t) * 1000)
                json.loads(body)
            return ms

        ms = timed(queries)
        zero_ms = timed(zero or [])
        # and the pages people see: results pages, then downloads of every hit
        for qd in queries[:20]:
            urllib.request.urlopen(base + "/search?" + urllib.parse.urlencode({"q": qd["q"], **extra}), timeout=60).read()
        refused = []
        for q in EXPORTS:
            try:
                with urllib.request.urlopen(base + "/export.csv?" + urllib.parse.urlencode({"q": q, **extra}),
                                            timeout=600) as resp:
                    while resp.read(1 << 16):
                        pass
            except urllib.error.HTTPError as e:  # 503: the server's time budget would have cut the file short
                refused.append(f"{q}: {e.code}")
        return {"ms": ms, **summary(ms), "zero_ms": zero_ms, "exports_refused": refused, "rss_start_mb": started_rss / 1024,
                "rss_end_mb": rss_kb(proc.pid) / 1024, "rss_peak_mb": rss_kb(proc.pid, "VmHWM") / 1024}


def cold(index: Path) -> dict:
    times = []
    for q in COLD_QUERIES:
        t = time.perf_counter()
        subprocess.run([*edusearch_cmd(), "search", q, "--index", str(index)], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - t)
    return {"seconds": statistics.median(times), "runs": times}


# -- peers -----------------------------------------------------------------------------


def run_peer(name: str, sections: Path, qfile: Path, work: Path) -> dict:
    out = work / f"peer-{name}.json"
    wd = work / f"peer-{name}"
    shutil.rmtree(wd, ignore_errors=True)
    wd.mkdir(parents=True)
    t = time.perf_counter()
    py("-m", "benchmarks.peers.run_peer", name, "--sections", str(sections), "--queries", str(qfile),
       "--workdir", str(wd), "--out", str(out))
    res = json.loads(out.read_text(encoding="utf-8"))
    res["process_seconds"] = time.perf_counter() - t
    shutil.rmtree(wd, ignore_errors=True)
    return res


def quality(keys_by_q: dict[str, list[str]], truth: dict[str, list[str]]) -> dict:
    tp = fp = fn = 0
    misses = []
    for q, want in truth.items():
        got, want_set = set(keys_by_q.get(q, [])), set(want)
        tp += len(got & want_set)
        fp += len(got - want_set)
        fn += len(want_set - got)
        if want_set - got:
            misses.append(q)
    return {"recall": tp / (tp + fn) if tp + fn else 1.0, "precision": tp / (tp + fp) if tp + fp else 1.0,
            "queries_missing_results": misses}


# -- the run -------------------------------------------------------------------------------


def subset(files: list[Path], frac: float) -> list[Path]:
    step = max(1, round(1 / frac))
    return files if frac >= 1 else files[::step]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True, type=Path)
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results")
    ap.add_argument("--sizes", default="0.1,0.25,0.5,1")
    ap.add_argument("--skip-whoosh274", action="store_true", help="the obvious design takes minutes to build")
    a = ap.parse_args()
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    qfile, zfile = work / "queries.json", work / "zero.json"
    queries = query_list.write(qfile)
    zero = query_list.write(zfile, query_list.zero_queries())
    peers = [p for p in PEERS if not (a.skip_whoosh274 and p == "whoosh274")]
    results: dict = {"machine": machine(), "corpus": str(a.corpus), "queries": len(queries), "sizes": []}
    files = sorted(p for p in a.corpus.rglob("*") if p.is_file() and p.suffix.lower() in (".md", ".txt", ".html"))

    for frac in sorted(float(x) for x in a.sizes.split(",")):
        chosen = subset(files, frac)
        copy = work / f"corpus-{frac}"
        shutil.rmtree(copy, ignore_errors=True)
        for f in chosen:
            dst = copy / f.relative_to(a.corpus)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dst)
        sections = work / f"sections-{frac}.jsonl"
        counts = export(copy, sections)
        print(f"[{frac}] {counts}", flush=True)
        index = work / f"index-{frac}"
        shutil.rmtree(index, ignore_errors=True)
        row: dict = {"fraction": frac, **counts}
        row["edusearch_build"] = build(copy, index)
        row["edusearch_bytes"] = live_gen_bytes(index)
        print(f"[{frac}] edusearch build {row['edusearch_build']['seconds']:.1f} s", flush=True)
        row["peers"] = {}
        for name in peers:
            res = run_peer(name, sections, qfile, work)
            row["peers"][name] = {k: v for k, v in res.items() if k != "queries"}
            row["peers"][name]["query_ms"] = [x["ms"] for x in res["queries"]]
            row["peers"][name]["keys"] = {x["q"]: x["keys"] for x in res["queries"]}
            print(f"[{frac}] {name} build {res['build_seconds']:.1f} s", flush=True)
        if frac >= 1:
            row["edusearch_inproc"] = inproc(index, qfile, work / "edusearch-inproc.json", zfile)
            row["edusearch_http"] = http(index, queries, zero)
            row["edusearch_cold"] = cold(index)
            row["edusearch_incremental"] = incremental(copy, index)
        results["sizes"].append(row)
        shutil.rmtree(copy, ignore_errors=True)

    full = results["sizes"][-1]
    truth = full["peers"]["brute"]["keys"]
    eng = {"edusearch": {q["q"]: q["keys"] for q in full["edusearch_inproc"]["queries"]}}
    eng.update({n: full["peers"][n]["keys"] for n in peers})
    results["quality"] = {n: quality(k, truth) for n, k in eng.items()}
    for row in results["sizes"]:
        for p in row["peers"].values():
            p.pop("keys", None)
    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    from .report import write_report

    write_report(results, queries, ROOT / "docs")
    print("wrote docs/benchmarks.md", flush=True)


if __name__ == "__main__":
    main()
