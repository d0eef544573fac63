"""The exact index's term dictionary: every character and character bigram it holds, with how many
postings (headings and bodies) it has in all and which segments hold it.

Each exact segment keeps its own gram table (exact.py), so a question about the whole index, such as
"which characters sit between 防 and 水?" (a typo's fixes) or "does any segment hold every bigram
of 中华人民共合国?", was answered by reading every segment's table: work that grew with the corpus
for every query that found nothing. This is the union of those tables, built once when an index is
opened (a few MB: the number of distinct grams grows far slower than the text), in sorted arrays:

- ``keys`` and ``counts``: each gram (exact.gram_keys' packing) and its postings summed over
  segments and over headings and bodies: an upper bound of the sections holding it;
- ``present``: per gram, a bit per segment holding it, so a string is looked up only in the
  segments that hold all of its grams (none at all for most typos);
- ``by_second``: the bigrams keyed by their second character first, for "what comes before 水".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from indexer.store.exact import _CHAR_BITS, ExactSegment

_MASK = (1 << _CHAR_BITS) - 1
_WORD = 64  # segments per word of the presence bits


@dataclass
class GramDictionary:
    keys: np.ndarray  # uint64, sorted, distinct
    counts: np.ndarray  # int64 per key: postings in every segment's heading and body tables
    present: np.ndarray  # uint64 (keys, words): bit s % 64 of word s // 64 set where segment s holds the key
    by_second: np.ndarray  # uint64, sorted: each bigram as second << 21 | first
    by_second_counts: np.ndarray  # int64 per by_second entry

    @classmethod
    def of(cls, segments: list[ExactSegment]) -> GramDictionary:
        """Merged one segment table at a time into the distinct grams so far, so that building it
        holds about two dictionaries at once, never every segment's tables together (a few MB,
        where concatenating all tables took over 200 MB on 4x laws, which the allocator kept)."""
        words = max(1, -(-len(segments) // _WORD))
        keys = np.empty(0, dtype=np.uint64)
        counts = np.empty(0, dtype=np.int64)
        present = np.empty((0, words), dtype=np.uint64)
        for s, seg in enumerate(segments):
            bit = np.uint64(1) << np.uint64(s % _WORD)
            for k, p in ((seg.body_keys, seg.body_ptr), (seg.head_keys, seg.head_ptr)):
                k, c = np.asarray(k), np.diff(np.asarray(p)).astype(np.int64)
                seen = np.zeros((len(k), words), dtype=np.uint64)
                seen[:, s // _WORD] = bit
                keys, counts, present = _merge(keys, counts, present, k, c, seen)
        bigram = keys > _MASK
        swapped = ((keys[bigram] & np.uint64(_MASK)) << np.uint64(_CHAR_BITS)) | (keys[bigram] >> np.uint64(_CHAR_BITS))
        order = np.argsort(swapped)
        return cls(keys, counts, present, swapped[order], counts[bigram][order])

    def count(self, keys: np.ndarray) -> np.ndarray:
        """Postings of each key (0 for a gram the index lacks)."""
        keys = np.asarray(keys, dtype=np.uint64)
        pos = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        found = (self.keys[pos] == keys) if len(self.keys) else np.zeros(len(keys), dtype=bool)
        return np.where(found, self.counts[pos] if len(self.keys) else 0, 0)

    def segments_holding(self, keys: list[int]) -> list[int]:
        """The segments that hold every one of these grams (in a heading or a body: those where the
        string they come from can be), in order."""
        if not len(self.keys):
            return []
        want = np.asarray(keys, dtype=np.uint64)
        pos = np.minimum(np.searchsorted(self.keys, want), len(self.keys) - 1)
        if not (self.keys[pos] == want).all():
            return []
        bits = np.bitwise_and.reduce(self.present[pos], axis=0)
        return [i * _WORD + b for i, word in enumerate(bits.tolist()) for b in range(_WORD) if word >> b & 1]

    def following(self, left: str) -> tuple[np.ndarray, np.ndarray]:
        """(code points c, postings of the bigram left+c), for every bigram starting with left."""
        a = ord(left) << _CHAR_BITS
        lo, hi = np.searchsorted(self.keys, np.array([a, a + _MASK + 1], dtype=np.uint64))
        return (self.keys[lo:hi] & np.uint64(_MASK)).astype(np.int64), self.counts[lo:hi]

    def preceding(self, right: str) -> tuple[np.ndarray, np.ndarray]:
        """(code points c, postings of the bigram c+right), for every bigram ending in right."""
        a = ord(right) << _CHAR_BITS
        lo, hi = np.searchsorted(self.by_second, np.array([a, a + _MASK + 1], dtype=np.uint64))
        return (self.by_second[lo:hi] & np.uint64(_MASK)).astype(np.int64), self.by_second_counts[lo:hi]


def _merge(keys: np.ndarray, counts: np.ndarray, present: np.ndarray, k: np.ndarray, c: np.ndarray,
           seen: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two sorted gram tables as one: counts added, presence bits joined (a stable sort of two sorted
    runs is a merge)."""
    both = np.concatenate([keys, k])
    order = np.argsort(both, kind="stable")
    both = both[order]
    first = np.flatnonzero(np.r_[True, both[1:] != both[:-1]]) if len(both) else np.zeros(0, dtype=np.int64)
    merged_counts = np.add.reduceat(np.concatenate([counts, c])[order], first) if len(first) else counts[:0]
    bits = np.concatenate([present, seen])[order]
    merged_present = np.bitwise_or.reduceat(bits, first, axis=0) if len(first) else present[:0]
    return both[first], merged_counts, merged_present
