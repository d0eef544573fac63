"""The `edusearch` command."""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote

from .parse import parse_path
from .reader import FORMATS, Unreadable

DEFAULT_INDEX = "index"


def index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index or os.environ.get("EDUSEARCH_INDEX") or DEFAULT_INDEX)


def cmd_parse(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        parsed = parse_path(path)
    except Unreadable as e:
        print(f"edusearch: skipped {path}: {e}", file=sys.stderr)
        return 1
    for w in parsed.warnings:
        print(f"edusearch: {path}: {w}", file=sys.stderr)
    if args.json:
        json.dump(parsed.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{parsed.source}: {len(parsed.reports)} report(s)")
    for r in parsed.reports:
        year = r.year if r.year is not None else "年份不详"
        print(f"\n[{r.doc_id}] {r.title}  ({year} · {r.doc_type} · {r.region or '-'} · {r.issuer or '-'})")
        for s in r.sections:
            label = s.heading or "（开头）"
            page = f" 第 {s.page} 页" if s.page else ""
            print(f"  {'  ' * s.level}{s.section_id:<10} {label}  [{len(s.text)} 字{page}]")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from .builder import SourceMissing, reindex
    from .store import IndexLocked

    try:
        summary = reindex(index_dir(args), [Path(p) for p in args.sources] or None, full=args.full,
                          userdicts=[Path(p) for p in args.userdict] if args.userdict else None)
    except (SourceMissing, IndexLocked, FileNotFoundError) as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    for w in summary.warnings:
        print(f"edusearch: warning: {w}", file=sys.stderr)
    for s in summary.skipped:
        print(f"edusearch: skipped {s.path}: {s.reason}", file=sys.stderr)
    print(summary.line())
    return 0


_MARK = re.compile(r"<mark>(.*?)</mark>")


def _terminal(snippet_html: str, color: bool) -> str:
    on, off = ("\033[1;33m", "\033[0m") if color else ("[", "]")
    return html.unescape(_MARK.sub(lambda m: on + m.group(1) + off, snippet_html))


def cmd_search(args: argparse.Namespace) -> int:
    from .facets import Filters
    from .search import search
    from .searcher import IndexReader
    from .store import NoIndex, require_current

    try:
        filters = Filters.for_year(args.year)
    except ValueError as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    filters.doc_type, filters.region = args.type, args.region
    try:
        reader = IndexReader(require_current(index_dir(args)))
    except NoIndex as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    res = search(reader, args.query, filters, page=args.page, per_page=args.limit)
    if args.json:
        json.dump(res.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    first = (res.page - 1) * res.per_page
    print(f"{res.total} 个章节，{res.total_documents} 篇报告（{res.took_ms:.0f} ms）")
    if res.notice:
        print(f"提示：{res.notice}")
    years = " ".join(f"{y['value'] or '未知'}:{y['count']}" for y in res.facets["year"])
    if years:
        print(f"年份：{years}")
    for i, h in enumerate(res.hits, start=first + 1):
        path = " › ".join([h.title, *h.heading_path])
        page = f" · 第 {h.page} 页" if h.page else ""
        print(f"\n{i}. {path}  ({h.year or '年份不详'} · {h.doc_type}{page})")
        print(f"   {_terminal(h.snippet_html, color)}")
        print(f"   {unquote(h.url)}")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from .searcher import IndexReader
    from .store import NoIndex, require_current

    try:
        st = IndexReader(require_current(index_dir(args))).stats()
    except NoIndex as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(st.__dict__, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    lo, hi = st.years
    print(f"files        {st.files}")
    print(f"reports      {st.reports}")
    print(f"sections     {st.sections}")
    print(f"years        {lo}–{hi}" + (f" (+{st.unknown_year_reports} reports of unknown year)" if st.unknown_year_reports else ""))
    print(f"index size   {st.index_bytes / 1e6:.1f} MB")
    print(f"dictionary   {st.dictionary_hash}")
    print(f"built        {st.created} ({st.generation})")
    print(f"sources      {', '.join(st.sources)}")
    if st.skipped:
        print(f"skipped      {len(st.skipped)}: " + "; ".join(f"{s['path']}: {s['reason']}" for s in st.skipped[:5]))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from waitress import serve

    from webapp import create_app

    from .builder import SourceMissing, reindex
    from .store import current

    root = index_dir(args)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if current(root) is None:
        print(f"edusearch: no index in {root}; building it from seeds/ first", file=sys.stderr)
        try:
            print(reindex(root).line(), file=sys.stderr)
        except SourceMissing as e:
            print(f"edusearch: {e}", file=sys.stderr)
            return 2
    app = create_app(root)
    app.extensions["edusearch"].reader().warm()
    print(f"edusearch: serving {root} on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="edusearch", clear_untrusted_proxy_headers=True)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="edusearch", description="Search Chinese education policy reports by section.")
    sub = p.add_subparsers(dest="command", required=True)
    reads = f"reads: {FORMATS}"
    sp = sub.add_parser("parse", help="show how a file is understood: reports, metadata, sections", epilog=reads)
    sp.add_argument("file")
    sp.add_argument("--json", action="store_true", help="machine-readable output")
    sp.set_defaults(func=cmd_parse)

    sp = sub.add_parser("reindex", help="build or refresh the index from source folders", epilog=reads)
    sp.add_argument("sources", nargs="*", help="folders (or files) of reports; default: the ones indexed last time, else seeds/")
    sp.add_argument("--index", help=f"index folder (default: $EDUSEARCH_INDEX or ./{DEFAULT_INDEX})")
    sp.add_argument("--full", action="store_true", help="rebuild everything, not only what changed")
    sp.add_argument("--userdict", action="append", help="extra jieba dictionary (word [freq] [tag] per line); repeatable")
    sp.set_defaults(func=cmd_reindex)

    sp = sub.add_parser("search", help="search the index")
    sp.add_argument("query")
    sp.add_argument("--index")
    sp.add_argument("--year", help="2019, 2015-2020, 2015-, -2020 or unknown")
    sp.add_argument("--type", help="document type, e.g. 工作总结")
    sp.add_argument("--region", help="region level: 全国 省 市 县 区")
    sp.add_argument("--limit", type=int, default=10, help="results per page (up to 10000)")
    sp.add_argument("--page", type=int, default=1)
    sp.add_argument("--json", action="store_true", help="print the same object as /api/search")
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("serve", help="serve the web interface (waitress)")
    sp.add_argument("--index")
    sp.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--threads", type=int, default=8)
    sp.set_defaults(func=cmd_serve)

    sp = sub.add_parser("stats", help="what the index holds")
    sp.add_argument("--index")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_stats)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
