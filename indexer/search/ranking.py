"""Both ranking stages, which order the matching sections and never change which match.

The first stage (`rank`) scores every match from the exact index's arrays: BM25 over the query
strings, with a heading (or title) holding one above body. The second (`score_sections`) reads
the text of the best RERANK and asks what an analyst would: is the query in the
heading or in a numbered lead sentence (一是… 二要… 第三，… 首先…, which
government reports use as sub-headings)? is it only inside a cited document
title 《…》, or only an item of an enumeration (办好特殊教育、继续教育)? do several
query terms share a sentence, or at least a passage?
A short sentence that opens a paragraph (扎实推进教育公平。) is an unnumbered
lead and counts like one; the same sentence inside a paragraph is usually an
item of a list and does not. Term counts are exact there, and the length
treatment has a floor so a tiny section does not win on one passing mention.
Each weight below was kept only because it raised nDCG@10 on the judged set
in benchmarks/relevance without lowering any query kind (nor either half of
the queries, for the later ones). Where the asked page ends inside a block, the block's sections
are bounded from above first (their counts and headings, every term as close as can be) and only
as many are scored as can still reach the page; the others are ordered when something reads them.
`by_date` reorders a ranking for the date sorts.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer.search.limits import RERANK, RERANK_MAX
from indexer.search.matching import Evaluator
from indexer.search.parser import Term
from indexer.search.phases import phase
from indexer.store.reader import IndexReader
from indexer.text.normalize import fold_text
from indexer.text.wholeword import term_pattern

K1 = 3.0  # counts saturate slowly: a section that keeps returning to the topic is about it
B = 0.1  # length matters little once past the floor ...
LENGTH_FLOOR = 0.6  # ... and below 0.6 × the average body nothing is shorter than that
HEADING = 2.0  # a heading (or title) holding the term counts like this many saturated hits
LEAD = 1.0  # an occurrence in a lead sentence counts this much extra
IN_TITLE = 0.3  # an occurrence inside 《…》 counts only this much
PROXIMITY = 0.5  # several terms in one sentence multiply the score by 1 + this, in one passage by 1 + half
PASSAGE = 200  # characters: the folded text has no paragraph breaks, so a passage is a window
LISTED = 0.5  # an occurrence that is an item of an enumeration (…、X、… or X等) counts only this much
MAX_OCCURRENCES = 20  # positions per term and section looked at for closeness (counts are exact)
BOUND_MARGIN = 1e-6  # a score this far above a bound is above it after rounding (scores tie at 9 places)
MANY_OCCURRENCES = 6  # from this many, a body is first searched once for a lead opening anywhere

_STOPS = "。！？；!?;"
_LEAD = re.compile(r"(?:[一二三四五六七八九十]+[是要来则]|第[一二三四五六七八九十]+[，、,]|首先|其次|再次|最后)")
LEAD_AFTER = ":"  # a numbered lead also follows a colon (必须抓好三项工作：一要…), folded to ":"
LEAD_REACH = 40  # characters: a term this close after a lead opening, in the same sentence, is in the lead
TOPIC_LINE = 16  # characters: a sentence this short that opens a paragraph, with more after it, is a lead
_CITED = re.compile(r"《[^《》]{0,80}》")
_SENTENCE_STOP = re.compile("[" + re.escape(_STOPS) + "]")
_LAST_STOP = re.compile(f"[{re.escape(_STOPS)}](?=[^{re.escape(_STOPS)}]*\\Z)")  # the last stop before endpos
_LAST_LEAD_STOP = re.compile(f"[{re.escape(_STOPS + LEAD_AFTER)}](?=[^{re.escape(_STOPS + LEAD_AFTER)}]*\\Z)")
_BREAK = re.compile(r"\s*\n\s*")  # a line break in a section's stored text ends a paragraph
PARAGRAPH_KEY = 16  # characters of a paragraph's opening looked up in the folded body


class Ranked:
    """Sections in result order with their scores. The first ones (the ranking's second stage, what a
    first page shows) are ordered now; the others, by their first-stage score, only when something
    asks for them (an export, a deep page): sorting a common term's hundreds of thousands of
    matches would cost more than the rest of its search."""

    def __init__(self, head: np.ndarray, head_scores: np.ndarray, rest: np.ndarray | None = None,
                 rest_scores: np.ndarray | None = None, order_key: np.ndarray | None = None,
                 pending: Pending | None = None):
        """rest, in any order, is ordered by score (rounded to 9 places, best first), then by
        order_key (the reader's, over all sids) when first needed. pending: sections that come
        right after head, in the same order, whose scores are known only when something reads them."""
        self._pending = pending
        self._head, self._head_scores = head, head_scores
        self._rest = rest if rest is not None else head[:0]
        self._rest_scores = rest_scores if rest_scores is not None else head_scores[:0]
        self._order_key = order_key  # while the rest is still unordered
        if len(self._rest) > 1 and order_key is not None and np.any(self._rest[1:] < self._rest[:-1]):
            by_sid = np.argsort(self._rest, kind="stable")  # kept by sid, so that in_range finds a report's
            self._rest, self._rest_scores = self._rest[by_sid], self._rest_scores[by_sid]
        complete = not len(self._rest) and pending is None
        self._sids: np.ndarray | None = head if complete else None
        self._scores: np.ndarray | None = head_scores if complete else None
        self._by_sid: np.ndarray | None = None  # positions of the complete order, by sid (in_range)

    @classmethod
    def of(cls, sids: np.ndarray, scores: np.ndarray) -> Ranked:
        """An order already complete."""
        return cls(sids, scores)

    def __len__(self) -> int:
        return len(self._head) + len(self._rest) + (len(self._pending.sids) if self._pending is not None else 0)

    @property
    def sids(self) -> np.ndarray:
        """Every section, in result order."""
        self._complete()
        return self._sids

    @property
    def scores(self) -> np.ndarray:
        self._complete()
        return self._scores

    def part(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """(sids, scores) start..stop of the result order; the rest is ordered only if they reach into it."""
        if self._sids is None and stop <= len(self._head):
            return self._head[start:stop], self._head_scores[start:stop]
        return self.sids[start:stop], self.scores[start:stop]

    def unordered(self) -> tuple[np.ndarray, np.ndarray]:
        """(every sid, its score) in no particular order: for an order made from scratch (by_date), without
        sorting the tail first."""
        self._settle()
        if self._sids is not None:
            return self._sids, self._scores
        return np.concatenate([self._head, self._rest]), np.concatenate([self._head_scores, self._rest_scores])

    def in_range(self, lo: int, hi: int) -> np.ndarray:
        """The sids lo <= sid < hi (one report's sections) in result order, without ordering the whole
        tail: a hit's other copies are listed beside its document's first hit."""
        if self._sids is None:
            head = self._head[(self._head >= lo) & (self._head < hi)]
            pending = self._pending.ordered(lo, hi) if self._pending is not None else head[:0]
            i, j = np.searchsorted(self._rest, [lo, hi])
            return np.concatenate([head, pending, self._rest[i:j][self._rest_order(i, j)]])
        if self._by_sid is None:
            self._by_sid = np.argsort(self._sids, kind="stable")
        i, j = np.searchsorted(self._sids[self._by_sid], [lo, hi])
        return self._sids[np.sort(self._by_sid[i:j])]

    def _settle(self) -> None:
        """The pending sections scored and put in their places after head."""
        if self._pending is not None:
            sids, scores = self._pending.settled()
            self._head, self._head_scores = np.concatenate([self._head, sids]), np.concatenate([self._head_scores, scores])
            self._pending = None
            if not len(self._rest):
                self._sids, self._scores = self._head, self._head_scores

    def _complete(self) -> None:
        self._settle()
        if self._sids is None:
            order = self._rest_order(0, len(self._rest))
            self._sids = np.concatenate([self._head, self._rest[order]])
            self._scores = np.concatenate([self._head_scores, self._rest_scores[order]])
            self._order_key = None

    def _rest_order(self, i: int, j: int) -> np.ndarray:
        """Indices ordering rest[i:j] (its sort keys made only now: most searches never read them)."""
        return _in_order(self._order_key, self._rest[i:j], self._rest_scores[i:j])


def rank(reader: IndexReader, ev: Evaluator, terms: list[Term], sids: np.ndarray, need: int) -> Ranked:
    """The sections best first, with their scores: index-array BM25 for all, then the text of the best
    read for heading, lead-sentence, cited-title and closeness evidence, RERANK at a time: the second
    stage orders each block of RERANK first-stage places within itself, as many blocks as cover `need`
    (up to RERANK_MAX). So a hit's place never depends on how deep the caller pages: page 11 and
    page 12 are cut from one order, and an export that asks for RERANK_MAX lists them the same.
    Only the blocks are sorted now; the first-stage rest when something reads it (Ranked)."""
    if not len(sids):
        return Ranked.of(sids, np.zeros(0))
    depth = min(-(-max(need, 1) // RERANK) * RERANK, RERANK_MAX)
    with phase(ev.timings, "rank1"):
        s1 = _exact_scores(reader, ev, terms, sids)
        best, rest = _best_k(reader, sids, s1, depth)
    top = sids[best]
    heads, head_scores, pending = [], [], None
    with phase(ev.timings, "rank2"):
        for start in range(0, len(top), RERANK):
            block = top[start:start + RERANK]
            if need - start < len(block):  # the asked page ends inside this block, the last
                (head, scores), pending = _block_head(reader, ev, terms, block, need - start)
            else:
                s2 = np.array(_text_scores(reader, ev, terms, block))
                order = _best_first(reader, block, s2)
                head, scores = block[order], s2[order]
            heads.append(head)
            head_scores.append(scores)
    return Ranked(np.concatenate(heads), np.concatenate(head_scores), sids[rest], s1[rest], reader.order_key, pending)


def _block_head(reader: IndexReader, ev: Evaluator, terms: list[Term], block: np.ndarray,
                m: int) -> tuple[tuple[np.ndarray, np.ndarray], Pending]:
    """The block's m best in _best_first's order, and the rest of it pending: every section's text is
    read and bounded from above (_bound), then scored, best bound first, until the m-th best score is
    above every bound left. On 1x laws a first page scores 29 of its block's 100 sections for one word, 44
    for several (means over the benchmark queries that match 100 or more)."""
    texts = reader.section_texts(block)
    by_sid = dict(zip(block.tolist(), texts, strict=True))  # the pending ones scored from them, not read again

    def scores_of(sids: np.ndarray) -> np.ndarray:
        return np.array(_text_scores(reader, ev, terms, sids, [by_sid[x] for x in sids.tolist()]))

    if m <= 0:  # none of it asked for (a date sort orders every match from scratch)
        return (block[:0], np.zeros(0)), Pending(block, {}, scores_of, reader.order_key)
    stats = _term_stats(reader, ev, terms)
    bounds = [_bound(head, body, stats, reader.avg_body_len) for head, body in texts]
    by_bound = sorted(range(len(block)), key=lambda i: -bounds[i])
    paragraphs = _paragraphs(reader, block, texts)
    known: dict[int, float] = {}
    best: list[float] = []  # the m best scores so far, a heap
    for k, i in enumerate(by_bound):
        score = _score(*texts[i], stats, reader.avg_body_len, _Breaks(paragraphs, i))
        known[int(block[i])] = score
        (heapq.heappush if len(best) < m else heapq.heappushpop)(best, score)
        if len(best) == m and k + 1 < len(by_bound) and best[0] > bounds[by_bound[k + 1]] + BOUND_MARGIN:
            break
    scored = np.array(list(known), dtype=block.dtype)
    scores = np.array(list(known.values()))
    head = _best_first(reader, scored, scores)[:m]
    shown = set(scored[head].tolist())
    later = np.array([x for x in block.tolist() if x not in shown], dtype=block.dtype)
    pending = Pending(later, {x: v for x, v in known.items() if x not in shown}, scores_of, reader.order_key)
    return (scored[head], scores[head]), pending


class Pending:
    """The sections of a second-stage block below the page asked for, ordered by their exact scores
    only when something reads that far (a deeper page of the same result, an export, a date sort, a
    document's other matching sections listed beside its first hit); some scores already known."""

    def __init__(self, sids: np.ndarray, known: dict[int, float], score: Callable[[np.ndarray], np.ndarray],
                 order_key: np.ndarray):
        self.sids, self._known, self._score, self._order_key = sids, known, score, order_key

    def settled(self) -> tuple[np.ndarray, np.ndarray]:
        """(their sids, their scores) in _best_first's order."""
        return self._ordered(self.sids)

    def ordered(self, lo: int, hi: int) -> np.ndarray:
        """Those lo <= sid < hi, in their order."""
        return self._ordered(self.sids[(self.sids >= lo) & (self.sids < hi)])[0]

    def _ordered(self, sids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        missing = [x for x in sids.tolist() if x not in self._known]
        if missing:
            self._known.update(zip(missing, self._score(np.array(missing, dtype=sids.dtype)).tolist(), strict=True))
        scores = np.array([self._known[x] for x in sids.tolist()], dtype=np.float64)
        order = _in_order(self._order_key, sids, scores)
        return sids[order], scores[order]


def by_date(reader: IndexReader, ranked: Ranked, sort: str) -> Ranked:
    """sort="newest" or "oldest": by report date, falling back to its year (a year alone counts from its
    first day; unknown last), then report, then the sections in their order in the report: a listing
    that reads like the reports and pages the same at any depth. Any other sort keeps the ranking."""
    if sort not in ("newest", "oldest") or not len(ranked):
        return ranked
    sids, scores = ranked.unordered()  # the order below is complete (order_key is unique): the ranking's is not needed
    dates = reader.facts.date_lo[reader.catalog.section_report[sids]].astype(np.int64)
    key = -dates if sort == "newest" else np.where(dates == 0, 1 << 40, dates)  # UNKNOWN_DATE is 0
    order = np.lexsort((reader.order_key[sids], key))  # then report and section order
    return Ranked.of(sids[order], scores[order])


def _best_first(reader: IndexReader, sids: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Indices ordering sids by score, ties by report and section order (never by the sid,
    which depends on the order files were indexed in)."""
    return _in_order(reader.order_key, sids, scores)


def _in_order(order_key: np.ndarray, sids: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """_best_first's order, from the reader's order_key: scores rounded to 9 places, best first."""
    return np.lexsort((order_key[sids], -np.round(scores, 9)))


def _best_k(reader: IndexReader, sids: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices of the k best in _best_first's order, indices of the others in any order): what sorting
    them all and cutting after k would give, found by a partition and a sort of the best alone."""
    if len(sids) <= 2 * k:
        order = _best_first(reader, sids, scores)
        return order[:k], order[k:]
    key = -np.round(scores, 9)
    kth = np.partition(key, k - 1)[k - 1]  # the k-th best score: the best k are at or above it
    near = np.flatnonzero(key <= kth)  # ties with it included, so the tie-break decides as in a full sort
    chosen = near[np.lexsort((reader.order_key[sids[near]], key[near]))][:k]
    rest = np.ones(len(sids), dtype=bool)
    rest[chosen] = False
    return chosen, np.flatnonzero(rest)


def _exact_scores(reader: IndexReader, ev: Evaluator, terms: list[Term], sids: np.ndarray) -> np.ndarray:
    """BM25 from the index's counts, with the second stage's length floor: cheap enough for every match."""
    norm = np.maximum(reader.body_len[sids].astype(np.float64), LENGTH_FLOOR * reader.avg_body_len)
    norm *= B  # K1 * (1 - B + B * length / avg), in place: 600,000 matches of 法 at 8x laws
    norm /= reader.avg_body_len
    norm += 1 - B
    norm *= K1
    score = np.zeros(len(sids))
    for t in terms:
        th = ev.term(t)
        weight = idf(reader.n_live, th.df)
        tf = _at(reader.n, sids, th.body, th.body_tf).astype(np.float64)
        part = tf * (K1 + 1)  # weight * (tf * (K1 + 1) / (tf + norm) + HEADING * in heading)
        tf += norm
        part /= tf
        part[_at(reader.n, sids, th.head, np.ones(len(th.head), dtype=bool))] += HEADING
        part *= weight
        score += part
    return score


def _at(n: int, sids: np.ndarray, found: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values (one per sid of found, sorted) at each of sids (sorted), 0 where found lacks it: by
    searching sids for a few, through an array over all n sids for many (600,000 matches of 法 at 8×
    laws: a search of each costs more than a pass over them all)."""
    if len(found) * 64 > n:
        every = np.zeros(n, dtype=values.dtype)
        every[found] = values
        return every[sids]
    out = np.zeros(len(sids), dtype=values.dtype)
    pos = np.searchsorted(sids, found)
    ok = (pos < len(sids)) & (sids[np.minimum(pos, len(sids) - 1)] == found)
    out[pos[ok]] = values[ok]
    return out


def _term_stats(reader: IndexReader, ev: Evaluator, terms: list[Term]) -> list[TermStats]:
    return [TermStats(t.text, idf(reader.n_live, ev.term(t).df), term_pattern(t.text, t.prefix)) for t in terms]


def _text_scores(reader: IndexReader, ev: Evaluator, terms: list[Term], sids: np.ndarray,
                 texts: list[tuple[str, str]] | None = None) -> list[float]:
    """Second-stage scores of these sections (texts: theirs, when already read)."""
    texts = reader.section_texts(sids) if texts is None else texts
    return score_sections(texts, _term_stats(reader, ev, terms), reader.avg_body_len, _paragraphs(reader, sids, texts))


def _paragraphs(reader: IndexReader, sids: np.ndarray, texts: list[tuple[str, str]]) -> Paragraphs:
    """Where the paragraphs of the i-th of these sections start in its folded body, read when asked."""
    return lambda i: paragraph_starts(reader.written_text(int(sids[i])), texts[i][1])


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


# -- second stage ------------------------------------------------------------------


@dataclass
class TermStats:
    text: str
    idf: float
    pattern: re.Pattern | None  # word-boundary pattern for Latin/digit terms, else plain find


Paragraphs = Callable[[int], list[int]]  # section's place in the list -> where its paragraphs start in the body


def score_sections(sections: list[tuple[str, str]], terms: list[TermStats], avg_body: float,
                   paragraphs: Paragraphs | None = None) -> list[float]:
    """Scores of (heading, body) pairs, folded as the exact index holds them. The folded body has no
    paragraph breaks: `paragraphs(i)` gives them, asked only for a section with a short sentence to place."""
    return [_score(head, body, terms, avg_body, _Breaks(paragraphs, i))
            for i, (head, body) in enumerate(sections)]


class _Breaks:
    """What the lead rules ask of one section, found once: its paragraph starts (fetched the first time
    they are needed) and whether its body holds a lead opening anywhere."""

    def __init__(self, source: Paragraphs | None, i: int):
        self.source, self.i, self.starts = source, i, None
        self.has_lead: bool | None = None  # does the body hold a lead opening anywhere (asked once, by _any_in_lead)

    def opens(self, p: int) -> bool:
        if self.source is None:
            return False
        if self.starts is None:
            self.starts = self.source(self.i)
        k = bisect.bisect_left(self.starts, p)
        return k < len(self.starts) and self.starts[k] == p


def _score(head: str, body: str, terms: list[TermStats], avg_body: float, breaks: _Breaks) -> float:
    norm = _norm(len(body), avg_body)
    cited = [m.span() for m in _CITED.finditer(body)] if "《" in body else []
    score, positions = 0.0, []
    for t in terms:
        positions.append(_positions(body, t))
        tf = _count(body, t) - (1 - IN_TITLE) * sum(_count(body, t, a, b) for a, b in cited)
        tf -= (1 - LISTED) * sum(1 for p in positions[-1] if _listed(body, p, len(t.text))
                                 and not any(a <= p < b for a, b in cited))  # a cited title is discounted already
        if _any_in_lead(body, positions[-1], breaks):
            tf += LEAD
        sat = tf * (K1 + 1) / (tf + norm) if tf else 0.0
        in_head = _find(head, t, 0) >= 0
        score += t.idf * (sat + HEADING * in_head)
    return score * (1 + PROXIMITY * _closeness(body, positions))


def _any_in_lead(body: str, positions: list[int], breaks: _Breaks) -> bool:
    """Is any of these occurrences in a lead (_in_lead)? For many in one body (法 in a long article), a
    body without a single lead opening is seen at once, and only topic lines are looked for."""
    if len(positions) >= MANY_OCCURRENCES:
        if breaks.has_lead is None:
            breaks.has_lead = _LEAD.search(body) is not None
        if not breaks.has_lead:
            return _any_in_topic_line(body, positions, breaks)
    return any(_in_lead(body, p, breaks) for p in positions)


def _any_in_topic_line(body: str, positions: list[int], breaks: _Breaks) -> bool:
    """Is any of these occurrences (in order) in a topic line (_in_topic_line)? The body's stops found
    once, each occurrence's sentence is two bisections away, and each sentence is asked once however
    many occurrences it holds (罚款 ends many a sentence of a long article: each one looked back from)."""
    stops = [m.start() for m in _SENTENCE_STOP.finditer(body)]
    done = -1  # occurrences before this lie in a sentence already asked (and found no topic line)
    for p in positions:
        if p < done:
            continue
        k = bisect.bisect_left(stops, p)  # the stop ending p's sentence
        if k == len(stops):
            return False
        stop = done = stops[k]
        if stop > p + TOPIC_LINE:
            continue
        lo = max(0, p - TOPIC_LINE)
        start = stops[k - 1] + 1 if k and stops[k - 1] >= lo else 0 if lo == 0 else None
        if start is not None and stop <= start + TOPIC_LINE and _topic_line(body, start, stop, breaks):
            return True
    return False


def _norm(length: int, avg_body: float) -> float:
    """BM25's length term K1 * (1 - B + B * length / avg), nothing shorter than LENGTH_FLOOR × avg."""
    return K1 * (1 - B + B * max(length, LENGTH_FLOOR * avg_body) / max(avg_body, 1.0))


def _bound(head: str, body: str, terms: list[TermStats], avg_body: float) -> float:
    """At least _score's, read from the same counts and heading: each term's occurrences as if one were
    in a lead and none were discounted (cited, listed), and several terms as close as can be."""
    norm = _norm(len(body), avg_body)
    score, everywhere = 0.0, True
    for t in terms:
        tf = _count(body, t)
        everywhere = everywhere and tf > 0
        tf += LEAD if tf else 0
        score += t.idf * (tf * (K1 + 1) / (tf + norm) + HEADING * (_find(head, t, 0) >= 0))
    return score * (1 + PROXIMITY) if len(terms) > 1 and everywhere else score  # closeness needs them all in the body


def _in_lead(body: str, p: int, breaks: _Breaks) -> bool:
    """Is the occurrence at p in a lead: its sentence (ended by a stop or a colon) opens with 一是/二要/
    第三，/首先 … (LEAD) and p lies after that opening, less than LEAD_REACH characters from the sentence's
    start; or its sentence (ended by a stop) is a topic line of at most TOPIC_LINE characters? Only the
    sentence holding p can say so, and it is found by looking at most that far back from p (with a regex
    that rules most places out first): two regex passes over each whole body took a fifth of the second
    stage's time (3.1 → 2.5 ms for 100 sections)."""
    lo = max(0, p - LEAD_REACH)
    if _LEAD.search(body, lo, p):
        s = _sentence_start(body, p, lo, _LAST_LEAD_STOP)
        if s is not None and (m := _LEAD.match(body, s)) and m.end() <= p:
            return True
    return _in_topic_line(body, p, breaks)


def _in_topic_line(body: str, p: int, breaks: _Breaks) -> bool:
    """Is the occurrence at p in a sentence (ended by a stop) of at most TOPIC_LINE characters that opens a
    paragraph and is not its last?"""
    stop = _SENTENCE_STOP.search(body, p, p + TOPIC_LINE + 1)  # a topic line's stop is this close to p ...
    if stop is None:
        return False
    s = _sentence_start(body, p, max(0, p - TOPIC_LINE), _LAST_STOP)  # ... and its start this close before it
    return s is not None and stop.start() <= s + TOPIC_LINE and _topic_line(body, s, stop.start(), breaks)


def _sentence_start(body: str, p: int, lo: int, last_stop: re.Pattern) -> int | None:
    """Where the sentence holding p starts: after the last stop in body[lo:p], else at 0 when lo is the
    body's start; None when it starts before lo."""
    m = last_stop.search(body, lo, p)
    if m:
        return m.start() + 1
    return 0 if lo == 0 else None


def _count(text: str, t: TermStats, start: int = 0, end: int | None = None) -> int:
    end = len(text) if end is None else end
    return text.count(t.text, start, end) if t.pattern is None else len(t.pattern.findall(text, start, end))


def _find(text: str, t: TermStats, start: int) -> int:
    if t.pattern is None:
        return text.find(t.text, start)
    m = t.pattern.search(text, start)
    return m.start() if m else -1


def _positions(body: str, t: TermStats) -> list[int]:
    out, p = [], _find(body, t, 0)
    while p >= 0 and len(out) < MAX_OCCURRENCES:
        out.append(p)
        p = _find(body, t, p + len(t.text))
    return out


def _topic_line(body: str, start: int, stop: int, breaks: _Breaks) -> bool:
    """The short sentence body[start:stop + 1] opens a paragraph and is not its last."""
    if not breaks.opens(start):
        return False
    nxt = bisect.bisect_right(breaks.starts, start)
    return (breaks.starts[nxt] if nxt < len(breaks.starts) else len(body)) > stop + 1


def _listed(body: str, p: int, n: int) -> bool:
    """The occurrence at p is one item of an enumeration: 、 next to it, or 等 right after it."""
    return body[p - 1:p] == "、" or body[p + n:p + n + 1] in ("、", "等")


def _closeness(body: str, positions: list[list[int]]) -> float:
    """1 when all terms share a sentence, 0.5 when they share a passage, else 0 (and 0 for one term)."""
    if len(positions) < 2 or not all(positions):
        return 0.0
    best = 0.0
    for p in min(positions, key=len):
        near = [_nearest(ps, p) for ps in positions]
        lo, hi = min(near), max(near)
        if _SENTENCE_STOP.search(body, lo, hi) is None:
            return 1.0
        if hi - lo <= PASSAGE:
            best = 0.5
    return best


def _nearest(sorted_positions: list[int], p: int) -> int:
    i = bisect.bisect_left(sorted_positions, p)
    cands = sorted_positions[max(0, i - 1): i + 1]
    return min(cands, key=lambda q: abs(q - p))


def idf(n_live: int, df: int) -> float:
    return math.log(1 + (n_live - df + 0.5) / (df + 0.5))
