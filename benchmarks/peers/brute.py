"""Brute force: scan every section's folded text for every needle — the floor an index must beat.

Each section's parts are kept in memory joined by "\\n": a needle never contains a newline, so a
match can still never cross two parts, and one `in` per section replaces one per part. Needles are
applied one after another to the shrinking candidate list (longest first, as longer strings are
usually rarer); the Latin/digit whole-word rule of FORMATS.md is checked with a regex only on the
sections where `in` already succeeded. This is also the ground truth recall/precision are measured
against.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from .common import Section, YearRange

# Same as indexer/text/wholeword.py: letters of Latin (incl. extended), Greek and Cyrillic scripts, and digits.
_WORD = r"[0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]"
_WORD_CHAR = re.compile(_WORD)


def boundary_pattern(needle: str) -> re.Pattern[str] | None:
    """A regex for a needle that starts or ends in a Latin letter/digit (whole-word rule), else None."""
    left, right = bool(_WORD_CHAR.match(needle[0])), bool(_WORD_CHAR.match(needle[-1]))
    if not (left or right):
        return None
    return re.compile(("(?<!" + _WORD + ")" if left else "") + re.escape(needle) + ("(?!" + _WORD + ")" if right else ""))


class Brute:
    """All sections in memory; search is a linear scan."""

    def __init__(self, sections: Iterable[Section]) -> None:
        self.keys: list[str] = []
        self.years: list[int | None] = []
        self.texts: list[str] = []
        for s in sections:
            self.keys.append(s.key)
            self.years.append(s.year)
            self.texts.append("\n".join(s.parts))

    def search(self, needles: list[str], year: YearRange | None) -> list[str]:
        texts = self.texts
        if year is None:
            cand: Iterable[int] = range(len(texts))
        else:
            lo, hi = year
            cand = [i for i, y in enumerate(self.years) if y is not None and lo <= y <= hi]
        for needle in sorted(needles, key=len, reverse=True):
            cand = [i for i in cand if needle in texts[i]]
            pat = boundary_pattern(needle)
            if pat is not None:
                cand = [i for i in cand if pat.search(texts[i])]
        keys = self.keys
        return [keys[i] for i in cand]

    def memory_bytes(self) -> int:
        """Rough in-memory size of what is kept: the strings and the lists holding them."""
        strings = sum(sys.getsizeof(t) for t in self.texts) + sum(sys.getsizeof(k) for k in self.keys)
        return strings + sys.getsizeof(self.texts) + sys.getsizeof(self.keys) + sys.getsizeof(self.years)


def build(sections: list[Section], workdir: Path) -> Brute:
    """Nothing to build on disk: keep the texts."""
    return Brute(sections)


def version() -> str:
    return f"python {sys.version.split()[0]}"

