"""edusearch queries in one process, each asked once, with snippets and facets (a first page of 10),
and the JSON the web app would send: each query's time, and its time per phase of the search
(indexer/search/phases.py, timed by the search itself), for the benchmarks' per-phase profile; and
beside it the concordance's first page of the same query (50 lines by year, as /kwic opens)."""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from indexer.search.engine import find, search, warm
from indexer.search.kwic import kwic
from indexer.search.matching import matching_sections
from indexer.search.phases import Timings, phase
from indexer.store.reader import Library


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--zero", help="queries that find nothing (queries.zero_queries): timed with their suggestions")
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-keys", action="store_true", help="skip listing every hit's key (for recall; untimed but slow)")
    ap.add_argument("--copies", choices=["one", "all"], default="one",
                    help="all: every copy of a document a result of its own (the scaling benchmark's N copies)")
    a = ap.parse_args()
    queries = json.loads(Path(a.queries).read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    reader = Library(Path(a.index), kept_bytes=0, freeze=True).reader()  # each query's own work: nothing kept from
    # the last; its objects out of the garbage collector's passes, as `edusearch serve` has them
    open_s = time.perf_counter() - t0
    warm(reader)  # as `edusearch serve` does at start; no benchmark query is asked before its turn
    warm_s = time.perf_counter() - t0 - open_s
    rows = []
    for qd in queries:
        row = timed(reader, qd, a.copies)
        t = time.perf_counter()
        matching_sections(reader, qd["q"])  # the matching step alone, comparable to the peers' key sets
        row["match_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        lines = kwic(reader, qd["q"])  # the concordance's first page: counts per section and year, 50 lines
        row["kwic_ms"] = (time.perf_counter() - t) * 1000
        row["kwic_lines"] = lines.total
        if not a.no_keys:  # untimed: all keys, for recall (every copy's: the brute-force scan lists each)
            keys = [f"{h.doc_id}#{h.section_id}" for _sids, hits in find(reader, qd["q"], copies="all").iter_hits(reader) for h in hits]
            row["keys"] = keys if row["mode"] == "exact" else []
        rows.append(row)
    zero = [timed(reader, qd, a.copies) for qd in json.loads(Path(a.zero).read_text(encoding="utf-8"))] if a.zero else []
    out = {"open_seconds": open_s, "warm_seconds": warm_s, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
           "queries": rows, "zero": zero}
    Path(a.out).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def timed(reader, qd: dict, copies: str = "one") -> dict:
    """One query's first page: its time, its phases (the JSON's rendering timed after the rest, apart
    from ms, which is the search's as it always was), what it found and suggested."""
    timings = Timings()
    t = time.perf_counter()
    res = search(reader, qd["q"], timings=timings, copies=copies)  # a user's first page: ranking, facets, snippets
    ms = (time.perf_counter() - t) * 1000
    with phase(timings, "render"):  # what /api/search adds
        json.dumps(res.to_dict(), ensure_ascii=False)
    return {"q": qd["q"], "kind": qd["kind"], "ms": ms, "total": res.total, "mode": res.mode, "phases": timings.ms,
            "suggestions": res.suggestions}


if __name__ == "__main__":
    main()
