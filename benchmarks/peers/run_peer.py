"""Run one peer engine on sections.jsonl + queries.json and write its result file (see FORMATS.md).

    python -m benchmarks.peers.run_peer NAME --sections FILE --queries FILE --workdir DIR --out FILE

NAME is brute, sqlite, tantivy or whoosh274. The index is built in DIR/NAME (wiped first) and timed
(wall seconds); its size is the bytes on disk, or for an in-memory engine its estimated size.
Every query is run once, in order, timed with perf_counter including producing the key list.
Peak RSS is this process's (or a worker's, if larger). One peer per process, so peak memory
and imports do not mix between engines.

whoosh274 needs the original Whoosh 2.7.4, which shares the import name `whoosh` with the
project's whoosh3: the runner then creates benchmarks/.venv-whoosh274 if missing and re-runs
itself with that venv's python. This module therefore imports only the standard library at the
top; a peer's module is imported when it is run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .common import Engine, Section

PEERS = {"brute": "brute", "sqlite": "sqlite_peer", "tantivy": "tantivy_peer", "whoosh274": "whoosh274_peer"}
REPO = Path(__file__).resolve().parents[2]
WHOOSH_VENV = REPO / "benchmarks" / ".venv-whoosh274"
WHOOSH_REQS = ["whoosh==2.7.4", "jieba==0.42.1"]


def load_sections(path: Path) -> list[Section]:
    """Only what peers may use: key, year and parts (title/heading/text are dropped to spare memory)."""
    out: list[Section] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out.append(Section(row["key"], row.get("year"), row["parts"]))
    return out


def load_queries(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def peak_rss_bytes() -> int:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, children_kb) * 1024


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers (a forked pool is joined when it closes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run(name: str, sections_path: Path, queries_path: Path, workdir: Path) -> dict:
    peer = importlib.import_module(f"{__package__ or 'benchmarks.peers'}.{PEERS[name]}")
    sections = load_sections(sections_path)
    queries = load_queries(queries_path)
    index_dir = workdir / name
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)

    t0, cpu0 = time.perf_counter(), cpu_seconds()
    engine: Engine = peer.build(sections, index_dir)
    build_seconds = time.perf_counter() - t0
    build_cpu_seconds = cpu_seconds() - cpu0
    index_bytes = disk_bytes(index_dir)
    if index_bytes == 0 and hasattr(engine, "memory_bytes"):
        index_bytes = engine.memory_bytes()
    n_sections = len(sections)
    del sections

    rows = []
    for qd in queries:
        year = tuple(qd["year"]) if qd.get("year") else None
        needles = list(qd["needles"])
        row: dict = {"q": qd["q"]}
        t = time.perf_counter()
        try:
            keys = engine.search(needles, year)
        except Exception as e:  # one bad query must not lose the run; it is reported, not hidden
            keys, row["error"] = [], f"{type(e).__name__}: {e}"
        row["ms"] = (time.perf_counter() - t) * 1000
        row["keys"] = keys
        rows.append(row)
    return {"name": name, "version": peer.version(), "sections": n_sections, "build_seconds": build_seconds,
            "build_cpu_seconds": build_cpu_seconds,
            "index_bytes": index_bytes, "peak_rss_bytes": peak_rss_bytes(), "queries": rows}


def in_whoosh_venv() -> bool:
    return Path(sys.prefix).resolve() == WHOOSH_VENV.resolve()


def ensure_whoosh_venv() -> Path:
    """benchmarks/.venv-whoosh274 with Whoosh 2.7.4 and jieba; made once."""
    python = WHOOSH_VENV / "bin" / "python"
    ready = WHOOSH_VENV / ".ready"
    if not ready.exists():
        print(f"creating {WHOOSH_VENV} ({', '.join(WHOOSH_REQS)})", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(WHOOSH_VENV)], check=True)
        (WHOOSH_VENV / ".gitignore").write_text("*\n", encoding="utf-8")  # as Python 3.13's venv does
        subprocess.run([str(python), "-m", "pip", "install", "-q", *WHOOSH_REQS], check=True)
        ready.write_text(" ".join(WHOOSH_REQS) + "\n", encoding="utf-8")
    return python


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(prog="python -m benchmarks.peers.run_peer", description=__doc__.splitlines()[0])
    ap.add_argument("name", choices=sorted(PEERS))
    ap.add_argument("--sections", required=True, type=Path)
    ap.add_argument("--queries", required=True, type=Path)
    ap.add_argument("--workdir", required=True, type=Path)
    ap.add_argument("--out", required=True, type=Path)
    a = ap.parse_args(argv)

    if a.name == "whoosh274" and not in_whoosh_venv():
        python = ensure_whoosh_venv()
        env = dict(os.environ, PYTHONPATH=str(REPO))
        rc = subprocess.run([str(python), "-m", "benchmarks.peers.run_peer", *argv], env=env).returncode
        sys.exit(rc)

    result = run(a.name, a.sections, a.queries, a.workdir)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    total_ms = sum(q["ms"] for q in result["queries"])
    errors = sum(1 for q in result["queries"] if "error" in q)
    print(f"{a.name} ({result['version']}): {result['sections']} sections, build {result['build_seconds']:.2f} s, "
          f"index {result['index_bytes'] / 1e6:.1f} MB, {len(result['queries'])} queries in {total_ms:.0f} ms"
          f"{f', {errors} errors' if errors else ''}, peak RSS {result['peak_rss_bytes'] / 1e6:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
