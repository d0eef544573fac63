"""edusearch from Python (a notebook, a script): the same search-layer functions the CLI and the web
app call, with their results as Python objects and data frames.

    from indexer import open_index
    ix = open_index("index")
    hits = ix.search("防溺水", year="2015-2020")
    for h in hits: ...                   # every hit, in result order
    hits.to_pandas()                     # pip install -e '.[pandas]'
    ix.trend(["防溺水", "校园欺凌"]); ix.report(h.doc_id)
    ix.kwic("防溺水", sort="left").to_pandas()   # every occurrence with its context
    ix.collocates("防溺水", by=5)               # words near it more often than chance
    ix.compare(older_id, newer_id); ix.series(h.doc_id, "防溺水")

Filters are keyword arguments read exactly as the URL and `--year`/`--date` read them (Filters in
indexer/search/facets.py): year="2015-2020" or "2015年", date="2016-01..2016-06", type=, region=,
province=, issuer=, docno=. An Index follows the live generation as the web app does (store.reader's
Library): a reindex publishing a new one is seen by the next call, while Hits keep reading the
generation their search ran on. One Index may serve several threads (as one Library serves the
server's); each iteration over Hits belongs to the thread that started it.
"""

from __future__ import annotations

import difflib
import operator
import os
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypedDict, Unpack

from indexer.search.collocates import Collocates, collocates
from indexer.search.compare import Comparison, compare, missing
from indexer.search.engine import SORTS, find
from indexer.search.export import plain
from indexer.search.facets import Filters, missing_day
from indexer.search.kwic import SORTS as KWIC_SORTS
from indexer.search.kwic import KwicLine, kwic_lines, line_dict
from indexer.search.limits import (
    COLLOCATE_LIMIT,
    COLLOCATE_MAX_WINDOW,
    COLLOCATE_WINDOW,
    COPIES,
    EXPORT_BATCH,
    KWIC_MAX_WIDTH,
    KWIC_WIDTH,
    RERANK_MAX,
)
from indexer.search.mentions import count_mentions
from indexer.search.parser import WITHIN
from indexer.search.report import ReportView, get_report
from indexer.search.results import SearchResults
from indexer.search.trend import MEASURES, Trend, trend
from indexer.search.versions import SeriesPassages, series_passages
from indexer.store.generations import NoIndex, OldIndex, reindex_running
from indexer.store.reader import IndexReader, Library, Stats

__all__ = ["open_index", "Index", "Hits", "Hit", "TrendResult", "Concordance", "IndexUnavailable", "ReportNotFound"]


class IndexUnavailable(Exception):
    """No index this version can read at that path: none yet, one a first reindex is still building, or
    one built by another version. The message says which, in Chinese and English."""


class ReportNotFound(KeyError):
    """No report of that doc_id in the index (it was never indexed, or a reindex removed it)."""

    def __str__(self) -> str:
        return str(self.args[0])


class FilterArgs(TypedDict, total=False):
    """The filters every method takes as keyword arguments (as the URL, the CLI and the query's fields)."""

    year: str | int | tuple[int | None, int | None]  # 2019, "2015-2020", "2015年", (2015, None), "unknown"
    date: str  # 成文日期: "2016", "2016-06", "2016-06-07", "2016-01..2016-06"
    type: str  # document type: 工作总结, 通知…
    region: str  # a level (全国 省 市 县 区) or a division (江苏, 淮安市)
    province: str
    issuer: str  # the report's issuer holds it (教育局)
    docno: str  # the report's 文号 holds it (〔2016〕24号)


def open_index(path: str | os.PathLike | None = None) -> Index:
    """The index in a folder (default: $EDUSEARCH_INDEX, else ./index, as for the CLI); IndexUnavailable
    when there is none this version can read."""
    return Index(Path(path or os.environ.get("EDUSEARCH_INDEX") or "index"))


class Index:
    """An index folder, opened: search, trend, report. Close it (or use `with`) to release its files.

    Each method is the search-layer function of that name called on the live generation
    (`self._reader()`) with the keyword filters read by `make_filters`, its result returned as it is or
    with a DataFrame view; nothing is searched here."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._library = Library(self.root)
        self._closed = False
        self._reader()  # a missing index is said now, not at the first search

    def search(self, q: str, *, sort: str = "relevance", within: str | None = None, copies: str = "one",
               **filters: Unpack[FilterArgs]) -> Hits:
        """Every section the query matches (engine.find), best first or by date (sort="newest" | "oldest");
        within="sentence" | "paragraph": the query's terms in one sentence or paragraph (the form's 词间关系);
        of a document held by several sources its preferred copy's, or every copy's with copies="all"."""
        _one_of("排序方式", "sort", sort, SORTS)
        _one_of("copies ", "copies", copies, COPIES)
        reader = self._reader()
        return Hits(self, reader, find(reader, _query(q), keyword_filters(filters), sort, need=RERANK_MAX,
                                         within=_scope(within), copies=copies))  # as pages order them

    def trend(self, queries: str | list[str], *, by: str | None = None, within: str | None = None,
              copies: str = "one",
              **filters: Unpack[FilterArgs]) -> TrendResult:
        """Per year, the reports, sections and mentions of each query (up to 6) and the share of that year's
        reports (trend.trend); by: the measure trend.table() shows (reports | sections | mentions | share)."""
        if by is not None:
            _one_of("统计口径", "by", by, MEASURES)
        _one_of("copies ", "copies", copies, COPIES)
        asked = [queries] if isinstance(queries, str) else list(queries) if isinstance(queries, list | tuple) else [queries]
        tr = trend(self._reader(), [_query(q) for q in asked], keyword_filters(filters), by, within=_scope(within),
                   copies=copies)
        return TrendResult(**{f.name: getattr(tr, f.name) for f in fields(Trend)})

    def report(self, doc_id: str, q: str | None = None, within: str | None = None) -> ReportView:
        """A whole report as its page shows it: metadata, parts, and every section with its text and HTML,
        q's occurrences marked in the HTML (report.get_report). The id of a renamed or moved file's
        report gives the report as it is now (its doc_id the new one), as its old link does."""
        reader = self._reader()
        view = get_report(reader, _now(reader, doc_id), q, within=_scope(within))
        if view is None:
            raise ReportNotFound(f"索引中没有这份报告：{doc_id} / no report {doc_id!r} in {self.root}")
        return view

    def kwic(self, q: str, *, width: int = KWIC_WIDTH, sort: str = "year", copies: str = "one",
             **filters: Unpack[FilterArgs]) -> Concordance:
        """Every occurrence of the query with `width` characters either side, cut at its section's
        edge (kwic.kwic_lines, what /kwic.csv writes); sort: year | left | right | report; a document
        held by several sources once (its preferred copy's lines), or every copy's with copies="all"."""
        _one_of("排序方式", "sort", sort, KWIC_SORTS)
        _within("width", width, KWIC_MAX_WIDTH)
        _one_of("copies ", "copies", copies, COPIES)
        return Concordance(kwic_lines(self._reader(), _query(q), keyword_filters(filters), width=width, sort=sort,
                                      copies=copies))

    def collocates(self, q: str, *, window: int = COLLOCATE_WINDOW, by: int | None = None,
                   limit: int = COLLOCATE_LIMIT, copies: str = "one", **filters: Unpack[FilterArgs]) -> Collocates:
        """The words within `window` words of the query more often than chance, ranked by log-likelihood
        (collocates.collocates); by: years per period, each period ranked on its own; copies as kwic's."""
        _within("window", window, COLLOCATE_MAX_WINDOW)
        if by is not None:
            _within("by", by, 10_000)
        _one_of("copies ", "copies", copies, COPIES)
        return collocates(self._reader(), _query(q), keyword_filters(filters), window=window, by=by, limit=max(1, int(limit)),
                          copies=copies)

    def compare(self, older: str, newer: str) -> Comparison:
        """What changed from one version of a report to another: sections aligned, sentences added and
        removed (compare.compare, what /compare shows)."""
        reader = self._reader()
        older, newer = _now(reader, older), _now(reader, newer)
        found = compare(reader, older, newer)
        if found is None:
            gone = missing(reader, older, newer)
            raise ReportNotFound(f"索引中没有这份报告：{gone} / no report {gone!r} in {self.root}")
        return found

    def series(self, doc_id: str, q: str = "") -> SeriesPassages:
        """A report's versions across the years, oldest first, each with its sections matching q
        (versions.series_passages, what /series shows)."""
        reader = self._reader()
        found = series_passages(reader, _now(reader, doc_id), _query(q))
        if found is None:
            raise ReportNotFound(f"索引中没有这份报告：{doc_id} / no report {doc_id!r} in {self.root}")
        return found

    def stats(self) -> Stats:
        """What the index holds: files, reports, sections, years, sources, what was skipped."""
        return self._reader().stats()

    def close(self) -> None:
        """Release the open generation; the Index (and Hits from it) cannot be used after."""
        self._closed = True
        self._library.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<edusearch Index {str(self.root)!r}{' (closed)' if self._closed else ''}>"

    def _reader(self) -> IndexReader:
        """The live generation's reader, reopened when a reindex has published a new one."""
        if self._closed:
            raise ValueError(f"索引已关闭。 / the index {str(self.root)!r} is closed")
        try:
            return self._library.reader()
        except NoIndex as e:
            raise IndexUnavailable(_unavailable(self.root, e)) from None


def _unavailable(root: Path, e: NoIndex) -> str:
    if root.exists() and not root.is_dir():
        return f"{root} 是一个文件，不是索引文件夹。 / {root} is a file, not an index folder"
    if reindex_running(root):
        return (f"{root} 的索引正在建立（edusearch reindex 还在运行），建好后再打开。 / the index in {root} is "
                "being built by a reindex that is still running: open it again when it finishes")
    if isinstance(e, OldIndex):
        return f"{root} 的索引是另一版本的 edusearch 建立的：请运行 edusearch reindex 重建。 / {e}"
    return f"{root} 里还没有索引：请先运行 edusearch reindex。 / {e}"


class UnknownFilter(TypeError, ValueError):
    """A keyword no method takes: a TypeError as Python's own for an unexpected keyword, and a ValueError as
    for every other filter it cannot read."""


def keyword_filters(given: dict) -> Filters:
    """make_filters(**given), a misspelt keyword named with the one meant (yaer= → year=) in a ValueError
    instead of Python's "unexpected keyword argument"."""
    known = list(FilterArgs.__annotations__)
    for name in given:
        if name not in known:
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            hint = f"是不是 {near[0]}=？" if near else ""
            raise UnknownFilter(f"没有“{name}”这个筛选条件：{hint}可用的有 {'、'.join(k + '=' for k in known)}。 / "
                             f"unknown filter {name}={'; did you mean ' + near[0] + '=?' if near else ''} "
                             f"(filters: {', '.join(known)})")
    return make_filters(**given)


def _query(q) -> str:
    """The query, which must be text: ix.search(2016) means a year filter, said so."""
    if isinstance(q, str):
        return q
    hint = f"按年份筛选请写 year={q}，例如 ix.search(\"美育\", year={q})。 / to filter by year write year={q}" \
        if isinstance(q, int) and not isinstance(q, bool) else \
        "检索式是一个字符串，例如 \"美育 year:2016\"。 / a query is one string, e.g. \"美育 year:2016\""
    raise TypeError(f"检索式须是字符串，而不是 {type(q).__name__}：{hint}")


def _now(reader: IndexReader, doc_id: str) -> str:
    """doc_id, or the id its report has since its file was renamed or moved."""
    return reader.moved_to(doc_id) or doc_id


def make_filters(year: str | int | tuple | None = None, date: str | tuple | None = None, type: str | None = None,
                 region: str | None = None, province: str | None = None, issuer: str | None = None,
                 docno: str | None = None) -> Filters:
    """Keyword filters → the search layer's Filters, years and dates read by its one reader of them
    (year: 2019, 2015-2020, 2015年, 2015-, -2020, 2015,2018,2020, 近五年, unknown, or (2015, None); date: 2016, 2016-06, 2016-06-07,
    2016-01..2016-06, or a pair of them); ValueError, in Chinese and English, for what it cannot read."""
    if isinstance(year, tuple | list):
        year = "-".join("" if y is None else str(y) for y in year)
    try:
        f = Filters.for_year(None if year is None else str(year))
    except ValueError as e:
        raise ValueError(f"年份“{year}”看不懂：可写 2019、2015-2020、2015年、2015-、-2020、2015,2018,2020、近五年 或 unknown。 / {e}") from None
    if isinstance(date, tuple | list):
        date = "..".join("" if d is None else str(d) for d in date)
    try:
        f.set_date(None if date is None else str(date))
    except ValueError as e:
        if why := missing_day(str(date)):
            raise ValueError(f"日期“{date}”不存在：{why}。 / {e}") from None
        raise ValueError(f"日期“{date}”看不懂：可写 2016、2016-06、2016-06-07 或 2016-01..2016-06。 / {e}") from None
    f.doc_type, f.region, f.province, f.issuer, f.doc_no = (v or None for v in (type, region, province, issuer, docno))
    return f


def _scope(within: str | None) -> str | None:
    """The 词间关系 keyword checked as the URL's within= is: sentence, paragraph, or None for the section."""
    if within is not None:
        _one_of("词间关系", "within", within, WITHIN, " or None")
    return within


@dataclass
class Hit:
    """One matching section and its report. snippet(), snippet_html() and text() read the index when
    called: cutting snippets is most of the work of reading hits, and many uses only count them."""

    rank: int  # 1-based place in the result order
    doc_id: str  # the report: ix.report(doc_id)
    section_id: str
    title: str
    year: int | None
    date: str | None  # 成文日期, ISO: 2016-06-07, 2016-06 or 2016
    doc_type: str
    doc_no: str | None  # 文号
    issuer: str | None
    issuers: list[str]  # joint issuers, each
    place: str | None  # the issuer's division, 江苏省淮安市洪泽区
    region: str | None  # its level: 全国 省 市 县 区
    province: str | None
    heading: str  # the section's own heading ("" for a report's opening)
    heading_path: list[str]  # headings from the top of the report down to this section
    url: str  # the section on the report page, /doc/<doc_id>#<section_id>
    score: float  # relevance (0 when sorted by date and unranked)
    mentions: int  # occurrences of the query strings in it (as a trend's mentions count them)
    page: int | None  # for PDFs, the page the section starts on
    source: str  # the file it came from, within its source folder

    def snippet(self) -> str:
        """The section's passage around the occurrences, as plain text (as exports write it)."""
        return plain(self.snippet_html())

    def snippet_html(self) -> str:
        """The same passage as the results page shows it: escaped, each occurrence in <mark>."""
        cut = self.__dict__.get("_snippet_html")  # cut with its batch, by to_pandas(snippets=True)
        return cut if cut is not None else self._hits()._snippet_html(self.rank - 1)

    def text(self) -> str:
        """The section's whole text, as written."""
        return self._hits()._text(self.rank - 1)

    def _hits(self) -> Hits:
        of = self.__dict__.get("_of")
        if of is None:
            raise ValueError("这条结果已脱离它的检索（复制或反序列化过），请重新检索。 / this hit was copied out of its "
                             "search (replaced or unpickled): search again to read its text")
        return of

    def __getstate__(self) -> dict:  # pickled without its search, which holds open files
        return {k: v for k, v in self.__dict__.items() if k != "_of"}


class Hits:
    """Every section one search matched, in result order: iterate for all of them (read a batch at a
    time), index or slice for some; len() is their number. They are read from the index generation the
    search ran on, even after a reindex has published another."""

    def __init__(self, index: Index, reader: IndexReader, results: SearchResults):
        self._index, self._r, self._res = index, reader, results

    query = property(lambda self: self._res.query)
    total_documents = property(lambda self: self._res.total_documents, doc="reports holding a hit")
    notices = property(lambda self: list(self._res.notices), doc="what was read other than as typed, why none")
    suggestions = property(lambda self: list(self._res.suggestions), doc="queries that find something, when none")
    mode = property(lambda self: self._res.mode, doc="exact | words (nothing exact: jieba's words) | empty")
    facets = property(lambda self: self._res.facets, doc="matching reports per year, type, region, province")

    def __len__(self) -> int:
        return self._res.total

    def __iter__(self) -> Iterator[Hit]:
        return self._every(snippets=False)

    def _every(self, snippets: bool) -> Iterator[Hit]:
        for start in range(0, len(self), EXPORT_BATCH):
            yield from self._read(start, start + EXPORT_BATCH, snippets)

    def __getitem__(self, key: int | slice) -> Hit | list[Hit]:
        if not isinstance(key, slice):
            try:
                key = operator.index(key)
            except TypeError:
                raise TypeError(f"结果按位置（整数）或切片取，而不是 {type(key).__name__}：hits[0]、hits[:10]。 / hits are "
                                f"indexed by an int or a slice, not {type(key).__name__}") from None
        if isinstance(key, slice):
            picked = range(len(self))[key]
            if picked.step == 1:
                return self._read(picked.start, picked.stop)
            return [self._read(i, i + 1)[0] for i in picked]
        if not -len(self) <= key < len(self):
            raise IndexError(f"没有第 {key} 条结果：共 {len(self)} 条。 / hit {key} out of range: there are {len(self)}")
        i = key % len(self)  # negative: from the end
        return self._read(i, i + 1)[0]

    def __repr__(self) -> str:
        said = " ".join(self.notices) + (f" 试试：{' / '.join(self.suggestions)}" if self.suggestions else "")
        return f"<Hits {self.query!r}: {len(self)} sections in {self.total_documents} reports{'; ' + said.strip() if said else ''}>"

    def to_pandas(self, snippets: bool = False):
        """A DataFrame, one row per hit in result order, one column per Hit field (and "snippet", plain
        text, with snippets=True: it cuts every hit's snippet, which takes most of the time)."""
        pd = _pandas()
        names = [f.name for f in fields(Hit)]
        cols: dict[str, list] = {n: [] for n in names + (["snippet"] if snippets else [])}
        for h in self._every(snippets):
            for n in names:
                cols[n].append(getattr(h, n))
            if snippets:
                cols["snippet"].append(h.snippet())
        df = pd.DataFrame(cols)
        return df.astype({"year": "Int64", "page": "Int64", "mentions": "int64", "score": "float64", "rank": "int64"})

    def _read(self, start: int, stop: int, snippets: bool = False) -> list[Hit]:
        """Hits start..stop, mentions counted as a trend counts them; snippets cut now only when asked
        (a batch at once costs less than one by one), else when a hit's snippet() is called."""
        self._check_open()
        found = self._res.hits(self._r, start, stop, snippets=snippets)
        counts = count_mentions(self._r, self._res.sids[start:stop], self._res.needles)
        out = []
        for rank, h, n in zip(range(start + 1, start + 1 + len(found)), found, counts.tolist(), strict=True):
            hit = Hit(rank=rank, doc_id=h.doc_id, section_id=h.section_id, title=h.title, year=h.year, date=h.date,
                      doc_type=h.doc_type, doc_no=h.doc_no, issuer=h.issuer, issuers=h.issuers, place=h.place,
                      region=h.region, province=h.province, heading=h.heading_path[-1] if h.heading_path else "",
                      heading_path=h.heading_path, url=h.url, score=h.score, mentions=n, page=h.page,
                      source=h.source)
            hit.__dict__["_of"] = self  # not a field: asdict, == and repr leave it out
            if snippets:
                hit.__dict__["_snippet_html"] = h.snippet_html
            out.append(hit)
        return out

    def _snippet_html(self, i: int) -> str:
        self._check_open()
        return self._res.hits(self._r, i, i + 1)[0].snippet_html

    def _text(self, i: int) -> str:
        self._check_open()
        return self._r.stored([int(self._res.sids[i])], html=False)[0].get("text") or ""

    def _check_open(self) -> None:
        if self._index.closed:
            raise ValueError(f"索引已关闭。 / the index {str(self._index.root)!r} is closed")


class TrendResult(Trend):
    """trend.Trend (years, series of points, notices; table() and the CSV read it) and a DataFrame of it."""

    def to_pandas(self):
        """One row per query and year, tidy: query, year (<NA>: unknown year), indexed, reports, sections,
        mentions, share; .pivot(index="year", columns="query", values="share") gives the table."""
        pd = _pandas()
        rows = []
        unknown_shown = self.unknown_indexed is not None and (  # as table() shows that row
            self.unknown_indexed or any(s.unknown.reports for s in self.series))
        for s in self.series:
            for p in s.points + ([s.unknown] if unknown_shown else []):
                rows.append({"query": s.query, "year": p.year, "indexed": p.indexed, "reports": p.reports,
                             "sections": p.sections, "mentions": p.mentions, "share": p.share})
        columns = ["query", "year", "indexed", "reports", "sections", "mentions", "share"]
        return pd.DataFrame(rows, columns=columns).astype({"year": "Int64", "share": "float64"})


class Concordance(list[KwicLine]):
    """Every line of a concordance (kwic.KwicLine: left, match, right, report, year, place, link), and a
    DataFrame of them."""

    def to_pandas(self):
        """One row per occurrence, the columns of KwicLine (heading_path joined with › ), years nullable."""
        pd = _pandas()
        rows = []
        for line in self:
            d = line_dict(line)
            d["heading_path"] = " › ".join(d["heading_path"])
            rows.append(d)
        return pd.DataFrame(rows, columns=[f.name for f in fields(KwicLine)]).astype({"year": "Int64"})


def _within(name: str, value: int, most: int) -> None:
    if not isinstance(value, int) or not 1 <= value <= most:
        raise ValueError(f"{name} 须是 1 到 {most} 的整数，而不是“{value}”。 / {name} must be an integer "
                         f"from 1 to {most}, not {value!r}")


def _pandas():
    try:
        import pandas
    except ImportError:
        raise ImportError("to_pandas() 需要 pandas：pip install pandas（或在 edusearch 目录中 pip install -e '.[pandas]'）。 / "
                          "to_pandas() needs pandas: pip install pandas (or, in the edusearch folder, "
                          "pip install -e '.[pandas]')") from None
    return pandas


def _one_of(label: str, name: str, value, allowed: tuple, also: str = "") -> None:
    """A keyword that must be one of `allowed`: else a ValueError in Chinese and English."""
    if value not in allowed:
        raise ValueError(f"{label}只能是 {' / '.join(allowed)}，而不是“{value}”。 / {name} must be one of "
                         f"{', '.join(allowed)}{also}, not {value!r}")
