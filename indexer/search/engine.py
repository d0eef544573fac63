"""The one search function the CLI and the web app share, and `find`, the whole result it pages.

query → parse → match (matching.py, exact and complete) → rank (ranking.py, two stages) →
facets, notices, suggestions → SearchResults → a SearchPage of it (results.py), snippets cut
for that page only. Ranking never changes which sections match, only their order.

A Deadline bounds a request's optional work: once it is spent (checked between phases), the
matches found are returned unranked, with no widening or suggestions, and a notice says so.
Matching itself always runs whole: it is the answer, and bounded by the query language's limits.
The one exception is a proximity condition, whose candidates are checked one by one on their text:
past the deadline the rest are left unchecked, and the answer is marked partial and says how many.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer.search import facets as facet_mod
from indexer.search import ranking, suggest
from indexer.search.docnos import own_first
from indexer.search.facets import Filters
from indexer.search.lexer import corrected_fields
from indexer.search.limits import COPIES, MAX_PAGE, MAX_PER_PAGE, RERANK
from indexer.search.matching import (
    Evaluator,
    clashing_filters,
    match,
    matching_sections,
    one_copy,
    why_nothing,
    words_fallback,
)
from indexer.search.parser import WITHIN, ParsedQuery, Term, parse_query
from indexer.search.phases import Timings, phase
from indexer.search.results import SearchPage, SearchResults
from indexer.search.snippet import Needle, query_marks
from indexer.store.reader import IndexReader
from indexer.text.analysis import query_words, ranking_words

SORTS = ("relevance", "newest", "oldest")
# what a search cut short by its Deadline says, by where it stopped
PARTIAL = "检索超出了服务器给一次请求的时间：以下是全部匹配结果，但未按相关度排序；请稍后再试。"
NOT_WIDENED = "检索超出了服务器给一次请求的时间：没有与检索词完全一致的内容，也未再按词匹配或找可改用的检索词；请稍后再试。"
NO_TIME_FOR_TIPS = "检索超出了服务器给一次请求的时间，没有再找可改用的检索词；请稍后再试。"
NEAR_CUT = ("检索超出了服务器给一次请求的时间：位置条件（/句 /段 /N）还有 {left} 个候选章节没有核对，以下结果不全，"
            "也未按相关度排序；请稍后再试，或加上筛选条件、换用更少见的检索词。")


@dataclass
class Deadline:
    """When a request's search stops doing what it may skip (ranking, widening, suggestions): a
    server gives each request one, so that one costly query cannot hold a thread for long."""

    at: float  # on clock's scale
    clock: Callable[[], float] = time.monotonic  # tests pass a clock of their own

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(at=time.monotonic() + seconds)

    def spent(self) -> bool:
        return self.clock() >= self.at


def search(reader: IndexReader, q: str, filters: Filters | None = None, page: int = 1, per_page: int = 10,
           sort: str = "relevance", group: str | None = None, deadline: Deadline | None = None,
           within: str | None = None, copies: str = "one", timings: Timings | None = None) -> SearchPage:
    """One page of a query's results (page is 1-based); sort: relevance | newest | oldest (by date,
    else year; unknown last); group="report": one entry per report; within: sentence | paragraph, the
    search form's 同句/同段 for the query's terms (parser.parse_query); copies="all": every copy of a
    document held by several sources as a result of its own. The page's .results holds the whole result.
    timings: where the time went, phase by phase (phases.py), for a profile."""
    t0 = time.perf_counter()
    page = min(max(1, int(page)), MAX_PAGE)
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    results = find(reader, q, filters, sort, need=page * per_page, deadline=deadline, within=within, copies=copies,
                   timings=timings)
    with phase(timings, "snippets"):
        out = results.page(reader, page, per_page, group if group == "report" else None)
    out.took_ms = round((time.perf_counter() - t0) * 1000, 2)
    return out


def find(reader: IndexReader, q: str, filters: Filters | None = None, sort: str = "relevance",
         need: int = RERANK, deadline: Deadline | None = None, within: str | None = None,
         copies: str = "one", timings: Timings | None = None) -> SearchResults:
    """Every section the query matches, in result order, with facets, notices and suggestions: what
    exports and pages are cut from. need: how deep the caller will page, so that many of the best
    (at least RERANK) are ordered by the second ranking stage. A deadline spent once the sections
    are matched leaves them unranked (in index order, or by date for the date sorts), unwidened,
    with a notice and .partial set; spent before suggestions, it leaves them out, saying so.
    copies="one": of a document held by several sources, the matching sections of its preferred
    matching copy are the results and the other copies' are kept apart (.others), listed with them;
    facets count the document once. "all": every copy counts."""
    filters = filters or Filters()
    sort = sort if sort in SORTS else "relevance"
    within = within if within in WITHIN else None
    copies = copies if copies in COPIES else "one"
    partial = False
    with phase(timings, "parse"):
        parsed = parse_query(q, within)
        notices = list(parsed.notices) + _unknown_values(reader, parsed, filters)
    ev = Evaluator(reader, deadline.spent if deadline is not None else None, timings)
    terms = parsed.positive_terms()
    form_only = parsed.root is None and filters.active()  # /search?q=&year=2019: the form's filters alone
    if not parsed.searchable() and not form_only:
        notices.append("请输入检索词。" if parsed.root is None else "只有排除词，请至少输入一个检索词或筛选条件。")
        empty = np.zeros(0, dtype=np.int64)
        no_reports = np.zeros(len(reader.catalog.reports), dtype=bool)
        return SearchResults(query=q, ranked=ranking.Ranked.of(empty, np.zeros(0)), needles=[],
                             facets=facet_mod.counts(reader.facts, no_reports), total_documents=0,
                             notices=notices, mode="empty", within=within, copies=copies)
    with phase(timings, "match"):
        if form_only:  # as year:2019 typed alone: one hit per report that passes
            matched, section_filter = ev.r.live & ev.r.first_sections, ev.filter_mask(filters)
        else:
            matched, section_filter = match(ev, parsed, filters)
        sids = np.flatnonzero(matched & section_filter)
        clash = clashing_filters(parsed, filters) if len(sids) == 0 else None  # year:2016 year:2017
        why = clash or (why_nothing(ev, parsed, terms, section_filter) if len(sids) == 0 and terms
                        and not ev.unchecked else None)
        sids, others = one_copy(reader, sids, copies)
    mode, tips = "exact", []
    needles = query_marks(parsed)
    if ev.unchecked:  # a proximity condition's candidates were left unchecked: not all of the answer
        notices.append(NEAR_CUT.format(left=ev.unchecked))
        ranked = ranking.Ranked.of(sids, np.zeros(len(sids)))
        partial = True
    elif deadline is not None and deadline.spent():  # matching is the answer; what follows only orders and widens it
        notices.append(why or (PARTIAL if len(sids) else NOT_WIDENED))
        ranked = ranking.Ranked.of(sids, np.zeros(len(sids)))
        partial = not why
    elif why:  # the strings occur, but were excluded or filtered out: no widening, no suggestions
        notices.append(why)
        ranked = ranking.Ranked.of(sids, np.zeros(0))
    elif len(sids) == 0 and terms:
        with phase(timings, "words"):
            words = query_words(" ".join(t.text for t in terms), reader.dict_hash)
            sids, matched = words_fallback(reader, ev, parsed, words, section_filter)
            sids, others = one_copy(reader, sids, copies)
        if len(sids):
            mode = "words"
            shown = " / ".join(words)
            notices.append(f"没有找到与检索词完全一致的内容；以下是按词（{shown}）匹配的结果，词与词之间可能不相连。")
            needles = [Needle(w) for w in words if len(w) > 1] or [Needle(w) for w in words]
        ranked = ranking.rank(reader, ev, [Term(w, w) for w in ranking_words(words)], sids, need)
        if not len(sids) and deadline is not None and deadline.spent():  # suggestions try query after query
            notices.append(NO_TIME_FOR_TIPS)
            partial = True
        elif not len(sids):
            with phase(timings, "suggest"):
                tips = _suggestions(reader, ev, parsed, q, filters, within)
    else:
        ranked = ranking.rank(reader, ev, terms, sids, need)
        if sort == "relevance":  # a 文号 typed as text: the report it numbers before those quoting it
            ranked, told = own_first(reader, ev, parsed, ranked)
            notices += told
        if not len(sids) and not terms:  # year:2030 alone: say so, not "try a shorter word"
            notices.append(_no_report_passes(reader))
    with phase(timings, "suggest"):
        fixed = corrected_fields(q) if not len(sids) else None
        if fixed and fixed not in tips and len(matching_sections(reader, fixed, filters, within)):
            tips = [fixed, *tips]  # yaer:2012 校车 → year:2012 校车, the whole query
    with phase(timings, "order"):
        ranked = ranking.by_date(reader, ranked, sort)
    with phase(timings, "facets"):
        hit = reader.reports_of(matched)  # the reports holding a match, before the filters
        facets = _facets(reader, hit, filters, copies)
        total_documents = int(np.count_nonzero(reader.catalog.reports_holding(sids)))  # sids: filtered, one copy each
    return SearchResults(query=q, ranked=ranked, needles=needles, facets=facets, total_documents=total_documents,
                         notices=notices, suggestions=tips, mode=mode, partial=partial, within=within,
                         others=others, copies=copies)


def warm(reader: IndexReader) -> None:
    """Touch what the first query would otherwise pay for: a server calls this at start (the term
    dictionary too, which typo suggestions read however few segments there are)."""
    search(reader, "教育")
    reader.grams  # noqa: B018 (built on first use)


_FACET_LABELS = {"doc_type": "文件类型", "region": "地区层级"}


def _unknown_values(reader: IndexReader, parsed: ParsedQuery, filters: Filters) -> list[str]:
    """A type or region the index has never seen matches nothing: name the ones it has."""
    asked = [("doc_type", filters.doc_type), ("region", filters.region)]
    asked += [(f.name, f.value) for f in parsed.facets() if f.name in _FACET_LABELS]
    if not any(value for _name, value in asked):
        return []
    facts, live = reader.facts, reader.report_live
    known = {name: [vocab[i] for i in np.unique(codes[live]) if vocab[i]]  # of reports still indexed
             for name, vocab, codes in (("doc_type", facts.doc_types, facts.doc_type),
                                        ("region", facts.regions, facts.region))}
    out = []
    for name, value in asked:
        if value is None or value in ("unknown", "未知") or any(facet_mod.same_value(k, value) for k in known[name]):
            continue
        if name == "region" and facet_mod.is_division(value):  # region:江苏 with no report there finds none, as asked
            continue
        label = _FACET_LABELS[name]
        out.append(f"没有“{value}”这个{label}；索引中的{label}有：{'、'.join(known[name]) or '（无）'}。")
    return list(dict.fromkeys(out))


def _facets(reader: IndexReader, hit: np.ndarray, filters: Filters, copies: str = "one") -> dict:
    """Each facet counts matching reports (hit, a mask over reports) under every filter but its own,
    so the year chart still shows all years while one is selected. Filters are per report, so this
    works on reports, not sections; with no filter set, one count serves every facet. With
    copies="one" a document held by several sources counts once, by its preferred copy among those that pass."""
    def once(reports: np.ndarray) -> np.ndarray:
        return facet_mod.one_per_document(reader.facts, reports) if copies == "one" else reports

    if not filters.active():
        return facet_mod.counts(reader.facts, once(hit))
    return {name: facet_mod.counts(reader.facts, once(hit & facet_mod.report_filter(reader.facts, filters, skip=name)),
                                   only=name)[name]
            for name in facet_mod.FACETS}


def _no_report_passes(reader: IndexReader) -> str:
    years = reader.facts.year[(reader.facts.year > 0) & reader.report_live]  # reports still in the index
    span = f"（索引收录的报告在 {years.min()}–{years.max()} 年）" if len(years) else ""
    return f"没有符合这些筛选条件的报告{span}。"


def _suggestions(reader: IndexReader, ev: Evaluator, parsed: ParsedQuery, q: str, filters: Filters,
                 within: str | None) -> list[str]:
    """Whole queries that do find something (suggest.py): typo fixes first, else the keywords of a long text."""
    def occurs(text: str) -> int:
        return ev.term(Term(text, text)).df

    def matches(query: str) -> bool:  # on the strings this search has looked up already
        return len(matching_sections(reader, query, filters, within, ev)) > 0

    out: list[str] = []
    for t in parsed.positive_terms():
        if ev.term(t).df or t.raw not in q:
            continue
        if not suggest.may_have_fixes(t.text):
            continue
        for fix in suggest.typo_fixes(reader.grams, t.text, occurs, lambda at, chars, t=t: ev.variants(t.text, at, chars)):
            candidate = q.replace(t.raw, fix, 1)
            if candidate not in out and matches(candidate):
                out.append(candidate)
            if len(out) == suggest.MAX_SUGGESTIONS:
                return out
    if not out:
        text = " ".join(t.text for t in parsed.positive_terms())
        words = suggest.keywords(text, reader.dict_hash, lambda w: int(ev.occurs(w)), matches)
        if words and words != q.strip():
            out.append(words)
    return out
