"""Which sections a query matches: the evaluator of the query tree over the exact index, the
facet filters, the jieba-word fallback when nothing matches exactly, and the explanation of an
empty answer.

Matching is exact and complete: a section matches if and only if its (folded) text holds the
query strings (in one sentence, paragraph or stretch, for a proximity condition: proximity.py).
Every result is a mask or a sorted array over the index's sids.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from indexer.search import facets as facet_mod
from indexer.search import proximity
from indexer.search.facets import Filters, Years
from indexer.search.parser import (
    And,
    Date,
    DocNo,
    Facet,
    Near,
    Node,
    Not,
    Or,
    ParsedQuery,
    Term,
    Title,
    Year,
    parse_query,
)
from indexer.search.phases import Timings, phase
from indexer.store.catalog import fold_doc_no
from indexer.store.exact import gram_keys
from indexer.store.reader import IndexReader
from indexer.store.schema import WORD_FIELDS
from indexer.text.wholeword import term_pattern


def matching_sections(reader: IndexReader, q: str, filters: Filters | None = None,
                      within: str | None = None, ev: Evaluator | None = None) -> np.ndarray:
    """Just the exact matching step: the sids a query's results are made of, unranked (within: the
    search form's 同句/同段, parser.parse_query; ev: an evaluator whose lookups to reuse)."""
    parsed = parse_query(q, within)
    if not parsed.searchable():
        return np.zeros(0, dtype=np.int64)
    matched, section_filter = match(ev or Evaluator(reader), parsed, filters or Filters())
    return np.flatnonzero(matched & section_filter)


def match(ev: Evaluator, parsed: ParsedQuery, filters: Filters) -> tuple[np.ndarray, np.ndarray]:
    """(sections the query matches, sections the facet filters allow), as masks over sids."""
    matched = ev.node(parsed.root) & ev.r.live
    if not parsed.positive_terms():  # title:…, docno:…, type:…, year:… alone: one hit per report, its first section
        matched &= ev.r.first_sections
    return matched, ev.filter_mask(filters)


@dataclass
class TermHits:
    head: np.ndarray  # global sids whose heading (or, for a first section, title) holds the term
    body: np.ndarray  # global sids whose body holds it, sorted
    body_tf: np.ndarray  # per body sid: the count (up to 65,535)
    mask: np.ndarray  # over all sids: holds the term somewhere

    @property
    def df(self) -> int:
        return int(np.count_nonzero(self.mask))

    @property
    def nbytes(self) -> int:
        return self.head.nbytes + self.body.nbytes + self.body_tf.nbytes + self.mask.nbytes

    def frozen(self) -> TermHits:
        """Read-only arrays: later searches of the generation may be handed the same ones (store/kept.py)."""
        for a in (self.head, self.body, self.body_tf, self.mask):
            a.flags.writeable = False
        return self


class Evaluator:
    """Masks over sids for the nodes of a query tree; each term is looked up once per search. stop: a
    request's deadline, which only proximity conditions look at (their candidates are checked one by
    one); `unchecked` counts the candidates it left out. timings: where a profiled search's time goes
    (occurrences, candidates), else None."""

    def __init__(self, reader: IndexReader, stop: Callable[[], bool] | None = None, timings: Timings | None = None):
        self.r = reader
        self.stop = stop
        self.hits: dict[tuple[str, bool], TermHits] = {}
        self.reads: dict[int, dict] = {}  # per segment, the gram lookups of this search (ExactSegment.candidates)
        self.timings = timings
        self.nears: dict[tuple, np.ndarray] = {}
        self.doc_nos: dict[str, np.ndarray] = {}  # 文号 → its reports' opening sections (doc_no)
        self.unchecked = 0

    def node(self, n: Node) -> np.ndarray:
        r = self.r
        if isinstance(n, Term):
            return self.term(n).mask.copy()
        if isinstance(n, Title):
            return self.sections_of(self.title_reports(n.term))
        if isinstance(n, Facet) and n.name == "issuer":
            return self.sections_of(facet_mod.issuer_mask(r.facts, n.value))
        if isinstance(n, DocNo):
            return self.doc_no(n).copy()
        if isinstance(n, Facet) and n.name == "doc_no":
            return self.sections_of(facet_mod.doc_no_mask(r.facts, n.value))
        if isinstance(n, Facet):
            f = Filters(doc_type=n.value) if n.name == "doc_type" else Filters(region=n.value)
            return self.sections_of(facet_mod.report_filter(r.facts, f))
        if isinstance(n, Year):
            return self.sections_of(n.years.mask(r.facts))
        if isinstance(n, Date):
            return self.sections_of(facet_mod.date_mask(r.facts, n.lo, n.hi))
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
        if isinstance(n, Near):
            return self.near(n).copy()
        raise TypeError(n)

    def near(self, n: Near) -> np.ndarray:
        """Sections satisfying a proximity condition: those holding every operand (from the index, as
        for AND) verified one by one on their text; once per search."""
        key = n.key()
        if key not in self.nears:
            candidates = self.r.live.copy()
            for alts in n.alternatives():
                either = self.term(alts[0]).mask.copy()
                for t in alts[1:]:
                    either |= self.term(t).mask
                candidates &= either
            sids = np.flatnonzero(candidates)
            keep, checked = proximity.verify(self.r, n, sids, self.stop)
            self.unchecked += len(sids) - checked
            mask = np.zeros(self.r.n, dtype=bool)
            mask[sids[keep]] = True
            self.nears[key] = mask
        return self.nears[key]

    def doc_no(self, n: DocNo) -> np.ndarray:
        """The opening sections of the reports this 文号 numbers; once per search (matching, ranking the
        report first and saying why nothing matched all ask). Read it, never write to it."""
        if n.value not in self.doc_nos:
            mask = self.sections_of(facet_mod.own_doc_no_mask(self.r.facts, n.value)) & self.r.first_sections
            mask.flags.writeable = False
            self.doc_nos[n.value] = mask
        return self.doc_nos[n.value]

    def term(self, t: Term) -> TermHits:
        key = (t.text, t.prefix)
        if key in self.hits:
            return self.hits[key]
        kept = self.r.kept.get(("term", *key))  # found by an earlier search of this generation
        if kept is not None:
            self.hits[key] = kept
            return kept
        heads, bodies, tfs = [], [], []
        grams = _own_gram(t.text, t.prefix)
        with phase(self.timings, "candidates" if grams else "occurrences"):
            for i in self.r.segments_holding(gram_keys(t.text)):  # the others lack one of its grams
                seg = self.r.segments[i]
                if grams:
                    c = seg.candidates(t.text, memo=self.reads.setdefault(i, {}))
                    head, body, tf = c.head, c.body, c.body_tf
                else:
                    head, body, tf = seg.occurrences(t.text, t.prefix)
                heads.append(head.astype(np.int64) + seg.base)
                bodies.append(body.astype(np.int64) + seg.base)
                tfs.append(tf)
        th = self._term_hits(heads, bodies, tfs)
        self.hits[key] = th
        if not grams:  # worth keeping for the next page, facet or sort of the query
            self.r.kept.put(("term", *key), th, th.nbytes)
        return th

    def _term_hits(self, heads: list, bodies: list, tfs: list, nowhere: np.ndarray | None = None) -> TermHits:
        """A string's sections gathered from its segments, with its mask over live sections (nowhere:
        the mask to share when it occurs in none)."""
        head, body = _cat(heads), _cat(bodies)
        if nowhere is not None and not len(head) + len(body):
            return TermHits(head, body, _cat(tfs, np.uint16), nowhere)
        mask = np.zeros(self.r.n, dtype=bool)
        mask[head] = True
        mask[body] = True
        mask &= self.r.live  # a removed file's text stays in its exact segment until compaction
        return TermHits(head, body, _cat(tfs, np.uint16), mask).frozen()

    def occurs(self, text: str) -> bool:
        """Does some live section hold the string (plain, as Term(text, text))? The segments are asked
        in order until one has it, where term() reads them all: a pasted sentence's common words
        (工作, 通知) are known to occur after one segment, and are read whole only if a suggestion
        goes on to use them."""
        if (text, False) in self.hits:
            return self.hits[text, False].df > 0
        for i in self.r.segments_holding(gram_keys(text)):
            seg = self.r.segments[i]
            if _own_gram(text):
                held = seg.holding(gram_keys(text), self.reads.setdefault(i, {}))
            else:
                held = seg.occurrences(text)[:2]
            if any(self.r.live[found.astype(np.int64) + seg.base].any() for found in held):
                return True
        return False

    def variants(self, term: str, at: int, chars: list[str]) -> None:
        """Look up, in one scan, every string made of term with its character at `at` replaced by one
        of chars (a typo's fixes at one place), as term() would: afterwards term() answers each from
        what was found. The sections that can hold any of them hold the rest of term's grams; their
        text is scanned once for the rest and the character beside it read (ExactSegment.filled).
        Their body counts are the true ones, as term()'s are, which nothing ranks by: a
        query whose typo is looked up found nothing."""
        before, after = term[:at], term[at + 1:]
        chars = [c for c in dict.fromkeys(chars) if (before + c + after, False) not in self.hits]
        if not chars or term_pattern(before + chars[0] + after, False) is not None:
            return
        keys = sorted({k for part in (before, after) if part for k in gram_keys(part)})
        found: dict[str, tuple[list, list, list]] = {c: ([], [], []) for c in chars}
        with phase(self.timings, "candidates"):
            where = self.r.segments_holding(keys)
            held = [self.r.segments[i].holding(keys, self.reads.setdefault(i, {})) for i in where]
        with phase(self.timings, "verify"):
            for i, (head, body) in zip(where, held, strict=True):
                seg = self.r.segments[i]
                heads = seg.filled(head, True, before, after, chars)
                bodies = seg.filled(body, False, before, after, chars)
                for c in chars:
                    if len(heads[c][0]):
                        found[c][0].append(heads[c][0].astype(np.int64) + seg.base)
                    if len(bodies[c][0]):
                        found[c][1].append(bodies[c][0].astype(np.int64) + seg.base)
                        found[c][2].append(np.minimum(bodies[c][1], np.iinfo(np.uint16).max).astype(np.uint16))
                if len(head) + len(body):
                    self.r.trim(i)
        nowhere = np.zeros(self.r.n, dtype=bool)  # shared by the variants that occur nowhere (most of them)
        nowhere.flags.writeable = False
        for c, (heads, bodies, tfs) in found.items():
            self.hits[before + c + after, False] = self._term_hits(heads, bodies, tfs, nowhere)

    def title_reports(self, t: Term) -> np.ndarray:
        pattern = term_pattern(t.text, t.prefix)
        titles = self.r.titles_folded
        if pattern is None:
            return np.fromiter((t.text in x for x in titles), dtype=bool, count=len(titles))
        return np.fromiter((pattern.search(x) is not None for x in titles), dtype=bool, count=len(titles))

    def sections_of(self, report_mask: np.ndarray) -> np.ndarray:
        return report_mask[self.r.catalog.section_report]

    def filter_mask(self, f: Filters, skip: str | None = None) -> np.ndarray:
        """The sections the filters let through; with none set, the live ones (all a match can be:
        the same answer without a pass over every section). Read it, never write to it."""
        if skip is None and not f.active():
            return self.r.live
        return self.sections_of(facet_mod.report_filter(self.r.facts, f, skip))


def _own_gram(text: str, prefix: bool = False) -> bool:
    """Is the string one of the exact index's grams, its postings its answer (one or two characters,
    no word boundary to keep)? Any other is looked up in the suffix arrays."""
    return len(text) <= 2 and term_pattern(text, prefix) is None


def _cat(parts: list[np.ndarray], dtype=np.int64) -> np.ndarray:
    return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)


def one_copy(reader: IndexReader, sids: np.ndarray, copies: str) -> tuple[np.ndarray, np.ndarray]:
    """(the sections of each document's preferred matching copy, the other copies' matching sections),
    both in index order: unless copies="all", a document held by several sources is one result,
    ranked and counted among the rest, its other copies' sections listed under it."""
    if copies == "all" or not len(sids):
        return sids, sids[:0]
    keep = facet_mod.preferred_sections(reader.facts, reader.catalog.section_report, sids)
    return sids[keep], sids[~keep]


# -- when nothing matches ----------------------------------------------------------


def words_fallback(reader: IndexReader, ev: Evaluator, parsed: ParsedQuery, words: list[str],
                   section_filter: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sections holding every jieba word of the query, anywhere: offered when nothing matches exactly.
    (the sids the filters allow, the mask of all matching sections)"""
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
    if n is None or isinstance(n, Term | Near):
        return None
    if isinstance(n, And):
        kids = [k for k in (_without_terms(c) for c in n.children) if k is not None]
        return None if not kids else kids[0] if len(kids) == 1 else And(kids)
    if isinstance(n, Or):
        return None if any(_without_terms(c) is None for c in n.children) else n
    return n


def why_nothing(ev: Evaluator, parsed: ParsedQuery, terms: list[Term], section_filter: np.ndarray) -> str | None:
    """When every query string occurs somewhere, say what kept them out (an exclusion, a
    filter, never together); None when one occurs nowhere: then matching words may help."""
    if _nowhere(ev, parsed.root):
        return None
    typed: dict[str, str] = {}  # a 文号's bracket forms shown once, as typed
    for t in terms:
        typed.setdefault(fold_doc_no(t.text), t.raw)
    shown = "、".join(typed.values())
    positive = _prune(parsed.root, (Not,))
    if positive is not None and (n := int(np.count_nonzero(ev.node(positive) & ev.r.live & section_filter))):
        excluded = "或".join(dict.fromkeys(_negated(parsed.root))) or "排除条件"
        return f"{n} 个章节含{shown}，但都含有{excluded}，已全部排除。"
    strings = _prune(parsed.root, (Not, Title, Facet, Year, Date))
    if strings is not None and (n := int(np.count_nonzero(ev.node(strings) & ev.r.live))):
        return f"{n} 个章节含{shown}，但都不符合所选的年份、类型、地区等筛选条件。"
    nears = parsed.proximities()
    loose = _loosen(strings)
    if nears and loose is not None and (n := int(np.count_nonzero(ev.node(loose) & ev.r.live))):
        how = "、".join(dict.fromkeys(_near_words(c) for c in nears))
        return f"{n} 个章节含{shown}，但没有一处{how}。"
    return f"{shown}都出现过，但没有一个章节同时含有它们。"


def _nowhere(ev: Evaluator, n: Node | None) -> bool:
    """Does a string the query needs occur nowhere? A 文号 typed as text is one string in any of its
    bracket forms, or its report (parser._doc_no)."""
    if isinstance(n, Term):
        return not ev.term(n).df
    if isinstance(n, DocNo):
        return not (ev.doc_no(n) & ev.r.live).any()
    if isinstance(n, Or) and len({fold_doc_no(c.text) for c in n.children if isinstance(c, Term)}) == 1:
        return all(_nowhere(ev, c) for c in n.children)
    if isinstance(n, And | Or):
        return any(_nowhere(ev, c) for c in n.children)
    if isinstance(n, Near):
        return any(_nowhere(ev, o) for o in n.operands)
    return False


def clashing_filters(parsed: ParsedQuery, filters: Filters) -> str | None:
    """Year or date conditions that every result must meet (year:, date:, the form's year and date) and
    that no report can meet together: year:2016 year:2017 contradict each other, whatever the index holds."""
    musts = _conjuncts(parsed.root)
    years = [n.years for n in musts if isinstance(n, Year)]
    if filters.year_active():
        years.append(filters.years)
    days = [(n.lo, n.hi) for n in musts if isinstance(n, Date)] + (
        [(filters.date_lo, filters.date_hi)] if filters.date_lo is not None or filters.date_hi is not None else [])
    dates = [Years(((lo // 10000 if lo else None, hi // 10000 if hi else None),)) for lo, hi in days]
    if len(years) > 1 and not _meet(years):
        return f"年份条件互相矛盾（{'、'.join(_year_shown(y) for y in years)}），没有报告能同时满足。"
    if len(days) > 1 and not _meet([Years(((lo, hi),)) for lo, hi in days]):  # day numbers, as ranges
        return "日期条件互相矛盾，没有报告能同时满足。"
    if years and dates and not _meet(years + dates):
        return f"年份条件（{'、'.join(_year_shown(y) for y in years)}）与日期条件互相矛盾，没有报告能同时满足。"
    return None


def _conjuncts(n: Node | None) -> list[Node]:
    """The parts of the query every result must meet: the root, or the children of a top-level AND."""
    if isinstance(n, And):
        return [m for c in n.children for m in _conjuncts(c)]
    return [] if n is None else [n]


def _meet(conditions: list[Years]) -> bool:
    """Can one value pass all these (each a set of ranges, None an open end; unknown years meet only each other)?"""
    if all(c.unknown for c in conditions):
        return True
    ranges: list[tuple[int | None, int | None]] = [(None, None)]
    for c in conditions:
        ranges = [r for a in ranges for b in c.ranges if (r := _overlap(a, b)) is not None]
        if not ranges:
            return False
    return True


def _overlap(a: tuple[int | None, int | None], b: tuple[int | None, int | None]) -> tuple[int | None, int | None] | None:
    los, his = [x for x in (a[0], b[0]) if x is not None], [x for x in (a[1], b[1]) if x is not None]
    lo, hi = max(los, default=None), min(his, default=None)
    return None if lo is not None and hi is not None and lo > hi else (lo, hi)


def _year_shown(y: Years) -> str:
    parts = [f"{lo}年" if lo == hi else f"{lo or ''}–{hi or ''}年" for lo, hi in y.ranges]
    return "、".join(parts + (["年份不详"] if y.unknown else []))


def _loosen(n: Node | None) -> Node | None:
    """The query with each proximity condition read as a plain AND of its operands."""
    if isinstance(n, Near):
        return And(list(n.operands))
    if isinstance(n, And | Or):
        return type(n)([_loosen(c) for c in n.children])
    return n


def _near_words(n: Near) -> str:
    return {"sentence": "在同一句中", "paragraph": "在同一段中"}.get(n.kind, f"相距不超过 {n.distance} 个字")


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
    if isinstance(n, Near):
        return [t for c in n.operands for t in _negated(c, neg)]
    return []
