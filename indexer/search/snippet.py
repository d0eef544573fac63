"""Snippets from the stored original text, with every occurrence marked on exactly its characters.

Matching runs on the folded text (the same form the index matched), and each
match is mapped back to the original characters it came from, so ２００８年 is
marked when 2008年 was asked for and nothing else is. A string of the query inside
proximity conditions only (防溺水 /句 家长) is marked where one of them holds
(proximity.py), and a snippet shows those places first.
"""

from __future__ import annotations

import bisect
import heapq
import html
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from indexer.ingest.headings import row_cells
from indexer.search import proximity
from indexer.search.parser import Near, ParsedQuery
from indexer.text.normalize import fold
from indexer.text.wholeword import term_pattern

WIDTH = 160
MAX_WINDOWS = 3
MAX_MATCHES = 500  # occurrences of a string a snippet looks among for its windows


@dataclass
class Needle:
    text: str  # folded
    prefix: bool = False
    title_only: bool = False  # from title:…: marked in a report title, not where the body happens to hold it
    near: tuple[Near, ...] = ()  # a string of proximity conditions only: an occurrence counts where one holds

    def pattern(self) -> re.Pattern:
        return term_pattern(self.text, self.prefix) or re.compile(re.escape(self.text))

    def held(self, folded: str, breaks: Callable[[], list[int]]) -> set[tuple[int, int]]:
        """For a string of proximity conditions: its occurrences in one field's folded text where one
        of them holds (breaks: where the field's lines end, asked for only when a unit needs them)."""
        lines = breaks() if any(c.kind != "chars" for c in self.near) else []
        return {(a, b) for c in self.near for a, b, t in proximity.satisfying(c, folded, lines) if t == self.text}


def term_needles(parsed: ParsedQuery) -> list[Needle]:
    """The query's strings not under NOT, each once, in query order; one found only inside proximity
    conditions carries them (its occurrences count where one holds), one also outside counts everywhere."""
    free = {(t.text, t.prefix) for t in parsed.free_terms()}
    nears = parsed.proximities()
    out: list[Needle] = []
    for t in parsed.positive_terms():
        if any((n.text, n.prefix) == (t.text, t.prefix) for n in out):
            continue
        held = () if (t.text, t.prefix) in free else tuple(
            c for c in nears if any((o.text, o.prefix) == (t.text, t.prefix) for alts in c.alternatives() for o in alts))
        out.append(Needle(t.text, t.prefix, near=held))
    return out


def query_marks(parsed: ParsedQuery) -> list[Needle]:
    """What a query marks: its strings (those of proximity conditions where one holds), and title:
    strings in report titles only."""
    return term_needles(parsed) + [Needle(t.text, t.prefix, True) for t in parsed.title_terms()]


def in_text(needles: list[Needle]) -> list[Needle]:
    """The needles that apply to a section's heading and text (all but the title: ones)."""
    return [n for n in needles if not n.title_only]


def proximities(needles: list[Needle]) -> list[Near]:
    """The proximity conditions some needles carry, each once."""
    out: list[Near] = []
    for c in (c for n in needles for c in n.near):
        if all(o.key() != c.key() for o in out):
            out.append(c)
    return out


def find_spans(original: str, needles: list[Needle]) -> list[tuple[int, int]]:
    """Original-text spans of every occurrence of every needle in this one field (a title, a heading
    or a text, with its line breaks), merged where they overlap."""
    near, free = _spans(original, needles)
    return merge_spans(near + free)


def _spans(original: str, needles: list[Needle]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(spans of strings of proximity conditions, where one holds; spans of the others), unmerged."""
    if not original or not needles:
        return [], []
    f = fold(original)
    near: list[tuple[int, int]] = []
    free: list[tuple[int, int]] = []
    for n in needles:
        if n.near:
            held = sorted(n.held(f.text, lambda: proximity.line_breaks(f, original)))[:MAX_MATCHES]
            near += f.orig_spans(held)
            continue
        found = [m.span() for m in itertools.islice(n.pattern().finditer(f.text), MAX_MATCHES)]
        free += f.orig_spans(found)
    return near, free


def window_spans(original: str, needles: list[Needle], skip: int, limit: int,
                 more: Iterable[tuple[int, int]] = ()) -> tuple[list[tuple[int, int]], int]:
    """Original-text spans of occurrences skip+1 … skip+limit of this one field, in order, merged where
    they overlap, and how many it holds in all (more: spans of it found otherwise): a page marks a
    bounded number and still says how many there are. Lazily: a hundred thousand are counted, not kept."""
    if not original or not (needles or more):
        return [], 0
    f = fold(original)
    near = sorted(f.orig_span(a, b) for n in needles if n.near
                  for a, b in n.held(f.text, lambda: proximity.line_breaks(f, original)))
    free = [(f.orig_span(m.start(), m.end()) for m in n.pattern().finditer(f.text)) for n in needles if not n.near]
    chosen: list[tuple[int, int]] = []
    n = 0
    for n, span in enumerate(_merging(heapq.merge(near, sorted(more), *free)), 1):
        if skip < n <= skip + limit:
            chosen.append(span)
    return chosen, n


def _merging(spans: Iterable[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Spans in order of their start, those that overlap made one, as they come."""
    current = None
    for a, b in spans:
        if current is not None and a < current[1]:
            current = (current[0], max(b, current[1]))
            continue
        if current is not None:
            yield current
        current = (a, b)
    if current is not None:
        yield current


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
    """Original-text span of the needle's k-th (from 0) non-overlapping occurrence, or None (counting
    every occurrence of the string, held by a proximity condition or not: what a link's ordinal names)."""
    f = fold(original)
    for i, m in enumerate(needle.pattern().finditer(f.text)):
        if i == k:
            return f.orig_span(m.start(), m.end())
    return None


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None,
         at: int | None = None, anchor: tuple[int, str] | None = None) -> str:
    """HTML of text[start:end] with the spans (ascending and apart, as merge_spans leaves them) in <mark>,
    everything else escaped; the mark holding character `at` is the one a link pointed to (id "at",
    which the page scrolls to); the one starting at anchor[0] gets the id anchor[1] (where a link to a
    page of marks lands). The spans inside are found by bisection: a page marks its paragraphs, a
    snippet its windows, one call each with the same spans."""
    end = len(text) if end is None else end
    out, pos = [], start
    first = bisect.bisect_right(spans, start, key=_span_end)  # the spans before it end at or before start
    for a, b in spans[first:bisect.bisect_left(spans, end, lo=first, key=_span_start)]:
        named = anchor is not None and a == anchor[0] and start <= a
        a, b = max(a, start), min(b, end)
        out.append(html.escape(text[pos:a]))
        tag = '<mark class="at" id="at">' if at is not None and a <= at < b else \
            f'<mark id="{anchor[1]}">' if named else "<mark>"
        out.append(tag + html.escape(text[a:b]) + "</mark>")
        pos = b
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def _span_start(span: tuple[int, int]) -> int:
    return span[0]


def _span_end(span: tuple[int, int]) -> int:
    return span[1]


def snippet(text: str, needles: list[Needle], width: int = WIDTH) -> str:
    """The best window (or a few, joined by …) around the densest occurrences. Where a proximity
    condition holds, the window around its occurrences comes first, the others after it in text order."""
    near, _ = _spans(text, [n for n in needles if n.near])  # on the text's lines: its paragraphs
    text, at = _joined(text)
    near = [(at(a), at(b)) for a, b in near]
    spans = merge_spans(near + find_spans(text, [n for n in needles if not n.near]))
    if not spans:
        end = _end(text, min(width, len(text)), 0) or min(width, len(text))  # a word longer than that is cut
        return html.escape(text[:end]) + ("…" if len(text) > end else "")
    windows = _windows(spans, text, width, merge_spans(near))
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


def one_line(text: str) -> str:
    """A section's text on one line: its lines joined by a space, the rows of a table (| 项目 | 2020年 |)
    by a ；, so that a row still reads as a row and no occurrence runs from one row into the next."""
    return _joined(text)[0]


def _joined(text: str) -> tuple[str, Callable[[int], int]]:
    """one_line(text), and where an offset of text is in it (for spans found on the text's lines)."""
    lines = text.split("\n")
    out = [lines[0]]
    shifts = [0]  # per line: where its characters moved to within its piece of the line
    for before, line in zip(lines, lines[1:], strict=False):
        if row_cells(before) is not None and row_cells(line) is not None:
            out[-1] = out[-1][:-2]
            sep = "" if out[-1][-1:] in _SENTENCE_END else "；"
            out.append(sep + line[2:])
            shifts.append(len(sep) - 2)
        else:
            out.append(" " + line)
            shifts.append(1)
    starts = list(itertools.accumulate((len(ln) + 1 for ln in lines[:-1]), initial=0))  # each line's, in text
    joined = list(itertools.accumulate((len(piece) for piece in out[:-1]), initial=0))  # each piece's, in the line

    def at(i: int) -> int:
        k = bisect.bisect_right(starts, i) - 1
        return min(max(joined[k] + i - starts[k] + shifts[k], joined[k]), joined[k] + len(out[k]))

    return "".join(out), at


_SENTENCE_END = "。；！？"


def _windows(spans: list[tuple[int, int]], text: str, width: int,
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
    chosen = [_around(first[best_i][0], first[min(best_i + best, len(first)) - 1][1], text, width)]
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
