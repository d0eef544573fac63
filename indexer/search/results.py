"""What a search gives, in two parts, as Whoosh keeps Results apart from ResultsPage:
SearchResults is the whole ranked result (every matching section in order, scores, the strings
to mark, facets, notices, suggestions), what exports, trends and grouping read; SearchPage is one
page of it (hits, or report cards with their sections), what a reader sees and the JSON holds.
Snippets are cut only for the hits a page or an export batch shows."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from urllib.parse import quote

import numpy as np

from indexer.ingest.model import ReportMeta
from indexer.search.limits import EXPORT_BATCH, GROUP_MAX, MAX_PAGE, MAX_PER_PAGE
from indexer.search.namesakes import distinctions
from indexer.search.ranking import Ranked
from indexer.search.snippet import Needle, in_text, proximities, snippet
from indexer.store.reader import IndexReader


@dataclass
class SourceSection:
    """A matching section of another copy of the document, as a link."""

    section_id: str
    heading_path: list[str]
    url: str
    page: int | None = None


@dataclass
class Source:
    """Another copy of a result's document (another file holding the same text): where it came from,
    and which of its sections match, listed with the result they stand beside."""

    doc_id: str
    title: str
    source: str  # its file, as the index names it
    source_url: str | None
    url: str  # its page
    sections: list[SourceSection] = field(default_factory=list)


@dataclass
class Hit:
    doc_id: str
    section_id: str
    title: str
    year: int | None
    doc_type: str
    doc_no: str | None
    date: str | None
    issuer: str | None
    issuers: list[str]
    place: str | None
    region: str | None
    province: str | None
    heading_path: list[str]
    source: str
    url: str
    snippet_html: str
    score: float
    page: int | None = None  # the page the section starts on, for PDFs
    sources: list[Source] = field(default_factory=list)  # the document's other copies ("另有 N 个来源")
    distinguish: str | None = None  # what sets the report apart from others of its title (namesakes.py)


@dataclass
class ReportGroup:
    """One report of a grouped result page and its matching sections, best (or newest) first."""

    doc_id: str
    title: str
    year: int | None
    doc_type: str
    doc_no: str | None
    date: str | None
    issuer: str | None
    issuers: list[str]
    place: str | None
    region: str | None
    province: str | None
    url: str
    total: int  # matching sections in this report; hits holds the first GROUP_MAX
    hits: list[Hit] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)  # the document's other copies, each with its matching sections
    distinguish: str | None = None  # what sets the report apart from others of its title (namesakes.py)


@dataclass
class SearchResults:
    """Every matching section of one query, in result order."""

    query: str
    ranked: Ranked  # every matching sid in result order, with its score (the order's tail sorted when first read)
    needles: list[Needle]  # what snippets mark (snippet.query_marks)
    facets: dict  # per facet, matching reports under every filter but its own
    total_documents: int  # reports holding a match
    notices: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # whole queries to try when nothing matched
    mode: str = "exact"  # exact | words | empty: how the sections were found
    partial: bool = False  # the request's deadline was spent: every match, but unranked (a notice says so)
    within: str | None = None  # the search form's 同句/同段 (sentence | paragraph), None: the whole section
    others: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # other copies' matching sids
    copies: str = "one"  # one: a document held by several sources is one result; all: every copy is
    _index: _ByReport | None = field(default=None, repr=False, compare=False)  # built when sources are first listed

    @property
    def proximity(self) -> list[dict]:
        """The proximity conditions the query holds (typed, or made by within), as the JSON gives them."""
        return [c.describe() for c in proximities(self.needles)]

    @property
    def sids(self) -> np.ndarray:
        """Every matching sid, in result order."""
        return self.ranked.sids

    @property
    def scores(self) -> np.ndarray:
        """Their scores, in the same order."""
        return self.ranked.scores

    @property
    def total(self) -> int:
        return len(self.ranked)

    @property
    def notice(self) -> str | None:
        return " ".join(self.notices) or None

    def page(self, reader: IndexReader, page: int = 1, per_page: int = 10, group: str | None = None) -> SearchPage:
        """Hits page (1-based) of per_page; group="report": per_page report cards instead, in the
        order of each report's first hit."""
        page = min(max(1, int(page)), MAX_PAGE)
        per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
        start = (page - 1) * per_page
        if group == "report":
            return SearchPage(results=self, page=page, per_page=per_page, hits=[],
                              groups=self._groups(reader, start, start + per_page))
        return SearchPage(results=self, page=page, per_page=per_page, hits=self.hits(reader, start, start + per_page))

    def hits(self, reader: IndexReader, start: int, stop: int, snippets: bool = True) -> list[Hit]:
        """Hits start..stop of the result order, snippets cut now (snippet_html is "" without snippets:
        cutting them is most of the work of reading hits, which a caller may only count or list), each
        with its document's other copies."""
        part, scores = self.ranked.part(start, stop)
        sids = [int(s) for s in part]
        hits = _hits(reader, sids, self.needles, [float(x) for x in scores], snippets, self.copies)
        if self.copies == "one" and len(self.others):
            for h, sid in zip(hits, sids, strict=True):
                h.sources = self._sources(reader, sid)
        return hits

    def _sources(self, reader: IndexReader, sid: int) -> list[Source]:
        """The other copies of sid's document, each with its matching sections that stand beside this
        hit: the section of the same id, and, beside the document's first hit, those no hit of the
        shown copy pairs with. So each of the other copies' matching sections is listed once. A copy of
        the same text cut into the same number of sections pairs them by place, reading no section id."""
        report = int(reader.catalog.section_report[sid])
        members = reader.copies_of(report)
        if len(members) < 2:
            return []
        by_report = self._by_report(reader)
        shown = by_report.shown(reader, report)
        lead = int(shown[0]) == sid
        rows = reader.catalog.reports
        ids: list[str] | None = None
        out = []
        for m in members:
            if m == report:
                continue
            theirs = by_report.other(reader, m)
            if rows[m].digest == rows[report].digest and rows[m].n_sections == rows[report].n_sections:
                at = sid - rows[report].first_sid + rows[m].first_sid  # the same place in the other copy
                paired = {int(x) - rows[report].first_sid + rows[m].first_sid for x in shown}
                kept = [int(x) for x in theirs if x == at or (lead and int(x) not in paired)]
            else:
                if ids is None:
                    ids = by_report.section_ids(reader, shown)
                mine, ids_shown = ids[next(k for k, x in enumerate(shown) if int(x) == sid)], set(ids)
                kept = [int(x) for x, sec in zip(theirs, by_report.section_ids(reader, theirs), strict=True)
                        if sec == mine or (lead and sec not in ids_shown)]
            out.append(_source(reader, m, _source_sections(reader, m, by_report.fields_of(reader, kept))))
        return out

    def _by_report(self, reader: IndexReader) -> _ByReport:
        if self._index is None:
            self._index = _ByReport(ranked=self.ranked, others=self.others)
        return self._index

    def iter_hits(self, reader: IndexReader, batch: int = EXPORT_BATCH) -> Iterator[tuple[np.ndarray, list[Hit]]]:
        """Every hit in result order, as (sids, hits) batches with snippets cut batch by batch:
        for exports, so a hundred thousand hits never sit in memory together."""
        for start in range(0, self.total, batch):
            yield self.sids[start:start + batch], self.hits(reader, start, start + batch)

    def _groups(self, reader: IndexReader, start: int, stop: int) -> list[ReportGroup]:
        """Reports start..stop in the order of their first hit (best or newest first), each with its sections."""
        rep = reader.catalog.section_report[self.sids]
        uniq, first = np.unique(rep, return_index=True)
        chosen = [int(r) for r in uniq[np.argsort(first, kind="stable")][start:stop]]
        told = distinctions(reader, chosen, self.copies)
        out = []
        by_report = self._by_report(reader)
        for r in chosen:
            where = np.flatnonzero(rep == r)
            row = reader.catalog.reports[r]
            keep = where[:GROUP_MAX]
            hits = _hits(reader, [int(s) for s in self.sids[keep]], self.needles, [float(x) for x in self.scores[keep]],
                         copies=self.copies)
            sources = [] if self.copies != "one" else [
                _source(reader, m, _source_sections(reader, m, by_report.fields_of(reader, by_report.other(reader, m)[:GROUP_MAX])))
                for m in reader.copies_of(int(r)) if m != r]
            out.append(ReportGroup(doc_id=row.doc_id, title=row.title, year=row.year, doc_type=row.doc_type,
                                   **report_fields(row), url=doc_url(row.doc_id), total=len(where), hits=hits,
                                   sources=sources, distinguish=told[r]))
        return out


@dataclass
class SearchPage:
    """One page of a search's results: what the results page shows and /api/search returns."""

    results: SearchResults
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)  # empty when grouped
    groups: list[ReportGroup] | None = None  # with group="report": one card per report
    took_ms: float = 0.0  # the whole search, this page included

    @property
    def query(self) -> str:
        return self.results.query

    @property
    def total(self) -> int:
        return self.results.total

    @property
    def total_documents(self) -> int:
        return self.results.total_documents

    @property
    def notice(self) -> str | None:
        return self.results.notice

    @property
    def facets(self) -> dict:
        return self.results.facets

    @property
    def suggestions(self) -> list[str]:
        return self.results.suggestions

    @property
    def mode(self) -> str:
        return self.results.mode

    def to_dict(self) -> dict:
        """The JSON of /api/search and `search --json` (groups only when grouped)."""
        d = {"query": self.query, "total": self.total, "total_documents": self.total_documents,
             "took_ms": self.took_ms, "page": self.page, "per_page": self.per_page, "notice": self.notice,
             "partial": self.results.partial,
             "facets": {name: [dict(row) for row in rows] for name, rows in self.facets.items()},
             "hits": [record(h) for h in self.hits], "suggestions": list(self.suggestions),
             "within": self.results.within, "proximity": self.results.proximity,
             "copies": self.results.copies, "copy_sections": len(self.results.others)}
        if self.groups is not None:
            d["groups"] = [record(g) for g in self.groups]
        return d


def record(obj) -> dict:
    """dataclasses.asdict of a page's records (Hit, ReportGroup, Source …: fields of strings, numbers,
    lists of those or of records), without asdict's deep copy of every string: a first page's ten hits
    took 0.4 ms that way, a tenth of a common query's search."""
    return {name: _plain(getattr(obj, name)) for name in _field_names(type(obj))}


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value):
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return record(value) if is_dataclass(value) else value


@dataclass
class _ByReport:
    """A result's shown and other copies' sids of one report, and the stored fields read for them (kept,
    so that listing sources costs no pass over the whole result per hit, and reads a section's fields
    once: an export of every hit lists them for each). A report's sections are one run of sids, found
    by a search, not a pass."""

    ranked: Ranked  # the shown sections, in result order
    others: np.ndarray  # the other copies' matching sections, by sid
    fields: dict[int, dict] = field(default_factory=dict)  # sid → its stored fields (section_id, heading_path, page)

    def shown(self, reader: IndexReader, report: int) -> np.ndarray:
        """The report's matching sections in result order."""
        return self.ranked.in_range(*_sid_range(reader, report))

    def other(self, reader: IndexReader, report: int) -> np.ndarray:
        """An other copy's matching sections, in their order in it."""
        i, j = np.searchsorted(self.others, _sid_range(reader, report))
        return self.others[i:j]

    def fields_of(self, reader: IndexReader, sids) -> list[dict]:
        missing = [int(x) for x in sids if int(x) not in self.fields]
        self.fields.update(zip(missing, reader.fields(missing), strict=True))
        return [self.fields[int(x)] for x in sids]

    def section_ids(self, reader: IndexReader, sids) -> list[str]:
        return [f["section_id"] for f in self.fields_of(reader, sids)]


def _sid_range(reader: IndexReader, report: int) -> tuple[int, int]:
    row = reader.catalog.reports[report]
    return row.first_sid, row.first_sid + row.n_sections


def _source(reader: IndexReader, report: int, sections: list[SourceSection]) -> Source:
    row = reader.catalog.reports[report]
    return Source(doc_id=row.doc_id, title=row.title, source=row.source, source_url=row.source_url,
                  url=doc_url(row.doc_id), sections=sections)


def _source_sections(reader: IndexReader, report: int, fields: list[dict]) -> list[SourceSection]:
    doc_id = reader.catalog.reports[report].doc_id
    return [SourceSection(section_id=f["section_id"], heading_path=list(f.get("heading_path") or []),
                          url=doc_url(doc_id, f["section_id"]), page=f.get("page")) for f in fields]


def report_fields(row: ReportMeta) -> dict:
    """The official-document fields every hit, card and report page carries, under their JSON keys."""
    return {"doc_no": row.doc_no, "date": row.date, "issuer": row.issuer,
            "issuers": list(row.issuers) or ([row.issuer] if row.issuer else []),
            "place": row.place, "region": row.region, "province": row.province}


def doc_url(doc_id: str, section_id: str | None = None) -> str:
    return "/doc/" + quote(doc_id, safe="/~") + (f"#{section_id}" if section_id else "")


def _hits(reader: IndexReader, sids: list[int], needles: list[Needle], scores: list[float],
          snippets: bool = True, copies: str = "one") -> list[Hit]:
    out = []
    section_marks = in_text(needles)
    rows = [int(reader.catalog.section_report[sid]) for sid in sids]
    told = distinctions(reader, rows, copies)
    for r, stored, score in zip(rows, reader.stored(sids, html=False), scores, strict=True):
        row = reader.catalog.reports[r]
        text = stored.get("text") or ""
        body_snip = snippet(text, section_marks) if snippets else ""
        if snippets and "<mark>" not in body_snip:
            hs = snippet(stored["heading"], section_marks) if stored.get("heading") else ""
            if "<mark>" not in hs:
                hs = snippet(row.title, needles)
            body_snip = hs + (" — " + body_snip if text else "") if "<mark>" in hs else body_snip
        out.append(Hit(doc_id=row.doc_id, section_id=stored["section_id"], title=row.title, year=row.year,
                       doc_type=row.doc_type, **report_fields(row),
                       heading_path=list(stored.get("heading_path") or []), source=row.source,
                       url=doc_url(row.doc_id, stored["section_id"]), snippet_html=body_snip,
                       score=round(float(score), 4), page=stored.get("page"), distinguish=told[r]))
    return out
