"""What a reader keeps of one search for the next (indexer/store/kept.py): a user's clicks after a first page
(the next page, a year, a sort by date) timed with nothing kept and with the server's default budget.

    python -m benchmarks.kept --index DIR   # an index of a large collection, e.g. the scaling benchmark's index-8x
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchmarks.common import pct
from indexer.search.engine import search, warm
from indexer.store.kept import KEPT_BYTES
from indexer.store.reader import Library

QUERIES = ["人民法院", "中华人民共和国", "刑事责任", "县级以上地方人民政府", "个人信息", "安全生产", "国务院有关部门", "行政处罚"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=2, help="runs of each, alternated (the page cache warms for both)")
    a = ap.parse_args()
    for _ in range(a.runs):
        for kept_bytes in (0, KEPT_BYTES):
            first, later, kept = clicks(Library(a.index, kept_bytes=kept_bytes).reader())
            print(f"kept {kept_bytes >> 20} MB: first page median {statistics.median(first):.1f} ms; the next page, "
                  f"a year, a sort: median {statistics.median(later):.1f} ms, p95 {pct(later, 95):.1f} ms; "
                  f"{kept / 2**20:.1f} MB kept", flush=True)


def clicks(reader) -> tuple[list[float], list[float], int]:
    """(ms of each first page, ms of the requests after it, bytes kept at the end)."""
    warm(reader)
    first, later = [], []
    for q in QUERIES:
        for i, (query, kw) in enumerate([(q, {}), (q, {"page": 2}), (f"{q} year:2000-2010", {}), (q, {"sort": "newest"})]):
            t = time.perf_counter()
            search(reader, query, copies="all", **kw)
            (first if i == 0 else later).append((time.perf_counter() - t) * 1000)
    return first, later, reader.kept.nbytes


if __name__ == "__main__":
    main()
