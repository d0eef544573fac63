"""Request arguments → search parameters. The URL holds all state."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.search import kwic
from indexer.search.engine import SORTS
from indexer.search.facets import Filters, missing_day
from indexer.search.feed import ORDERS
from indexer.search.limits import (
    COLLOCATE_LIMIT,
    COLLOCATE_MAX_LIMIT,
    COLLOCATE_MAX_WINDOW,
    COLLOCATE_WINDOW,
    KWIC_MAX_WIDTH,
    KWIC_PER_PAGE,
    KWIC_WIDTH,
    MAX_TREND_QUERIES,
    WEB_MAX_KWIC_PER_PAGE,
    WEB_MAX_PAGE,
    WEB_MAX_PER_PAGE,
)
from indexer.search.parser import WITHIN
from indexer.search.trend import MEASURES


class BadParam(ValueError):
    """A parameter that cannot be used; the message says which and why."""


@dataclass
class SearchParams:
    q: str
    filters: Filters
    year: str  # as in the URL, for links
    doc_type: str
    region: str
    province: str
    page: int
    per_page: int
    sort: str = "relevance"  # newest | oldest: by date, else year
    group: str = ""  # "report": one card per report
    date: str = ""  # as in the URL: 2016-06, 2016-01..2016-06
    bad: dict[str, str] = field(default_factory=dict)  # year, date: why the box's value was not used
    within: str = ""  # 词间关系: sentence | paragraph; "" for the whole section
    copies: str = ""  # "all": every copy of a document held by several sources counts; "": the document once
    # (search, trend, kwic and collocates take it as it is: anything but "all" counts a document once)

    def args(self, **changes) -> dict:
        """URL arguments for a link that keeps every other parameter."""
        d = {"q": self.q, "within": self.within, "year": self.year, "date": self.date, "doc_type": self.doc_type,
             "region": self.region, "province": self.province, "sort": self.sort if self.sort != "relevance" else "",
             "group": self.group, "copies": self.copies,
             "page": self.page if self.page != 1 else "", "per_page": self.per_page if self.per_page != 10 else ""}
        d.update({k: "" for k in self.bad})  # links go where the results shown came from: without what was not read
        d.update({k: ("" if v is None else v) for k, v in changes.items()})
        if "page" not in changes:
            d["page"] = ""  # a changed filter starts at page 1
        return {k: v for k, v in d.items() if v != ""}

    def here(self) -> dict:
        """URL arguments of this very results page (its page number too): where a result's link
        comes back to."""
        return self.args(page=self.page if self.page > 1 else None)


def _int(args, name: str, default: int, lo: int, hi: int) -> int:
    raw = args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParam(f"参数 {name} 应是整数，而不是“{raw[:20]}”。") from None
    if not lo <= value <= hi:
        raise BadParam(f"参数 {name} 应在 {lo} 到 {hi} 之间（现在是 {value}）。")
    return value


def marks_from(args) -> int:
    """Which occurrence a report page starts marking at (&marks_from=501: the next 500 after the first)."""
    return _int(args, "marks_from", 1, 1, 10**9)


def within_from(args) -> str:
    """The report page's 同句/同段 (&within=sentence|paragraph), "" for anything else: a link's extra
    argument, never worth a 400."""
    within = args.get("within", "")
    return within if within in WITHIN else ""


def year_filter(raw: str) -> Filters:
    try:
        return Filters.for_year(raw)
    except ValueError:
        raise BadParam(f"年份“{raw}”看不懂：可写 2019、2015-2020、2015-、-2020、2015,2018,2020、近五年 "
                       f"或 unknown（年份不详）。") from None


def _filters(args, bad: dict[str, str] | None = None) -> tuple[str, str, Filters]:
    """The year and date (as written, for links) and the facet filters of a request. An unreadable year
    or date raises BadParam, or, given `bad`, is left out with the reason put there (a page keeps the
    query and says why beside the box)."""
    year = args.get("year", "")[:YEAR_CHARS]
    try:
        filters = year_filter(year)
    except BadParam as e:
        if bad is None:
            raise
        bad["year"], filters = str(e), Filters()
    date = args.get("date", "")[:30]
    try:
        filters.set_date(date)
    except ValueError:
        if why := missing_day(date):
            message = f"日期“{date}”不存在：{why}。"
        else:
            message = f"日期“{date}”看不懂：可写 2016、2016-06、2016-06-07 或 2016-01..2016-06。"
        if bad is None:
            raise BadParam(message) from None
        bad["date"] = message
    filters.doc_type = args.get("doc_type", "")[:50] or None
    filters.region = args.get("region", "")[:50] or None
    filters.province = args.get("province", "")[:50] or None
    return year, date, filters


YEAR_CHARS = 100  # the year box: room for a list of years (2010,2012,…)


def search_params(args, keep_bad: bool = False) -> SearchParams:
    """The search a request asks for; keep_bad: an unreadable year or date is left out and said (params.bad)
    instead of a 400, for the page that shows the boxes."""
    q = args.get("q", "")[:2000]
    bad: dict[str, str] = {}
    year, date, filters = _filters(args, bad if keep_bad else None)
    page = _int(args, "page", 1, 1, WEB_MAX_PAGE)
    per_page = _int(args, "per_page", 10, 1, WEB_MAX_PER_PAGE)
    sort = _choice(args, "sort", SORTS)
    group = _choice(args, "group", ("", "report"))
    return SearchParams(q=q, filters=filters, year=year, doc_type=filters.doc_type or "", region=filters.region or "",
                        province=filters.province or "", page=page, per_page=per_page, sort=sort, group=group,
                        date=date, within=_choice(args, "within", ("", *WITHIN)), bad=bad, copies=_copies(args))


def _copies(args) -> str:
    """copies=all counts every copy; copies=one (or nothing) a document once."""
    return "" if args.get("copies", "") == "one" else _choice(args, "copies", ("", "all"))


def compare_params(args) -> tuple[str, str]:
    """The two reports a comparison asks for: ?a=older&b=newer (doc ids, as in /doc/…)."""
    a, b = args.get("a", "")[:1000], args.get("b", "")[:1000]
    if not a or not b:
        raise BadParam("对比需要两份报告：参数 a（较早的）和 b（较新的）都应是报告编号，例如 /compare?a=…&b=…。")
    return a, b


def series_params(args) -> tuple[str, str]:
    """The report whose versions are listed (?doc=…) and the passage looked for in each (?q=…)."""
    doc_id = args.get("doc", "")[:1000]
    if not doc_id:
        raise BadParam("参数 doc 应是报告编号，例如 /series?doc=…&q=防溺水。")
    return doc_id, args.get("q", "")[:2000]


def feed_order(args) -> str:
    """A feed's order: indexed (when the report entered the index, the default) or date (the report's)."""
    return _choice(args, "order", ORDERS)


def _choice(args, name: str, allowed: tuple[str, ...]) -> str:
    raw = args.get(name, "") or allowed[0]
    if raw not in allowed:
        raise BadParam(_not_a_choice(name, raw, allowed))
    return raw


def _not_a_choice(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    return f"参数 {name} 不能是“{raw[:20]}”，可选：{'、'.join(a for a in allowed if a)}。"


@dataclass
class TrendParams:
    queries: list[str]
    filters: Filters
    year: str
    doc_type: str
    region: str
    by: str  # "" for the default measure
    date: str = ""
    within: str = ""  # as on the search form: sentence | paragraph
    bad: dict[str, str] = field(default_factory=dict)  # year, date: why the box's value was not used
    copies: str = ""  # as SearchParams.copies

    def args(self, **changes) -> dict:
        d = {"q": self.queries, "within": self.within, "year": self.year, "date": self.date, "doc_type": self.doc_type,
             "region": self.region, "by": self.by, "copies": self.copies}
        d.update({k: "" for k in self.bad})  # links go where the figures shown came from
        d.update({k: ("" if v is None else v) for k, v in changes.items()})
        return {k: v for k, v in d.items() if v not in ("", [])}

    def search_args(self, q: str, **changes) -> dict:
        """A link to /search for one of the queries, with the trend's filters (changes: a year)."""
        d = {"q": q, "within": self.within, **changes, "date": self.date, "doc_type": self.doc_type,
             "region": self.region, "copies": self.copies}  # in the order the links always had
        return {k: v for k, v in d.items() if v}


def trend_params(args, keep_bad: bool = False) -> TrendParams:
    queries = [q[:2000] for q in args.getlist("q") if q.strip()][:MAX_TREND_QUERIES * 4]  # trend() says when it drops some
    bad: dict[str, str] = {}
    year, date, filters = _filters(args, bad if keep_bad else None)
    by = _choice(args, "by", ("", *MEASURES))
    return TrendParams(queries=queries, filters=filters, year=year, doc_type=filters.doc_type or "",
                       region=filters.region or "", by=by, date=date, within=_choice(args, "within", ("", *WITHIN)),
                       bad=bad, copies=_copies(args))



@dataclass
class KwicParams:
    """The concordance's arguments: the query and filters as on /search, its sort, width and page."""

    q: str
    filters: Filters
    year: str
    date: str
    doc_type: str
    region: str
    province: str
    sort: str = "year"
    width: int = KWIC_WIDTH
    page: int = 1
    per_page: int = KWIC_PER_PAGE
    copies: str = ""  # as SearchParams.copies
    bad: dict[str, str] = field(default_factory=dict)  # year, date: why the box's value was not used

    def args(self, **changes) -> dict:
        """URL arguments for a link that keeps every other parameter (a changed one starts at page 1)."""
        d = {"q": self.q, "year": self.year, "date": self.date, "doc_type": self.doc_type, "region": self.region,
             "province": self.province, "copies": self.copies, "sort": self.sort if self.sort != "year" else "",
             "width": self.width if self.width != KWIC_WIDTH else "",
             "per_page": self.per_page if self.per_page != KWIC_PER_PAGE else "", "page": ""}
        d.update({k: "" for k in self.bad})  # links go where the lines shown came from
        d.update({k: ("" if v is None else v) for k, v in changes.items()})
        return {k: v for k, v in d.items() if v != ""}

    def search_args(self) -> dict:
        """The same query and filters on /search."""
        return {k: v for k, v in self.args().items()
                if k in ("q", "year", "date", "doc_type", "region", "province", "copies")}


def kwic_params(args, keep_bad: bool = False) -> KwicParams:
    """keep_bad: as for search_params, for the page that shows the year box."""
    bad: dict[str, str] = {}
    year, date, filters = _filters(args, bad if keep_bad else None)
    return KwicParams(q=args.get("q", "")[:2000], filters=filters, year=year, date=date,
                      doc_type=filters.doc_type or "", region=filters.region or "", province=filters.province or "",
                      sort=_choice(args, "sort", kwic.SORTS), width=_int(args, "width", KWIC_WIDTH, 1, KWIC_MAX_WIDTH),
                      page=_int(args, "page", 1, 1, WEB_MAX_PAGE),
                      per_page=_int(args, "per_page", KWIC_PER_PAGE, 1, WEB_MAX_KWIC_PER_PAGE), copies=_copies(args),
                      bad=bad)


@dataclass
class CollocateParams:
    q: str
    filters: Filters
    year: str
    date: str
    doc_type: str
    region: str
    province: str
    window: int = COLLOCATE_WINDOW
    by: int = 0  # years per period; 0: one period
    limit: int = COLLOCATE_LIMIT
    copies: str = ""  # as SearchParams.copies
    bad: dict[str, str] = field(default_factory=dict)  # year, date: why the box's value was not used

    def args(self, **changes) -> dict:
        d = {"q": self.q, "year": self.year, "date": self.date, "doc_type": self.doc_type, "region": self.region,
             "province": self.province, "copies": self.copies, "window": self.window if self.window != COLLOCATE_WINDOW else "",
             "by": self.by or "", "limit": self.limit if self.limit != COLLOCATE_LIMIT else ""}
        d.update({k: "" for k in self.bad})  # links go where the words shown came from
        d.update({k: ("" if v is None else v) for k, v in changes.items()})
        return {k: v for k, v in d.items() if v != ""}


def collocate_params(args, keep_bad: bool = False) -> CollocateParams:
    """keep_bad: as for search_params, for the page that shows the year box."""
    bad: dict[str, str] = {}
    year, date, filters = _filters(args, bad if keep_bad else None)
    return CollocateParams(q=args.get("q", "")[:2000], filters=filters, year=year, date=date,
                           doc_type=filters.doc_type or "", region=filters.region or "",
                           province=filters.province or "",
                           window=_int(args, "window", COLLOCATE_WINDOW, 1, COLLOCATE_MAX_WINDOW),
                           by=_int(args, "by", 0, 0, 100), limit=_int(args, "limit", COLLOCATE_LIMIT, 1, COLLOCATE_MAX_LIMIT),
                           copies=_copies(args), bad=bad)
