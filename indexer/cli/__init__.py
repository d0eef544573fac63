"""The `edusearch` command."""

from __future__ import annotations

import argparse
import errno
import os
import platform
import re
import sys
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from indexer.cli import reading
from indexer.cli.common import (
    DEFAULT_INDEX,
    copies_option,
    display_width,
    index_dir,
    megabytes,
    open_filtered,
    open_reader,
    port_number,
    positive_int,
    print_json,
    terminal_marks,
)
from indexer.ingest.errors import Unreadable
from indexer.ingest.files import FORMATS, is_supported
from indexer.ingest.parse import parse_path
from indexer.search.limits import (
    MAX_PER_PAGE,
    MAX_TREND_QUERIES,
)
from indexer.store.kept import KEPT_BYTES, MAP_BYTES


def cmd_parse(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.exists():
        said = ("链接指向的文件不存在", "broken link") if path.is_symlink() else ("没有这个文件", "no such file")
        print(f"edusearch: {said[0]}：{path} / {said[1]}: {path}", file=sys.stderr)
        return 2
    if path.is_file() and not is_supported(path):
        kind = path.suffix or "(no extension)"
        print(f"edusearch: 不读 {kind} 类型的文件，已跳过 {path}（可读：{FORMATS}） / skipped {path}: {kind} is not "
              f"a type reindex reads (reads: {FORMATS})", file=sys.stderr)
        return 1
    try:
        parsed = parse_path(path)
    except Unreadable as e:
        print(f"edusearch: skipped {path}: {e} ({e.code})", file=sys.stderr)
        return 1
    for w in parsed.warnings:
        print(f"edusearch: {path}: {w}", file=sys.stderr)
    if args.json:
        return print_json(parsed.to_dict())
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
        print(f"edusearch: 索引未改动（{e}） / {e}; the index is unchanged", file=sys.stderr)
        return 1
    except OSError as e:
        if e.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        where = e.filename or index_dir(args)
        print(f"edusearch: 磁盘已满（{where}），索引未改动；请腾出空间后重新运行 reindex / the disk is full ({where}); "
              "the index is unchanged. Free some space and run the reindex again", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("edusearch: 已中断，索引未改动（下次 reindex 会重新开始） / interrupted; the index is unchanged "
              "(the next reindex starts this one over)", file=sys.stderr)
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
        print(f"edusearch: {index_dir(args)} 中还没有索引，请先运行 edusearch reindex 来源文件夹 / no index in "
              f"{index_dir(args)}: run `edusearch reindex SOURCE` first", file=sys.stderr)
        return 2
    manifest = read_manifest(gen)
    rows = []
    for src in manifest.get("sources", []):
        entries = [e for e in manifest["files"].values() if e.get("src") == src]
        rows.append({"path": src, "exists": Path(src).exists(), "files": len(entries),
                     "sections": sum(e["sections"] for e in entries)})
    if args.json:
        return print_json(rows)
    for r in rows:
        state = "" if r["exists"] else "  (missing: its documents are kept until it is removed)"
        print(f"{r['path']}  {r['files']} files, {r['sections']} sections{state}")
    return 0






def cmd_search(args: argparse.Namespace) -> int:
    from indexer.search.engine import search

    opened = open_filtered(args)
    if isinstance(opened, int):
        return opened
    reader, filters = opened
    res = search(reader, args.query, filters, page=args.page, per_page=args.limit, sort=args.sort, within=args.within,
                 copies=args.copies)
    if args.json:
        return print_json(res.to_dict())
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    first = (res.page - 1) * res.per_page
    print(f"{res.total} 个章节，{res.total_documents} 篇报告（{res.took_ms:.0f} ms）")
    if len(res.results.others):
        print(f"同一文件的多个来源只算一次：其他来源中另有 {len(res.results.others)} 个匹配章节，列在各结果下（--copies all 分别列出）。")
    if res.notice:
        print(f"提示：{res.notice}")
    if res.suggestions:  # as the web page offers them: strings one character away that occur, or a long text's words
        print(f"试试：{'、'.join(res.suggestions)}")
    years = " ".join(f"{y['value'] or '未知'}:{y['count']}" for y in res.facets["year"])
    if years:
        print(f"年份：{years}")
    if res.total and not res.hits:
        last = -(-res.total // res.per_page)
        print(f"第 {res.page} 页超出范围：{res.total} 个章节共 {last} 页（每页 {res.per_page} 个，用 --page {last} 看最后一页）。")
    for i, h in enumerate(res.hits, start=first + 1):
        path = " › ".join([h.title + (f"（{h.distinguish}）" if h.distinguish else ""), *h.heading_path])
        page = f" · 第 {h.page} 页" if h.page else ""
        doc_no = f" · {h.doc_no}" if h.doc_no else ""
        print(f"\n{i}. {path}  ({h.date or h.year or '年份不详'}{doc_no} · {h.doc_type}{page})")
        print(f"   {terminal_marks(h.snippet_html, color)}")
        print(f"   {_readable_url(h.url)}")
        if h.sources:
            print(f"   另有 {len(h.sources)} 个来源：")
        for src in h.sources:
            links = [sec.url for sec in src.sections] or [src.url]
            print(f"     {src.source}  " + "  ".join(_readable_url(u) for u in links))
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
    from indexer.search.trend import MEASURE_LABELS, table, trend

    opened = open_filtered(args)
    if isinstance(opened, int):
        return opened
    reader, filters = opened
    if not any(q.strip() for q in args.queries):
        print("edusearch: 请至少给一个检索式，例如 edusearch trend 防溺水 校园欺凌 / give at least one query, "
              "e.g. `edusearch trend 防溺水 校园欺凌`", file=sys.stderr)
        return 2
    tr = trend(reader, args.queries, filters, args.by, within=args.within, copies=args.copies)
    for note in [*tr.notices, *(f"{s.query}: {s.notice}" for s in tr.series if s.notice)]:
        print(f"edusearch: {note}", file=sys.stderr)
    if args.csv:
        sys.stdout.write("".join(trend_csv(tr)).removeprefix("\ufeff"))
        return 0
    header, rows = table(tr)
    print(f"口径：{MEASURE_LABELS[tr.measure]}" + ("" if args.by else "（默认）"))
    text = [[str(c) for c in header], *[[str(c) for c in r] for r in rows]]
    widths = [max(display_width(r[i]) for r in text) for i in range(len(header))]
    for r in text:
        print("  ".join(" " * (w - display_width(c)) + c for c, w in zip(r, widths, strict=True)))
    return 0


















def cmd_stats(args: argparse.Namespace) -> int:
    reader = open_reader(args)
    if reader is None:
        return 2
    st = reader.stats()
    if args.json:
        return print_json(st.__dict__)
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

    from indexer.search.engine import warm
    from indexer.store.build import SourceMissing, reindex
    from indexer.store.generations import IndexLocked, NoIndex, OldIndex, require_current
    from webapp import create_app
    from webapp.server import serve

    root = index_dir(args)
    if args.base_url and not re.match(r"^https?://[^\s/]+(/\S*)?$", args.base_url):
        print(f"edusearch: --base-url 应形如 https://example.org/edusearch，而不是“{args.base_url}” / --base-url must "
              f"look like https://example.org/edusearch, not {args.base_url!r}", file=sys.stderr)
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
        if problem := cannot_listen(args.host, args.port):  # said before the build, not after minutes of it
            print(f"edusearch: {problem}", file=sys.stderr)
            return 1
        print(f"edusearch: {why} in {root}; building it first", file=sys.stderr)
        try:
            print(reindex(root).line(), file=sys.stderr)
        except (SourceMissing, IndexLocked) as e:
            print(f"edusearch: {e}", file=sys.stderr)
            return 2
    app = create_app(root, BASE_URL=args.base_url or "", TRUSTED_HOSTS=allowed_hosts(args), THREADS=args.threads,
                     HEAVY_SLOTS=min(args.heavy, args.threads), REQUEST_BUDGET=args.budget, KEPT_BYTES=args.kept_mb << 20,
                     MAP_BYTES=args.map_mb << 20, FREEZE=True)
    warm(app.extensions["edusearch"].reader())
    print(f"edusearch: serving {root} on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    try:
        serve(app, host=args.host, port=args.port, threads=args.threads, ident="edusearch",
              clear_untrusted_proxy_headers=True, connection_limit=args.connection_limit,
              channel_timeout=args.channel_timeout, cleanup_interval=max(1, min(CLEANUP_INTERVAL, args.channel_timeout // 2)),
              asyncore_use_poll=True)  # select() fails on descriptors past 1024; poll() has no such limit
    except OSError as e:  # waitress binds before it serves: the address is taken or not this machine's
        print(f"edusearch: {listen_error(args.host, args.port, e)}", file=sys.stderr)
        return 1
    return 0


def cannot_listen(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (as waitress binds: SO_REUSEADDR), or None if it can."""
    import socket

    try:
        for family, kind, proto, _name, addr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            with socket.socket(family, kind, proto) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(addr)
    except OSError as e:
        return listen_error(host, port, e)
    return None


def listen_error(host: str, port: int, e: OSError) -> str:
    """One line, Chinese then English, for a failure to listen."""
    import socket

    if isinstance(e, socket.gaierror):
        return f"找不到主机 {host}：--host 可写 127.0.0.1（只有本机）或 0.0.0.0（所有地址）。 / unknown host {host!r}"
    if e.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用，可用 --port 换一个。 / port {port} is already in use: choose another with --port"
    if e.errno == errno.EADDRNOTAVAIL:
        return (f"这台机器没有地址 {host}：--host 可写 127.0.0.1（只有本机）或 0.0.0.0（所有地址）。 / "
                f"{host} is not an address of this machine")
    if e.errno == errno.EACCES:
        return f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限），可用 --port 换一个。 / no permission to use port {port}"
    return f"无法在 {host}:{port} 上监听：{e.strerror or e}。 / cannot listen on {host}:{port}: {e}"


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


class Parser(argparse.ArgumentParser):
    """argparse, except that `-教育` (a query excluding 教育) is an argument, not an unknown option: no option
    starts with - and then anything but an ASCII letter or -. An excluded ASCII word goes after `--`."""

    def _parse_optional(self, arg_string: str):
        if len(arg_string) > 1 and arg_string[0] == "-" and not (arg_string[1].isascii() and
                                                                (arg_string[1].isalpha() or arg_string[1] == "-")):
            return None
        return super()._parse_optional(arg_string)

    def parse_known_args(self, args=None, namespace=None):
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str):
        unknown = [a for a in getattr(self, "_given", []) if a.startswith("-") and a != "--"
                   and a.split("=")[0] not in self._option_string_actions]
        if unknown and ("unrecognized arguments" in message or "required" in message):
            message += ("\n以 - 开头的检索词（排除某词）请放在 -- 之后，例如 edusearch search -- '教育 -pm2.5' / "
                        "a query starting with - goes after --")
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="edusearch", description="Search Chinese education policy reports by section.")
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
    sp.add_argument("--year", help="2019, 2015-2020, 2015-, -2020, 2015,2018,2020, 近五年 (this year and the four before) "
                                   "or unknown")
    sp.add_argument("--date", help="成文日期: 2016, 2016-06, 2016-06-07 or 2016-01..2016-06")
    sp.add_argument("--type", help="document type, e.g. 工作总结")
    sp.add_argument("--region", help="region level (全国 省 市 县 区) or division (江苏, 淮安市)")
    sp.add_argument("--limit", type=positive_int, default=10, help=f"results per page (up to {MAX_PER_PAGE})")
    sp.add_argument("--page", type=positive_int, default=1)
    sp.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance",
                    help="best first (default), or by report date (else year; unknown last)")
    sp.add_argument("--within", choices=["sentence", "paragraph"],
                    help="the query's terms in one sentence or paragraph (as /句 /段 between them; 词间关系 on the form)")
    sp.add_argument("--json", action="store_true", help="print the same object as /api/search")
    copies_option(sp, "a document held by several sources: one result, its other sources listed with it "
                      "(default), or each copy a result of its own")
    sp.set_defaults(func=cmd_search)

    sp = sub.add_parser("trend", help="per-year table of one or more queries")
    sp.add_argument("queries", nargs="+", metavar="QUERY", help=f"up to {MAX_TREND_QUERIES} queries, each one argument")
    sp.add_argument("--index")
    sp.add_argument("--by", choices=["reports", "sections", "mentions", "share"],
                    help="reports that mention it, sections, mentions, or share of the year's reports "
                         "(default: share when years hold different numbers of reports, else reports)")
    sp.add_argument("--year", help="2010-2024, 2015-, one year, 2015,2018,2020 or 近十年")
    sp.add_argument("--date", help="成文日期: 2016, 2016-06 or 2016-01..2016-06")
    sp.add_argument("--type", help="document type, e.g. 工作总结")
    sp.add_argument("--region", help="region level (全国 省 市 县 区) or division (江苏, 淮安市)")
    sp.add_argument("--within", choices=["sentence", "paragraph"], help="each query's terms in one sentence or paragraph")
    sp.add_argument("--csv", action="store_true", help="CSV (no BOM) instead of an aligned table")
    copies_option(sp, "count a document held by several sources once (default) or each copy")
    sp.set_defaults(func=cmd_trend)

    reading.add_parsers(sub)

    sp = sub.add_parser("serve", help="serve the web interface (waitress)")
    sp.add_argument("--index")
    sp.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    sp.add_argument("--port", type=port_number, default=8000, help="port to listen on, 1-65535 (default 8000)")
    sp.add_argument("--threads", type=positive_int, default=24,
                    help="server threads (default 24); 2 are kept for cheap requests (report pages, /api/stats), "
                         "2 + 2 for downloads, the rest for searches at work or waiting for a slot")
    sp.add_argument("--heavy", type=positive_int, default=2,
                    help="searches and trends at work at once (default 2); more wait briefly, "
                         "then get 503 with Retry-After")
    sp.add_argument("--budget", type=float, default=5.0,
                    help="seconds of a search's work before it answers with every match but unranked, "
                         "saying so (an export: 503); default 5")
    sp.add_argument("--kept-mb", type=megabytes, default=KEPT_BYTES >> 20, metavar="MB",
                    help="MB of strings found kept from one search for the next (another page, a facet, a sort "
                         f"of the same query); default {KEPT_BYTES >> 20}, 0 keeps none")
    sp.add_argument("--map-mb", type=megabytes, default=MAP_BYTES >> 20, metavar="MB",
                    help="MB of the index's text left mapped after a typo's suggestions scanned it (counted in the "
                         "server's resident memory; more answers them faster on a large index); "
                         f"default {MAP_BYTES >> 20}")
    sp.add_argument("--connection-limit", type=positive_int, default=1000,
                    help="open connections at once (default 1000); more wait to be accepted")
    sp.add_argument("--channel-timeout", type=positive_int, default=30,
                    help="seconds before a connection that sends nothing (an unfinished or idle one) is closed "
                         "(default 30)")
    sp.add_argument("--base-url", help="public address of this server (https://…): exported and copied links start with it "
                         "(else with the address a request came to, when its Host is an allowed one)")
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
        print("edusearch: 已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
