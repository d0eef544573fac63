"""The reading commands: compare and series (a report's versions), kwic and collocates (how a term is used)."""

from __future__ import annotations

import argparse
import os
import sys

from indexer.cli.common import (
    display_width,
    filter_options,
    open_filtered,
    open_reader,
    positive_int,
    print_json,
    terminal_marks,
)
from indexer.search.limits import (
    COLLOCATE_LIMIT,
    COLLOCATE_MAX_WINDOW,
    COLLOCATE_WINDOW,
    KWIC_MAX_WIDTH,
    KWIC_PER_PAGE,
    KWIC_WIDTH,
)


def add_parsers(sub) -> None:
    """The reading commands' options, on the CLI's subparsers."""
    sp = sub.add_parser("compare", help="compare two versions of a report: sections aligned, sentences added and removed")
    sp.add_argument("a", help="doc id of the older version (as `search` prints it)")
    sp.add_argument("b", help="doc id of the newer version")
    sp.add_argument("--index")
    sp.add_argument("--json", action="store_true", help="print the same object as /api/compare")
    sp.set_defaults(func=cmd_compare)

    sp = sub.add_parser("series", help="a report's versions across the years; with QUERY, the passages of each that hold it")
    sp.add_argument("doc", help="doc id of one version")
    sp.add_argument("query", nargs="?", help="a query, e.g. 防溺水: each version's sections that match it")
    sp.add_argument("--index")
    sp.add_argument("--json", action="store_true", help="print the same object as /api/series")
    sp.set_defaults(func=cmd_series)

    sp = sub.add_parser("kwic", help="concordance: every occurrence on a line, with its left and right context")
    sp.add_argument("query")
    sp.add_argument("--index")
    sp.add_argument("--width", type=positive_int, default=KWIC_WIDTH, help=f"characters of context either side "
                                                                       f"(default {KWIC_WIDTH}, up to {KWIC_MAX_WIDTH})")
    sp.add_argument("--sort", choices=["year", "left", "right", "report"], default="year",
                    help="year (oldest first), left or right (by the characters next to the term), or report")
    filter_options(sp)
    sp.add_argument("--limit", type=positive_int, default=KWIC_PER_PAGE, help=f"lines per page (default {KWIC_PER_PAGE})")
    sp.add_argument("--page", type=positive_int, default=1)
    sp.add_argument("--csv", action="store_true", help="every line as CSV (no BOM)")
    sp.add_argument("--jsonl", action="store_true", help="every line as JSON Lines")
    sp.add_argument("--json", action="store_true", help="print the same object as /api/kwic")
    sp.set_defaults(func=cmd_kwic)

    sp = sub.add_parser("collocates", help="words near the query more often than chance (log-likelihood)")
    sp.add_argument("query")
    sp.add_argument("--index")
    sp.add_argument("--window", type=positive_int, default=COLLOCATE_WINDOW,
                    help=f"words either side (default {COLLOCATE_WINDOW}, up to {COLLOCATE_MAX_WINDOW})")
    sp.add_argument("--by", type=positive_int, help="years per period, e.g. 5 (default: one period)")
    sp.add_argument("--limit", type=positive_int, default=COLLOCATE_LIMIT, help=f"words per period (default {COLLOCATE_LIMIT})")
    filter_options(sp)
    sp.add_argument("--json", action="store_true", help="print the same object as /api/collocates")
    sp.set_defaults(func=cmd_collocates)




def no_report(doc_id: str) -> str:
    """As the Python API's ReportNotFound says it, with where a doc id is found."""
    return (f"索引中没有这份报告：{doc_id}（doc id 是报告链接中 /doc/ 之后的部分） / no report {doc_id!r} in the index "
            "(a doc id is what follows /doc/ in a report's link)")


def cmd_compare(args: argparse.Namespace) -> int:
    from indexer.search.compare import compare, missing

    reader = open_reader(args)
    if reader is None:
        return 2
    c = compare(reader, args.a, args.b)
    if c is None:
        gone = missing(reader, args.a, args.b)
        print(f"edusearch: {no_report(gone)}", file=sys.stderr)
        return 1
    if args.json:
        return print_json(c.to_dict())
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    on = {"added": "\033[32m", "removed": "\033[31m"} if color else {}
    off = "\033[0m" if color else ""
    same = [s for s in c.sections if s.status == "same"]
    first, second = c.labels
    if c.swapped:
        print("（两份报告已按日期排列，较早的在前。）")
    print(f"{first}：{c.a.title}（{c.a.date or c.a.year or '年份不详'}）")
    print(f"{second}：{c.b.title}（{c.b.date or c.b.year or '年份不详'}）")
    print(f"新增 {c.added} 句，删去 {c.removed} 句；{len(c.sections) - len(same)} 个章节有改动，{len(same)} 个未改动。")
    for s in c.sections:
        if s.status == "same":
            continue
        head = f"{s.a.heading or '（开头）'} → {s.b.heading or '（开头）'}" if s.heading_changed else (s.heading or "（开头）")
        label = {"added": "（新增章节）", "removed": "（删去章节）"}.get(s.status, "")
        print(f"\n== {head} {label}".rstrip())
        for p in s.pieces:
            if p.op != "same":
                sign = "+" if p.op == "added" else "-"
                print(f"{on.get(p.op, '')}{sign} {p.text}{off}")
    if same:
        print(f"\n未改动：{'；'.join(s.heading or '（开头）' for s in same)}")
    return 0


def cmd_series(args: argparse.Namespace) -> int:
    from indexer.search.versions import series_passages

    reader = open_reader(args)
    if reader is None:
        return 2
    found = series_passages(reader, args.doc, args.query or "")
    if found is None:
        print(f"edusearch: {no_report(args.doc)}", file=sys.stderr)
        return 1
    if args.json:
        return print_json(found.to_dict())
    if found.notice:
        print(f"提示：{found.notice}")
    if len(found.versions) < 2:
        print("这份报告没有其他年份的版本。")
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for v in found.versions:
        here = " ◀" if v.version.doc_id == found.doc_id else ""
        print(f"\n{v.version.date or v.version.year or '年份不详'}  {v.version.title}  [{v.version.doc_id}]{here}")
        if args.query and not v.hits:
            print(f"   （没有提到“{args.query}”）")
        for h in v.hits:
            print(f"   {' › '.join(h.heading_path) or '（开头）'}：{terminal_marks(h.snippet_html, color)}")
    return 0




def cmd_kwic(args: argparse.Namespace) -> int:
    from indexer.search.export import jsonl, kwic_csv, kwic_dicts
    from indexer.search.kwic import kwic, kwic_lines

    opened = open_filtered(args)
    if isinstance(opened, int):
        return opened
    reader, filters = opened
    if args.csv or args.jsonl:  # every line, as the web app's downloads
        lines = kwic_lines(reader, args.query, filters, width=args.width, sort=args.sort)
        for piece in (jsonl(kwic_dicts(lines)) if args.jsonl else kwic_csv(lines)):
            sys.stdout.write(piece.removeprefix("\ufeff"))
        return 0
    page = kwic(reader, args.query, filters, width=args.width, sort=args.sort, page=args.page, per_page=args.limit)
    if args.json:
        return print_json(page.to_dict())
    for note in page.notices:
        print(f"edusearch: {note}", file=sys.stderr)
    print(f"{page.total} 处，{page.sections} 个章节，{page.reports} 篇报告（{page.took_ms:.0f} ms）")
    years = " ".join(f"{y.year or '年份不详'}:{y.count}" for y in page.by_year)
    if years:
        print(f"年份：{years}")
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    on, off = ("\033[1;33m", "\033[0m") if color else ("【", "】")
    for line in page.lines:
        left = " " * (2 * args.width - display_width(line.left)) + line.left  # right-aligned: the terms line up
        print(f"{left} {on}{line.match}{off} {line.right}  ({line.title}, {line.year or '年份不详'})")
    return 0


def cmd_collocates(args: argparse.Namespace) -> int:
    from indexer.search.collocates import collocates

    opened = open_filtered(args)
    if isinstance(opened, int):
        return opened
    reader, filters = opened
    c = collocates(reader, args.query, filters, window=args.window, by=args.by, limit=args.limit)
    if args.json:
        return print_json(c.to_dict())
    for note in c.notices:
        print(f"edusearch: {note}", file=sys.stderr)
    print(f"{c.occurrences} 处，读了正文中 {c.windows} 处前后各 {c.window} 个词；全库 {c.corpus_tokens} 词（{c.took_ms:.0f} ms）")
    for period in c.periods:
        print(f"\n{period.label}（{period.windows} 处，窗口共 {period.tokens} 词）")
        rows = [["词", "观察值", "期望值", "G²", "全库频次"]] + [
            [x.word, str(x.observed), f"{x.expected:.2f}", f"{x.g2:.1f}", str(x.frequency)] for x in period.collocates]
        widths = [max(display_width(r[i]) for r in rows) for i in range(5)]
        for r in rows:
            print("  ".join([r[0] + " " * (widths[0] - display_width(r[0]))]
                            + [" " * (w - display_width(c)) + c for c, w in zip(r[1:], widths[1:], strict=True)]))
    return 0

