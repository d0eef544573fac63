"""An opened index generation: Whoosh, the exact index and the catalog together.

Opening is cheap (memory-mapped arrays, jieba state from a marshal cache), and
`Library` keeps the live generation open, switching to a new one as soon as a
reindex publishes it, without a restart.
"""

from __future__ import annotations

import bisect
import gc
import threading
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from indexer.ingest.model import Skipped
from indexer.store import copies as copy_groups
from indexer.store import generations as store
from indexer.store import moves
from indexer.store.catalog import Catalog, Facts
from indexer.store.exact import ExactSegment
from indexer.store.grams import GramDictionary
from indexer.store.kept import KEPT_BYTES, MAP_BYTES, Kept
from indexer.store.series import SeriesIndex, build_series
from indexer.store.texts import SectionTexts
from indexer.store.whoosh_io import mapped, postings
from indexer.text.analysis import load_jieba

mapped.install()  # Whoosh reads its segment files in place instead of copying them

GRAMS_FROM = 8  # segments from which matching asks the term dictionary which ones can hold a string
WORD_COUNT_CACHE = 200_000  # (fields, word) frequencies a reader remembers


@dataclass
class Stats:
    files: int
    reports: int
    sections: int
    years: tuple[int | None, int | None]
    unknown_year_reports: int
    index_bytes: int
    dictionary_hash: str
    created: str
    generation: str
    skipped: list[dict]  # path, code, message (Chinese), detail (English): Skipped.shown()
    sources: list[str]


class IndexReader:
    def __init__(self, gen: Path, kept_bytes: int = KEPT_BYTES, map_bytes: int = MAP_BYTES):
        """kept_bytes: what searches found, kept for the next ones (kept.py); 0 keeps nothing.
        map_bytes: the index text whose pages stay mapped after a scan (trim)."""
        self.gen = gen
        self._pin = store.pin(gen)  # the generation stays on disk while this reader can read it
        self._unpin = weakref.finalize(self, store.unpin, self._pin)  # on close(), or when nothing holds the reader
        self.manifest = store.read_manifest(gen)
        self.dict_hash = self.manifest["dictionary_hash"]
        load_jieba(gen / "userdict.txt")
        self.whoosh = mapped.open_index(gen / "whoosh")
        self.segments = [ExactSegment.load(gen / d) for d in self.manifest["segments"]]
        self.texts = [SectionTexts(gen / d) for d in self.manifest["segments"]]
        self._bases = [seg.base for seg in self.segments]  # ascending: segments are in sid order
        self.catalog = Catalog.concat([Catalog.load(gen / d) for d in self.manifest["segments"]])
        self.facts = Facts.of(self.catalog.reports, copy_groups.load(gen, len(self.catalog.reports)))
        self.titles_folded = [r.title_folded for r in self.catalog.reports]
        self.live = np.load(gen / "live.npy")
        self.sid_to_doc = np.load(gen / "sid_to_doc.npy")
        self.doc_to_sid = np.load(gen / "doc_to_sid.npy")
        self.n = int(self.manifest["next_sid"])
        lengths = [s.body_length().astype(np.int32) for s in self.segments]  # characters: a section is never 2 G
        self.body_len = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int32)
        live_len = self.body_len[self.live[: len(self.body_len)]]
        # at least 1: an index of titles alone (every body empty) still ranks without dividing by zero
        self.avg_body_len = max(float(live_len.mean()), 1.0) if len(live_len) else 1.0
        self.indexed_at = _indexed_at(self.manifest, self.catalog)
        # every file's entry is for the next reindex: read once, above, it held 29 MB of a server's 8x laws
        self.manifest = {k: v for k, v in self.manifest.items() if k != "files"}
        self.report_live = self.catalog.live_reports(self.live)
        self.lock = threading.RLock()  # Whoosh readers seek and read shared files: one thread at a time
        self._searcher = None
        self._doc_index: dict[str, int] | None = None
        self._copies: dict[int, list[int]] | None = None
        self._runs: tuple | None = None  # (reports, first sid of each) while section_report is sorted: reports_of
        self._series: SeriesIndex | None = None
        self._grams: GramDictionary | None = None
        self.grams_from = GRAMS_FROM
        self._titles: dict[str, list[int]] | None = None  # folded title → live reports (namesakes)
        self._word_counts: dict[tuple[tuple[str, ...], str], int] = {}  # word_frequencies, per generation
        self.first_sections = np.zeros(self.n, dtype=bool)  # each report's first section
        self.first_sections[[r.first_sid for r in self.catalog.reports]] = True
        self.n_live = max(int(self.live.sum()), 1)
        self.order_key = _order_key(self.catalog, self.n)
        self.map_budget = map_bytes
        self.kept = Kept(kept_bytes)
        self._text_ends = np.cumsum([len(seg.data) for seg in self.segments], dtype=np.int64)  # for trim
        self._pinned = len(self.segments)

    def searcher(self):
        """The one Whoosh searcher of this generation; use it under `self.lock`. It serves stored
        fields and postings only: nothing is scored by Whoosh.

        A Whoosh searcher holds its term tables and stored-field index in
        memory (about 220 MB on 20 M characters), so one per server thread
        costs gigabytes; the Whoosh part of a query takes milliseconds, so
        threads take turns instead."""
        if self._searcher is None:
            with self.lock:
                if self._searcher is None:
                    self._searcher = self.whoosh.searcher()
        return self._searcher

    def trim(self, scanned: int | None = None) -> None:
        """Called after a scan (a typo's variants) read segment number `scanned`'s text through its memory map
        (None: after a read that may have touched any segment, as the concordance's).
        The first segments, as many as map_budget bytes of text hold, keep their pages mapped; any
        other segment's pages are dropped right after its scan (they stay in the page cache, and the
        next scan maps what it needs again). A common string's scan goes through every segment in
        order, so it finds the first ones mapped and faults in only what lies past the budget, where
        dropping all pages whenever the budget was passed made every such scan fault in everything;
        and the server's RSS stays within the budget (and one segment) whatever the corpus size."""
        pinned = int(np.searchsorted(self._text_ends, self.map_budget, side="right"))
        if pinned < self._pinned:  # the budget was lowered: what it no longer holds goes now
            for seg in self.segments[pinned:self._pinned]:
                seg.drop_pages()
        self._pinned = pinned
        if scanned is None:
            for seg in self.segments[pinned:]:
                seg.drop_pages()
        elif scanned >= pinned:
            self.segments[scanned].drop_pages()

    def segment_of(self, sid: int) -> tuple[ExactSegment, int]:
        seg = self.segments[self._segment_index(sid)]
        return seg, sid - seg.base

    def section_texts(self, sids: np.ndarray) -> list[tuple[str, str]]:
        """(heading, body) of each section, folded as the exact index holds them, in the order given."""
        sids = np.asarray(sids, dtype=np.int64)
        out: list[tuple[str, str]] = [("", "")] * len(sids)
        of = np.searchsorted(self._bases, sids, side="right") - 1
        for i in np.unique(of).tolist():
            at = np.flatnonzero(of == i)
            seg = self.segments[i]
            for k, text in zip(at.tolist(), seg.section_texts(sids[at] - seg.base), strict=True):
                out[k] = text
        return out

    def _segment_index(self, sid: int) -> int:
        i = bisect.bisect_right(self._bases, sid) - 1
        if i < 0 or sid >= self.segments[i].base + self.segments[i].size:
            raise KeyError(sid)
        return i

    def report_index(self, doc_id: str) -> int | None:
        if self._doc_index is None:
            with self.lock:
                if self._doc_index is None:
                    self._doc_index = {r.doc_id: i for i, r in enumerate(self.catalog.reports)
                                       if self.report_live[i]}
        return self._doc_index.get(doc_id)

    def copies_of(self, report: int) -> list[int]:
        """The reports that are copies of one document with `report` (itself included), preferred
        first; [report] when it has no other copy."""
        if self._copies is None:
            with self.lock:
                if self._copies is None:
                    group, prefer = self.facts.group, self.facts.prefer
                    many = np.flatnonzero(np.bincount(group[self.report_live], minlength=len(group)) > 1)
                    members = np.flatnonzero(np.isin(group, many) & self.report_live)
                    found: dict[int, list[int]] = {}
                    for i in members[np.argsort(prefer[members], kind="stable")]:
                        found.setdefault(int(group[i]), []).append(int(i))
                    self._copies = found
        return self._copies.get(int(self.facts.group[report]), [report])

    def moved_to(self, doc_id: str) -> str | None:
        """Where the report `doc_id` is now, if the index holds no such report because its file was
        renamed or moved (moves.py); else None."""
        if self.report_index(doc_id) is not None:
            return None
        return moves.follow(self.manifest.get("moved", {}), doc_id)

    def segments_holding(self, keys: list[int]) -> list[int]:
        """The segments (their numbers) that can hold a string of these grams: from the term dictionary
        once there are many, so a string is not looked up where a gram is missing; every one while
        they are few, where a missing gram is found at once in each segment's own table."""
        if len(self.segments) < self.grams_from:
            return list(range(len(self.segments)))
        return self.grams.segments_holding(keys)

    @property
    def grams(self) -> GramDictionary:
        """The exact index's term dictionary (grams.py), built the first time it is asked for (a
        server builds it at start, in warm)."""
        if self._grams is None:
            with self.lock:
                if self._grams is None:
                    self._grams = GramDictionary.of(self.segments)
        return self._grams

    @property
    def series(self) -> SeriesIndex:
        """The reports' series (series.py), found the first time a page asks."""
        if self._series is None:
            with self.lock:
                if self._series is None:
                    self._series = build_series(self.catalog.reports, self.report_live)
        return self._series

    def namesakes(self, report: int) -> list[int]:
        """The live reports whose title folds to the same text as this one's, itself included, in index order."""
        if self._titles is None:
            with self.lock:
                if self._titles is None:
                    titles: dict[str, list[int]] = {}
                    for i, t in enumerate(self.titles_folded):
                        if self.report_live[i]:
                            titles.setdefault(t, []).append(i)
                    self._titles = titles
        return self._titles.get(self.titles_folded[report], [report])

    def sections_with_words(self, words: list[str], fields: tuple[str, ...]) -> np.ndarray:
        """Sorted sids of the sections holding every word in one of `fields` (removed sections
        included: callers apply `live`). The words are taken rarest first, by their document counts
        in the term table, so a word the index lacks answers at once and a common word's postings are
        read only while the rarer ones left something; each posting list is read in one go and
        decoded with numpy (whoosh_io.postings), not walked block by block by Whoosh's matchers."""
        s = self.searcher()
        found: np.ndarray | None = None
        with self.lock:
            leaves = s.reader().leaf_readers()
            df = {w: sum(postings.doc_frequency(leaf, f, w) for leaf, _ in leaves for f in fields) for w in words}
            if not words or min(df.values()) == 0:
                return np.empty(0, dtype=np.int64)
            for w in sorted(words, key=lambda w: df[w]):
                parts = [postings.doc_ids(leaf, f, w, _within(found, offset, leaf.doc_count_all())) + offset
                         for leaf, offset in leaves for f in fields]
                docs = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
                found = docs if found is None else np.intersect1d(found, docs, assume_unique=True)
                if not len(found):
                    break
        if found is None or not len(found):
            return np.empty(0, dtype=np.int64)
        sids = self.doc_to_sid[found].astype(np.int64)
        return np.sort(sids[sids >= 0])

    def reports_of(self, sections: np.ndarray) -> np.ndarray:
        """Per report: does it hold one of these sections (a mask over sids)? A report's sections are
        consecutive sids, so one pass over the mask answers, however many sections match."""
        sr = self.catalog.section_report
        if self._runs is None:
            sorted_ = len(sr) < 2 or bool(np.all(sr[1:] >= sr[:-1]))
            self._runs = np.unique(sr, return_index=True) if sorted_ else ()
        if not (len(sections) and self._runs and len(self._runs[0])):
            return self.catalog.live_reports(sections)  # by each section's report (none: all False)
        out = np.zeros(len(self.catalog.reports), dtype=bool)
        reports, starts = self._runs
        mask = sections[: len(sr)]
        if len(mask) < len(sr):  # sids past the mask hold nothing
            mask = np.concatenate([mask, np.zeros(len(sr) - len(mask), dtype=bool)])
        out[reports] = np.logical_or.reduceat(mask, starts)
        return out

    def word_frequencies(self, words: list[str], fields: tuple[str, ...]) -> dict[str, int]:
        """How many times each word-field token occurs in these fields over the whole index: Whoosh's
        term statistics, one lookup per word (a removed section's words count until its segment is
        rewritten). Remembered per generation: each lookup reads the term tables of every segment."""
        s = self.searcher()
        cache = self._word_counts
        with self.lock:
            r = s.reader()
            missing = [w for w in words if (fields, w) not in cache]
            if len(cache) + len(missing) > WORD_COUNT_CACHE:
                cache.clear()
            for w in missing:
                cache[(fields, w)] = int(sum(r.frequency(f, w) for f in fields))
            return {w: cache[(fields, w)] for w in words}

    def words_total(self, fields: tuple[str, ...]) -> int:
        """Word-field tokens in these fields over the whole index (Whoosh's field lengths)."""
        s = self.searcher()
        with self.lock:
            return int(sum(s.reader().field_length(f) for f in fields))

    def stored(self, sids: list[int], html: bool = True) -> list[dict]:
        """Each section's stored fields, with its text as written and, for Markdown, its HTML
        rendered at index time (kept beside the exact index, texts.py); html=False: without the HTML
        (a hit's snippet is cut from the text: the HTML, longer, was read for nothing)."""
        out = self.fields(sids)
        for sid, fields in zip(map(int, sids), out, strict=True):
            i = self._segment_index(sid)
            if not html:
                fields["text"] = self.texts[i].text(sid - self._bases[i])
                continue
            fields["text"], rendered = self.texts[i][sid - self._bases[i]]
            if rendered is not None:
                fields["html"] = rendered
        return out

    def fields(self, sids: list[int]) -> list[dict]:
        """Each section's stored fields (its id, heading path, page…) without reading its text."""
        s = self.searcher()
        with self.lock:
            return [s.stored_fields(int(self.sid_to_doc[sid])) for sid in sids]

    def exact_text(self, sid: int) -> tuple[str, str]:
        """(heading, body) of a section as the exact index holds them: folded, a report's title
        before its first section's heading (exact_heading). Read through the segment's memory map, as
        a scan reads: call trim() after a run of them."""
        seg, local = self.segment_of(sid)
        return seg.section_text(local, mapped=True)

    def written_text(self, sid: int) -> str:
        """A section's text as written, without its stored fields: where its lines end."""
        i = self._segment_index(sid)
        return self.texts[i].text(sid - self._bases[i])

    def report_sections(self, report: int) -> list[dict]:
        row = self.catalog.reports[report]
        return self.stored(list(range(row.first_sid, row.first_sid + row.n_sections)))

    def stats(self) -> Stats:
        years = [r.year for i, r in enumerate(self.catalog.reports) if self.report_live[i] and r.year]
        size = sum(p.stat().st_size for p in self.gen.rglob("*") if p.is_file())
        c = self.manifest["counts"]
        return Stats(c["files"], c["reports"], c["sections"], (min(years, default=None), max(years, default=None)),
                     int(sum(1 for i, r in enumerate(self.catalog.reports) if self.report_live[i] and not r.year)),
                     size, self.dict_hash, self.manifest["created"], self.gen.name,
                     [Skipped.from_dict(row).shown() for row in self.manifest.get("skipped", [])],
                     self.manifest.get("sources", []))

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._unpin()


def _within(found: np.ndarray | None, offset: int, n: int) -> np.ndarray | None:
    """The documents found so far that lie in one Whoosh segment, as its own numbers (None: all)."""
    if found is None:
        return None
    lo, hi = np.searchsorted(found, [offset, offset + n])
    return found[lo:hi] - offset


def _indexed_at(manifest: dict, catalog: Catalog) -> np.ndarray:
    """Per report, when its file's content entered the index (build.stamp_indexed), as microseconds since
    1970 UTC; a file without the time (an index built before it was kept) counts from the index's build."""
    files, created = manifest.get("files", {}), manifest.get("created", "1970-01-01T00:00:00Z")
    times: dict[str, int] = {}
    out = np.zeros(len(catalog.reports), dtype=np.int64)
    for i, r in enumerate(catalog.reports):
        if r.file_key not in times:
            stamp = files.get(r.file_key, {}).get("indexed_at") or created
            when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            times[r.file_key] = (when - EPOCH) // timedelta(microseconds=1)
        out[i] = times[r.file_key]
    return out


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _order_key(catalog: Catalog, n: int) -> np.ndarray:
    """Per sid, its place in (doc_id, section order): the tie-break of ranking, which
    must not depend on the order in which files happened to be indexed."""
    reports = catalog.reports
    rank = np.empty(len(reports), dtype=np.int64)
    rank[sorted(range(len(reports)), key=lambda i: reports[i].doc_id)] = np.arange(len(reports))
    first = np.array([r.first_sid for r in reports], dtype=np.int64)
    sr = catalog.section_report[:n].astype(np.int64)
    return rank[sr] * (1 << 32) + (np.arange(len(sr)) - first[sr])


class Library:
    """The live index of a folder, reopened when a reindex publishes a new one."""

    def __init__(self, root: Path, kept_bytes: int = KEPT_BYTES, map_bytes: int = MAP_BYTES, freeze: bool = False):
        self.root = Path(root)
        self.kept_bytes = kept_bytes  # each generation's reader keeps this much of what searches found
        self.map_bytes = map_bytes  # ... and this much of its text mapped (`serve --map-mb`)
        self.freeze = freeze  # a server's: each reader's objects out of the garbage collector's passes (_frozen)
        self._lock = threading.Lock()
        self._token = ""
        self._reader: IndexReader | None = None

    def reader(self) -> IndexReader:
        token = store.current_token(self.root)
        if self._reader is None or token != self._token:
            with self._lock:
                token = store.current_token(self.root)
                if self._reader is None or token != self._token:
                    replaced = self._reader is not None
                    self._reader, self._token = _open_live(self.root, self.kept_bytes, self.map_bytes)
                    if self.freeze:
                        _frozen(replaced)
        return self._reader

    def close(self) -> None:
        """Close the open generation's reader; the next reader() opens the live one again."""
        with self._lock:
            if self._reader is not None:
                self._reader.close()
            self._reader, self._token = None, ""


def _frozen(replaced: bool) -> None:
    """A server's reader lives until the process ends or a reindex replaces it, and its catalogue alone is
    a million references at 8× laws: each full pass of the cyclic garbage collector over them took 40–50 ms,
    paid by whichever search set it off. So what is alive once a reader opens is taken out of its sight
    (gc.freeze); when a reindex replaces the reader, the last one's objects are given back first and
    collected, so that nothing of it stays frozen for want of a pass."""
    if replaced:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


def _open_live(root: Path, kept_bytes: int, map_bytes: int) -> tuple[IndexReader, str]:
    """The live generation opened, and its token; read again if two reindexes replaced and removed the
    one CURRENT named before it could be pinned."""
    for _ in range(3):
        token = store.current_token(root)
        try:
            return IndexReader(store.require_current(root), kept_bytes, map_bytes), token
        except store.GenerationGone:
            continue
    return IndexReader(store.require_current(root), kept_bytes, map_bytes), store.current_token(root)
