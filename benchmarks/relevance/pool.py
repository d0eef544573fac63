"""Pool the sections the rankers bring up that are not judged yet, for judging blind.

    python -m benchmarks.relevance.pool --sheet pool.md       # write the judging sheet
    python -m benchmarks.relevance.pool --sheet pool.md --add grades.txt

The sheet lists each query's unjudged pooled sections in corpus order (never by
rank) under a handle, with the section's heading path, length, counts and the
text around every occurrence. A grades file holds one line per handle:
`H0007 2 one-line reason`; --add appends them to qrels.jsonl.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from indexer.search.parser import parse_query

from .common import CORPUS, QRELS, RANKERS, count, folded, key, load_qrels, load_queries, open_reader

DEPTHS = {"edusearch": 20, "bm25": 10, "tf": 10}
WINDOW = 60
MAX_WINDOWS = 5


def pooled(reader, qd: dict, judged: dict) -> list[str]:
    keys: set[str] = set()
    for name, rank in RANKERS.items():
        keys.update(rank(reader, qd["q"], DEPTHS[name]))
    return sorted(k for k in keys if k not in judged)


def _sid_of(reader) -> dict[str, int]:
    import numpy as np

    return {key(reader, int(s)): int(s) for s in np.flatnonzero(reader.live)}


def _windows(text: str, terms) -> list[str]:
    spans = []
    for t in terms:
        for m in re.finditer(re.escape(t.text), text):
            spans.append((max(0, m.start() - WINDOW), min(len(text), m.end() + WINDOW)))
    spans.sort()
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    shown = [text[a:b].replace("\n", " ") for a, b in merged[:MAX_WINDOWS]]
    return [w if len(w) <= 260 else w[:260] + "…(cut)" for w in shown] + (
        [f"(+{len(merged) - MAX_WINDOWS} more passages)"] if len(merged) > MAX_WINDOWS else [])


def write_sheet(reader, sheet: Path) -> int:
    qrels = load_qrels()
    sid_of = _sid_of(reader)
    handles: dict[str, dict] = {}
    lines: list[str] = []
    for qd in load_queries():
        keys = pooled(reader, qd, qrels.get(qd["id"], {}))
        if not keys:
            continue
        terms = parse_query(qd["q"]).positive_terms()
        lines.append(f"\n## {qd['id']} {qd['q']} — {qd['need']}\n")
        for k in sorted(keys, key=lambda k: sid_of[k]):
            h = f"H{len(handles) + 1:04d}"
            doc_id, section_id = k.rsplit("#", 1)
            handles[h] = {"qid": qd["id"], "q": qd["q"], "doc_id": doc_id, "section_id": section_id}
            sid = sid_of[k]
            head, body = folded(reader, sid)
            stored = reader.stored([sid])[0]
            path = " > ".join(stored.get("heading_path") or []) or "(report start)"
            counts = ", ".join(f"{t.text}×{count(head + body, t)}" for t in terms)
            lines.append(f"### {h} {doc_id} | {path} | {len(body)} chars | {counts}")
            lines.append(f"lead: {body[:80]}")
            lines.extend(f"- …{w}…" for w in _windows(head + "\n" + body, terms))
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    sheet.with_suffix(".handles.json").write_text(json.dumps(handles, ensure_ascii=False), encoding="utf-8")
    return len(handles)


def add_grades(sheet: Path, grades: Path) -> int:
    handles = json.loads(sheet.with_suffix(".handles.json").read_text(encoding="utf-8"))
    out = []
    for line in grades.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        h, grade, reason = line.split(None, 2)
        j = dict(handles[h], grade=int(grade), reason=reason.strip())
        assert 0 <= j["grade"] <= 3, line
        out.append(json.dumps(j, ensure_ascii=False))
    with QRELS.open("a", encoding="utf-8") as f:
        f.write("".join(x + "\n" for x in out))
    return len(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", help="an index of the corpus folders (default: build one in a temporary folder)")
    ap.add_argument("--corpus", nargs="+", type=Path, default=CORPUS,
                    help="the judged documents' folders (default: seeds/ and ../shared/corpus/gov-work-reports, "
                         "beside the checkout)")
    ap.add_argument("--sheet", type=Path, required=True)
    ap.add_argument("--add", type=Path, help="grades file to append to qrels.jsonl")
    a = ap.parse_args()
    if a.add:
        print(f"{add_grades(a.sheet, a.add)} judgments added to {QRELS.name}")
        return
    n = write_sheet(open_reader(a.index, a.corpus), a.sheet)
    print(f"{n} unjudged pooled sections written to {a.sheet}")


if __name__ == "__main__":
    main()
