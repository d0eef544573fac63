"""The concordance (KWIC, key word in context): every occurrence of a query's strings on a line of
its own, with the characters left and right of it, sortable by year, by report or by its context.

One line per mention (mentions.mention_needles: the trend's 提及次数 counts the same), in the
matching sections of the exact matching step (the sections a search lists). A line's context is
cut at the edge of the part it lies in (title, heading or body of its section), never beyond, and
its link opens the report page scrolled to that very occurrence (report.py marks it).

A page sorted by year or report needs only each section's count (occurrences.section_counts) and
reads the texts of the sections its lines come from. Sorting by context finds every occurrence's
offset and sorts on the folded characters either side, read from the index's bytes; still only the
page's lines are built. Exports walk the same order a batch at a time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from urllib.parse import quote

import numpy as np

from indexer.search.facets import Filters
from indexer.search.limits import EXPORT_BATCH, KWIC_MAX_WIDTH, KWIC_PER_PAGE, KWIC_SORT_CHARS, KWIC_WIDTH, MAX_PAGE
from indexer.search.occurrences import (
    Located,
    Matched,
    Occurrence,
    SectionOccurrences,
    context_keys,
    locate,
    matched,
    occurrence_at,
    read_sections,
    section_counts,
)
from indexer.search.results import doc_url
from indexer.store.catalog import UNKNOWN_YEAR
from indexer.store.reader import IndexReader

SORTS = ("year", "left", "right", "report")
SORT_LABELS = {"year": "年份", "left": "左侧", "right": "右侧", "report": "报告"}
SORT_HINTS = {"year": "从早到晚，年份不详的在最后", "left": "按检索词左边的字排：先比紧挨着的字（L1），再比再往左的字（L2）……",
              "right": "按检索词右边的字排：R1、R2……", "report": "按报告，同一报告内按出现先后"}
_LAST_YEAR = 1 << 20  # where reports of unknown year sort: after every known year
_FLAT = str.maketrans("\n\r\t\v\f", "     ")  # a line of the concordance is one line


@dataclass
class KwicLine:
    left: str  # up to `width` characters before the occurrence, as written (line breaks as spaces)
    match: str  # the occurrence as written (２００８年 for the query 2008年)
    right: str
    doc_id: str
    section_id: str
    part: str  # title, heading or body: where in the section it lies
    title: str
    year: int | None
    date: str | None
    doc_type: str
    place: str | None
    heading_path: list[str]
    url: str  # the report page, scrolled to this occurrence and marking it


@dataclass
class YearCount:
    year: int | None  # None: reports of unknown year
    count: int


@dataclass
class KwicPage:
    query: str
    sort: str
    width: int
    page: int
    per_page: int
    total: int  # occurrences: lines over every page
    sections: int
    reports: int
    by_year: list[YearCount]  # occurrences per year (years with none left out), unknown year last
    lines: list[KwicLine] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    took_ms: float = 0.0

    @property
    def notice(self) -> str | None:
        return " ".join(self.notices) or None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        """The JSON of /api/kwic and `kwic --json`."""
        d = asdict(self)
        d["notice"] = self.notice
        return d


def line_dict(line: KwicLine) -> dict:
    """A line as JSON holds it (dataclasses.asdict, without its deep copies: exports write thousands)."""
    d = {f.name: getattr(line, f.name) for f in fields(KwicLine)}
    d["heading_path"] = list(line.heading_path)
    return d


def kwic(reader: IndexReader, q: str, filters: Filters | None = None, width: int = KWIC_WIDTH, sort: str = "year",
         page: int = 1, per_page: int = KWIC_PER_PAGE) -> KwicPage:
    """One page of the concordance (page is 1-based); sort: year (oldest first, unknown last, then
    report and place in it) | left (by the characters left of the term, nearest first) | right |
    report (by report, then place in it)."""
    t0 = time.perf_counter()
    width = min(max(1, int(width)), KWIC_MAX_WIDTH)
    page, per_page = min(max(1, int(page)), MAX_PAGE), max(1, int(per_page))
    m = matched(reader, q, filters)
    sort = _sort(sort, m.notices)
    start = (page - 1) * per_page
    if sort in ("year", "report"):
        counts = section_counts(reader, m.ev, m.sids, m.needles)
        order = section_order(reader, m.sids, sort)
        picks = _slice_sections(m.sids[order], counts[order], start, start + per_page)
    else:
        loc = locate(reader, m.sids, m.needles)
        counts = np.bincount(np.searchsorted(m.sids, loc.sid), minlength=len(m.sids)) if len(loc) else \
            np.zeros(len(m.sids), dtype=np.int64)
        chosen = loc.take(context_order(reader, loc, sort)[start:start + per_page])
        picks = list(zip(chosen.sid.tolist(), chosen.rank.tolist(), strict=True))
    held = m.sids[counts > 0]
    out = KwicPage(query=q, sort=sort, width=width, page=page, per_page=per_page, total=int(counts.sum()),
                   sections=len(held), reports=len(np.unique(reader.catalog.section_report[held])),
                   by_year=_by_year(reader, m.sids, counts), notices=m.notices)
    out.lines = _lines(reader, picks, m, width)
    if out.total and not out.lines:
        out.notices.append(f"第 {page} 页超出范围：{out.total} 行共 {out.pages} 页。")
    out.took_ms = round((time.perf_counter() - t0) * 1000, 2)
    return out


def kwic_lines(reader: IndexReader, q: str, filters: Filters | None = None, width: int = KWIC_WIDTH,
               sort: str = "year", base_url: str = "") -> Iterator[KwicLine]:
    """Every line of the concordance in the order its pages show them, built a batch at a time (for
    exports: a hundred thousand lines never sit in memory together); links absolute when base_url
    is given."""
    width = min(max(1, int(width)), KWIC_MAX_WIDTH)
    m = matched(reader, q, filters)
    sort = _sort(sort, [])
    if sort in ("year", "report"):
        ordered = m.sids[section_order(reader, m.sids, sort)]
        for i in range(0, len(ordered), EXPORT_BATCH):
            for so in read_sections(reader, ordered[i:i + EXPORT_BATCH].tolist(), m.needles):
                yield from (_line(reader, so, occ, _link(m.query), width, base_url) for occ in so.occurrences)
        return
    loc = locate(reader, m.sids, m.needles)
    order = context_order(reader, loc, sort)
    for i in range(0, len(order), EXPORT_BATCH * 5):
        chosen = loc.take(order[i:i + EXPORT_BATCH * 5])
        yield from _lines(reader, list(zip(chosen.sid.tolist(), chosen.rank.tolist(), strict=True)), m, width,
                          base_url)


def _sort(sort: str, notices: list[str]) -> str:
    if sort in SORTS:
        return sort
    if sort:
        notices.append(f"排序方式“{sort}”不认识，已按年份排序。")
    return "year"


def section_order(reader: IndexReader, sids: np.ndarray, sort: str) -> np.ndarray:
    """Positions of sids in line order: by year (unknown last), then report and place in it; or by
    report (its doc id) and place in it."""
    order_key = reader.order_key[sids]
    if sort == "report":
        return np.argsort(order_key, kind="stable")
    return np.lexsort((order_key, _year_key(reader, sids)))


def context_order(reader: IndexReader, loc: Located, side: str) -> np.ndarray:
    """Positions of every occurrence sorted by the folded characters left of it read right to left
    (L1, L2, …) or right of it (R1, R2, …), KWIC_SORT_CHARS of them; ties by year, report, place."""
    if not len(loc):
        return np.zeros(0, dtype=np.int64)
    keys = context_keys(reader, loc, side, KWIC_SORT_CHARS).astype(np.uint64)
    packed = [(keys[i] << np.uint64(42)) | (keys[i + 1] << np.uint64(21)) | keys[i + 2]  # code points: 21 bits
              for i in range(0, len(keys), 3)]
    return np.lexsort((loc.rank, reader.order_key[loc.sid], _year_key(reader, loc.sid), *packed[::-1]))


def _year_key(reader: IndexReader, sids: np.ndarray) -> np.ndarray:
    year = reader.facts.year[reader.catalog.section_report[sids]].astype(np.int64)
    return np.where(year == UNKNOWN_YEAR, _LAST_YEAR, year)


def _slice_sections(sids: np.ndarray, counts: np.ndarray, start: int, stop: int) -> list[tuple[int, int]]:
    """(sid, occurrence number in it) of lines start..stop, the sections in line order."""
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    lines = np.arange(start, min(stop, total))
    j = np.searchsorted(ends, lines, side="right")
    ranks = lines - (ends[j] - counts[j])
    return list(zip(sids[j].tolist(), ranks.tolist(), strict=True))


def _by_year(reader: IndexReader, sids: np.ndarray, counts: np.ndarray) -> list[YearCount]:
    year = reader.facts.year[reader.catalog.section_report[sids]]
    per = np.bincount(year, weights=counts, minlength=UNKNOWN_YEAR + 1).astype(np.int64)
    known = [YearCount(int(y), int(per[y])) for y in np.flatnonzero(per) if y != UNKNOWN_YEAR]
    return known + ([YearCount(None, int(per[UNKNOWN_YEAR]))] if per[UNKNOWN_YEAR] else [])


def _lines(reader: IndexReader, picks: list[tuple[int, int]], m: Matched, width: int,
           base_url: str = "") -> list[KwicLine]:
    """The lines of these (sid, occurrence number) pairs, each section read once."""
    sections = {so.sid: so for so in read_sections(reader, sorted({sid for sid, _ in picks}), m.needles)}
    out, link = [], _link(m.query)
    for sid, rank in picks:
        so = sections[sid]
        if rank < len(so.occurrences):  # always, when the stored text is the indexed one
            out.append(_line(reader, so, so.occurrences[rank], link, width, base_url))
    return out


def _link(q: str) -> str:
    return f"?q={quote(q, safe='')}"


def _line(reader: IndexReader, so: SectionOccurrences, occ: Occurrence, link: str, width: int, base_url: str) -> KwicLine:
    """One line; link: the query part of its URL (?q=…), the same for every line."""
    text = so.parts[occ.part]
    row = reader.catalog.reports[int(reader.catalog.section_report[so.sid])]
    url = f"{base_url.rstrip('/')}{doc_url(row.doc_id)}{link}&at={quote(occurrence_at(so.section_id, occ), safe='')}#at"
    return KwicLine(left=text[max(0, occ.start - width):occ.start].translate(_FLAT),
                    match=text[occ.start:occ.end].translate(_FLAT),
                    right=text[occ.end:occ.end + width].translate(_FLAT),
                    doc_id=row.doc_id, section_id=so.section_id, part=occ.part, title=row.title, year=row.year,
                    date=row.date, doc_type=row.doc_type, place=row.place, heading_path=so.heading_path, url=url)
