"""Score what ingest reads off official documents (title, 文号, issuer, date, year, region, place, kind)
against hand labels, and count the headings that are table debris.

    python -m benchmarks.metadata [--corpus DIR] [--set dev|all] [--json] [--errors]

The corpus folder holds the documents and LABELS.tsv (one row per document: path, set, title, doc_no,
issuer, date, year, region_level, region_name, kind, attachments, notes). Values are compared after
normalising only whitespace, full/half width and the bracket forms 〔〕 [] ［］; a field is right when
both sides agree, both empty included. A file that holds several documents is scored by its first report
(the notice), and its count of reports against 1 + the labelled attachments.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.ingest.errors import Unreadable
from indexer.ingest.model import Report
from indexer.ingest.parse import parse_path

from .common import ROOT, machine

CORPUS = ROOT.parent / "shared" / "corpus" / "official-docs"
FIELDS = ("title", "doc_no", "issuer", "date", "year", "region", "place", "kind")

# The labels' kind names that edusearch's doc_type facet spells otherwise (others are the same word).
KIND_NAMES = {
    "政府信息公开工作年度报告": "信息公开年报",  # the facet's name for it since before official documents
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS,
                    help="the labelled documents' folder with LABELS.tsv (default: ../shared/corpus/official-docs "
                         "beside the checkout)")
    ap.add_argument("--set", choices=("dev", "all"), default="all", help="score only the rows of this set")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--errors", action="store_true", help="also list every wrong value and every debris heading")
    a = ap.parse_args()
    labels = a.corpus / "LABELS.tsv"
    if not labels.is_file():
        raise SystemExit(f"no {labels} (put ../shared/corpus/official-docs beside the checkout, or give --corpus)")
    rows = [r for r in read_labels(labels) if a.set == "all" or r["set"] == a.set]
    score = measure(a.corpus, rows)
    if a.json:
        print(json.dumps({"machine": machine(), "set": a.set, **asdict(score)}, ensure_ascii=False, indent=1))
        return
    print(table(score))
    if a.errors:
        print()
        print(errors(score))


@dataclass
class Miss:
    """One wrong value: what the label says, what ingest read, and the file."""

    expected: str
    got: str
    path: str


@dataclass
class Score:
    documents: int
    right: dict[str, int]
    misses: dict[str, list[Miss]]
    debris: list[Miss] = field(default_factory=list)  # expected "", got the heading


def read_labels(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or "").strip() for k, v in row.items()}
                for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def measure(corpus: Path, rows: list[dict[str, str]]) -> Score:
    """Parse every labelled file and compare its first report with its row."""
    names = (*FIELDS, "reports")
    score = Score(documents=len(rows), right=dict.fromkeys(names, 0), misses={n: [] for n in names})
    for row in rows:
        try:
            reports = parse_path(corpus / row["path"], corpus).reports
        except Unreadable as e:
            reports, got = [], f"({type(e).__name__}: {e})"
        else:
            got = ""
        values = read_values(reports[0]) if reports else dict.fromkeys(FIELDS, got)
        expected = label_values(row)
        values["reports"] = str(len(reports))
        for name in names:
            if same(expected[name], values[name]):
                score.right[name] += 1
            else:
                score.misses[name].append(Miss(expected=expected[name], got=values[name], path=row["path"]))
        score.debris += [Miss(expected="", got=s.heading, path=row["path"])
                         for r in reports for s in r.sections if is_debris(s.heading)]
    return score


def label_values(row: dict[str, str]) -> dict[str, str]:
    """A label row under the names of FIELDS, kinds in the facet's names."""
    attachments = int(row["attachments"] or 0)
    return {"title": row["title"], "doc_no": row["doc_no"], "issuer": row["issuer"], "date": row["date"],
            "year": row["year"], "region": row["region_level"], "place": row["region_name"],
            "kind": KIND_NAMES.get(row["kind"], row["kind"]), "reports": str(1 + attachments)}


def read_values(report: Report) -> dict[str, str]:
    """What ingest read of a report, as text (None is empty)."""
    def text(v) -> str:
        return "" if v is None else str(v)

    return {"title": text(report.title), "doc_no": text(report.doc_no), "issuer": text(report.issuer),
            "date": text(report.date), "year": text(report.year), "region": text(report.region),
            "place": text(report.place), "kind": text(report.doc_type)}


_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_BRACKETS = str.maketrans({"〔": "[", "〕": "]"})
_SPACE = re.compile(r"\s+")


def norm(value: str) -> str:
    """The value with no whitespace, full-width ASCII forms half width and 〔〕［］ as []."""
    return _SPACE.sub("", value.translate(_WIDTH).translate(_BRACKETS))


def same(expected: str, got: str) -> bool:
    return norm(expected) == norm(got)


# A numbered line (一、 （一） 1. 1、 (1)) whose text is followed by columns of numbers: a table row.
_TABLE_ROW = re.compile(r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]?)"
                        r"\s*\S.*?(?:\s+[-+]?\d+(?:[.,]\d+)?%?){2,}\s*$")


def is_debris(heading: str) -> bool:
    """A heading made of a table's pieces: one character of a vertical cell, or a numbered table row."""
    h = heading.strip()
    return len(h) == 1 or bool(_TABLE_ROW.match(h))


def table(score: Score) -> str:
    """The scores as a Markdown table, then the debris count."""
    out = ["| field | right | total | share |", "|---|---:|---:|---:|"]
    for name, right in score.right.items():
        label = "reports per file (1 + attachments)" if name == "reports" else name
        share = right / score.documents if score.documents else 0.0
        out.append(f"| {label} | {right} | {score.documents} | {share:.1%} |")
    files = len({m.path for m in score.debris})
    out.append("")
    out.append(f"Table-debris headings: {len(score.debris)} in {files} file{'' if files == 1 else 's'}.")
    return "\n".join(out)


def errors(score: Score) -> str:
    out = []
    for name, misses in score.misses.items():
        if misses:
            out.append(f"## {name}: {len(misses)} wrong")
            out += [f"  expected {m.expected!r}  got {m.got!r}  {m.path}" for m in misses]
    if score.debris:
        out.append(f"## table-debris headings: {len(score.debris)}")
        out += [f"  {m.got!r}  {m.path}" for m in score.debris]
    return "\n".join(out)


if __name__ == "__main__":
    main()
