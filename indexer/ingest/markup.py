"""Markdown as a reader sees it, rendered once at index time in bounded time: plain text for
matching and sanitised HTML for display.

Python-Markdown is superlinear on some input (each nested or unclosed `[` scans the rest of its
paragraph: 49 KB of `[[[…](x)](x)` took 8 s; long runs of raw `<a ` tags or autolinks worse).
So a section is rendered only when it is small enough, when its link brackets and tags would not make the
renderer scan more than a few times its length, and while the file's render budget lasts (a
deadline that interrupts the renderer where the process allows it); otherwise it is shown as the
text it was written, escaped, in paragraphs.
"""

from __future__ import annotations

import html as _html
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import markdown as _markdown
import nh3

from indexer.ingest.headings import row_cells
from indexer.ingest.webpage import html_to_text

MAX_RENDER_CHARS = 200_000  # a larger section is shown as text
SCAN_FACTOR = 8  # characters the inline parsers may scan per character of the section …
SCAN_FLOOR = 4096  # … and at least this many
RENDER_SECONDS = 5.0  # of rendering per file

# Anything that Markdown would turn into something other than the same characters.
_SYNTAX = re.compile(r"[*_`\[\]<>&\\|~]|^\s{0,3}(?:[-+]\s|\d+\.\s|>|#|={3,}|-{3,})", re.M)
_ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "sup", "sub", "span",
}


@dataclass
class Rendered:
    text: str  # what a reader sees, for matching and snippets
    html: str  # sanitised, for the report page
    as_text: bool = False  # not rendered: shown as written


class RenderBudget:
    """The seconds of rendering one file has left, and how many of its sections were shown as text."""

    def __init__(self, seconds: float = RENDER_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.left = seconds
        self.as_text = 0

    def warning(self) -> str | None:
        if not self.as_text:
            return None
        return (f"Markdown too costly to render: {self.as_text} section(s) shown as written "
                f"(over {MAX_RENDER_CHARS} characters, deeply nested link brackets or unclosed tags, or over {RENDER_SECONDS:g} s)")


def render_markdown(src: str, budget: RenderBudget | None = None) -> Rendered:
    """A section's Markdown source → its text and sanitised HTML, within the file's budget."""
    budget = budget or RenderBudget()
    if not has_markup(src):  # most sections of most files: nothing Markdown would change but paragraphs
        return Rendered(text=src, html=_paragraphs(src))
    if budget.left > 0 and len(src) <= MAX_RENDER_CHARS and scan_cost(src) <= _scan_limit(src):
        start = budget.clock()
        try:
            with _deadline(budget.left):
                html = md_to_html(src)
        except _OutOfTime:
            html = None
        budget.left -= budget.clock() - start
        if html is not None:
            return Rendered(text=_text_of(src, html), html=html)
    budget.as_text += 1
    src = "\n".join(line for line in src.split("\n") if not _delimiter_row(line))  # a table's |---|: syntax only
    return Rendered(text=src, html=plain_html(src), as_text=True)


def _scan_limit(src: str) -> int:
    return max(SCAN_FLOOR, SCAN_FACTOR * len(src))


def scan_cost(src: str) -> int:
    """How many characters Python-Markdown's inline parsers would scan, as a linear-time counter:
    from each `[` to its `]` (or its paragraph's end when unclosed), from each `](` to its `)`, and
    from each `<` to the next `>` (raw tags and autolinks)."""
    cost = 0
    for block in re.split(r"\n[ \t]*\n", src):
        opened: dict[str, list[int]] = {"[": [], "(": []}
        tag = None  # where the last `<` not yet closed by `>` opened
        for i, ch in enumerate(block):
            if ch == "[" or (ch == "(" and i and block[i - 1] == "]"):
                opened[ch].append(i)
            elif ch in "])":
                stack = opened["[" if ch == "]" else "("]
                if stack:
                    cost += i - stack.pop()
            elif ch == "<":
                cost += 0 if tag is None else i - tag  # an unclosed `<` is scanned up to here, at least
                tag = i
            elif ch == ">" and tag is not None:
                cost, tag = cost + i - tag, None
        cost += sum(len(block) - i for stack in opened.values() for i in stack)
        cost += 0 if tag is None else len(block) - tag
    return cost


def plain_html(src: str) -> str:
    """Text shown as written: escaped, one paragraph per blank-line-separated block, a block of table
    rows (| 项目 | 2020年 |, as the Word reader writes them) a table."""
    blocks = [b.strip() for b in re.split(r"\n[ \t]*\n", src)]  # as Markdown strips a paragraph's ends
    return "\n".join(_table_html(b) or f"<p>{_html.escape(b, quote=False)}</p>" for b in blocks if b)


def _table_html(block: str) -> str | None:
    rows = [row_cells(line) for line in block.split("\n") if not _delimiter_row(line)]
    if not rows or any(r is None for r in rows):
        return None
    cells = ("".join(f"<td>{_html.escape(c, quote=False)}</td>" for c in row) for row in rows if row is not None)
    return "<table><tbody>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</tbody></table>"


def _delimiter_row(line: str) -> bool:
    """A Markdown table's line under its header: | --- | :--: |."""
    s = line.strip()
    return "|" in s and "-" in s and not s.strip("|:- \t")


def _paragraphs(src: str) -> str:
    """plain_html of a source without Markdown syntax, where there is nothing to escape (no & < >)."""
    blocks = _BLANK_LINE.split(src) if "\n" in src else (src,)
    return "\n".join(f"<p>{b}</p>" for b in (b.strip() for b in blocks) if b)


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _text_of(src: str, html: str) -> str:
    text, _ = html_to_text(html)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def has_markup(src: str) -> bool:
    return _SYNTAX.search(src) is not None


def md_to_html(src: str) -> str:
    """Markdown → HTML with raw HTML, scripts, handlers and javascript: links removed. Unbounded:
    render_markdown is the way in for a user's file."""
    html = _markdown.markdown(src, extensions=["tables"], output_format="html")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "td": {"align"}, "th": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class _OutOfTime(Exception):
    """The file's render budget ran out while a section was being rendered."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in the block after seconds, where a timer signal can interrupt it (the main
    thread of a Unix process: the reindex's workers). An earlier timer already set (a caller's own
    budget) is left to fire as it would; a later one is put back with its time left."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    outer_delay, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay and outer_delay <= seconds:
        yield
        return

    armed = [True]  # one-shot: never raised once the block is left

    def _alarm(signum, frame):
        if armed[0]:
            armed[0] = False
            raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, _alarm)
    start = time.monotonic()
    _, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_delay:
            signal.setitimer(signal.ITIMER_REAL, max(outer_delay - (time.monotonic() - start), 1e-6), outer_interval)
