"""Help for a query that found nothing: strings the index does hold.

Two kinds of suggestion, each a whole query the user can click (the query
itself is never changed):

- a one-character typo (防弱水 → 防溺水, 留手儿童 → 留守儿童): for each
  position of a string that occurs nowhere, the index's term dictionary
  (store/grams.py) lists the characters that sit between its neighbours; the
  variants that really occur are offered, most frequent first;
- a long pasted sentence: the jieba words it holds that the index knows, the
  most specific in general language first (溺水 before 我们), as many as still
  find something together (防溺水 安全 教育 总结).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator

import numpy as np

from indexer.store.exact import _CHAR_BITS, gram_keys
from indexer.store.grams import GramDictionary
from indexer.text.analysis import query_words, ranking_words, word_specificity
from indexer.text.normalize import is_cjk, is_han

MAX_SUGGESTIONS = 3
MAX_VARIANTS = 40  # per position of a term: the characters with the most common bigrams around it
MAX_CHECKED = 60  # variants looked up in the index, the likeliest of all positions first
LONG_QUERY = 8  # characters: from here on a query is treated as a pasted sentence
MAX_KEYWORDS = 4


def typo_fixes(grams: GramDictionary, term: str, occurs: Callable[[str], int],
               count_at: Callable[[int, list[str]], None] | None = None) -> Iterator[str]:
    """Strings one character away from `term` that occur, most sections first (ties: the likelier
    first), given one at a time. Of the MAX_CHECKED likeliest, each is counted (occurs) only when it
    might come next: a string is in no more sections than its rarest gram has postings, so counting
    in that order, a string is given once no string left uncounted could have more sections.
    count_at(i, chars): counts at once every variant with one of chars at place i, for occurs to
    read; asked before the first count at a place whose variants could hold far more sections than
    the text they share (人民法阮: 人民法 and forty characters after it, each of which would
    otherwise scan the sections holding 人民法 again)."""
    if not may_have_fixes(term):
        return
    likely: dict[str, int] = {}  # variant → how common the bigrams around its new character are
    place: dict[str, int] = {}  # variant → where its new character is
    for i in range(len(term)):
        for c, weight in _between(grams, term[i - 1] if i else None, term[i + 1] if i + 1 < len(term) else None):
            if c != term[i] and is_han(c):  # a typo fix never puts punctuation (、。) in a word
                variant = term[:i] + c + term[i + 1:]
                likely[variant] = max(weight, likely.get(variant, 0))
                place[variant] = i
    checked = sorted(likely, key=lambda v: -likely[v])[:MAX_CHECKED]
    bound = [int(grams.count(gram_keys(v)).min()) for v in checked]
    scans = _places_to_scan(grams, term, [place[v] for v in checked], bound) if count_at else set()
    waiting = sorted(range(len(checked)), key=lambda i: (-bound[i], i))  # most possible sections first
    counted: list[tuple[int, int]] = []  # (-sections, place in checked)
    at = 0
    while True:
        while counted and (at == len(waiting) or (-bound[waiting[at]], waiting[at]) > counted[0]):
            n, i = heapq.heappop(counted)  # nothing left uncounted can come before it
            if n == 0:
                return  # and nothing after it occurs
            yield checked[i]
        if at == len(waiting):
            return
        i = waiting[at]
        at += 1
        p = place[checked[i]]
        if p in scans:
            scans.discard(p)
            count_at(p, [v[p] for v in checked if place[v] == p])
        heapq.heappush(counted, (-occurs(checked[i]), i))


def _places_to_scan(grams: GramDictionary, term: str, places: list[int], bound: list[int]) -> set[int]:
    """The places whose variants together could be in more than four times as many sections as could
    hold the rest of term (the most the one scan of a place reads)."""
    out = set()
    for p in set(places):
        rest = sorted({k for part in (term[:p], term[p + 1:]) if part for k in gram_keys(part)})
        each = sum(b for q, b in zip(places, bound, strict=True) if q == p)
        if each > 4 * int(grams.count(rest).min()):
            out.add(p)
    return out


def may_have_fixes(term: str) -> bool:
    """Typo fixes are looked for in Chinese strings of 2 to 12 characters (not in pm2.5, covid)."""
    return 2 <= len(term) <= 12 and all(is_cjk(c) for c in term)


def _between(grams: GramDictionary, left: str | None, right: str | None) -> list[tuple[str, int]]:
    """Characters c such that the index holds the bigrams left+c and c+right, most common first,
    with how common (the smaller of the two bigrams' postings)."""
    if left is not None:
        chars, n = grams.following(left)
        if right is not None:
            other = grams.count((chars.astype(np.uint64) << np.uint64(_CHAR_BITS)) | np.uint64(ord(right)))
            ok = other > 0
            chars, n = chars[ok], np.minimum(n[ok], other[ok])
    else:  # first character: every bigram ending in `right`
        chars, n = grams.preceding(right)
    best = np.argsort(-n, kind="stable")[:MAX_VARIANTS]
    return [(chr(c), w) for c, w in zip(chars[best].tolist(), n[best].tolist(), strict=True)]


def keywords(text: str, dict_hash: str, occurs: Callable[[str], int], matches: Callable[[str], bool]) -> str | None:
    """The jieba words of a long text that the index holds (occurs(w) > 0), most specific first, while
    together they match."""
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
