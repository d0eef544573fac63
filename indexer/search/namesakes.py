"""What tells apart reports that share a title.

Three reports all called 教育局年终工作总结 read the same in a list of results. Among the live
reports of the index whose titles fold to the same text, the place, the year, the issuer and the
文号 are looked at in that order, and each is shown (where known) only when it gives more of them a label
of their own than the ones before it did; a report still without one is told by its file's name
(with its folders when another file has that name), and by its number in the file when the file
holds several of them (第2篇). A report whose title is
its own shows nothing. The labels depend on the index, never on the page: a report reads the
same on every page, grouped or not. Copies of one document (store.copies) are one report here
when a search shows each document once: a title shared only with its own other sources, which
the result lists under it, needs no label; with every copy listed, copies are told apart too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from indexer.store.catalog import ReportRow
from indexer.store.reader import IndexReader

SEPARATOR = " · "


def distinctions(reader: IndexReader, rows: Iterable[int], copies: str = "one") -> dict[int, str | None]:
    """For each report row index, what sets it apart from the reports sharing its title (None when
    no other report has its title); copies="one": a document's copies count as one report, each
    labelled as its preferred copy among them."""
    out: dict[int, str | None] = {}
    for i in rows:
        if i in out:
            continue
        group = reader.namesakes(i)
        documents = _documents(reader, group) if copies != "all" else {k: [k] for k in group}
        if len(documents) < 2:
            out.update({k: None for k in group})
            continue
        shown = list(documents)
        labels = _labels([reader.catalog.reports[k] for k in shown], shown)
        out.update({k: labels[first] for first, members in documents.items() for k in members})
    return out


def _documents(reader: IndexReader, group: list[int]) -> dict[int, list[int]]:
    """The namesakes by document: each document's preferred copy among them → its copies among them."""
    among = set(group)
    by_document = {tuple(c for c in reader.copies_of(k) if c in among) for k in group}  # preferred first
    return {members[0]: list(members) for members in sorted(by_document)}


_FIELDS: list[Callable[[ReportRow], str | None]] = [
    lambda r: r.place,
    lambda r: f"{r.year}年" if r.year else None,
    lambda r: r.issuer,
    lambda r: r.doc_no,  # one issuer's two notices of one title and year: their 文号 tell them apart
]


def _labels(rows: list[ReportRow], ids: list[int]) -> dict[int, str]:
    shown: list[list[str]] = [[] for _ in rows]
    for field in _FIELDS:
        values = [field(r) for r in rows]
        widened = [s + [v] if v else s for s, v in zip(shown, values, strict=True)]
        if _told_apart(widened) > _told_apart(shown):  # it tells more of them apart by what is known
            shown = widened
    labels = [SEPARATOR.join(s) for s in shown]
    alike, files = Counter(labels), Counter(r.source for r in rows)
    names = Counter(PurePosixPath(f).name for f in files)
    for n, r in enumerate(rows):  # alike (or nothing known): the file's name, and the report's number in it
        if not labels[n] or alike[labels[n]] > 1:
            name = PurePosixPath(r.source).name
            file = name if names[name] == 1 else r.source  # its folders only when another file has its name
            shown[n] = shown[n] + [file + (f" {_number(r)}" if files[r.source] > 1 else "")]
    return {i: SEPARATOR.join(s) for i, s in zip(ids, shown, strict=True)}


def _told_apart(shown: list[list[str]]) -> int:
    """How many reports have a label of their own."""
    counts = Counter(tuple(s) for s in shown)
    return sum(1 for label, n in counts.items() if label and n == 1)


def _number(r: ReportRow) -> str:
    """第2篇: the report's place in its file (a file of several reports gives them doc ids ending ~2)."""
    m = re.search(r"~(\d+)$", r.doc_id)
    return f"第{m.group(1)}篇" if m else r.doc_id
