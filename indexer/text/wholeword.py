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
CLASSES = (_DIGITS, _LETTERS)  # class 1 and class 2 of boundaries() and char_classes(), as code-point ranges
_PATTERNS = (_DIGIT, _LETTER)  # the same classes as regex character sets, for term_pattern


@functools.lru_cache(maxsize=4096)  # asked for once per candidate section by proximity checks
def term_pattern(term: str, prefix: bool = False) -> re.Pattern | None:
    """A regex where the term needs word boundaries, else None. A letter at an end must not
    touch another letter, a digit another digit: edu is not inside education, 2008 not inside
    120085, but 5000 is found in 5000m2 (5000㎡) and covid in covid19, as a reader would."""
    left, right = boundaries(term, prefix)
    if not (left or right):
        return None
    return re.compile(("(?<!" + _PATTERNS[left - 1] + ")" if left else "") + re.escape(term)
                      + ("(?!" + _PATTERNS[right - 1] + ")" if right else ""))


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


def _within(code: np.ndarray, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    out = np.zeros(len(code), dtype=bool)
    for a, b in ranges:
        out |= (code >= a) & (code <= b)
    return out
