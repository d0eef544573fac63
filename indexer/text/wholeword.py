"""The whole-word rule for Latin letters and digits inside Chinese text.

A Chinese string matches anywhere; a Latin word or a number must not run on into more letters or
digits (edu is not inside education, 2008 not inside 120085). Matching, snippets, mention counts and
ranking all take their boundaries from term_pattern, so they agree on what an occurrence is.
"""

from __future__ import annotations

import functools
import re

_LETTER = r"[a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]"
_DIGIT = r"[0-9]"


@functools.lru_cache(maxsize=4096)  # asked for once per candidate section by proximity checks
def term_pattern(term: str, prefix: bool = False) -> re.Pattern | None:
    """A regex where the term needs word boundaries, else None. A letter at an end must not
    touch another letter, a digit another digit: edu is not inside education, 2008 not inside
    120085, but 5000 is found in 5000m2 (5000㎡) and covid in covid19, as a reader would."""
    left, right = _class(term[0]), None if prefix else _class(term[-1])
    if not (left or right):
        return None
    return re.compile(("(?<!" + left + ")" if left else "") + re.escape(term) + ("(?!" + right + ")" if right else ""))


def _class(ch: str) -> str | None:
    if re.match(_DIGIT, ch):
        return _DIGIT
    return _LETTER if re.match(_LETTER, ch) else None
