"""What the commands share: the index folder, filter options, terminal widths and marks."""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from indexer.search.limits import COPIES

DEFAULT_INDEX = "index"


def index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index or os.environ.get("EDUSEARCH_INDEX") or DEFAULT_INDEX)


_MARK = re.compile(r"<mark>(.*?)</mark>")


def terminal_marks(snippet_html: str, color: bool) -> str:
    on, off = ("\033[1;33m", "\033[0m") if color else ("[", "]")
    return html.unescape(_MARK.sub(lambda m: on + m.group(1) + off, snippet_html))


def whole_number(lo: int, hi: int | None = None, unit: str = "", subject: tuple[str, str] = ("", "")
                 ) -> Callable[[str], int]:
    """An argparse type: a whole number from lo (to hi), refused in both languages otherwise. unit (MB)
    is named when the value is not a number; subject (端口, a port) names what the number is."""
    zh_unit, en_unit = (f"（{unit}）", f" of {unit}") if unit else ("", "")
    zh, en = subject
    must = f"{en} is" if en else "must be"

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            said = f"{en} is a whole number" if en else f"a whole number{en_unit} is needed"
            raise argparse.ArgumentTypeError(f"{zh}须是整数{zh_unit}，而不是“{value}” / {said}, not {value!r}") from None
        if hi is None and n < lo:
            raise argparse.ArgumentTypeError(f"{zh}须是 {lo} 或更大的数，而不是 {n} / {must} {lo} or more, not {n}")
        if hi is not None and not lo <= n <= hi:
            raise argparse.ArgumentTypeError(f"{zh}须在 {lo} 到 {hi} 之间，而不是 {n} / {must} from {lo} to {hi}, not {n}")
        return n

    return parse


positive_int = whole_number(1)
megabytes = whole_number(0, 4096, "MB")  # --kept-mb, --map-mb
port_number = whole_number(1, 65535, subject=("端口", "a port"))


def display_width(text: str) -> int:
    """Columns a string takes on a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def filter_options(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--year", help="2019, 2015-2020, 2015-, -2020, 2015,2018,2020, 近五年 or unknown")
    sp.add_argument("--date", help="成文日期: 2016, 2016-06 or 2016-01..2016-06")
    sp.add_argument("--type", help="document type, e.g. 工作总结")
    sp.add_argument("--region", help="region level (全国 省 市 县 区) or division (江苏, 淮安市)")


def copies_option(sp: argparse.ArgumentParser, what: str) -> None:
    """--copies one|all: a document held by several sources counted once (its preferred copy) or each copy."""
    sp.add_argument("--copies", choices=COPIES, default="one", help=f"{what} (as copies=all in the URL)")


def print_json(data) -> int:
    """--json: the object as the matching /api page returns it; the command's exit code (0)."""
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def open_reader(args: argparse.Namespace):
    """The live index of --index, or None after saying why there is none."""
    from indexer.store.generations import NoIndex, require_current
    from indexer.store.reader import IndexReader

    try:
        return IndexReader(require_current(index_dir(args)))
    except NoIndex as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return None


def open_filtered(args: argparse.Namespace):
    """(reader, filters) from --index and the filter options (filter_options), or an exit code after
    saying why not: the filters are read first, so a bad --year is reported even without an index."""
    from indexer.search.facets import Filters

    try:
        filters = Filters.for_year(args.year)
        filters.set_date(args.date)
    except ValueError as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    filters.doc_type, filters.region = args.type, args.region
    reader = open_reader(args)
    return 2 if reader is None else (reader, filters)
