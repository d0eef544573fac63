"""Collocates: the words that occur near a query's strings more often than chance, ranked by
log-likelihood (Dunning's G²), with the observed and expected counts; optionally per period.

The window is `window` jieba words either side of each occurrence in a section's body (the
concordance's occurrences, occurrences.locate), never past the body's ends. Words are counted as
the index's words field counts them (analysis.window_words: jieba's words, and the parts search
mode adds for long words: 安全 and 教育 of 安全教育), so that each word's frequency in the whole
index and the number of words in it come from Whoosh's term statistics, one lookup per word, and
window counts and index counts are of the same thing. For each word w, with O = w in the windows,
R = words in the windows, C = w in the index's bodies, N = words in them, the 2×2 table
[[O, R−O], [C−O, N−R−C+O]] gives G² = 2 Σ O_ij ln(O_ij / E_ij), E_ij = row_i × column_j / N; the
expected count shown is E_11 = R × C / N. Listed: words above chance (O > E) with G² ≥ 3.84
(p < 0.05, one degree of freedom), seen at least twice, and at least once as a word of its own
(not only as a part of a longer word: 未成 of 未成年人 is not listed). Stop words and numbers are
not listed, but they take their place in the window.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

from indexer.search.facets import Filters
from indexer.search.limits import (
    COLLOCATE_LIMIT,
    COLLOCATE_MAX_LIMIT,
    COLLOCATE_MAX_OCCURRENCES,
    COLLOCATE_MAX_WINDOW,
    COLLOCATE_WINDOW,
)
from indexer.search.occurrences import Located, locate, matched
from indexer.store.catalog import UNKNOWN_YEAR
from indexer.store.reader import IndexReader
from indexer.text.analysis import stop_words, whole_blocks, window_words

FIELDS = ("body",)  # the index's word field the windows lie in
SIGNIFICANT = 3.84  # G² at p = 0.05, one degree of freedom
MIN_COUNT = 2  # a word seen once near the term is not listed


@dataclass
class Collocate:
    word: str
    observed: int  # times in the windows
    expected: float  # times a word as frequent would be there by chance: R × C / N
    g2: float  # log-likelihood
    frequency: int  # times in the whole index (headings and bodies)


@dataclass
class Period:
    label: str  # 全部, 2015–2019, 年份不详
    lo: int | None
    hi: int | None
    windows: int  # occurrences whose windows were read
    tokens: int  # words in those windows (R)
    collocates: list[Collocate] = field(default_factory=list)


@dataclass
class Collocates:
    query: str
    window: int
    by: int | None  # years per period; None: one period
    occurrences: int  # every occurrence (the concordance's lines)
    windows: int  # of them, those whose windows were read: in headings and bodies, evenly spaced past a bound
    corpus_tokens: int  # words in the index (N)
    periods: list[Period] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    took_ms: float = 0.0

    @property
    def notice(self) -> str | None:
        return " ".join(self.notices) or None

    def to_dict(self) -> dict:
        """The JSON of /api/collocates and `collocates --json`."""
        d = asdict(self)
        d["notice"] = self.notice
        return d


def collocates(reader: IndexReader, q: str, filters: Filters | None = None, window: int = COLLOCATE_WINDOW,
               by: int | None = None, limit: int = COLLOCATE_LIMIT, min_count: int = MIN_COUNT) -> Collocates:
    """The collocates of a query's occurrences in its matching sections, best first; by: years per
    period (periods start at multiples of it: 2015–2019 for 5), each ranked against the whole index."""
    t0 = time.perf_counter()
    window = min(max(1, int(window)), COLLOCATE_MAX_WINDOW)
    limit = min(max(1, int(limit)), COLLOCATE_MAX_LIMIT)
    by = max(1, int(by)) if by else None
    m = matched(reader, q, filters)
    loc = locate(reader, m.sids, m.needles)
    out = Collocates(query=q, window=window, by=by, occurrences=len(loc), windows=0,
                     corpus_tokens=reader.words_total(FIELDS), notices=m.notices)
    usable = loc.take(np.flatnonzero(_in_body(reader, loc)))
    if len(usable) > COLLOCATE_MAX_OCCURRENCES:
        usable = usable.take(np.unique(np.linspace(0, len(usable) - 1, COLLOCATE_MAX_OCCURRENCES).round().astype(np.int64)))
        out.notices.append(f"共 {len(loc)} 处出现，只读了均匀分布的 {len(usable)} 处的前后文。")
    out.windows = len(usable)
    counts: dict[tuple[int | None, int | None], tuple[Counter, list[int]]] = {}
    leave_out = stop_words() | {n.text for n in m.needles}
    years = reader.facts.year[reader.catalog.section_report[usable.sid]]
    for key, idx in _periods(years, by):
        seen, alone, sizes = Counter(), set(), [0, 0]
        for tokens in _windows(reader, usable.take(idx), window):
            sizes[0] += 1
            sizes[1] += len(tokens)
            seen.update(t for t, _own in tokens)
            alone.update(t for t, own in tokens if own)
        listed = Counter({t: k for t, k in seen.items() if k >= min_count and t in alone and t not in leave_out
                          and _wordlike(t)})
        counts[key] = (listed, sizes)
    wanted = sorted({w for seen, _ in counts.values() for w in seen})
    freq = reader.word_frequencies(wanted, FIELDS)
    for (lo, hi), (seen, (n_windows, tokens)) in counts.items():
        period = Period(label=_label(lo, hi, by), lo=lo or None, hi=hi or None, windows=n_windows, tokens=tokens)
        period.collocates = _ranked(seen, tokens, freq, out.corpus_tokens, min_count)[:limit]
        out.periods.append(period)
    out.took_ms = round((time.perf_counter() - t0) * 1000, 2)
    return out


def log_likelihood(o11: np.ndarray, r1: float, c1: np.ndarray, n: float) -> tuple[np.ndarray, np.ndarray]:
    """Dunning's G² of each word's 2×2 table, and its expected count in the window (E11): o11 times
    in a window of r1 words, c1 times in a corpus of n words (the window's words are in the corpus)."""
    o11 = np.asarray(o11, dtype=np.float64)
    c1 = np.maximum(np.asarray(c1, dtype=np.float64), o11)  # a word is at least as often in the corpus as near the term
    observed = [o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]
    rows, cols = [r1, r1, n - r1, n - r1], [c1, n - c1, c1, n - c1]
    g2 = np.zeros(len(o11))
    for o, row, col in zip(observed, rows, cols, strict=True):
        e = row * col / n
        with np.errstate(divide="ignore", invalid="ignore"):
            g2 += np.where(o > 0, o * np.log(o / e), 0.0)
    return 2 * g2, r1 * c1 / n


def _ranked(seen: Counter, tokens: int, freq: dict[str, int], n: int, min_count: int) -> list[Collocate]:
    words = [w for w, k in seen.items() if k >= min_count]
    if not words or not tokens or not n:
        return []
    o = np.array([seen[w] for w in words], dtype=np.int64)
    c = np.array([freq.get(w, 0) for w in words], dtype=np.int64)
    g2, e = log_likelihood(o, tokens, c, n)
    keep = sorted(np.flatnonzero((o > e) & (g2 >= SIGNIFICANT)).tolist(), key=lambda i: (-g2[i], -o[i], words[i]))
    return [Collocate(word=words[i], observed=int(o[i]), expected=round(float(e[i]), 3), g2=round(float(g2[i]), 2),
                      frequency=int(max(c[i], o[i]))) for i in keep]


def _periods(years: np.ndarray, by: int | None):
    """((lo, hi), positions) per period in order, unknown year last; one period (None, None) without by."""
    if not by:
        yield (None, None), np.arange(len(years))
        return
    known = years != UNKNOWN_YEAR
    starts = (years // by) * by
    for lo in np.unique(starts[known]).tolist():
        yield (lo, lo + by - 1), np.flatnonzero(known & (starts == lo))
    if (~known).any():
        yield (UNKNOWN_YEAR, UNKNOWN_YEAR), np.flatnonzero(~known)


def _label(lo: int | None, hi: int | None, by: int | None) -> str:
    if lo is None:
        return "全部"
    if lo == UNKNOWN_YEAR:
        return "年份不详"
    return str(lo) if by == 1 else f"{lo}–{hi}"


def _wordlike(token: str) -> bool:
    """A word worth listing: it holds a letter or a Chinese character (not a bare number)."""
    return any(c.isalpha() for c in token)


def _in_body(reader: IndexReader, loc: Located) -> np.ndarray:
    """Occurrences in a section's body: what the word counts the windows are held to cover (headings
    are a field of their own, and the title field repeats on every section)."""
    out = np.zeros(len(loc), dtype=bool)
    for seg in reader.segments:
        idx = np.flatnonzero((loc.sid >= seg.base) & (loc.sid < seg.base + seg.size))
        out[idx] = loc.pos[idx] > seg.bmids[loc.sid[idx] - seg.base]
    return out


def _windows(reader: IndexReader, loc: Located, window: int):
    """For each occurrence (in a body), the `window` words either side of it as (token, whether it
    is the word itself rather than a part search mode added), words that overlap the occurrence left
    out. The folded text cut is just wide enough, in whole blocks (jieba cuts block by block, so
    these are the words of the whole body): about three characters a word, twice as wide again
    while a side is short of words and the body goes on."""
    for i in range(len(loc)):
        seg, local = reader.segment_of(int(loc.sid[i]))
        pos, size = int(loc.pos[i]), int(loc.size[i])
        lo, hi = int(seg.bmids[local]) + 1, int(seg.bstarts[local + 1]) - 1
        node = seg.data[pos:pos + size].decode("utf-8", "surrogatepass")
        margin = 3 * (3 * window + 3)  # bytes: a CJK character is three
        while True:
            a, b = max(lo, pos - margin), min(hi, pos + size + margin)
            sides = whole_blocks(seg.data[a:pos].decode("utf-8", "ignore"),  # a character cut at the edge is dropped
                                 seg.data[pos + size:b].decode("utf-8", "ignore"), a == lo, b == hi)
            if sides is not None:
                left, right = sides
                words = window_words(left + node + right, reader.dict_hash)
                start, end = len(left), len(left) + len(node)
                before = [w for w in words if w[1] <= start]
                after = [w for w in words if w[0] >= end]
                if (len(before) >= window or a == lo) and (len(after) >= window or b == hi):
                    break
            margin *= 2
        chosen = before[-window:] + after[:window]
        yield [(t, False) for w in chosen for t in w[2]] + [(t, True) for w in chosen for t in w[3]]
