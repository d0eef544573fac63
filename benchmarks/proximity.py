"""Proximity operators against AND on one index: the same pairs of strings as `A B`, `A /句 B`, `A /段 B`
and `A /20 B`, each asked in one process after a warm-up, medians of a few runs, ratios against AND
measured in the same run.

    python -m benchmarks.proximity --index DIR [--runs 5] [--out docs/proximity.json]

The index is any edusearch index (`edusearch reindex ../shared/corpus/laws --index laws-index`).
Matching alone (matching_sections) is what the operators change; a first page (search) adds ranking,
facets and snippets as for any query.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from indexer.search.engine import search, warm
from indexer.search.matching import matching_sections
from indexer.store.reader import Library

from .common import machine
from .queries import MULTI

# pairs of every frequency: rare with rare, rare with common, common with common
PAIRS = [("防溺水", "家长"), ("未成年人", "网络"), ("个人信息", "同意"), ("知识产权", "保护"), ("食品安全", "监督"),
         ("学校", "安全"), ("教师", "工资"), ("医疗", "纠纷"), ("人民政府", "负责"), ("违反", "罚款"),
         ("法律", "责任"), ("国家", "规定")]
OPERATORS = {"AND": " ", "/句": " /句 ", "/段": " /段 ", "/20": " /20 "}


def measure(reader, q: str, runs: int) -> dict:
    """Medians of wall-clock and CPU time (the CPU time of this process is what a busy machine disturbs least)."""
    match, match_cpu, page, total = [], [], [], 0
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        total = len(matching_sections(reader, q))
        match.append((time.perf_counter() - t) * 1000)
        match_cpu.append((time.process_time() - c) * 1000)
        t = time.perf_counter()
        search(reader, q)
        page.append((time.perf_counter() - t) * 1000)
    return {"q": q, "total": total, "match_ms": statistics.median(match), "match_cpu_ms": statistics.median(match_cpu),
            "search_ms": statistics.median(page)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out")
    a = ap.parse_args()
    reader = Library(Path(a.index)).reader()
    warm(reader)
    pairs = PAIRS + [tuple(m.split()) for m in MULTI if len(m.split()) == 2 and tuple(m.split()) not in PAIRS]
    rows = []
    for x, y in pairs:
        row = {"pair": f"{x} {y}"}
        for name, op in OPERATORS.items():
            row[name] = measure(reader, f"{x}{op}{y}", a.runs)
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    out = {"machine": machine(), "runs": a.runs, "rows": rows}
    if a.out:
        Path(a.out).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(rows))


def table(rows: list[dict]) -> str:
    head = ("| pair | sections: AND / 句 / 段 / 20 | matching, CPU ms: AND | /句 | /段 | /20 | first page, wall ms: AND | /句 | /段 | /20 |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    lines = [head]
    for r in rows:
        counts = " / ".join(str(r[k]["total"]) for k in OPERATORS)
        base = max(r["AND"]["match_cpu_ms"], 0.1)
        match = [f"{r['AND']['match_cpu_ms']:.1f}"] + [f"{r[k]['match_cpu_ms']:.0f} (×{r[k]['match_cpu_ms'] / base:.0f})"
                                                       for k in list(OPERATORS)[1:]]
        page = [f"{r[k]['search_ms']:.0f}" for k in OPERATORS]
        lines.append(f"| {r['pair']} | {counts} | " + " | ".join(match + page) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
