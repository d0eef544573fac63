"""The one search function the CLI and the web app share.

query → parse → match (exact index) → facets → rank → snippets → response.

Matching is exact and complete: a section is a result if and only if its
(folded) text holds the query strings. Ranking has two stages: every match is
scored from exact occurrences (BM25 over the query strings, heading and title
above body), then the best RERANK are re-scored with Whoosh's BM25F over the
jieba-analysed words of title, heading and body, which is what orders a page.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import quote

import numpy as np
from whoosh.scoring import bm25

from . import facets as facet_mod
from .analysis import query_words
from .exact import term_pattern
from .facets import Filters
from .normalize import fold_text
from .query import And, Facet, Node, Not, Or, ParsedQuery, Term, Title, Year, parse_query
from .schema import FIELD_BOOSTS, WORD_FIELDS
from .searcher import IndexReader
from .snippet import Needle, snippet

RERANK = 100
K1, B = 1.2, 0.75
HEADING_BOOST = 2.0  # a heading (or title) holding the query counts like that many body hits
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
    notices = list(parsed.notices) + _unknown_values(reader, parsed, filters)
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
    if len(sids) == 0 and terms and (why := _why_nothing(ev, parsed, terms, section_filter)):
        notices.append(why)
        ranked = (sids, np.zeros(0))
    elif len(sids) == 0 and terms:
        words = query_words(" ".join(t.text for t in terms), reader.dict_hash)
        sids, order_scores, matched = _words_fallback(reader, ev, parsed, words, section_filter)
        if len(sids):
            mode = "words"
            shown = " / ".join(words)
            notices.append(f"没有找到与检索词完全一致的内容；以下是按词（{shown}）匹配的结果，词与词之间可能不相连。")
            needles = [Needle(w) for w in words if len(w) > 1] or [Needle(w) for w in words]
        order = _best_first(reader, sids, order_scores)
        ranked = (sids[order], order_scores[order])
    else:
        ranked = _rank(reader, ev, terms, sids, page * per_page)
    return _respond(reader, q, t0, page, per_page, notices, ranked, matched, needles, filters, mode)


_FACET_LABELS = {"doc_type": "文件类型", "region": "地区层级"}


def _unknown_values(reader: IndexReader, parsed: ParsedQuery, filters: Filters) -> list[str]:
    """A type or region the index has never seen matches nothing: name the ones it has."""
    facts, live = reader.facts, reader.report_live
    known = {name: [vocab[i] for i in np.unique(codes[live]) if vocab[i]]  # of reports still indexed
             for name, vocab, codes in (("doc_type", facts.doc_types, facts.doc_type),
                                        ("region", facts.regions, facts.region))}
    asked = [("doc_type", filters.doc_type), ("region", filters.region)]
    asked += [(f.name, f.value) for f in parsed.facets() if f.name in known]
    out = []
    for name, value in asked:
        if value is None or value in ("unknown", "未知") or value in known[name]:
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
    """(sids best first, their scores): exact-occurrence BM25 for all, plus Whoosh BM25F on words for the top."""
    if not len(sids):
        return sids, np.zeros(0)
    s1 = _exact_scores(reader, ev, terms, sids)
    order = _best_first(reader, sids, s1)
    depth = max(RERANK, min(need, 1000))
    top = sids[order[:depth]]
    words = query_words(" ".join(t.text for t in terms), reader.dict_hash)
    s2 = _word_scores(reader, words, top) + s1[order[:depth]]
    top_order = _best_first(reader, top, s2)
    ranked = np.concatenate([top[top_order], sids[order[depth:]]])
    return ranked, np.concatenate([s2[top_order], s1[order[depth:]]])


def _best_first(reader: IndexReader, sids: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Indices ordering sids by score, ties by report and section order (never by the sid,
    which depends on the order files were indexed in)."""
    return np.lexsort((reader.order_key[sids], -np.round(scores, 9)))


def _exact_scores(reader: IndexReader, ev: _Evaluator, terms: list[Term], sids: np.ndarray) -> np.ndarray:
    n_live = max(int(reader.live.sum()), 1)
    bl = reader.body_len[sids].astype(np.float64)
    norm = K1 * (1 - B + B * bl / reader.avg_body_len)
    score = np.zeros(len(sids))
    for t in terms:
        th = ev.term(t)
        df = th.df
        idf = math.log(1 + (n_live - df + 0.5) / (df + 0.5))
        tf = np.zeros(len(sids))
        pos = np.searchsorted(sids, th.body)
        ok = (pos < len(sids)) & (sids[np.minimum(pos, len(sids) - 1)] == th.body)
        tf[pos[ok]] = th.body_tf[ok]
        in_head = np.isin(sids, th.head)
        score += idf * (tf * (K1 + 1) / (tf + norm) + HEADING_BOOST * in_head)
    return score


def ranking_words(words: list[str]) -> list[str]:
    """jieba's search mode adds the parts of long words (中华人民共和国 → 人民, 共和国 …);
    as query evidence they repeat the whole word, so only the longest words rank."""
    return [w for w in words if not any(w != o and w in o for o in words)]


def _word_scores(reader: IndexReader, words: list[str], sids: np.ndarray) -> np.ndarray:
    with reader.lock:
        return _word_scores_locked(reader, words, sids)


def _word_scores_locked(reader: IndexReader, words: list[str], sids: np.ndarray) -> np.ndarray:
    """Whoosh's BM25F formula (title 3, heading 2, body 1) for just these sections.

    Body term frequencies come from Whoosh's postings; a section's title and
    heading are short, so their frequencies and lengths come from analysing
    them again with the field's analyzer (what Whoosh indexed) instead of from
    posting lists that repeat a report's title on every section. Document
    frequencies and average lengths count live sections only (the reader's),
    so an index updated incrementally ranks exactly like a full rebuild."""
    scores = np.zeros(len(sids))
    words = ranking_words(words)
    if not words or not len(sids):
        return scores
    B, K1 = reader.searcher().weighting.B, reader.searcher().weighting.K1
    for fieldname in ("title", "heading"):
        idfs = {w: reader.word_idf(fieldname, w) for w in words}
        live = [w for w in words if idfs[w]]
        if not live:
            continue
        avgfl = reader.avg_field_len[fieldname]
        for i, tokens in enumerate(reader.field_tokens(sids, fieldname)):
            for w in live:
                tf = tokens.count(w)
                if tf:
                    scores[i] += FIELD_BOOSTS[fieldname] * bm25(idfs[w], float(tf), len(tokens), avgfl, B, K1)
    docs = reader.sid_to_doc[sids].astype(np.int64)
    lengths = reader.field_len[WORD_FIELDS.index("body")][sids]
    for w in words:
        ids, weights = reader.word_postings("body", w)
        if not len(ids):
            continue
        idf = reader.word_idf("body", w)
        pos = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
        for i in np.flatnonzero(ids[pos] == docs):
            scores[i] += FIELD_BOOSTS["body"] * bm25(idf, float(weights[pos[i]]), int(lengths[i]),
                                                     reader.avg_field_len["body"], B, K1)
    return scores


def _words_fallback(reader: IndexReader, ev: _Evaluator, parsed: ParsedQuery, words: list[str], section_filter):
    """Sections holding every jieba word of the query, anywhere: offered when nothing matches exactly."""
    empty = np.empty(0, dtype=np.int64)
    if not words:
        return empty, np.empty(0), np.zeros(reader.n, dtype=bool)
    with reader.lock:  # each word in any field: the cached posting arrays, not a Whoosh matcher walk
        docs = None
        for w in words:
            has = np.unique(np.concatenate([reader.word_postings(f, w)[0] for f in WORD_FIELDS]))
            docs = has if docs is None else np.intersect1d(docs, has, assume_unique=True)
    sids = reader.doc_to_sid[docs].astype(np.int64) if len(docs) else empty
    matched = np.zeros(reader.n, dtype=bool)
    sids = np.sort(sids[sids >= 0])
    matched[sids] = True
    matched &= reader.live
    # the query's other conditions (title:, year:, NOT …) still apply
    rest = _without_terms(parsed.root)
    if rest is not None:
        matched &= ev.node(rest)
    sids = sids[(matched & section_filter)[sids]]
    return sids, _word_scores(reader, words, sids), matched


def _without_terms(n: Node | None) -> Node | None:
    if n is None or isinstance(n, Term):
        return None
    if isinstance(n, And):
        kids = [k for k in (_without_terms(c) for c in n.children) if k is not None]
        return None if not kids else kids[0] if len(kids) == 1 else And(kids)
    if isinstance(n, Or):
        return None if any(_without_terms(c) is None for c in n.children) else n
    return n


# -- response --------------------------------------------------------------------


def _respond(reader, q, t0, page, per_page, notices, ranking, matched, needles, filters, mode) -> SearchResponse:
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
    return SearchResponse(q, total, docs, took, page, per_page, " ".join(notices) or None, facet_rows, hits, mode)


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
