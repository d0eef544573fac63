"""The one search function the CLI and the web app share.

query → parse → match (exact index) → facets → rank → snippets → response.

Matching is exact and complete: a section is a result if and only if its
(folded) text holds the query strings. Ranking has two stages: every match is
scored from the exact index's arrays (BM25 over the query strings, heading and
title above body), then the text of the best RERANK is read for the evidence
in ranking.py, which is what orders a page. Ranking never changes which
sections match, only their order.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import quote

import numpy as np

from indexer.search import facets as facet_mod
from indexer.search import ranking, suggest
from indexer.search.facets import Filters
from indexer.search.parser import And, Facet, Node, Not, Or, ParsedQuery, Term, Title, Year, parse_query
from indexer.search.snippet import Needle, snippet
from indexer.store.reader import IndexReader
from indexer.store.schema import WORD_FIELDS
from indexer.text.analysis import query_words, ranking_words
from indexer.text.normalize import fold_text
from indexer.text.wholeword import term_pattern

RERANK = 100  # matches whose text the second stage reads
MAX_PER_PAGE = 10000
MAX_PAGE = 100000
SORTS = ("relevance", "newest", "oldest")
GROUP_MAX = 30  # sections listed under one report card; the report page has the rest
EXPORT_BATCH = 200
_BREAK = re.compile(r"\s*\n\s*")  # a line break in a section's stored text ends a paragraph
PARAGRAPH_KEY = 16  # characters of a paragraph's opening looked up in the folded body


@dataclass
class Hit:
    doc_id: str
    section_id: str
    title: str
    year: int | None
    doc_type: str
    heading_path: list[str]
    source: str
    url: str
    snippet_html: str
    score: float
    page: int | None = None  # the page the section starts on, for PDFs


@dataclass
class ReportGroup:
    """One report of a grouped result page and its matching sections, best (or newest) first."""

    doc_id: str
    title: str
    year: int | None
    doc_type: str
    region: str | None
    url: str
    total: int  # matching sections in this report; hits holds the first GROUP_MAX
    hits: list[Hit] = field(default_factory=list)


@dataclass
class SearchResponse:
    query: str
    total: int
    total_documents: int
    took_ms: float
    page: int
    per_page: int
    notice: str | None
    facets: dict
    hits: list[Hit] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)  # whole queries to try when nothing matched
    mode: str = "exact"  # exact | words | empty: how the hits were found (not part of the JSON)
    groups: list[ReportGroup] | None = None  # with group="report": one card per report, hits left empty
    # every matching sid in result order, their scores and the marks to cut snippets with: for exports
    ranked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0), repr=False)
    needles: list[Needle] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        d = asdict(replace(self, ranked=None, scores=None, needles=[]))
        for name in ("mode", "ranked", "scores", "needles"):
            d.pop(name)
        if self.groups is None:
            d.pop("groups")
        return d


def doc_url(doc_id: str, section_id: str | None = None) -> str:
    return "/doc/" + quote(doc_id, safe="/~") + (f"#{section_id}" if section_id else "")


def search(reader: IndexReader, q: str, filters: Filters | None = None, page: int = 1, per_page: int = 10,
           sort: str = "relevance", group: str | None = None) -> SearchResponse:
    """sort: relevance | newest | oldest (unknown years last); group="report": one entry per report."""
    t0 = time.perf_counter()
    filters = filters or Filters()
    page = min(max(1, int(page)), MAX_PAGE)
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    shape = _Shape(page, per_page, sort if sort in SORTS else "relevance", group if group == "report" else None)
    parsed = parse_query(q)
    notices = list(parsed.notices) + _unknown_values(reader, parsed, filters)
    ev = _Evaluator(reader)
    terms = parsed.positive_terms()
    if not parsed.searchable():
        notices.append("请输入检索词。" if parsed.root is None else "只有排除词，请至少输入一个检索词或筛选条件。")
        empty = np.zeros(0, dtype=np.int64)
        return _respond(reader, q, t0, shape, notices, (empty, np.zeros(0)), None, [], filters, "empty")
    matched, section_filter = _match(ev, parsed, filters)
    sids = np.flatnonzero(matched & section_filter)
    mode, tips = "exact", []
    needles = [Needle(t.text, t.prefix) for t in terms] + [Needle(t.text, t.prefix, True) for t in parsed.title_terms()]
    why = _why_nothing(ev, parsed, terms, section_filter) if len(sids) == 0 and terms else None
    if why:  # the strings occur, but were excluded or filtered out: no widening, no suggestions
        notices.append(why)
        ranked = (sids, np.zeros(0))
    elif len(sids) == 0 and terms:
        words = query_words(" ".join(t.text for t in terms), reader.dict_hash)
        sids, matched = _words_fallback(reader, ev, parsed, words, section_filter)
        if len(sids):
            mode = "words"
            shown = " / ".join(words)
            notices.append(f"没有找到与检索词完全一致的内容；以下是按词（{shown}）匹配的结果，词与词之间可能不相连。")
            needles = [Needle(w) for w in words if len(w) > 1] or [Needle(w) for w in words]
        ranked = _rank(reader, ev, [Term(w, w) for w in ranking_words(words)], sids, page * per_page)
        tips = [] if len(sids) else _suggestions(reader, ev, parsed, q, filters)
    else:
        ranked = _rank(reader, ev, terms, sids, page * per_page)
    return _respond(reader, q, t0, shape, notices, ranked, matched, needles, filters, mode, tips)


@dataclass
class _Shape:
    """Which part of the results a response holds, in what order."""

    page: int
    per_page: int
    sort: str
    group: str | None


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
        label = _FACET_LABELS[name]
        out.append(f"没有“{value}”这个{label}；索引中的{label}有：{'、'.join(known[name]) or '（无）'}。")
    return list(dict.fromkeys(out))


def _why_nothing(ev: _Evaluator, parsed: ParsedQuery, terms: list[Term], section_filter: np.ndarray) -> str | None:
    """When every query string occurs somewhere, say what kept them out (an exclusion, a
    filter, never together); None when one occurs nowhere: then matching words may help."""
    if any(not ev.term(t).df for t in terms):
        return None
    shown = "、".join(t.raw for t in terms)
    positive = _prune(parsed.root, (Not,))
    if positive is not None and (n := int(np.count_nonzero(ev.node(positive) & ev.r.live & section_filter))):
        excluded = "或".join(dict.fromkeys(_negated(parsed.root))) or "排除条件"
        return f"{n} 个章节含{shown}，但都含有{excluded}，已全部排除。"
    strings = _prune(parsed.root, (Not, Title, Facet, Year))
    if strings is not None and (n := int(np.count_nonzero(ev.node(strings) & ev.r.live))):
        return f"{n} 个章节含{shown}，但都不符合所选的年份、类型、地区等筛选条件。"
    return f"{shown}都出现过，但没有一个章节同时含有它们。"


def _prune(n: Node | None, kinds: tuple[type, ...]) -> Node | None:
    """The query without its nodes of these kinds (for explaining an empty answer)."""
    if n is None or isinstance(n, kinds):
        return None
    if isinstance(n, And | Or):
        kids = [k for k in (_prune(c, kinds) for c in n.children) if k is not None]
        return None if not kids else kids[0] if len(kids) == 1 else type(n)(kids)
    return n


def _negated(n: Node | None, neg: bool = False) -> list[str]:
    if isinstance(n, Term):
        return [n.raw] if neg else []
    if isinstance(n, Not):
        return _negated(n.child, not neg)
    if isinstance(n, And | Or):
        return [t for c in n.children for t in _negated(c, neg)]
    return []


# -- matching -------------------------------------------------------------------


def matching_sections(reader: IndexReader, q: str, filters: Filters | None = None) -> np.ndarray:
    """Just the exact matching step: the sids a query's results are made of, unranked."""
    parsed = parse_query(q)
    if not parsed.searchable():
        return np.zeros(0, dtype=np.int64)
    matched, section_filter = _match(_Evaluator(reader), parsed, filters or Filters())
    return np.flatnonzero(matched & section_filter)


def _match(ev: _Evaluator, parsed: ParsedQuery, filters: Filters) -> tuple[np.ndarray, np.ndarray]:
    """(sections the query matches, sections the facet filters allow), as masks over sids."""
    matched = ev.node(parsed.root) & ev.r.live
    if not parsed.positive_terms():  # title:…, type:…, year:… alone: one hit per report, its first section
        matched &= ev.r.first_sections
    return matched, ev.filter_mask(filters)



@dataclass
class _TermHits:
    head: np.ndarray  # global sids whose heading (or, for a first section, title) holds the term
    body: np.ndarray  # global sids whose body holds it, sorted
    body_tf: np.ndarray  # count upper bound per body sid
    mask: np.ndarray  # over all sids: holds the term somewhere

    @property
    def df(self) -> int:
        return int(np.count_nonzero(self.mask))


class _Evaluator:
    def __init__(self, reader: IndexReader):
        self.r = reader
        self.hits: dict[tuple[str, bool], _TermHits] = {}

    def node(self, n: Node) -> np.ndarray:
        r = self.r
        if isinstance(n, Term):
            return self.term(n).mask.copy()
        if isinstance(n, Title):
            return self.sections_of(self.title_reports(n.term))
        if isinstance(n, Facet) and n.name == "issuer":
            return self.sections_of(self.issuer_reports(n.value))
        if isinstance(n, Facet):
            f = Filters(doc_type=n.value) if n.name == "doc_type" else Filters(region=n.value)
            return self.sections_of(facet_mod.report_filter(r.facts, f))
        if isinstance(n, Year):
            return self.sections_of(facet_mod.year_mask(r.facts, n.lo, n.hi, n.unknown))
        if isinstance(n, Not):
            return ~self.node(n.child)
        if isinstance(n, And):
            m = self.node(n.children[0])
            for c in n.children[1:]:
                m &= self.node(c)
            return m
        if isinstance(n, Or):
            m = self.node(n.children[0])
            for c in n.children[1:]:
                m |= self.node(c)
            return m
        raise TypeError(n)

    def term(self, t: Term) -> _TermHits:
        key = (t.text, t.prefix)
        if key in self.hits:
            return self.hits[key]
        pattern = term_pattern(t.text, t.prefix)
        heads, bodies, tfs = [], [], []
        for seg in self.r.segments:
            c = seg.candidates(t.text)
            head = seg.verify(c.head, t.text, pattern, heading=True)
            body = seg.verify(c.body, t.text, pattern, heading=False)
            tf = c.body_tf[np.searchsorted(c.body, body)] if len(body) else c.body_tf[:0]
            heads.append(head.astype(np.int64) + seg.base)
            bodies.append(body.astype(np.int64) + seg.base)
            tfs.append(tf)
        head, body = _cat(heads), _cat(bodies)
        mask = np.zeros(self.r.n, dtype=bool)
        mask[head] = True
        mask[body] = True
        mask &= self.r.live  # a removed file's text stays in its exact segment until compaction
        self.r.trim()
        th = _TermHits(head, body, _cat(tfs, np.uint16), mask)
        self.hits[key] = th
        return th

    def title_reports(self, t: Term) -> np.ndarray:
        pattern = term_pattern(t.text, t.prefix)
        titles = self.r.titles_folded
        if pattern is None:
            return np.fromiter((t.text in x for x in titles), dtype=bool, count=len(titles))
        return np.fromiter((pattern.search(x) is not None for x in titles), dtype=bool, count=len(titles))

    def issuer_reports(self, value: str) -> np.ndarray:
        """Reports whose issuer holds the value (people type 教育局 for 某某县教育局)."""
        v = fold_text(value)
        return np.fromiter((bool(v) and v in x for x in self.r.issuers_folded), dtype=bool,
                           count=len(self.r.issuers_folded))

    def sections_of(self, report_mask: np.ndarray) -> np.ndarray:
        return report_mask[self.r.catalog.section_report]

    def filter_mask(self, f: Filters, skip: str | None = None) -> np.ndarray:
        return self.sections_of(facet_mod.report_filter(self.r.facts, f, skip))


def _cat(parts: list[np.ndarray], dtype=np.int64) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


# -- ranking --------------------------------------------------------------------


def _rank(reader: IndexReader, ev: _Evaluator, terms: list[Term], sids: np.ndarray, need: int):
    """(sids best first, their scores): index-array BM25 for all, then the text of the best RERANK read
    for heading, lead-sentence, cited-title and closeness evidence (ranking.py)."""
    if not len(sids):
        return sids, np.zeros(0)
    s1 = _exact_scores(reader, ev, terms, sids)
    order = _best_first(reader, sids, s1)
    depth = max(RERANK, min(need, 1000))
    top = sids[order[:depth]]
    s2 = np.array(_text_scores(reader, ev, terms, top))
    top_order = _best_first(reader, top, s2)
    ranked = np.concatenate([top[top_order], sids[order[depth:]]])
    return ranked, np.concatenate([s2[top_order], s1[order[depth:]]])


def _best_first(reader: IndexReader, sids: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Indices ordering sids by score, ties by report and section order (never by the sid,
    which depends on the order files were indexed in)."""
    return np.lexsort((reader.order_key[sids], -np.round(scores, 9)))


def _text_scores(reader: IndexReader, ev: _Evaluator, terms: list[Term], sids: np.ndarray) -> list[float]:
    stats = [ranking.TermStats(t.text, ranking.idf(reader.n_live, ev.term(t).df), term_pattern(t.text, t.prefix))
             for t in terms]
    texts = []
    for sid in sids:
        seg, local = reader.segment_of(int(sid))
        texts.append(seg.section_text(local))
    return ranking.score_sections(texts, stats, reader.avg_body_len,
                                  lambda i: paragraph_starts(reader.stored([int(sids[i])])[0]["text"], texts[i][1]))


def paragraph_starts(text: str, body: str) -> list[int]:
    """Where each paragraph of a section's stored text starts in its folded body (which has no breaks):
    each paragraph's folded opening, found in order; cheaper than folding the whole text again."""
    starts, pos = [0], 0
    for par in _BREAK.split(text)[1:]:
        opening = fold_text(par[:PARAGRAPH_KEY]).strip()
        k = body.find(opening, pos) if len(opening) > 3 else -1  # a bare numeral line is found anywhere
        if k > starts[-1]:
            starts.append(k)
        if k >= 0:
            pos = k + len(opening)
    return starts


def _exact_scores(reader: IndexReader, ev: _Evaluator, terms: list[Term], sids: np.ndarray) -> np.ndarray:
    """BM25 from the index's count bounds, with ranking.py's length floor: cheap enough for every match."""
    bl = np.maximum(reader.body_len[sids].astype(np.float64), ranking.LENGTH_FLOOR * reader.avg_body_len)
    k1, b = ranking.K1, ranking.B
    norm = k1 * (1 - b + b * bl / reader.avg_body_len)
    score = np.zeros(len(sids))
    for t in terms:
        th = ev.term(t)
        idf = ranking.idf(reader.n_live, th.df)
        tf = np.zeros(len(sids))
        pos = np.searchsorted(sids, th.body)
        ok = (pos < len(sids)) & (sids[np.minimum(pos, len(sids) - 1)] == th.body)
        tf[pos[ok]] = th.body_tf[ok]
        in_head = np.isin(sids, th.head)
        score += idf * (tf * (k1 + 1) / (tf + norm) + ranking.HEADING * in_head)
    return score


def _words_fallback(reader: IndexReader, ev: _Evaluator, parsed: ParsedQuery, words: list[str], section_filter):
    """Sections holding every jieba word of the query, anywhere: offered when nothing matches exactly."""
    empty = np.empty(0, dtype=np.int64)
    if not words:
        return empty, np.zeros(reader.n, dtype=bool)
    sids = reader.sections_with_words(words, WORD_FIELDS)
    matched = np.zeros(reader.n, dtype=bool)
    matched[sids] = True
    matched &= reader.live
    # the query's other conditions (title:, year:, NOT …) still apply
    rest = _without_terms(parsed.root)
    if rest is not None:
        matched &= ev.node(rest)
    return sids[(matched & section_filter)[sids]], matched


def _without_terms(n: Node | None) -> Node | None:
    if n is None or isinstance(n, Term):
        return None
    if isinstance(n, And):
        kids = [k for k in (_without_terms(c) for c in n.children) if k is not None]
        return None if not kids else kids[0] if len(kids) == 1 else And(kids)
    if isinstance(n, Or):
        return None if any(_without_terms(c) is None for c in n.children) else n
    return n


# -- suggestions -------------------------------------------------------------------


def _suggestions(reader: IndexReader, ev: _Evaluator, parsed: ParsedQuery, q: str, filters: Filters) -> list[str]:
    """Whole queries that do find something (suggest.py): typo fixes first, else the keywords of a long text."""
    def occurs(text: str) -> int:
        return ev.term(Term(text, text)).df

    def matches(query: str) -> bool:
        return len(matching_sections(reader, query, filters)) > 0

    out: list[str] = []
    for t in parsed.positive_terms():
        if ev.term(t).df or t.raw not in q:
            continue
        for fix in suggest.typo_fixes(reader.segments, t.text, occurs):
            candidate = q.replace(t.raw, fix, 1)
            if candidate not in out and matches(candidate):
                out.append(candidate)
            if len(out) == suggest.MAX_SUGGESTIONS:
                return out
    if not out:
        text = " ".join(t.text for t in parsed.positive_terms())
        words = suggest.keywords(text, reader.dict_hash, occurs, matches)
        if words and words != q.strip():
            out.append(words)
    return out


# -- response --------------------------------------------------------------------


def _respond(reader, q, t0, shape: _Shape, notices, ranking, matched, needles, filters, mode,
             suggestions=()) -> SearchResponse:
    ranked, scores = _sorted(reader, *ranking, shape.sort)
    total = len(ranked)
    sr = reader.catalog.section_report
    docs = int(np.count_nonzero(np.bincount(sr[ranked]))) if total else 0
    facet_rows = _facets(reader, matched, filters) if matched is not None else facet_mod.counts(
        reader.facts, np.zeros(len(reader.catalog.reports), dtype=bool))
    start = (shape.page - 1) * shape.per_page
    res = SearchResponse(q, total, docs, 0.0, shape.page, shape.per_page, " ".join(notices) or None, facet_rows, [],
                         list(suggestions), mode, None, ranked, scores, needles)
    if shape.group == "report":
        res.groups = _groups(reader, res, start, start + shape.per_page)
    else:
        res.hits = page_hits(reader, res, start, start + shape.per_page)
    res.took_ms = round((time.perf_counter() - t0) * 1000, 2)
    return res


def _sorted(reader: IndexReader, ranked: np.ndarray, scores: np.ndarray, sort: str) -> tuple[np.ndarray, np.ndarray]:
    """By report year, newest or oldest first (unknown years last), then report, then the sections in
    their order in the report: a listing that reads like the reports and pages the same at any depth."""
    if sort == "relevance" or not len(ranked):
        return ranked, scores
    years = reader.facts.year[reader.catalog.section_report[ranked]].astype(np.int64)
    key = -years if sort == "newest" else np.where(years == 0, 1 << 20, years)  # UNKNOWN_YEAR is 0
    order = np.lexsort((reader.order_key[ranked], key))  # then report and section order
    return ranked[order], scores[order]


def page_hits(reader: IndexReader, res: SearchResponse, start: int, stop: int) -> list[Hit]:
    """Hits start..stop of a response's full result order, snippets cut now."""
    return _hits(reader, [int(s) for s in res.ranked[start:stop]], res.needles,
                 [float(x) for x in res.scores[start:stop]])


def iter_hits(reader: IndexReader, res: SearchResponse, batch: int = EXPORT_BATCH) -> Iterator[tuple[np.ndarray, list[Hit]]]:
    """Every hit of a search in result order, as (sids, hits) batches with snippets cut batch by
    batch: for exports, so a hundred thousand hits never sit in memory together."""
    for start in range(0, len(res.ranked), batch):
        yield res.ranked[start:start + batch], page_hits(reader, res, start, start + batch)


def _groups(reader: IndexReader, res: SearchResponse, start: int, stop: int) -> list[ReportGroup]:
    """Reports in the order of their first hit (best or newest first), each with its sections."""
    rep = reader.catalog.section_report[res.ranked]
    uniq, first = np.unique(rep, return_index=True)
    chosen = uniq[np.argsort(first, kind="stable")][start:stop]
    out = []
    for r in chosen:
        where = np.flatnonzero(rep == r)
        row = reader.catalog.reports[int(r)]
        keep = where[:GROUP_MAX]
        hits = _hits(reader, [int(s) for s in res.ranked[keep]], res.needles, [float(x) for x in res.scores[keep]])
        out.append(ReportGroup(row.doc_id, row.title, row.year, row.doc_type, row.region, doc_url(row.doc_id),
                               len(where), hits))
    return out


def _facets(reader: IndexReader, matched: np.ndarray, filters: Filters) -> dict:
    """Each facet counts matching reports under every filter but its own, so the
    year chart still shows all years while one is selected. Filters are per
    report, so this works on reports, not sections."""
    hit = np.zeros(len(reader.catalog.reports), dtype=bool)
    hit[reader.catalog.section_report[np.flatnonzero(matched)]] = True
    return {name: facet_mod.counts(reader.facts, hit & facet_mod.report_filter(reader.facts, filters, skip=name))[name]
            for name in ("year", "doc_type", "region")}


def _hits(reader: IndexReader, sids: list[int], needles: list[Needle], scores: list[float]) -> list[Hit]:
    out = []
    in_text = [n for n in needles if not n.title_only]
    for sid, stored, score in zip(sids, reader.stored(sids), scores, strict=True):
        row = reader.catalog.reports[int(reader.catalog.section_report[sid])]
        text = stored.get("text") or ""
        body_snip = snippet(text, in_text)
        if "<mark>" not in body_snip:
            hs = snippet(stored["heading"], in_text) if stored.get("heading") else ""
            if "<mark>" not in hs:
                hs = snippet(row.title, needles)
            body_snip = hs + (" — " + body_snip if text else "") if "<mark>" in hs else body_snip
        out.append(Hit(row.doc_id, stored["section_id"], row.title, row.year, row.doc_type,
                       list(stored.get("heading_path") or []), row.source, doc_url(row.doc_id, stored["section_id"]),
                       body_snip, round(float(score), 4), stored.get("page")))
    return out


def warm(reader: IndexReader) -> None:
    """Touch what the first query would otherwise pay for: a server calls this at start."""
    search(reader, "教育")
