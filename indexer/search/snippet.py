"""Snippets from the stored original text, with every occurrence marked on exactly its characters.

Matching runs on the folded text (the same form the index matched), and each
match is mapped back to the original characters it came from, so ２００８年 is
marked when 2008年 was asked for and nothing else is. A query's marks (query_marks)
are its strings, marked wherever they occur, and its proximity conditions, whose
strings are marked only where the condition holds (proximity.py); a snippet shows
those places first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from indexer.search import proximity
from indexer.search.parser import Near, ParsedQuery
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


Mark = Needle | Near


def query_marks(parsed: ParsedQuery) -> list[Mark]:
    """What a query marks: its strings outside proximity conditions wherever they occur, each
    proximity condition where it holds, and title: strings in report titles only."""
    return ([Needle(t.text, t.prefix) for t in parsed.free_terms()] + list(parsed.proximities())
            + [Needle(t.text, t.prefix, True) for t in parsed.title_terms()])


def in_text(marks: list[Mark]) -> list[Mark]:
    """The marks that apply to a section's heading and text (all but the title: ones)."""
    return [m for m in marks if not (isinstance(m, Needle) and m.title_only)]


def find_spans(original: str, needles: list[Mark]) -> list[tuple[int, int]]:
    """Original-text spans of every occurrence each mark marks in this one field (a title, a heading
    or a text, with its line breaks), merged where they overlap."""
    near, free = _spans(original, needles)
    return merge_spans(near + free)


def _spans(original: str, needles: list[Mark]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(spans where a proximity condition holds, spans of the other marks), unmerged."""
    if not original or not needles:
        return [], []
    f = fold(original)
    near: list[tuple[int, int]] = []
    free: list[tuple[int, int]] = []
    for n in needles:
        if isinstance(n, Near):
            near += [(a, b) for a, b, _ in proximity.spans_in(n, original, f)[:MAX_MATCHES]]
            continue
        for k, m in enumerate(n.pattern().finditer(f.text)):
            if k >= MAX_MATCHES:
                break
            free.append(f.orig_span(m.start(), m.end()))
    return near, free


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted, those that overlap made one."""
    spans = sorted(spans)
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """HTML of text[start:end] with the spans in <mark>, everything else escaped."""
    end = len(text) if end is None else end
    out, pos = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out.append(html.escape(text[pos:a]))
        out.append("<mark>" + html.escape(text[a:b]) + "</mark>")
        pos = b
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def snippet(text: str, needles: list[Mark], width: int = WIDTH) -> str:
    """The best window (or a few, joined by …) around the densest occurrences. Where a proximity
    condition holds, the window around its occurrences comes first, the others after it in text order."""
    near, free = _spans(text, needles)  # on the text's lines: a paragraph ends at a line's end
    text = text.replace("\n", " ")  # the same length: the spans stay where they are
    spans = merge_spans(near + free)
    if not spans:
        return html.escape(text[:width]) + ("…" if len(text) > width else "")
    windows = _windows(spans, len(text), width, merge_spans(near))
    if near:
        first = min(near)
        windows.sort(key=lambda w: not (w[0] <= first[0] < w[1]))  # stable: the rest keep their order
    out = []
    for k, (a, b) in enumerate(windows):
        if k or a > 0:  # between windows, and before a first one that does not start the text
            out.append("…")
        out.append(mark(text, spans, a, b))
    tail = "…" if windows[-1][1] < len(text) else ""
    return "".join(out) + tail


def _windows(spans: list[tuple[int, int]], length: int, width: int,
             lead: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The window holding most of lead (of spans when lead is empty) first, then short windows for
    spans it missed."""
    first = lead or spans
    best, best_i = -1, 0
    j = 0
    for i, (a, _) in enumerate(first):  # the window starting at span i holding most spans
        while j < len(first) and first[j][1] <= a + width:
            j += 1
        if j - i > best:
            best, best_i = j - i, i
    chosen = [_around(first[best_i][0], first[min(best_i + best, len(first)) - 1][1], length, width)]
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
