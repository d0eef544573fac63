"""How many times a section holds the query strings: the "mentions" of a trend and the
occurrence count of an export row.

Counted on the folded text the exact index matched (heading, with the report's title for its
first section, and body), non-overlapping, with the same whole-word rule for Latin and digits,
so every matching section has at least one mention of what it matched. A string of proximity
conditions only (防溺水 in 防溺水 /句 家长) is counted where one of them holds, field by field
(title, heading, body: proximity.py), as the report page marks it.
"""

from __future__ import annotations

import numpy as np

from indexer.search import proximity
from indexer.search.parser import ParsedQuery
from indexer.search.snippet import Needle, term_needles
from indexer.store.reader import IndexReader
from indexer.text.wholeword import term_pattern


def mention_needles(parsed: ParsedQuery) -> list[Needle]:
    """What a mention is a mention of: the query's strings and title: strings not under NOT, each
    once (snippet.term_needles: a proximity condition's strings where it holds). The trend's 提及次数,
    an export's 出现次数, the concordance's lines and the report page's occurrence links all count
    these, in this order."""
    out = term_needles(parsed)
    for t in parsed.title_terms():
        if all((n.text, n.prefix) != (t.text, t.prefix) for n in out):
            out.append(Needle(t.text, t.prefix))
    return out


def count_mentions(reader: IndexReader, sids: np.ndarray, needles: list[Needle]) -> np.ndarray:
    """Occurrences of all needles in each of these sections (int64, one per sid)."""
    out = np.zeros(len(sids), dtype=np.int64)
    if not needles or not len(sids):
        return out
    for n in (n for n in needles if n.near):
        out += held_counts(reader, sids, n)
    finders = [(n.text, term_pattern(n.text, n.prefix)) for n in needles if n.text and not n.near]
    if not finders:
        return out
    for seg in reader.segments:
        idx = np.flatnonzero((sids >= seg.base) & (sids < seg.base + seg.size))
        if not len(idx):
            continue
        local = np.asarray(sids)[idx] - seg.base
        lo = np.asarray(seg.bstarts)[local].tolist()  # UTF-8 offsets of the mapped text
        hi = (np.asarray(seg.bstarts)[local + 1] - 1).tolist()
        for i, a, b in zip(idx.tolist(), lo, hi, strict=True):
            text = seg.text_between(a, b)
            out[i] += sum(text.count(t) if p is None else len(p.findall(text)) for t, p in finders)
    return out


def held_counts(reader: IndexReader, sids: np.ndarray, needle: Needle) -> np.ndarray:
    """Per section, the occurrences of a string of proximity conditions where one of them holds."""
    out = np.array([sum(len(v) for v in held_spans(reader, sid, needle).values())
                    for sid in np.asarray(sids).tolist()], dtype=np.int64)
    reader.trim()
    return out


def held_spans(reader: IndexReader, sid: int, needle: Needle) -> dict[str, list[tuple[int, int]]]:
    """Per field of a section (title, heading, body), where a string of proximity conditions occurs and
    one of them holds: offsets into the field's folded text as the exact index holds it (the title and
    the heading of a first section are one string there, the title, a space, the heading)."""
    heading, body = reader.exact_text(sid)
    title = reader.titles_folded[int(reader.catalog.section_report[sid])] if reader.first_sections[sid] else ""
    if title:
        heading = heading[len(title) + 1:]
    fields = {"title": title, "heading": heading, "body": body}
    return {name: sorted(needle.held(text, (lambda: proximity.breaks_of(reader.written_text(sid), body))
                                     if name == "body" else list))
            for name, text in fields.items() if text}
