"""A report's versions across the years (its series, store.series): the year before and after for its
page, and "how did this passage change": the sections of each version that match a query, in order."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from indexer.search.matching import matching_sections
from indexer.search.parser import parse_query
from indexer.search.ranking import Ranked
from indexer.search.results import Hit, SearchResults, doc_url
from indexer.search.snippet import query_marks
from indexer.store.reader import IndexReader


@dataclass
class VersionRef:
    doc_id: str
    title: str
    year: int | None
    date: str | None
    url: str
    step: str = ""  # how it stands to the report asked about: 上一年 / 下一年, else 上一份 / 下一份 (see step_label)


@dataclass
class SeriesLinks:
    """What a report page shows of its series."""

    size: int  # versions in the series (copies of one date counted apiece)
    prev: VersionRef | None = None
    next: VersionRef | None = None
    members: list[VersionRef] = field(default_factory=list)  # oldest first

    def to_dict(self) -> dict:
        return {"size": self.size, "prev": asdict(self.prev) if self.prev else None,
                "next": asdict(self.next) if self.next else None, "members": [asdict(m) for m in self.members]}


def series_links(reader: IndexReader, report: int) -> SeriesLinks | None:
    """The series of a report (a catalog row number), None when it is in none."""
    rows = reader.series.series(report)
    if not rows:
        return None
    prev, nxt = reader.series.neighbours(report)
    here = reader.catalog.reports[report]
    return SeriesLinks(size=len(rows), members=[_ref(reader, i) for i in rows],
                       prev=_ref(reader, prev, here.year, "上") if prev is not None else None,
                       next=_ref(reader, nxt, here.year, "下") if nxt is not None else None)


def _ref(reader: IndexReader, i: int, year: int | None = None, way: str = "") -> VersionRef:
    r = reader.catalog.reports[i]
    step = step_label(year, r.year, way) if way else ""
    return VersionRef(doc_id=r.doc_id, title=r.title, year=r.year, date=r.date, url=doc_url(r.doc_id), step=step)


def step_label(here: int | None, there: int | None, way: str) -> str:
    """上一年 / 下一年 only for the year just before or after; another of the same year, or one years
    away (the 1957 report before the 2022 one, the years between not indexed), is 上一份 / 下一份."""
    if here is not None and there is not None and abs(there - here) == 1:
        return f"{way}一年"
    return f"{way}一份"


@dataclass
class VersionPassages:
    version: VersionRef
    hits: list[Hit]  # its sections matching the query, in the report's order


@dataclass
class SeriesPassages:
    """Each version of a report's series with its passages matching a query, oldest first."""

    doc_id: str  # the report asked about
    query: str
    versions: list[VersionPassages] = field(default_factory=list)
    notice: str | None = None

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "query": self.query, "notice": self.notice,
                "versions": [{**asdict(v.version), "hits": [asdict(h) for h in v.hits]} for v in self.versions]}


MAX_PASSAGES = 20  # sections listed per version; the report page has the rest


def series_passages(reader: IndexReader, doc_id: str, q: str) -> SeriesPassages | None:
    """The versions of doc_id's series (or doc_id alone when it has none), each with its sections that
    match q, snippets marked; None when doc_id is not indexed."""
    report = reader.report_index(doc_id)
    if report is None:
        return None
    rows = reader.series.series(report) or [report]
    out = SeriesPassages(doc_id=doc_id, query=q)
    parsed = parse_query(q)
    if q.strip() and not parsed.positive_terms():
        out.notice = "请输入要在各年版本中查找的检索词（不能只有排除词或筛选条件）。"
    sids = matching_sections(reader, q) if parsed.positive_terms() else np.zeros(0, dtype=np.int64)
    needles = query_marks(parsed)  # a proximity condition's strings marked where it holds
    of_report = reader.catalog.section_report[sids] if len(sids) else np.zeros(0, dtype=np.int32)
    for i in rows:
        mine = np.sort(sids[of_report == i])[:MAX_PASSAGES]
        found = SearchResults(query=q, ranked=Ranked.of(mine, np.zeros(len(mine))), needles=needles, facets={},
                              total_documents=1)
        hits = found.hits(reader, 0, len(mine))
        out.versions.append(VersionPassages(version=_ref(reader, i), hits=hits))
    return out
