"""The occurrences a query marks in a section, and how many there are: the "mentions" of a trend,
the occurrence count of an export row, the lines a concordance would list.

A section has up to three fields: the report's title (its first section only), its heading and its
text. In each, a string of the query counts wherever it occurs (non-overlapping, the same
whole-word rule for Latin and digits as matching), a proximity condition's strings only where the
condition holds (proximity.py), and a title: string in the title only; an occurrence two marks
share counts once. So every matching section has at least one mention of what it matched, and
the report page marks what is counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer.search import proximity
from indexer.search.parser import Near
from indexer.search.snippet import Mark, in_text
from indexer.store.reader import IndexReader
from indexer.text.normalize import fold

FIELDS = ("title", "heading", "text")


@dataclass(frozen=True)
class Occurrence:
    """One occurrence a query marks in a section."""

    field: str  # title | heading | text
    start: int  # offsets into that field as written: the report's title, the section's heading or text
    end: int
    term: str  # the folded query string found there


def section_occurrences(reader: IndexReader, sids: list[int], marks: list[Mark]) -> list[list[Occurrence]]:
    """Per section, every occurrence the marks (snippet.query_marks of a query) mark in it, field by
    field in reading order: len() of each is count_mentions' number for it."""
    out = []
    for sid, stored in zip(sids, reader.stored(sids), strict=True):
        first = reader.first_sections[sid]
        title = reader.catalog.reports[int(reader.catalog.section_report[sid])].title if first else ""
        out.append(occurrences(marks, title, stored.get("heading") or "", stored.get("text") or ""))
    return out


def occurrences(marks: list[Mark], title: str, heading: str, text: str) -> list[Occurrence]:
    """The occurrences the marks mark in a section given by its fields as written (title "" but for a
    report's first section)."""
    out = []
    for name, written in zip(FIELDS, (title, heading, text), strict=True):
        if written:
            f = fold(written)
            spans = field_spans(marks if name == "title" else in_text(marks), f.text,
                                lambda f=f, w=written: proximity.line_breaks(f, w))
            out += [Occurrence(name, *f.orig_span(a, b), t) for a, b, t in spans]
    return out


def field_spans(marks: list[Mark], folded: str, breaks: Callable[[], list[int]]) -> list[proximity.Span]:
    """The occurrences marks mark in one field's folded text, as (start, end, string), each once; breaks
    gives where the field's lines end, asked for only when a sentence or paragraph needs it."""
    found: set[proximity.Span] = set()
    lines: list[int] | None = None
    for m in marks:
        if isinstance(m, Near):
            if lines is None and m.kind != "chars":
                lines = breaks()
            found.update(proximity.satisfying(m, folded, lines or []))
        else:
            found.update((a, b, m.text) for a, b in proximity.find_all(folded, m.text, m.prefix))
    return sorted(found)


def count_mentions(reader: IndexReader, sids: np.ndarray, needles: list[Mark]) -> np.ndarray:
    """Occurrences the marks mark in each of these sections (int64, one per sid), counted on the
    folded text the exact index holds; the text as written is read only for where a proximity
    condition needs its lines."""
    out = np.zeros(len(sids), dtype=np.int64)
    needles = [n for n in needles if isinstance(n, Near) or n.text]
    if not needles or not len(sids):
        return out
    body_marks = in_text(needles)
    for i, sid in enumerate(np.asarray(sids).tolist()):
        heading, body = reader.exact_text(sid)
        n = 0
        if reader.first_sections[sid]:
            title = reader.titles_folded[int(reader.catalog.section_report[sid])]
            if title:  # before the heading in the exact index (exact_heading)
                heading = heading[len(title) + 1:]
                n += len(field_spans(needles, title, list))
        n += len(field_spans(body_marks, heading, list))
        n += len(field_spans(body_marks, body, lambda sid=sid, body=body: proximity.breaks_of(reader.written_text(sid), body)))
        out[i] = n
    reader.trim()
    return out
