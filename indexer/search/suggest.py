"""Help for a query that found nothing: strings the index does hold.

Two kinds of suggestion, each a whole query the user can click (the query
itself is never changed):

- a one-character typo (防弱水 → 防溺水, 留手儿童 → 留守儿童): for each
  position of a string that occurs nowhere, the exact index's bigram table
  lists the characters that sit between its neighbours; the variants that
  really occur are offered, most frequent first;
- a long pasted sentence: the jieba words it holds that the index knows, the
  most specific in general language first (溺水 before 我们), as many as still
  find something together (防溺水 安全 教育 总结).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from indexer.store.exact import _CHAR_BITS, ExactSegment
from indexer.text.analysis import query_words, ranking_words, word_specificity
from indexer.text.normalize import is_cjk, is_han

MAX_SUGGESTIONS = 3
MAX_VARIANTS = 40  # per position of a term: the characters with the most common bigrams around it
MAX_CHECKED = 60  # variants looked up in the index, the likeliest of all positions first
LONG_QUERY = 8  # characters: from here on a query is treated as a pasted sentence
MAX_KEYWORDS = 4
_MASK = (1 << _CHAR_BITS) - 1


def typo_fixes(segments: list[ExactSegment], term: str, occurs: Callable[[str], int]) -> list[str]:
    """Strings one character away from `term` that occur, most sections first."""
    if not 2 <= len(term) <= 12 or not all(is_cjk(c) for c in term):
        return []
    likely: dict[str, int] = {}  # variant → how common the bigrams around its new character are
    for i in range(len(term)):
        for c, weight in _between(segments, term[i - 1] if i else None, term[i + 1] if i + 1 < len(term) else None):
            if c != term[i] and is_han(c):  # a typo fix never puts punctuation (、。) in a word
                variant = term[:i] + c + term[i + 1:]
                likely[variant] = max(weight, likely.get(variant, 0))
    checked = sorted(likely, key=lambda v: -likely[v])[:MAX_CHECKED]
    found = {v: occurs(v) for v in checked}
    return [v for v, n in sorted(found.items(), key=lambda kv: -kv[1]) if n > 0]


def _between(segments: list[ExactSegment], left: str | None, right: str | None) -> list[tuple[str, int]]:
    """Characters c such that the index holds the bigrams left+c and c+right, most common first,
    with how common (the smaller count of the two, summed over segments)."""
    weight: dict[int, int] = {}
    for seg in segments:
        for keys, ptr in ((seg.body_keys, seg.body_ptr), (seg.head_keys, seg.head_ptr)):
            keys = np.asarray(keys)
            counts = np.diff(np.asarray(ptr))
            if left is not None:
                a = ord(left) << _CHAR_BITS
                lo, hi = np.searchsorted(keys, [a, a + (1 << _CHAR_BITS)])
                chars, n = keys[lo:hi] & _MASK, counts[lo:hi]
                if right is not None:
                    pair = (chars << _CHAR_BITS) | ord(right)
                    pos = np.minimum(np.searchsorted(keys, pair), len(keys) - 1)
                    ok = keys[pos] == pair
                    chars, n = chars[ok], np.minimum(n[ok], counts[pos[ok]])
            else:  # first character: every bigram ending in `right`
                ok = (keys > _MASK) & ((keys & _MASK) == ord(right))
                chars, n = keys[ok] >> _CHAR_BITS, counts[ok]
            for c, k in zip(chars.tolist(), n.tolist(), strict=True):
                weight[c] = weight.get(c, 0) + k
    best = sorted(weight, key=lambda c: -weight[c])[:MAX_VARIANTS]
    return [(chr(c), weight[c]) for c in best]


def keywords(text: str, dict_hash: str, occurs: Callable[[str], int], matches: Callable[[str], bool]) -> str | None:
    """The jieba words of a long text that the index holds, most specific first, while together they match."""
    if len(text) < LONG_QUERY:
        return None
    words = [w for w in query_words(text, dict_hash) if len(w) > 1]
    known = {w: occurs(w) for w in words}
    known = {w: n for w, n in known.items() if n > 0}
    known = {w: known[w] for w in ranking_words(list(known))}
    specific = word_specificity(list(known), dict_hash)
    chosen: list[str] = []
    for w in sorted(known, key=lambda w: -specific[w]):
        if len(chosen) == MAX_KEYWORDS:
            break
        if matches(" ".join([*chosen, w])):
            chosen.append(w)
    return " ".join(sorted(chosen, key=text.find)) or None
