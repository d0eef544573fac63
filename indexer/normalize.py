"""Matching form of text: NFKC + casefold, whitespace next to CJK removed.

Matching happens on the folded form (so ２００８年 finds 2008年 and 防 溺水 finds
防溺水), but display uses the original, so every folded character keeps a link
back to the original characters it came from.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# CJK ideographs, CJK punctuation, kana, Hangul, and full-width forms that survive NFKC.
_CJK = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31ff"
    "\u3200-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe30-\ufe4f"
    "\U00020000-\U0003134f"
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_WS = re.compile(r"\s+")



class _FoldTable(dict):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        f = unicodedata.normalize("NFKC", chr(code)).casefold()
        self[code] = f
        return f


_TABLE = _FoldTable()


def fold_char(ch: str) -> str:
    return _TABLE[ord(ch)]


def is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.match(ch) is not None


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
        return self._orig_start(start), self._orig_end(end - 1)

    def _orig_start(self, i: int) -> int:
        ns, nl, os_, ol = self._segment(i)
        return os_ + (i - ns) if nl == ol else os_

    def _orig_end(self, i: int) -> int:
        ns, nl, os_, ol = self._segment(i)
        return os_ + (i - ns) + 1 if nl == ol else os_ + ol


def _special_positions(text: str) -> list[tuple[int, int, str]]:
    """Runs whose folded length differs from their length: whitespace runs and
    characters that NFKC/casefold expand or drop. Returned as (start, end, kind)."""
    specials = [(m.start(), m.end(), "ws") for m in _WS.finditer(text)]
    odd = [ch for ch in set(text) if len(fold_char(ch)) != 1 and not ch.isspace()]
    for ch in odd:
        i = text.find(ch)
        while i >= 0:
            specials.append((i, i + 1, "ch"))
            i = text.find(ch, i + 1)
    if odd:
        specials.sort()
    return specials


def fold(text: str) -> Folded:
    """Fold text for matching, keeping the way back to the original."""
    out: list[str] = []
    segments: list[tuple[int, int, int, int]] = []
    npos = 0
    pos = 0
    for start, end, kind in _special_positions(text):
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
