"""How many times a section holds the query strings: the "mentions" of a trend and the
occurrence count of an export row.

Counted on the folded text the exact index matched (heading, with the report's title for its
first section, and body), non-overlapping, with the same whole-word rule for Latin and digits,
so every matching section has at least one mention of what it matched.
"""

from __future__ import annotations

import numpy as np

from indexer.search.snippet import Needle
from indexer.store.reader import IndexReader
from indexer.text.wholeword import term_pattern


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
