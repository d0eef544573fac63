"""The concordance beside search, and what its export costs the server, against an existing index.

    python -m benchmarks.kwic --index DIR [--export 教育] [--export-sort year] [--out results/kwic.json]

In one process, after warm() (as `edusearch serve` starts): each benchmark query (queries.py) as a
search's first page, then as the concordance's first page sorted by year (what /kwic opens), then
sorted by left context, each asked once, in the same loop, so the figures share the machine's
moment; medians and p95 of each and of the concordance against the search. Collocates are timed on
a few queries apart.

Then `edusearch serve` on the same index: /kwic.csv?q=… (every line) read to its end in 64 KiB
pieces, the server's VmRSS read from /proc after each piece; the growth is the largest of those
readings less the reading before the request.
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.parse
import urllib.request
from pathlib import Path

from . import queries as query_list
from .common import ROOT, TARGETS, machine, pct
from .run import rss_kb, serving

COLLOCATE_QUERIES = ["防溺水", "义务教育", "个人信息", "教育", "人民法院"]


def inproc(index: Path) -> dict:
    from indexer.search.collocates import collocates
    from indexer.search.engine import search, warm
    from indexer.search.kwic import kwic
    from indexer.store.reader import Library

    reader = Library(index).reader()
    warm(reader)
    rows = []
    for qd in query_list.all_queries():
        row = {"q": qd["q"], "kind": qd["kind"]}
        for name, run in (("search_ms", lambda q: search(reader, q)), ("kwic_ms", lambda q: kwic(reader, q)),
                          ("kwic_left_ms", lambda q: kwic(reader, q, sort="left"))):
            t = time.perf_counter()
            out = run(qd["q"])
            row[name] = (time.perf_counter() - t) * 1000
        row["lines"] = out.total
        rows.append(row)
    colloc = []
    for q in COLLOCATE_QUERIES:
        t = time.perf_counter()
        c = collocates(reader, q)
        colloc.append({"q": q, "ms": (time.perf_counter() - t) * 1000, "occurrences": c.occurrences,
                       "windows": c.windows})
    return {"queries": rows, "collocates": colloc}


def export_rss(index: Path, q: str, sort: str = "year") -> dict:
    with serving(index) as (base, proc):
        urllib.request.urlopen(base + "/kwic?" + urllib.parse.urlencode({"q": q}), timeout=60).read()  # the page first
        before = rss_kb(proc.pid)
        peak, size, lines = before, 0, 0
        t = time.perf_counter()
        with urllib.request.urlopen(base + "/kwic.csv?" + urllib.parse.urlencode({"q": q, "sort": sort}),
                                    timeout=600) as r:
            while piece := r.read(65536):
                size += len(piece)
                lines += piece.count(b"\n")
                peak = max(peak, rss_kb(proc.pid))
        seconds = time.perf_counter() - t
        return {"q": q, "sort": sort, "bytes": size, "newlines": lines, "seconds": seconds, "rss_before_mb": before / 1024,
                "rss_peak_mb": peak / 1024, "rss_growth_mb": (peak - before) / 1024,
                "rss_after_mb": rss_kb(proc.pid) / 1024}


def summary(rows: list[dict], key: str) -> dict:
    ms = [r[key] for r in rows]
    return {"p50": pct(ms, 50), "p95": pct(ms, 95), "max": max(ms)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True, type=Path)
    ap.add_argument("--export", default="教育", help="the query whose every line is exported through the server")
    ap.add_argument("--export-sort", default="year", choices=["year", "left", "right", "report"])
    ap.add_argument("--skip-inproc", action="store_true", help="only the export through the server")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "kwic.json")
    a = ap.parse_args()
    if a.skip_inproc:
        print(json.dumps(export_rss(a.index, a.export, a.export_sort), ensure_ascii=False, indent=1))
        return
    res = inproc(a.index)
    rows = res["queries"]
    out = {"machine": machine(), "index": a.index.name, "queries": len(rows),
           **{k: summary(rows, k) for k in ("search_ms", "kwic_ms", "kwic_left_ms")},
           "kwic_vs_search_p50": pct([r["kwic_ms"] for r in rows], 50) / pct([r["search_ms"] for r in rows], 50),
           "slowest_kwic": sorted(rows, key=lambda r: -r["kwic_ms"])[:5],
           "slowest_kwic_left": sorted(rows, key=lambda r: -r["kwic_left_ms"])[:5],
           "collocates": res["collocates"], "export": export_rss(a.index, a.export, a.export_sort)}
    out["targets"] = {"kwic_p95_ms": [out["kwic_ms"]["p95"], TARGETS["kwic_p95_ms"]],
                      "kwic_export_rss_mb": [out["export"]["rss_growth_mb"], TARGETS["kwic_export_rss_mb"]]}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps({**out, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
