"""The whole-word rule for Latin letters and digits inside Chinese text.

A Chinese string matches anywhere; a Latin word or a number must not run on into more letters or
digits (edu is not inside education, 2008 not inside 120085). Matching, snippets, mention counts and
ranking all take their boundaries from term_pattern, so they agree on what an occurrence is.
"""

from __future__ import annotations

import functools
import re

import numpy as np

_LETTERS = ((0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF))  # a-z, Latin-1 to Latin Extended-B, Greek, Cyrillic
_DIGITS = ((0x30, 0x39),)
_LETTER = "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in _LETTERS) + "]"
_DIGIT = "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in _DIGITS) + "]"
_RANGES = {_LETTER: _LETTERS, _DIGIT: _DIGITS}
CLASSES = (_DIGITS, _LETTERS)  # class 1 and class 2 of boundaries() and char_classes(), as code-point ranges


@functools.lru_cache(maxsize=4096)  # asked for once per candidate section by proximity checks
def term_pattern(term: str, prefix: bool = False) -> re.Pattern | None:
    """A regex where the term needs word boundaries, else None. A letter at an end must not
    touch another letter, a digit another digit: edu is not inside education, 2008 not inside
    120085, but 5000 is found in 5000m2 (5000㎡) and covid in covid19, as a reader would."""
    left, right = _class(term[0]), None if prefix else _class(term[-1])
    if not (left or right):
        return None
    return re.compile(("(?<!" + left + ")" if left else "") + re.escape(term) + ("(?!" + right + ")" if right else ""))


def boundaries(term: str, prefix: bool = False) -> tuple[int, int]:
    """term_pattern's rule as class numbers (1 digits, 2 letters: CLASSES): (the class the character
    before an occurrence must not be in, the class the character after it must not be in), 0 where
    any character may stand."""
    right = 0 if prefix else _class_no(term[-1])
    return _class_no(term[0]), right


def char_classes(codes: np.ndarray) -> np.ndarray:
    """Per code point, its class number (0: neither a letter nor a digit)."""
    out = np.zeros(len(codes), dtype=np.uint8)
    for k, ranges in enumerate(CLASSES, 1):
        out[_within(codes, ranges)] = k
    return out


def _class_no(ch: str) -> int:
    return next((k for k, ranges in enumerate(CLASSES, 1) if any(a <= ord(ch) <= b for a, b in ranges)), 0)


def _class(ch: str) -> str | None:
    if re.match(_DIGIT, ch):
        return _DIGIT
    return _LETTER if re.match(_LETTER, ch) else None


def whole_at(buf: np.ndarray, start: np.ndarray, end: np.ndarray, lo: np.ndarray, hi: np.ndarray,
             pattern: re.Pattern) -> np.ndarray:
    """Per occurrence buf[start:end] of a term in the UTF-8 text buf[lo:hi] (bytes as uint8): is it a
    whole word under the term's pattern (term_pattern's), that is would pattern.match the text at
    it? Decided from the bytes beside it, for thousands of occurrences at once: every character of
    the letter and digit classes takes one or two bytes, any longer one is in neither."""
    text = pattern.pattern
    ok = np.ones(len(start), dtype=bool)
    for cls in _RANGES:
        if text.startswith("(?<!" + cls + ")"):
            ok &= ~_within(_code_before(buf, start, lo), _RANGES[cls])
        if text.endswith("(?!" + cls + ")"):
            ok &= ~_within(_code_after(buf, end, hi), _RANGES[cls])
    return ok


def _code_before(buf: np.ndarray, at: np.ndarray, lo: np.ndarray) -> np.ndarray:
    """The code point of the character ending at each `at` (-1 at the text's start; 0x800 for any of
    three or four bytes, which no class holds)."""
    one = buf[np.maximum(at - 1, 0)].astype(np.int64)
    lead = buf[np.maximum(at - 2, 0)].astype(np.int64)
    two = (one >= 0x80) & (at - 2 >= lo) & (lead >= 0xC0) & (lead < 0xE0)
    code = np.where(one < 0x80, one, np.where(two, ((lead & 0x1F) << 6) | (one & 0x3F), 0x800))
    return np.where(at > lo, code, -1)


def _code_after(buf: np.ndarray, at: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """The code point of the character starting at each `at` (-1 at the text's end; 0x800 for any of
    three or four bytes)."""
    last = len(buf) - 1
    lead = buf[np.minimum(at, last)].astype(np.int64)
    one = buf[np.minimum(at + 1, last)].astype(np.int64)
    two = (lead >= 0xC0) & (lead < 0xE0) & (at + 1 < hi)
    code = np.where(lead < 0x80, lead, np.where(two, ((lead & 0x1F) << 6) | (one & 0x3F), 0x800))
    return np.where(at < hi, code, -1)


def _within(code: np.ndarray, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    out = np.zeros(len(code), dtype=bool)
    for a, b in ranges:
        out |= (code >= a) & (code <= b)
    return out
