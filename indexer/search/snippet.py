"""Snippets from the stored original text, with every occurrence marked on exactly its characters.

Matching runs on the folded text (the same form the index matched), and each
match is mapped back to the original characters it came from, so ２００８年 is
marked when 2008年 was asked for and nothing else is.
"""

from __future__ import annotations

import heapq
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from indexer.text.normalize import fold
from indexer.text.wholeword import term_pattern

WIDTH = 160
MAX_WINDOWS = 3
MAX_MATCHES = 500  # occurrences a snippet looks among for its windows


@dataclass
class Needle:
    text: str  # folded
    prefix: bool = False
    title_only: bool = False  # from title:…: marked in a report title, not where the body happens to hold it

    def pattern(self) -> re.Pattern:
        return term_pattern(self.text, self.prefix) or re.compile(re.escape(self.text))


def find_spans(original: str, needles: list[Needle], limit: int = MAX_MATCHES) -> list[tuple[int, int]]:
    """Original-text spans of the first `limit` occurrences of the needles, in order, merged where they overlap."""
    if not original or not needles:
        return []
    f = fold(original)
    return _in_original(f, islice(_folded_spans(f.text, needles), limit))


def window_spans(original: str, needles: list[Needle], skip: int, limit: int) -> tuple[list[tuple[int, int]], int]:
    """The spans of occurrences skip+1 … skip+limit of the text (in order), and how many it holds in all:
    a page marks a bounded number and still says how many there are."""
    if not original or not needles:
        return [], 0
    f = fold(original)
    chosen: list[tuple[int, int]] = []
    n = 0
    for n, span in enumerate(_folded_spans(f.text, needles), 1):
        if skip < n <= skip + limit:
            chosen.append(span)
    return _in_original(f, chosen), n


def _folded_spans(folded: str, needles: list[Needle]) -> Iterator[tuple[int, int]]:
    """Every occurrence of every needle in the folded text, in order, overlapping ones as one: lazily,
    so counting a hundred thousand holds none of them."""
    found = heapq.merge(*(((m.start(), m.end()) for m in n.pattern().finditer(folded)) for n in needles))
    current = None
    for a, b in found:
        if current is not None and a < current[1]:
            current = (current[0], max(b, current[1]))
            continue
        if current is not None:
            yield current
        current = (a, b)
    if current is not None:
        yield current


def _in_original(f, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Folded spans as spans of the original text, merged again where one original character (ﬁ) folded
    into two that separate spans touch."""
    merged: list[tuple[int, int]] = []
    for a, b in (f.orig_span(a, b) for a, b in spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def mark(text: str, spans: list[tuple], start: int = 0, end: int | None = None) -> str:
    """HTML of text[start:end] with the spans in <mark>, everything else escaped. A span (a, b, id) gets
    that id (where it starts, if a line break cuts it), for a link to land on it."""
    end = len(text) if end is None else end
    out, pos = [], start
    for a, b, *anchor in spans:
        if b <= start or a >= end:
            continue
        tag = f'<mark id="{anchor[0]}">' if anchor and a >= start else "<mark>"
        a, b = max(a, start), min(b, end)
        out.append(html.escape(text[pos:a]))
        out.append(tag + html.escape(text[a:b]) + "</mark>")
        pos = b
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def snippet(text: str, needles: list[Needle], width: int = WIDTH) -> str:
    """The best window (or a few, joined by …) around the densest occurrences."""
    text = " ".join(text.split("\n"))
    spans = find_spans(text, needles)
    if not spans:
        return html.escape(text[:width]) + ("…" if len(text) > width else "")
    windows = _windows(spans, len(text), width)
    parts = []
    for a, b in windows:
        piece = mark(text, spans, a, b)
        parts.append(("…" if a > 0 and not parts else "") + piece)
    tail = "…" if windows[-1][1] < len(text) else ""
    return "…".join(parts) + tail


def _windows(spans: list[tuple[int, int]], length: int, width: int) -> list[tuple[int, int]]:
    best, best_i = -1, 0
    j = 0
    for i, (a, _) in enumerate(spans):  # the window starting at span i holding most spans
        while j < len(spans) and spans[j][1] <= a + width:
            j += 1
        if j - i > best:
            best, best_i = j - i, i
    chosen = [_around(spans[best_i][0], spans[min(best_i + best, len(spans)) - 1][1], length, width)]
    budget = MAX_WINDOWS - 1
    for a, b in spans:  # spans the first window missed get a short window of their own
        if budget == 0:
            break
        if any(x <= a and b <= y for x, y in chosen):
            continue
        chosen.append(_around(a, b, length, width // 2))
        budget -= 1
    chosen.sort()
    merged: list[tuple[int, int]] = []
    for a, b in chosen:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _around(a: int, b: int, length: int, width: int) -> tuple[int, int]:
    """A window of about width characters holding [a, b), starting a little before a."""
    lead = min(a, max(0, (width - (b - a)) // 4))
    start = a - lead
    end = min(length, max(b, start + width))
    return start, end
