"""Snippets from the stored original text, with every occurrence marked on exactly its characters.

Matching runs on the folded text (the same form the index matched), and each
match is mapped back to the original characters it came from, so ２００８年 is
marked when 2008年 was asked for and nothing else is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from indexer.ingest.headings import row_cells
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
    text = one_line(text)
    spans = find_spans(text, needles)
    if not spans:
        end = _end(text, min(width, len(text)), 0) or min(width, len(text))  # a word longer than that is cut
        return html.escape(text[:end]) + ("…" if len(text) > end else "")
    windows = _windows(spans, text, width)
    parts = []
    for a, b in windows:
        piece = mark(text, spans, a, b)
        parts.append(("…" if a > 0 and not parts else "") + piece)
    tail = "…" if windows[-1][1] < len(text) else ""
    return "…".join(parts) + tail


def one_line(text: str) -> str:
    """A section's text on one line: its lines joined by a space, the rows of a table (| 项目 | 2020年 |)
    by a ；, so that a row still reads as a row and no occurrence runs from one row into the next."""
    lines = text.split("\n")
    out = [lines[0]]
    for before, line in zip(lines, lines[1:], strict=False):
        if row_cells(before) is not None and row_cells(line) is not None:
            out[-1] = out[-1][:-2]
            out.append(("" if out[-1][-1:] in _SENTENCE_END else "；") + line[2:])
        else:
            out.append(" " + line)
    return "".join(out)


_SENTENCE_END = "。；！？"


def _windows(spans: list[tuple[int, int]], text: str, width: int) -> list[tuple[int, int]]:
    best, best_i = -1, 0
    j = 0
    for i, (a, _) in enumerate(spans):  # the window starting at span i holding most spans
        while j < len(spans) and spans[j][1] <= a + width:
            j += 1
        if j - i > best:
            best, best_i = j - i, i
    chosen = [_around(spans[best_i][0], spans[min(best_i + best, len(spans)) - 1][1], text, width)]
    budget = MAX_WINDOWS - 1
    for a, b in spans:  # spans the first window missed get a short window of their own
        if budget == 0:
            break
        if any(x <= a and b <= y for x, y in chosen):
            continue
        chosen.append(_around(a, b, text, width // 2))
        budget -= 1
    chosen.sort()
    merged: list[tuple[int, int]] = []
    for a, b in chosen:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _around(a: int, b: int, text: str, width: int) -> tuple[int, int]:
    """A window of about width characters holding [a, b), starting a little before a, never
    starting or ending inside a Latin word or a number (…ERLINK, 4.2万 cut to 2万)."""
    lead = min(a, max(0, (width - (b - a)) // 4))
    start = a - lead
    end = min(len(text), max(b, start + width))
    return _start(text, start, a), _end(text, end, b)


def _start(text: str, i: int, a: int) -> int:
    """i, or where the word i cuts ends (not past a, the first occurrence), or where it starts."""
    if not _cuts_word(text, i):
        return i
    j = i
    while j < a and _in_word(text, j):
        j += 1
    if j < a or not _cuts_word(text, j):
        return j
    k = i  # the occurrence starts inside a word (2.5 in PM2.5): the window starts with the word
    while k > 0 and i - k < _REACH and _in_word(text, k - 1):
        k -= 1
    return k if not _cuts_word(text, k) else a


def _end(text: str, i: int, b: int) -> int:
    """i, or where the word i cuts starts (not before b, the last occurrence's end), or where it ends."""
    if not _cuts_word(text, i):
        return i
    j = i
    while j > b and _in_word(text, j - 1):
        j -= 1
    if j > b or not _cuts_word(text, j):
        return j
    k = i  # the occurrence ends inside a word (edu* in education): the window ends with the word
    while k < len(text) and k - i < _REACH and _in_word(text, k):
        k += 1
    return k if not _cuts_word(text, k) else b


_REACH = 24  # characters a window may grow by to hold the rest of a word an occurrence sits in
_WORD = re.compile(r"[0-9a-zA-Z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_JOINERS = ".,:/_-@%'·"  # inside a word or number when letters or digits stand on both sides: 4.2, 1,850, www.moe.gov.cn


def _in_word(text: str, i: int) -> bool:
    """Whether character i is part of a Latin word or a number."""
    ch = text[i]
    if _WORD.match(ch):
        return True
    return ch in _JOINERS and 0 < i < len(text) - 1 and bool(_WORD.match(text[i - 1])) and bool(_WORD.match(text[i + 1]))


def _cuts_word(text: str, i: int) -> bool:
    """Whether a cut before character i splits a word or a number."""
    return 0 < i < len(text) and _in_word(text, i - 1) and _in_word(text, i)
