"""Matching form of text: NFKC + casefold, traditional → simplified, whitespace next to CJK removed.

Matching happens on the folded form (so ２００８年 finds 2008年, 防 溺水 finds
防溺水 and 學校 finds 学校), but display uses the original, so every folded
character keeps a link back to the original characters it came from.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass

import opencc

# CJK ideographs, CJK punctuation, kana, Hangul, and full-width forms that survive NFKC.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff"
    "\u3200-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f"
    "\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_WS = re.compile(r"\s+")
# Ideograph blocks whose traditional forms and variants OpenCC maps to simplified.
_HAN_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2EBEF), (0x30000, 0x3134F))
# t2s first; the Hong Kong table adds variants it leaves alone (衞 → 卫). The Taiwan one is left out:
# it folds simplified characters too (么 → 幺 would turn 什么 into 什幺).
_OPENCC_CONFIGS = ("t2s", "hk2s")


@functools.cache
def t2s_chars() -> dict[str, str]:
    """OpenCC's traditional → simplified mapping, one character to one character.

    Phrase rules (乾隆 stays 乾隆) are left out on purpose: a fold that keeps the
    length keeps every offset and mark exact, and the query is folded the same way.
    """
    chars = [chr(c) for lo, hi in _HAN_BLOCKS for c in range(lo, hi + 1)]
    table: dict[str, str] = {}
    for config in _OPENCC_CONFIGS:
        # one call per table; a newline between characters keeps phrases from forming
        converted = opencc.OpenCC(config).convert("\n".join(chars)).split("\n")
        if len(converted) != len(chars):
            continue  # a table that merged lines cannot be lined up; the others still apply
        for ch, out in zip(chars, converted, strict=True):
            if out != ch and len(out) == 1 and ch not in table:
                table[ch] = out
    return table


@functools.cache
def _t2s_translate() -> dict[int, str]:
    return {ord(k): v for k, v in t2s_chars().items()}


def simplified(text: str) -> str:
    """Traditional characters as simplified, nothing else changed: for rules written in simplified (总结, 报告)."""
    return text.translate(_t2s_translate())


def _fold_one(ch: str) -> str:
    if unicodedata.category(ch) == "Cf":  # zero-width space, soft hyphen, BOM…: invisible, so not there for a reader
        return ""
    f = unicodedata.normalize("NFKC", ch).casefold()
    return t2s_chars().get(f, f) if len(f) == 1 else f


FAST_FOLD = 256  # characters: from this long, a text is translated through the table's array
_UNSEEN, _ODD_FOLD = 0xFFFFFFFF, 0xFFFFFFFE  # not a code point: not yet looked up; folds to more or fewer than one


class _FoldTable(dict):
    """str.translate table filled on first sight of each character. It notes the characters (not
    whitespace) that fold to more or fewer than one, and finds them in a text with one regex search."""

    def __init__(self):
        super().__init__()
        self.odd: set[str] = set()
        self._odd_pattern: re.Pattern | None = None
        self._bmp = None  # numpy array: each BMP code point's one-character fold, UNSEEN or ODD (translate)

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        f = _fold_one(ch)
        self[code] = f
        if len(f) != 1 and not ch.isspace():
            self.odd.add(ch)
            self._odd_pattern = None
        return f

    def translate(self, text: str) -> str:
        """text.translate(self): for a long text, through an array of each BMP character's fold, filled
        as characters are first seen. str.translate makes an int object for each character to look it
        up; the array maps a 2,000-character text in a sixth of the time (a snippet's whole section)."""
        if len(text) < FAST_FOLD:
            return text.translate(self)
        import numpy as np  # here: the CLI starts without it

        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        if int(codes.max()) > 0xFFFF:
            return text.translate(self)
        if self._bmp is None:
            self._bmp = np.full(0x10000, _UNSEEN, dtype=np.uint32)
        folded = self._bmp[codes]
        if (folded == _UNSEEN).any():
            for code in np.unique(codes[folded == _UNSEEN]).tolist():
                f = self[code]
                self._bmp[code] = ord(f) if len(f) == 1 and not 0xD800 <= code <= 0xDFFF else _ODD_FOLD
            folded = self._bmp[codes]
        if (folded == _ODD_FOLD).any():
            return text.translate(self)
        return folded.tobytes().decode("utf-32-le")

    def odd_in(self, text: str) -> set[str]:
        """The odd characters of text, every one of whose characters has been looked up."""
        if not self.odd:
            return set()
        if self._odd_pattern is None:
            self._odd_pattern = re.compile("[" + "".join(re.escape(ch) for ch in sorted(self.odd)) + "]")
        return set(self._odd_pattern.findall(text))


_TABLE = _FoldTable()


def fold_char(ch: str) -> str:
    return _TABLE[ord(ch)]


def fold_chars(text: str) -> str:
    """Each character folded on its own, whitespace included: what fold makes of a text that has
    no whitespace to drop or collapse."""
    return _TABLE.translate(text)


def is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.match(ch) is not None


def is_han(ch: str) -> bool:
    """An ideograph (not CJK punctuation, kana or hangul)."""
    return len(ch) == 1 and any(lo <= ord(ch) <= hi for lo, hi in _HAN_BLOCKS)


@dataclass
class Folded:
    """Folded text plus the segments that map it back to the original.

    Each segment is (norm_start, norm_len, orig_start, orig_len). Where the
    lengths are equal the mapping is one-to-one; otherwise the whole folded
    run stands for the whole original run (e.g. "…" → "...", a whitespace run
    collapsed to one space).
    """

    text: str
    segments: list[tuple[int, int, int, int]]

    def _segment(self, i: int) -> tuple[int, int, int, int]:
        k = bisect.bisect_right(self._starts, i) - 1
        return self.segments[max(k, 0)]

    @property
    def _starts(self) -> list[int]:
        starts = self.__dict__.get("_starts_cache")
        if starts is None:
            starts = [s[0] for s in self.segments]
            self.__dict__["_starts_cache"] = starts
        return starts

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) covering folded [start, end)."""
        return _orig_start(self._segment(start), start), _orig_end(self._segment(end - 1), end - 1)

    def orig_spans(self, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """orig_span of each of these non-empty spans, given in ascending order (a regex's matches): one
        walk along the segments instead of two searches for each (a snippet maps up to 500)."""
        segs, out, k = self.segments, [], 0
        last = len(segs) - 1
        for start, end in spans:
            while k < last and segs[k + 1][0] <= start:
                k += 1
            j = k
            while j < last and segs[j + 1][0] <= end - 1:
                j += 1
            out.append((_orig_start(segs[k], start), _orig_end(segs[j], end - 1)))
        return out


def _orig_start(segment: tuple[int, int, int, int], i: int) -> int:
    """Where the original of folded character i starts, i in this segment."""
    ns, nl, os_, ol = segment
    return os_ + (i - ns) if nl == ol else os_


def _orig_end(segment: tuple[int, int, int, int], i: int) -> int:
    """Where the original of folded character i ends, i in this segment."""
    ns, nl, os_, ol = segment
    return os_ + (i - ns) + 1 if nl == ol else os_ + ol


def _special_positions(text: str, odd: set[str]) -> list[tuple[int, int, str]]:
    """Runs whose folded length differs from their length: whitespace runs and the characters of
    odd, which NFKC/casefold expand or drop. Returned as (start, end, kind)."""
    specials = [(m.start(), m.end(), "ws") for m in _WS.finditer(text)]
    for ch in odd:
        i = text.find(ch)
        while i >= 0:
            specials.append((i, i + 1, "ch"))
            i = text.find(ch, i + 1)
    if odd:
        specials.sort()
    return specials


def _odd_chars(text: str) -> set[str]:
    """The characters of text (not whitespace) that fold to more or fewer than one character."""
    _TABLE.translate(text)  # each character looked up: the table knows which are odd
    return _TABLE.odd_in(text)


def fold(text: str) -> Folded:
    """Fold text for matching, keeping the way back to the original."""
    t = _TABLE.translate(text)  # each character looked up: the table knows which are odd
    odd = _TABLE.odd_in(text)
    return _fold_each(text, odd) if odd or len(t) != len(text) else _fold_even(text, t)


def _fold_even(text: str, t: str) -> Folded:
    """fold(text) when no character outside whitespace folds to more or fewer than one (most text): the
    whole text translated in one call, then each whitespace run dropped or made one space by fold's rule,
    the characters either side read from the translation (t)."""
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    npos = pos = 0
    for m in _WS.finditer(text):
        start, end = m.span()
        if start > pos:
            out.append(t[pos:start])
            segments.append((npos, start - pos, pos, start - pos))
            npos += start - pos
        left = t[start - 1] if start else ""
        right = t[end] if end < len(t) else ""
        if left and right and not is_cjk(left) and not is_cjk(right):
            out.append(" ")
            segments.append((npos, 1, start, end - start))
            npos += 1
        pos = end
    if pos < len(text):
        out.append(t[pos:])
        segments.append((npos, len(text) - pos, pos, len(text) - pos))
    return Folded("".join(out), segments)


def _fold_each(text: str, odd: set[str] | None = None) -> Folded:
    """fold(text), each run of plain characters translated on its own and each odd one looked up
    (odd: the text's odd characters, when known)."""
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    npos = 0
    pos = 0
    for start, end, kind in _special_positions(text, _odd_chars(text) if odd is None else odd):
        if start > pos:  # plain run: one folded char per original char
            chunk = text[pos:start].translate(_TABLE)
            out.append(chunk)
            segments.append((npos, len(chunk), pos, start - pos))
            npos += len(chunk)
        if kind == "ch":
            rep = fold_char(text[start])
        else:
            left = out[-1][-1:] if out and out[-1] else ""
            right = fold_char(text[end])[:1] if end < len(text) else ""
            rep = "" if (not left or not right or is_cjk(left) or is_cjk(right)) else " "
        if rep:
            out.append(rep)
            segments.append((npos, len(rep), start, end - start))
            npos += len(rep)
        pos = end
    if pos < len(text):
        chunk = text[pos:].translate(_TABLE)
        out.append(chunk)
        segments.append((npos, len(chunk), pos, len(text) - pos))
    return Folded("".join(out), segments)


def fold_text(text: str) -> str:
    return fold(text).text
