"""Score edusearch and a plain BM25 on the judged set: nDCG@10 and P@5 per query, per kind, overall.

    python -m benchmarks.relevance [--corpus DIR ...] [--index DIR]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from .common import CORPUS, bm25_keys, edusearch_keys, load_qrels, load_queries, open_reader
from .metrics import ndcg, precision

RANKERS = {"edusearch": edusearch_keys, "bm25": bm25_keys}


def evaluate(reader) -> list[dict]:
    qrels = load_qrels()
    rows = []
    for qd in load_queries():
        judged = {k: j["grade"] for k, j in qrels.get(qd["id"], {}).items()}
        row = {"id": qd["id"], "q": qd["q"], "kind": qd["kind"], "unjudged": {}}
        for name, rank in RANKERS.items():
            ranked = rank(reader, qd["q"], 10)
            row[name] = (ndcg(ranked, judged, 10), precision(ranked, judged, 5))
            row["unjudged"][name] = sum(1 for k in ranked if k not in judged)
        rows.append(row)
    return rows


def _mean(rows: list[dict], name: str, i: int) -> float:
    return statistics.fmean(r[name][i] for r in rows)


def report(rows: list[dict]) -> str:
    out = [f"{'query':<22}{'kind':<8}{'nDCG@10 es':>11}{'bm25':>7}{'P@5 es':>8}{'bm25':>6}"]
    for r in rows:
        flag = "  (unjudged in top 10: " + ", ".join(f"{n} {c}" for n, c in r["unjudged"].items() if c) + ")" \
            if any(r["unjudged"].values()) else ""
        out.append(f"{r['q']:<22}{r['kind']:<8}{r['edusearch'][0]:>11.3f}{r['bm25'][0]:>7.3f}"
                   f"{r['edusearch'][1]:>8.2f}{r['bm25'][1]:>6.2f}{flag}")
    out.append("")
    out.append(f"{'kind':<10}{'n':>3}{'nDCG@10 es':>12}{'bm25':>7}{'diff':>7}{'P@5 es':>8}{'bm25':>6}")
    kinds = sorted({r["kind"] for r in rows}, key=[r["kind"] for r in rows].index)
    for kind in [*kinds, "overall"]:
        sel = rows if kind == "overall" else [r for r in rows if r["kind"] == kind]
        es, bm = _mean(sel, "edusearch", 0), _mean(sel, "bm25", 0)
        out.append(f"{kind:<10}{len(sel):>3}{es:>12.3f}{bm:>7.3f}{es - bm:>+7.3f}"
                   f"{_mean(sel, 'edusearch', 1):>8.2f}{_mean(sel, 'bm25', 1):>6.2f}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", help="an index of the corpus folders (default: build one in a temporary folder)")
    ap.add_argument("--corpus", nargs="+", type=Path, default=CORPUS,
                    help="the judged documents' folders (default: seeds/ and ../shared/corpus/gov-work-reports, "
                         "beside the checkout)")
    a = ap.parse_args()
    print(report(evaluate(open_reader(a.index, a.corpus))))


if __name__ == "__main__":
    main()
