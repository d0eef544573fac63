"""Snippets from the stored original text, with every occurrence marked on exactly its characters.

Matching runs on the folded text (the same form the index matched), and each
match is mapped back to the original characters it came from, so ２００８年 is
marked when 2008年 was asked for and nothing else is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from indexer.text.normalize import fold
from indexer.text.wholeword import term_pattern

WIDTH = 160
MAX_WINDOWS = 3
MAX_MATCHES = 500


@dataclass
class Needle:
    text: str  # folded
    prefix: bool = False
    title_only: bool = False  # from title:…: marked in a report title, not where the body happens to hold it

    def pattern(self) -> re.Pattern:
        return term_pattern(self.text, self.prefix) or re.compile(re.escape(self.text))


def find_spans(original: str, needles: list[Needle]) -> list[tuple[int, int]]:
    """Original-text spans of every occurrence of every needle, merged where they overlap."""
    if not original or not needles:
        return []
    f = fold(original)
    spans: list[tuple[int, int]] = []
    for n in needles:
        for k, m in enumerate(n.pattern().finditer(f.text)):
            if k >= MAX_MATCHES:
                break
            spans.append(f.orig_span(m.start(), m.end()))
    return merge_spans(spans)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, those that overlap made one."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def nth_span(original: str, needle: Needle, k: int) -> tuple[int, int] | None:
    """Original-text span of the needle's k-th (from 0) non-overlapping occurrence, or None."""
    f = fold(original)
    for i, m in enumerate(needle.pattern().finditer(f.text)):
        if i == k:
            return f.orig_span(m.start(), m.end())
    return None


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None,
         at: int | None = None) -> str:
    """HTML of text[start:end] with the spans in <mark>, everything else escaped; the mark holding
    character `at` is the one a link pointed to (id "at", which the page scrolls to)."""
    end = len(text) if end is None else end
    out, pos = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(html.escape(text[pos:a]))
        tag = '<mark class="at" id="at">' if at is not None and a <= at < b else "<mark>"
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
