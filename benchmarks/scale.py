"""How edusearch scales: the same corpus 1×, 2×, 4× over, edusearch and the tantivy peer in one run.

    python -m benchmarks.scale --corpus ../shared/corpus/laws --times 1,4,8 [--work DIR] [--skip-queries]
    python -m benchmarks.scale ... --queries-only   # again on the indexes an earlier run left in WORK

An N× corpus is N hard-linked copies of the corpus under different folder names (c1/, c2/, …),
so every report is indexed N times under different doc ids. The build groups them as copies of one
document, but they stand for N times as many documents, so the queries are timed with copies=all
(`--copies all`, the default): every copy a result of its own, ranked, counted and snippeted, as the
peer returns them (`--copies one` times what a user of that folder sees: each law once, its other
N-1 files listed as its sources, 1/N of the matches ranked). The keys
benchmarks/inproc.py lists for recall are every copy's, as the brute-force scan's are. For each size, in this order and one
at a time: a full edusearch reindex, edusearch's queries in-process (each one's time by search phase,
and 36 that find nothing with their suggestions) and over HTTP (then result pages and CSV downloads,
for the server's memory), then the tantivy + jieba peer's build and its queries: each engine queried
right after its own build (each query's own work: nothing one search verified is kept for the next). The
indexes stay in WORK (index-Nx), so --queries-only re-measures the queries on them. Build memory is the peak of the SUM of the resident
memory of the whole process tree (the worker processes included), sampled from
/proc every 0.2 s; PSS (shared pages counted once) is reported beside it. Results go to
WORK/scale.json; `python -m benchmarks.scale_report WORK/scale.json` turns them into the docs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import queries as query_list
from . import run
from .common import ROOT, machine, pct, phase_profile
from .run import dir_bytes, http, live_gen_bytes

SAMPLE_S = 0.2


def make_corpus(corpus: Path, times: int, dest: Path) -> Path:
    """`times` hard-linked copies of corpus under dest/c1 … dest/cN (no extra disk, same bytes)."""
    if dest.exists():
        shutil.rmtree(dest)
    for n in range(1, times + 1):
        shutil.copytree(corpus, dest / f"c{n}", copy_function=os.link)
    return dest


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _tree(pid: int) -> list[int]:
    kids, out, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _mem_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; (0, 0) when it has gone."""
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeSampler:
    """Peak summed RSS/PSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int):
        self.pid, self.peak_rss_kb, self.peak_pss_kb, self.peak_procs = pid, 0, 0, 0
        self.t0, self.peak_at = time.perf_counter(), 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = _tree(self.pid)
            mem = [_mem_kb(p) for p in pids]
            if sum(m[0] for m in mem) > self.peak_rss_kb:
                self.peak_rss_kb, self.peak_at = sum(m[0] for m in mem), time.perf_counter() - self.t0
            self.peak_pss_kb = max(self.peak_pss_kb, sum(m[1] for m in mem))
            self.peak_procs = max(self.peak_procs, sum(1 for m in mem if m[0]))
            self._stop.wait(SAMPLE_S)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        return {"tree_peak_rss_mb": self.peak_rss_kb / 1024, "tree_peak_pss_mb": self.peak_pss_kb / 1024,
                "tree_procs": self.peak_procs, "tree_peak_at_s": self.peak_at}


def measured(cmd: list[str], cwd: Path) -> tuple[dict, str]:
    """Run cmd, sampling its process tree; wall seconds and memory peaks, and its stdout."""
    t, cpu = time.perf_counter(), _children_cpu()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    out, err = proc.communicate()
    mem = sampler.stop()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"wall_seconds": time.perf_counter() - t, "cpu_seconds": _children_cpu() - cpu, **mem}, out


def _children_cpu() -> float:
    """CPU seconds of every waited-for descendant (workers are joined by their parents): on a
    shared machine, a steadier measure of the work done than wall time."""
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def edusearch_build(corpus: Path, index: Path, code: Path) -> dict:
    shutil.rmtree(index, ignore_errors=True)
    mem, out = measured([sys.executable, "-m", "benchmarks.build", "--corpus", str(corpus), "--index", str(index),
                         "--full"], code)
    res = json.loads(out)
    return {**res, **mem, "index_bytes": live_gen_bytes(index)}


def tantivy_build(corpus: Path, qfile: Path, work: Path) -> dict:
    sections = work / "sections.jsonl"
    counts = json.loads(subprocess.run(
        [sys.executable, "-c", "import json,sys; from pathlib import Path; from benchmarks.export import export; "
         "print(json.dumps(export(Path(sys.argv[1]), Path(sys.argv[2]))))", str(corpus), str(sections)],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    wd, out = work / "peer-tantivy", work / "peer-tantivy.json"
    shutil.rmtree(wd, ignore_errors=True)
    wd.mkdir(parents=True)
    mem, _ = measured([sys.executable, "-m", "benchmarks.peers.run_peer", "tantivy", "--sections", str(sections),
                       "--queries", str(qfile), "--workdir", str(wd), "--out", str(out)], ROOT)
    res = json.loads(out.read_text(encoding="utf-8"))
    ms = [q["ms"] for q in res["queries"]]
    shutil.rmtree(wd, ignore_errors=True)
    sections.unlink()
    return {"build_seconds": res["build_seconds"], "build_cpu_seconds": res.get("build_cpu_seconds"), "index_bytes": res["index_bytes"], **mem, **counts,
            "query_p50_ms": pct(ms, 50), "query_p95_ms": pct(ms, 95)}


def edusearch_queries(index: Path, qfile: Path, zfile: Path, work: Path, code: Path, copies: str = "all") -> dict:
    """The queries in one process (each one's time by phase, the zero-result ones apart), then over HTTP
    with result pages and downloads, reading the server's memory. copies="all" by default: the N copies
    stand for N times as many documents, and showing each law once would rank 1/N of the matches."""
    out = work / "inproc.json"
    subprocess.run([sys.executable, "-m", "benchmarks.inproc", "--index", str(index), "--queries", str(qfile),
                    "--zero", str(zfile), "--out", str(out), "--no-keys", "--copies", copies],
                   cwd=code, check=True, capture_output=True)
    res = json.loads(out.read_text(encoding="utf-8"))
    ms = [q["ms"] for q in res["queries"]]
    zero_ms = [q["ms"] for q in res["zero"]]
    served = http(index, json.loads(qfile.read_text(encoding="utf-8")), json.loads(zfile.read_text(encoding="utf-8")),
                  copies)
    return {"copies": copies, "inproc_p50_ms": pct(ms, 50), "inproc_p95_ms": pct(ms, 95), "inproc_peak_rss_mb": res["peak_rss_bytes"] / 2**20,
            "http_p50_ms": served["p50"], "http_p95_ms": served["p95"], "server_rss_start_mb": served["rss_start_mb"],
            "server_rss_end_mb": served["rss_end_mb"], "server_rss_peak_mb": served["rss_peak_mb"],
            "exports_refused": served["exports_refused"],
            "phases": phase_profile(res["queries"]), "zero_phases": phase_profile(res["zero"]),
            "zero_p50_ms": pct(zero_ms, 50), "zero_max_ms": max(zero_ms), "zero_http_p50_ms": pct(served["zero_ms"], 50),
            "zero_http_max_ms": max(served["zero_ms"]),
            "zero": [{k: q[k] for k in ("q", "kind", "ms", "total", "suggestions")} for q in res["zero"]],
            "queries": [{"q": q["q"], "ms": q["ms"], "total": q["total"], "phases": q["phases"]} for q in res["queries"]],
            "http_each_ms_list": served["ms"], "zero_http_each_ms_list": served["zero_ms"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "laws",
                    help="the corpus copied N times (default: shared/corpus/laws beside the checkout)")
    ap.add_argument("--times", default="1,4,8")
    ap.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md's scaling section as it is")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "scale")
    ap.add_argument("--code", type=Path, default=ROOT, help="edusearch checkout to build with (for before/after)")
    ap.add_argument("--skip-tantivy", action="store_true")
    ap.add_argument("--skip-queries", action="store_true")
    ap.add_argument("--out", type=Path, help="result file (default WORK/scale.json)")
    ap.add_argument("--copies", choices=["one", "all"], default="all",
                    help="all (default): each of the N copies a result of its own, as N times as many documents; "
                         "one: each law once, its other copies listed as its sources, as a user of that folder sees it")
    ap.add_argument("--queries-only", action="store_true",
                    help="re-measure queries and server memory on the indexes an earlier run left in WORK")
    a = ap.parse_args()
    run.edusearch_cmd = lambda: [sys.executable, "-m", "indexer.cli"]  # the server runs this checkout's code
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    qfile, zfile = work / "queries.json", work / "zero.json"
    query_list.write(qfile)
    query_list.write(zfile, query_list.zero_queries())
    out = a.out or work / "scale.json"
    results = json.loads(out.read_text()) if out.exists() else {"machine": machine(), "corpus": str(a.corpus), "rows": []}
    if a.queries_only:
        for row in results["rows"]:
            if str(row["times"]) in a.times.split(","):
                row["edusearch"].update(edusearch_queries(work / f"index-{row['times']}x", qfile, zfile, work,
                                                          a.code.resolve(), a.copies))
                row["queries_measured"] = time.strftime("%H:%M:%S")
                print(f"[{row['times']}x] queries {json.dumps({k: round(v, 1) for k, v in row['edusearch'].items() if k.endswith(('_ms', '_mb'))})}",
                      flush=True)
                out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        return
    for times in (int(x) for x in a.times.split(",")):
        corpus = make_corpus(a.corpus.resolve(), times, work / f"corpus-{times}x")
        index = work / f"index-{times}x"
        row: dict = {"times": times, "corpus_bytes": dir_bytes(corpus), "started": time.strftime("%H:%M:%S")}
        row["edusearch"] = edusearch_build(corpus, index, a.code.resolve())
        print(f"[{times}x] edusearch {row['edusearch']['seconds']:.1f} s, "
              f"tree peak RSS {row['edusearch']['tree_peak_rss_mb']:.0f} MB", flush=True)
        # each engine queried right after its own build, its index as the build left it in the page cache
        # (the peer's 4 GB build between edusearch's build and its queries pushed out the index it queried)
        if not a.skip_queries:
            row["edusearch"].update(edusearch_queries(index, qfile, zfile, work, a.code.resolve(), a.copies))
            print(f"[{times}x] queries {json.dumps({k: round(v, 1) for k, v in row['edusearch'].items() if k.endswith(('_ms', '_mb'))})}",
                  flush=True)
        if not a.skip_tantivy:
            row["tantivy"] = tantivy_build(corpus, qfile, work)
            print(f"[{times}x] tantivy {row['tantivy']['build_seconds']:.1f} s", flush=True)
        results["rows"] = [r for r in results["rows"] if r["times"] != times] + [row]  # a size measured again replaces it
        out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
        shutil.rmtree(corpus, ignore_errors=True)
    if not (a.no_docs or a.skip_queries or a.skip_tantivy):  # the section compares with the peer
        from . import scale_report

        scale_report.write(results, "python -m benchmarks.scale " + " ".join(sys.argv[1:]), ROOT / "docs")
        print("wrote docs/benchmarks.md (scaling) and docs/bench-scaling.png", flush=True)


if __name__ == "__main__":
    main()
