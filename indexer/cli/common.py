"""What the commands share: the index folder, filter options, terminal widths and marks."""

from __future__ import annotations

import argparse
import html
import os
import re
from pathlib import Path

DEFAULT_INDEX = "index"


def index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index or os.environ.get("EDUSEARCH_INDEX") or DEFAULT_INDEX)


_MARK = re.compile(r"<mark>(.*?)</mark>")


def terminal_marks(snippet_html: str, color: bool) -> str:
    on, off = ("\033[1;33m", "\033[0m") if color else ("[", "]")
    return html.unescape(_MARK.sub(lambda m: on + m.group(1) + off, snippet_html))


def positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number is needed, not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {n}")
    return n


def display_width(text: str) -> int:
    """Columns a string takes on a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def filter_options(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--year", help="2019, 2015-2020, 2015-, -2020 or unknown")
    sp.add_argument("--date", help="成文日期: 2016, 2016-06 or 2016-01..2016-06")
    sp.add_argument("--type", help="document type, e.g. 工作总结")
    sp.add_argument("--region", help="region level (全国 省 市 县 区) or division (江苏, 淮安市)")

