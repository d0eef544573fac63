"""The `edusearch` command."""

from __future__ import annotations

import argparse
import errno
import html
import json
import os
import platform
import re
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from indexer.ingest.errors import Unreadable
from indexer.ingest.files import FORMATS, is_supported
from indexer.ingest.parse import parse_path
from indexer.search.limits import MAX_PER_PAGE, MAX_TREND_QUERIES

DEFAULT_INDEX = "index"


def index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index or os.environ.get("EDUSEARCH_INDEX") or DEFAULT_INDEX)


def cmd_parse(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        print(f"edusearch: {'broken link' if path.is_symlink() else 'no such file'}: {path}", file=sys.stderr)
        return 2
    if path.is_file() and not is_supported(path):
        print(f"edusearch: skipped {path}: {path.suffix or '(no extension)'} is not a type reindex reads "
              f"(reads: {FORMATS})", file=sys.stderr)
        return 1
    try:
        parsed = parse_path(path)
    except Unreadable as e:
        print(f"edusearch: skipped {path}: {e} ({e.code})", file=sys.stderr)
        return 1
    for w in parsed.warnings:
        print(f"edusearch: {path}: {w}", file=sys.stderr)
    if args.json:
        json.dump(parsed.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{parsed.source}: {len(parsed.reports)} report(s)")
    for r in parsed.reports:
        when = r.date or (r.year if r.year is not None else "年份不详")
        doc_no = f"{r.doc_no} · " if r.doc_no else ""
        print(f"\n[{r.doc_id}] {r.title}  ({doc_no}{when} · {r.doc_type} · {r.region or '-'} · {r.issuer or '-'})")
        for s in r.sections:
            label = s.heading or "（开头）"
            page = f" 第 {s.page} 页" if s.page else ""
            print(f"  {'  ' * s.level}{s.section_id:<10} {label}  [{len(s.text)} 字{page}]")
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    return _reindex(args, sources=[Path(p) for p in args.sources] or None, replace=args.replace,
                    full=args.full, userdicts=[Path(p) for p in args.userdict] if args.userdict else None)


def _reindex(args: argparse.Namespace, **how) -> int:
    from indexer.store.build import IndexWorkerFailed, SourceMissing, reindex
    from indexer.store.generations import IndexLocked

    try:
        summary = reindex(index_dir(args), **how)
    except (SourceMissing, IndexLocked, FileNotFoundError) as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    except IndexWorkerFailed as e:
        print(f"edusearch: {e}; the index is unchanged", file=sys.stderr)
        return 1
    except OSError as e:
        if e.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        print(f"edusearch: the disk is full ({e.filename or index_dir(args)}); the index is unchanged. "
              "Free some space and run the reindex again", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("edusearch: interrupted; the index is unchanged (the next reindex starts this one over)",
              file=sys.stderr)
        return 130
    for w in summary.warnings:
        print(f"edusearch: warning: {w}", file=sys.stderr)
    for s in summary.skipped:
        print(f"edusearch: skipped {s.path}: {s.detail} ({s.code})", file=sys.stderr)
    plan = summary.sources
    for note in plan.notes:
        print(f"edusearch: {note}", file=sys.stderr)
    if plan.added or plan.dropped:
        changes = [f"added {p}" for p in plan.added] + [f"dropped {p}" for p in plan.dropped]
        print(f"sources: {'; '.join(changes)} (now {len(plan.sources)}; `edusearch sources` lists them)")
    print(summary.line())
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    if args.action == "add":
        return _reindex(args, sources=[Path(p) for p in args.paths])
    if args.action == "remove":
        return _reindex(args, remove=[Path(p) for p in args.paths])
    from indexer.store.generations import current, read_manifest

    gen = current(index_dir(args))
    if gen is None:
        print(f"edusearch: no index in {index_dir(args)}: run `edusearch reindex SOURCE` first", file=sys.stderr)
        return 2
    manifest = read_manifest(gen)
    rows = []
    for src in manifest.get("sources", []):
        entries = [e for e in manifest["files"].values() if e.get("src") == src]
        rows.append({"path": src, "exists": Path(src).exists(), "files": len(entries),
                     "sections": sum(e["sections"] for e in entries)})
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for r in rows:
        state = "" if r["exists"] else "  (missing: its documents are kept until it is removed)"
        print(f"{r['path']}  {r['files']} files, {r['sections']} sections{state}")
    return 0


_MARK = re.compile(r"<mark>(.*?)</mark>")


def _terminal(snippet_html: str, color: bool) -> str:
    on, off = ("\033[1;33m", "\033[0m") if color else ("[", "]")
    return html.unescape(_MARK.sub(lambda m: on + m.group(1) + off, snippet_html))


def cmd_search(args: argparse.Namespace) -> int:
    from indexer.search.engine import search
    from indexer.search.facets import Filters
    from indexer.store.generations import NoIndex, require_current
    from indexer.store.reader import IndexReader

    try:
        filters = Filters.for_year(args.year)
        filters.set_date(args.date)
    except ValueError as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    filters.doc_type, filters.region = args.type, args.region
    try:
        reader = IndexReader(require_current(index_dir(args)))
    except NoIndex as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    res = search(reader, args.query, filters, page=args.page, per_page=args.limit, sort=args.sort)
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
    if res.total and not res.hits:
        last = -(-res.total // res.per_page)
        print(f"第 {res.page} 页超出范围：{res.total} 个章节共 {last} 页（每页 {res.per_page} 个，用 --page {last} 看最后一页）。")
    for i, h in enumerate(res.hits, start=first + 1):
        path = " › ".join([h.title, *h.heading_path])
        page = f" · 第 {h.page} 页" if h.page else ""
        doc_no = f" · {h.doc_no}" if h.doc_no else ""
        print(f"\n{i}. {path}  ({h.date or h.year or '年份不详'}{doc_no} · {h.doc_type}{page})")
        print(f"   {_terminal(h.snippet_html, color)}")
        print(f"   {_readable_url(h.url)}")
    return 0


def _readable_url(url: str) -> str:
    """The link with Chinese shown as it is, but a space, #, % or ? of a file name still escaped,
    so the printed link opens the section when pasted into a browser."""
    def show(m: re.Match) -> str:
        return "".join(c if ord(c) > 127 and c.isprintable() and not c.isspace() else quote(c, safe="")
                       for c in unquote(m.group()))

    return re.sub(r"(?:%[0-9A-Fa-f]{2})+", show, url)


def cmd_trend(args: argparse.Namespace) -> int:
    from indexer.search.export import trend_csv
    from indexer.search.facets import Filters
    from indexer.search.trend import MEASURE_LABELS, table, trend
    from indexer.store.generations import NoIndex, require_current
    from indexer.store.reader import IndexReader

    try:
        filters = Filters.for_year(args.year)
        filters.set_date(args.date)
        reader = IndexReader(require_current(index_dir(args)))
    except (ValueError, NoIndex) as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return 2
    filters.doc_type, filters.region = args.type, args.region
    if not any(q.strip() for q in args.queries):
        print("edusearch: give at least one query, e.g. `edusearch trend 防溺水 校园欺凌`", file=sys.stderr)
        return 2
    tr = trend(reader, args.queries, filters, args.by)
    for note in [*tr.notices, *(f"{s.query}: {s.notice}" for s in tr.series if s.notice)]:
        print(f"edusearch: {note}", file=sys.stderr)
    if args.csv:
        sys.stdout.write("".join(trend_csv(tr)).removeprefix("\ufeff"))
        return 0
    header, rows = table(tr)
    print(f"口径：{MEASURE_LABELS[tr.measure]}" + ("" if args.by else "（默认）"))
    text = [[str(c) for c in header], *[[str(c) for c in r] for r in rows]]
    widths = [max(_width(r[i]) for r in text) for i in range(len(header))]
    for r in text:
        print("  ".join(" " * (w - _width(c)) + c for c, w in zip(r, widths, strict=True)))
    return 0


def _open_reader(args: argparse.Namespace):
    """The live index for a command that reads it, or None after saying why there is none."""
    from indexer.store.generations import NoIndex, require_current
    from indexer.store.reader import IndexReader

    try:
        return IndexReader(require_current(index_dir(args)))
    except NoIndex as e:
        print(f"edusearch: {e}", file=sys.stderr)
        return None


def cmd_compare(args: argparse.Namespace) -> int:
    from indexer.search.compare import compare

    reader = _open_reader(args)
    if reader is None:
        return 2
    c = compare(reader, args.a, args.b)
    if c is None:
        gone = args.a if reader.report_index(args.a) is None else args.b
        print(f"edusearch: no report {gone!r} in the index (a doc id is what follows /doc/ in a report's link)", file=sys.stderr)
        return 1
    if args.json:
        json.dump(c.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    on = {"added": "\033[32m", "removed": "\033[31m"} if color else {}
    off = "\033[0m" if color else ""
    same = [s for s in c.sections if s.status == "same"]
    print(f"较早：{c.a.title}（{c.a.date or c.a.year or '年份不详'}）")
    print(f"较新：{c.b.title}（{c.b.date or c.b.year or '年份不详'}）")
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

    reader = _open_reader(args)
    if reader is None:
        return 2
    found = series_passages(reader, args.doc, args.query or "")
    if found is None:
        print(f"edusearch: no report {args.doc!r} in the index (a doc id is what follows /doc/ in a report's link)", file=sys.stderr)
        return 1
    if args.json:
        json.dump(found.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
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
            print(f"   {' › '.join(h.heading_path) or '（开头）'}：{_terminal(h.snippet_html, color)}")
    return 0


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number is needed, not {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {n}")
    return n


def _width(text: str) -> int:
    """Columns a string takes on a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cmd_stats(args: argparse.Namespace) -> int:
    from indexer.store.generations import NoIndex, require_current
    from indexer.store.reader import IndexReader

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
    print(f"years        {f'{lo}–{hi}' if lo else '(none known)'}" + (f" (+{st.unknown_year_reports} reports of unknown year)" if st.unknown_year_reports else ""))
    print(f"index size   {st.index_bytes / 1e6:.1f} MB")
    print(f"dictionary   {st.dictionary_hash}")
    print(f"built        {st.created} ({st.generation})")
    print(f"sources      {', '.join(st.sources)}")
    if st.skipped:
        print(f"skipped      {len(st.skipped)}: "
              + "; ".join(f"{s['path']}: {s['message']} ({s['detail']})" for s in st.skipped[:5]))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from waitress import serve

    from indexer.search.engine import warm
    from indexer.store.build import SourceMissing, reindex
    from indexer.store.generations import IndexLocked, NoIndex, OldIndex, require_current
    from webapp import create_app

    root = index_dir(args)
    if args.base_url and not re.match(r"^https?://[^\s/]+(/\S*)?$", args.base_url):
        print(f"edusearch: --base-url must look like https://example.org/edusearch, not {args.base_url!r}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    _few_malloc_arenas()
    try:
        require_current(root)
        why = ""
    except OldIndex:
        why = "an index from another version of edusearch"
    except NoIndex:
        why = "no index"
    if why:
        print(f"edusearch: {why} in {root}; building it first", file=sys.stderr)
        try:
            print(reindex(root).line(), file=sys.stderr)
        except (SourceMissing, IndexLocked) as e:
            print(f"edusearch: {e}", file=sys.stderr)
            return 2
    app = create_app(root, BASE_URL=args.base_url or "", TRUSTED_HOSTS=allowed_hosts(args), THREADS=args.threads,
                     HEAVY_SLOTS=min(args.heavy, args.threads), REQUEST_BUDGET=args.budget)
    warm(app.extensions["edusearch"].reader())
    print(f"edusearch: serving {root} on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="edusearch", clear_untrusted_proxy_headers=True,
          connection_limit=args.connection_limit, channel_timeout=args.channel_timeout,
          cleanup_interval=max(1, min(CLEANUP_INTERVAL, args.channel_timeout // 2)),
          asyncore_use_poll=True)  # select() fails on descriptors past 1024; poll() has no such limit
    return 0


CLEANUP_INTERVAL = 5  # seconds between closing connections idle past --channel-timeout (waitress's default: 30)
MALLOC_ARENAS = 1  # searches allocate their arrays seldom enough to share one arena


def _few_malloc_arenas() -> None:
    """Before the server starts its threads: glibc gives each thread that allocates under contention
    an arena of its own (up to 8 per core), and each keeps the memory a search freed; the numpy
    arrays of searches served by two dozen threads in turn then held hundreds of MB (a server on 1x
    laws ended its benchmark at 416 MB, 308 MB with two arenas). Elsewhere than glibc, nothing."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    mallopt = getattr(ctypes.CDLL(name), "mallopt", None) if name else None
    if mallopt is not None and platform.libc_ver()[0] == "glibc":
        mallopt(-8, MALLOC_ARENAS)  # M_ARENA_MAX


def allowed_hosts(args: argparse.Namespace) -> list[str] | None:
    """The Host names the server answers to (others get 400), so a page of another site cannot reach a
    server on 127.0.0.1 through a name of its own (DNS rebinding), and no link is built from a Host
    an attacker chose. Default: the bound address, localhost and --base-url's host; bound to every
    address (0.0.0.0), any name, unless --allowed-hosts says which."""
    if args.allowed_hosts:
        return [h.strip() for h in args.allowed_hosts.split(",") if h.strip()]
    if args.host in ("0.0.0.0", "::", ""):
        return None
    hosts = [args.host, "localhost", "127.0.0.1", "::1"]
    if args.base_url:
        hosts.append(urlsplit(args.base_url).hostname or "")
    return [h for h in dict.fromkeys(hosts) if h]


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="edusearch", description="Search Chinese education policy reports by section.")
    sub = p.add_subparsers(dest="command", required=True)
    reads = f"reads: {FORMATS}"
    sp = sub.add_parser("parse", help="show how a file is understood: reports, metadata, sections", epilog=reads)
    sp.add_argument("file")
    sp.add_argument("--json", action="store_true", help="machine-readable output")
    sp.set_defaults(func=cmd_parse)

    sp = sub.add_parser("reindex", help="build or refresh the index from source folders", epilog=reads)
    sp.add_argument("sources", nargs="*", help="folders (or files) of reports to add to the remembered sources; "
                                               "none: refresh the remembered ones (seeds/ the first time)")
    sp.add_argument("--index", help=f"index folder (default: $EDUSEARCH_INDEX or ./{DEFAULT_INDEX})")
    sp.add_argument("--full", action="store_true", help="rebuild everything, not only what changed")
    sp.add_argument("--userdict", action="append", help="extra jieba dictionary (word [freq] [tag] per line); repeatable")
    sp.add_argument("--replace", "--only", action="store_true",
                    help="index only the SOURCEs given, dropping the other remembered sources and their documents")
    sp.set_defaults(func=cmd_reindex)

    sp = sub.add_parser("sources", help="list the source folders the index remembers; add or remove one")
    sp.add_argument("action", nargs="?", choices=["list", "add", "remove"], default="list")
    sp.add_argument("paths", nargs="*", help="folders to add or remove")
    sp.add_argument("--index")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_sources)

    sp = sub.add_parser("search", help="search the index")
    sp.add_argument("query")
    sp.add_argument("--index")
    sp.add_argument("--year", help="2019, 2015-2020, 2015-, -2020 or unknown")
    sp.add_argument("--date", help="成文日期: 2016, 2016-06, 2016-06-07 or 2016-01..2016-06")
    sp.add_argument("--type", help="document type, e.g. 工作总结")
    sp.add_argument("--region", help="region level (全国 省 市 县 区) or division (江苏, 淮安市)")
    sp.add_argument("--limit", type=_positive, default=10, help=f"results per page (up to {MAX_PER_PAGE})")
    sp.add_argument("--page", type=_positive, default=1)
    sp.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance",
                    help="best first (default), or by report date (else year; unknown last)")
    sp.add_argument("--json", action="store_true", help="print the same object as /api/search")
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("trend", help="per-year table of one or more queries")
    sp.add_argument("queries", nargs="+", metavar="QUERY", help=f"up to {MAX_TREND_QUERIES} queries, each one argument")
    sp.add_argument("--index")
    sp.add_argument("--by", choices=["reports", "sections", "mentions", "share"],
                    help="reports that mention it, sections, mentions, or share of the year's reports "
                         "(default: share when years hold different numbers of reports, else reports)")
    sp.add_argument("--year", help="2010-2024, 2015-, or one year")
    sp.add_argument("--date", help="成文日期: 2016, 2016-06 or 2016-01..2016-06")
    sp.add_argument("--type", help="document type, e.g. 工作总结")
    sp.add_argument("--region", help="region level (全国 省 市 县 区) or division (江苏, 淮安市)")
    sp.add_argument("--csv", action="store_true", help="CSV (no BOM) instead of an aligned table")
    sp.set_defaults(func=cmd_trend)

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

    sp = sub.add_parser("serve", help="serve the web interface (waitress)")
    sp.add_argument("--index")
    sp.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--threads", type=_positive, default=24,
                    help="server threads (default 24); 2 are kept for cheap requests (report pages, /api/stats), "
                         "2 + 2 for downloads, the rest for searches at work or waiting for a slot")
    sp.add_argument("--heavy", type=_positive, default=2,
                    help="searches and trends at work at once (default 2); more wait briefly, "
                         "then get 503 with Retry-After")
    sp.add_argument("--budget", type=float, default=5.0,
                    help="seconds of a search's work before it answers with every match but unranked, "
                         "saying so (an export: 503); default 5")
    sp.add_argument("--connection-limit", type=_positive, default=1000,
                    help="open connections at once (default 1000); more wait to be accepted")
    sp.add_argument("--channel-timeout", type=_positive, default=30,
                    help="seconds before a connection that sends nothing (an unfinished or idle one) is closed "
                         "(default 30)")
    sp.add_argument("--base-url", help="public address of this server (https://…): makes copied links and exports absolute")
    sp.add_argument("--allowed-hosts", help="comma-separated Host names to answer (default: the bound address, localhost "
                                            "and --base-url's host; any name when bound to every address)")
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
    except KeyboardInterrupt:  # before a command's own handling (a reindex says the index is unchanged)
        print("edusearch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
