"""How many times a section holds the query strings: the "mentions" of a trend and the
occurrence count of an export row.

Counted on the folded text the exact index matched (heading, with the report's title for its
first section, and body), non-overlapping, with the same whole-word rule for Latin and digits,
so every matching section has at least one mention of what it matched.
"""

from __future__ import annotations

import numpy as np

from indexer.search.parser import ParsedQuery
from indexer.search.snippet import Needle
from indexer.store.reader import IndexReader
from indexer.text.wholeword import term_pattern


def mention_needles(parsed: ParsedQuery) -> list[Needle]:
    """What a mention is a mention of: the query's strings and title: strings not under NOT, each
    once. The trend's 提及次数, an export's 出现次数, the concordance's lines and the report page's
    occurrence links all count these, in this order."""
    out: list[Needle] = []
    for t in parsed.positive_terms() + parsed.title_terms():
        if all((n.text, n.prefix) != (t.text, t.prefix) for n in out):
            out.append(Needle(t.text, t.prefix))
    return out


def count_mentions(reader: IndexReader, sids: np.ndarray, needles: list[Needle]) -> np.ndarray:
    """Occurrences of all needles in each of these sections (int64, one per sid)."""
    out = np.zeros(len(sids), dtype=np.int64)
    if not needles or not len(sids):
        return out
    finders = [(n.text, term_pattern(n.text, n.prefix)) for n in needles if n.text]
    for seg in reader.segments:
        idx = np.flatnonzero((sids >= seg.base) & (sids < seg.base + seg.size))
        if not len(idx):
            continue
        local = np.asarray(sids)[idx] - seg.base
        lo = np.asarray(seg.bstarts)[local].tolist()  # UTF-8 offsets of the mapped text
        hi = (np.asarray(seg.bstarts)[local + 1] - 1).tolist()
        for i, a, b in zip(idx.tolist(), lo, hi, strict=True):
            text = seg.text_between(a, b)
            out[i] = sum(text.count(t) if p is None else len(p.findall(text)) for t, p in finders)
    return out
