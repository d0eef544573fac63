"""Topics across the years: per year, how many reports and sections match each query, how
often it is mentioned, and what share of that year's reports mention it.

Built on the exact matching step (the same sections a search returns, unranked), so a trend
point counts exactly the hits its link lists. The axis runs from the first to the last year that
holds a report within the year filter (a wide range draws no empty decades and hides no hit); years
between without any indexed report are kept on it (share undefined there); reports of unknown year are counted apart. Under a spent
Deadline the queries after the first are left out, and a notice says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from indexer.search import facets as facet_mod
from indexer.search.engine import Deadline
from indexer.search.facets import Filters
from indexer.search.limits import COPIES, MAX_TREND_QUERIES
from indexer.search.matching import matching_sections, one_copy
from indexer.search.mentions import count_mentions, mention_needles
from indexer.search.parser import WITHIN, parse_query
from indexer.store.catalog import UNKNOWN_YEAR
from indexer.store.reader import IndexReader

MEASURES = ("reports", "sections", "mentions", "share")
MEASURE_LABELS = {"reports": "涉及报告数", "sections": "章节数", "mentions": "提及次数", "share": "占当年报告的比例"}


@dataclass
class TrendPoint:
    year: int | None  # None: reports of unknown year
    indexed: int  # reports indexed for that year (under the type/region filters)
    reports: int  # of them, how many have a matching section
    sections: int
    mentions: int
    share: float | None  # reports / indexed; None where nothing is indexed

    def value(self, measure: str) -> float | int | None:
        return getattr(self, measure)


@dataclass
class TrendSeries:
    query: str
    points: list[TrendPoint]  # one per year of Trend.years, in order
    unknown: TrendPoint | None  # None when the year filter leaves out unknown years
    notice: str | None = None
    counted: bool = True  # False: nothing to count (exclusions alone), its zeros say nothing

    def total(self, measure: str) -> int:
        """Reports, sections or mentions over every year shown, unknown year included."""
        return sum(getattr(p, measure) for p in self.points + ([self.unknown] if self.unknown else []))


@dataclass
class Trend:
    years: list[int]
    indexed: list[int]  # reports indexed per year of years
    unknown_indexed: int | None
    measure: str  # the one asked for, else the default
    default_measure: str  # share when the years hold uneven numbers of reports, else reports
    series: list[TrendSeries] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    partial: bool = False  # the request's deadline was spent before every query was counted
    within: str | None = None  # the search form's 同句/同段 applied to every query (sentence | paragraph)
    copies: str = "one"  # one: a document held by several sources counts once; all: each copy counts

    def to_dict(self) -> dict:
        return asdict(self)


def trend(reader: IndexReader, queries: list[str], filters: Filters | None = None,
          measure: str | None = None, deadline: Deadline | None = None, within: str | None = None,
          copies: str = "one") -> Trend:
    """One series per query (each counted in full); a deadline spent after a series leaves the rest out.
    within: the search form's 同句/同段 for every query's terms (parser.parse_query); copies="one": a
    document held by several sources counts once (its preferred copy), "all": each copy."""
    filters = filters or Filters()
    copies = copies if copies in COPIES else "one"
    queries, notices = _clean(queries)
    years, indexed, unknown_indexed, held = _axis(reader, filters, copies)
    if not years and not filters.years.unknown and filters.years.ranges:
        asked = filters.years.shown()
        notices.append(f"所选年份（{asked}）内没有收录任何报告" + (f"；收录的报告在 {held[0]}–{held[1]} 年。" if held else "。"))
    uneven = len({c for c in indexed if c}) > 1
    default = "share" if uneven else "reports"
    if measure not in MEASURES:
        if measure:
            notices.append(f"统计口径“{measure}”不认识，已改用默认口径。")
        measure = default
    tr = Trend(years=years, indexed=indexed, unknown_indexed=unknown_indexed, measure=measure, default_measure=default,
               notices=notices, within=within if within in WITHIN else None, copies=copies)
    for i, q in enumerate(queries):
        if i and deadline is not None and deadline.spent():
            tr.notices.append(f"统计超出了服务器给一次请求的时间：只统计了前 {i} 个检索式（共 {len(queries)} 个）；请稍后再试。")
            tr.partial = True
            break
        tr.series.append(_series(reader, q, filters, tr, within))
    return tr


def _clean(queries: list[str]) -> tuple[list[str], list[str]]:
    out = list(dict.fromkeys(q.strip() for q in queries if q and q.strip()))
    notices = []
    if len(out) > MAX_TREND_QUERIES:
        notices.append(f"最多比较 {MAX_TREND_QUERIES} 个检索式，只用了前 {MAX_TREND_QUERIES} 个。")
        out = out[:MAX_TREND_QUERIES]
    return out, notices


def _axis(reader: IndexReader, filters: Filters, copies: str) -> tuple[list[int], list[int], int | None, tuple[int, int] | None]:
    """Every year from the first to the last that holds a report (within the asked range: year=1000-3000
    draws the years the index has, not 2001 empty ones), reports indexed in each, and of unknown year;
    and the first and last year held whatever the range (None: no report has a year)."""
    facts = reader.facts
    base = reader.report_live & facet_mod.report_filter(facts, filters, skip="year")
    if copies == "one":
        base = facet_mod.one_per_document(facts, base)
    per_year = np.bincount(facts.year[base], minlength=1)
    known = np.flatnonzero(per_year[1:]) + 1
    held = (int(known[0]), int(known[-1])) if len(known) else None
    asked = filters.years
    if asked.ranges:
        known = np.array([y for y in known.tolist() if y in asked], dtype=known.dtype)
    every = range(int(known[0]), int(known[-1]) + 1) if len(known) and not (asked.unknown and not asked.ranges) else []
    years = [y for y in every if not asked.ranges or y in asked]  # 2015,2018,2020: those three
    indexed = [int(per_year[y]) if y < len(per_year) else 0 for y in years]
    unknown = int(per_year[UNKNOWN_YEAR]) if not asked.ranges or asked.unknown else None
    return years, indexed, unknown, held


def _series(reader: IndexReader, q: str, filters: Filters, tr: Trend, within: str | None) -> TrendSeries:
    parsed = parse_query(q, within)
    sids = matching_sections(reader, q, filters, within)
    sids = one_copy(reader, sids, tr.copies)[0]  # the sections of each document's preferred matching copy
    needles = mention_needles(parsed)
    report = reader.catalog.section_report[sids]
    year = reader.facts.year[report]
    size = max([UNKNOWN_YEAR + 1, *[y + 1 for y in tr.years]])
    keep = year < size
    sections = np.bincount(year[keep], minlength=size)
    mentions = np.bincount(year[keep], weights=count_mentions(reader, sids[keep], needles), minlength=size)
    first = np.unique(report)
    reports = np.bincount(reader.facts.year[first], minlength=size)[:size]

    def point(y: int, indexed: int) -> TrendPoint:
        share = round(int(reports[y]) / indexed, 6) if indexed else None
        return TrendPoint(year=y or None, indexed=indexed, reports=int(reports[y]), sections=int(sections[y]),
                          mentions=int(mentions[y]), share=share)

    points = [point(y, n) for y, n in zip(tr.years, tr.indexed, strict=True)]
    unknown = point(UNKNOWN_YEAR, tr.unknown_indexed) if tr.unknown_indexed is not None else None
    notes = list(parsed.notices)
    counted = parsed.root is None or parsed.searchable()
    if not counted:
        notes.append("只有排除词，没有统计；请至少输入一个检索词或筛选条件。")
    return TrendSeries(query=q, points=points, unknown=unknown, notice=" ".join(notes) or None, counted=counted)


def table(tr: Trend, measure: str | None = None) -> tuple[list[str], list[list]]:
    """The per-year table the CLI prints and the CSV export holds: year, reports indexed, one column per query."""
    measure = measure or tr.measure
    header = ["年份", "收录报告数", *[f"{s.query}（{MEASURE_LABELS[measure]}）" for s in tr.series]]
    rows = []
    for i, (y, n) in enumerate(zip(tr.years, tr.indexed, strict=True)):
        rows.append([y, n, *[_cell(s.points[i], measure) for s in tr.series]])
    if tr.unknown_indexed is not None and (tr.unknown_indexed or any(s.unknown.reports for s in tr.series)):
        rows.append(["年份不详", tr.unknown_indexed, *[_cell(s.unknown, measure) for s in tr.series]])
    return header, rows


def _cell(p: TrendPoint, measure: str):
    v = p.value(measure)
    return "" if v is None else (f"{v:.4f}" if measure == "share" else v)
