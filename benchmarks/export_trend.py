"""Streaming exports and trend cost on a synthetic corpus (100 reports × 201 sections).

    .venv/bin/python benchmarks/export_trend.py [--reports 100]

Prints medians against a baseline measured in the same run (one result page of the same query),
and the traced memory peak of a streamed CSV export against the same CSV joined in memory.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from indexer.search import export
from indexer.search.engine import find, search
from indexer.search.trend import trend
from indexer.store.build import reindex
from indexer.store.reader import Library

WORDS = ["安全教育", "校园", "防溺水", "家长", "学校", "课程", "教师", "营养午餐", "督导", "均衡发展", "课后服务", "双减"]
NUMS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    if n <= 10:
        return NUMS[n - 1]
    return (NUMS[n // 10 - 1] if n >= 20 else "") + "十" + (NUMS[n % 10 - 1] if n % 10 else "")


def corpus(folder: Path, reports: int) -> None:
    rnd = random.Random(1)
    for f in range(reports):
        year = 2000 + f % 25
        lines = [f"{year}年某县教育局工作总结{f}"]
        for i in range(1, 41):
            lines.append(f"{numeral(i)}、关于{rnd.choice(WORDS)}的工作")
            for j in range(1, 5):
                lines += [f"（{numeral(j)}）{rnd.choice(WORDS)}专项", "".join(rnd.choice(WORDS) for _ in range(20)) + "。"]
        (folder / f"{year}_r{f:03d}.txt").write_text("\n".join(lines), encoding="utf-8")


def median_ms(f, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=100)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        corpus(src, args.reports)
        reindex(Path(tmp) / "ix", [src], progress=False)
        r = Library(Path(tmp) / "ix").reader()
        q = "安全教育"
        search(r, q)

        def stream() -> int:
            return sum(len(p) for p in export.csv_text(export.rows(r, find(r, q))))

        base = median_ms(lambda: search(r, q))
        exp = median_ms(stream, 3)
        tr = median_ms(lambda: trend(r, ["安全教育", "防溺水", "双减"]))
        hits = find(r, q).total
        print(f"sections {r.n}, hits {hits}")
        print(f"one result page (baseline)  {base:8.1f} ms")
        print(f"trend, 3 queries            {tr:8.1f} ms  ({tr / base:.1f}× baseline)")
        print(f"CSV export of every hit     {exp:8.1f} ms  ({exp / base:.1f}× baseline, {hits / exp * 1000:.0f} rows/s)")
        tracemalloc.start()
        stream()
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        size = len("".join(export.csv_text(export.rows(r, find(r, q)))).encode())
        joined = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"memory peak, streamed       {streamed / 1e6:8.1f} MB")
        print(f"memory peak, joined         {joined / 1e6:8.1f} MB  (CSV is {size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
