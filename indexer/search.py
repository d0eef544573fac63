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

import time
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

import numpy as np
from whoosh import query as wq

from . import facets as facet_mod
from . import ranking, suggest
from .analysis import query_words
from .exact import term_pattern
from .facets import Filters
from .query import And, Facet, Node, Not, Or, ParsedQuery, Term, Title, Year, parse_query
from .schema import FIELD_BOOSTS, WORD_FIELDS
from .searcher import IndexReader
from .snippet import Needle, snippet

RERANK = 100  # matches whose text the second stage reads
MAX_PER_PAGE = 10000
MAX_PAGE = 100000


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

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("mode")
        return d


def doc_url(doc_id: str, section_id: str | None = None) -> str:
    return "/doc/" + quote(doc_id, safe="/~") + (f"#{section_id}" if section_id else "")


def search(reader: IndexReader, q: str, filters: Filters | None = None, page: int = 1, per_page: int = 10) -> SearchResponse:
    t0 = time.perf_counter()
    filters = filters or Filters()
    page = min(max(1, int(page)), MAX_PAGE)
    per_page = min(max(1, int(per_page)), MAX_PER_PAGE)
    parsed = parse_query(q)
    notices = list(parsed.notices)
    ev = _Evaluator(reader)
    terms = parsed.positive_terms()
    if not parsed.searchable():
        notices.append("请输入检索词。" if parsed.root is None else "只有排除词或筛选条件，请至少输入一个检索词。")
        empty = np.zeros(0, dtype=np.int64)
        return _respond(reader, q, t0, page, per_page, notices, (empty, np.zeros(0)), None, [], filters, "empty")
    matched, section_filter = _match(ev, parsed, filters)
    sids = np.flatnonzero(matched & section_filter)
    mode = "exact"
    needles = [Needle(t.text, t.prefix) for t in terms + parsed.title_terms()]
    if len(sids) == 0 and terms:
        words = query_words(" ".join(t.text for t in terms), reader.dict_hash)
        sids, order_scores, matched = _words_fallback(reader, ev, parsed, words, section_filter)
        if len(sids):
            mode = "words"
            shown = " / ".join(words)
            notices.append(f"没有找到与检索词完全一致的内容；以下是按词（{shown}）匹配的结果，词与词之间可能不相连。")
            needles = [Needle(w) for w in words if len(w) > 1] or [Needle(w) for w in words]
        order = np.argsort(-order_scores, kind="stable")
        ranked = (sids[order], order_scores[order])
    else:
        ranked = _rank(reader, ev, terms, sids, page * per_page)
    tips = _suggestions(reader, ev, parsed, q, filters) if len(ranked[0]) == 0 and terms else []
    return _respond(reader, q, t0, page, per_page, notices, ranked, matched, needles, filters, mode, tips)


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
    if not parsed.positive_terms():  # title:… alone: one hit per report, its first section
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
        th = _TermHits(head, body, _cat(tfs, np.uint16), mask)
        self.hits[key] = th
        return th

    def title_reports(self, t: Term) -> np.ndarray:
        pattern = term_pattern(t.text, t.prefix)
        titles = self.r.titles_folded
        if pattern is None:
            return np.fromiter((t.text in x for x in titles), dtype=bool, count=len(titles))
        return np.fromiter((pattern.search(x) is not None for x in titles), dtype=bool, count=len(titles))

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
    order = np.lexsort((sids, -s1))
    depth = max(RERANK, min(need, 1000))
    top = sids[order[:depth]]
    s2 = np.array(_text_scores(reader, ev, terms, top))
    keys = [(-round(float(s), 9), *_stable_key(reader, int(sid))) for s, sid in zip(s2, top, strict=True)]
    top_order = sorted(range(len(top)), key=keys.__getitem__)
    ranked = np.concatenate([top[top_order], sids[order[depth:]]])
    return ranked, np.concatenate([s2[top_order], s1[order[depth:]]])


def _text_scores(reader: IndexReader, ev: _Evaluator, terms: list[Term], sids: np.ndarray) -> list[float]:
    n_live = max(int(reader.live.sum()), 1)
    stats = [ranking.TermStats(t.text, ranking.idf(n_live, ev.term(t).df), term_pattern(t.text, t.prefix))
             for t in terms]
    texts = []
    for sid in sids:
        seg, local = reader.segment_of(int(sid))
        texts.append((seg.heading_text(local), seg.body_text(local)))
    return ranking.score_sections(texts, stats, reader.avg_body_len)


def _stable_key(reader: IndexReader, sid: int) -> tuple[str, int]:
    row = reader.catalog.reports[int(reader.catalog.section_report[sid])]
    return row.doc_id, sid - row.first_sid


def _exact_scores(reader: IndexReader, ev: _Evaluator, terms: list[Term], sids: np.ndarray) -> np.ndarray:
    """BM25 from the index's count bounds, with ranking.py's length floor: cheap enough for every match."""
    n_live = max(int(reader.live.sum()), 1)
    bl = np.maximum(reader.body_len[sids].astype(np.float64), ranking.LENGTH_FLOOR * reader.avg_body_len)
    k1, b = ranking.K1, ranking.B
    norm = k1 * (1 - b + b * bl / reader.avg_body_len)
    score = np.zeros(len(sids))
    for t in terms:
        th = ev.term(t)
        idf = ranking.idf(n_live, th.df)
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
        return empty, np.empty(0), np.zeros(reader.n, dtype=bool)
    q = wq.And([wq.Or([wq.Term(f, w, boost=FIELD_BOOSTS[f]) for f in WORD_FIELDS]) for w in words])
    with reader.lock:
        results = reader.searcher().search(q, limit=None)
        docs = np.array([h.docnum for h in results], dtype=np.int64)
        scores = np.array([h.score for h in results], dtype=np.float64)
    sids = reader.doc_to_sid[docs].astype(np.int64) if len(docs) else empty
    matched = np.zeros(reader.n, dtype=bool)
    ok = sids >= 0
    sids, scores = sids[ok], scores[ok]
    matched[sids] = True
    matched &= reader.live
    # the query's other conditions (title:, year:, NOT …) still apply
    rest = _without_terms(parsed.root)
    if rest is not None:
        matched &= ev.node(rest)
    keep = (matched & section_filter)[sids]
    return sids[keep], scores[keep], matched


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


def _respond(reader, q, t0, page, per_page, notices, ranking, matched, needles, filters, mode,
             suggestions=()) -> SearchResponse:
    ranked, scores = ranking
    total = len(ranked)
    sr = reader.catalog.section_report
    docs = int(np.count_nonzero(np.bincount(sr[ranked]))) if total else 0
    facet_rows = _facets(reader, matched, filters) if matched is not None else facet_mod.counts(
        reader.facts, np.zeros(len(reader.catalog.reports), dtype=bool))
    start = (page - 1) * per_page
    chosen = [int(s) for s in ranked[start:start + per_page]]
    hits = _hits(reader, chosen, needles, [float(x) for x in scores[start:start + per_page]])
    took = round((time.perf_counter() - t0) * 1000, 2)
    return SearchResponse(q, total, docs, took, page, per_page, " ".join(notices) or None, facet_rows, hits,
                          list(suggestions), mode)


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
    for sid, stored, score in zip(sids, reader.stored(sids), scores, strict=True):
        row = reader.catalog.reports[int(reader.catalog.section_report[sid])]
        text = stored.get("text") or ""
        body_snip = snippet(text, needles)
        if "<mark>" not in body_snip:
            head = stored.get("heading") or row.title
            hs = snippet(head, needles)
            body_snip = hs + (" — " + body_snip if text else "") if "<mark>" in hs else body_snip
        out.append(Hit(row.doc_id, stored["section_id"], row.title, row.year, row.doc_type,
                       list(stored.get("heading_path") or []), row.source, doc_url(row.doc_id, stored["section_id"]),
                       body_snip, round(float(score), 4)))
    return out
