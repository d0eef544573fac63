"""Reindex: source folders → a new index generation, doing only the work the change needs.

Unchanged files (same content hash) are kept as they are, changed files are
replaced, deleted files removed; a changed dictionary or --full rebuilds all.
The new state becomes visible in one atomic step (store.publish).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import wait as futures_wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL

from indexer.ingest.errors import Unreadable
from indexer.ingest.files import is_supported, read_file
from indexer.ingest.model import ParsedFile, Skipped
from indexer.ingest.parse import parse_source
from indexer.store import checkpoints
from indexer.store import generations as store
from indexer.store import sources as source_list
from indexer.store import texts as section_texts
from indexer.store.catalog import Catalog, ReportRow
from indexer.store.exact import MAX_SEGMENT_SECTIONS, ExactSegment, exact_heading
from indexer.store.schema import build_schema
from indexer.store.sources import SourceMissing, SourcePlan
from indexer.store.texts import SectionTexts
from indexer.store.whoosh_io import mapped, postpool, segwriter
from indexer.text.analysis import combined_dictionary, dictionary_hash, load_jieba
from indexer.text.normalize import fold_text

POOL_MB = 64  # Whoosh merges at commit: postings beyond this go to runs on disk
BATCH_BYTES = 12 << 20  # source bytes parsed, indexed and turned into one exact + one Whoosh segment at a time
PARALLEL_MIN_BYTES = 1 << 20  # from this much source on, at least one batch per worker process
GC_THRESHOLD = 100_000  # allocations between young-generation collections during a build (Python: 700)
BATCH_CHARS = 4_000_000  # live characters an exact segment may hold when compaction merges segments
COMPACT_SEGMENTS = 8
COMPACT_DEAD_SHARE = 0.3
mapped.install()  # reading back the Whoosh columns after commit must not copy whole segment parts
postpool.install()  # Whoosh writers group postings by term: no per-posting sort and pickling

REWRITTEN = (store.MANIFEST, "userdict.txt", "live.npy", "doc_to_sid.npy", "sid_to_doc.npy")


@dataclass
class SourceFile:
    key: str  # stable identity: source folder + relative path
    source: Path  # the source folder (or file) it was found under
    rel: str  # path relative to its source folder
    doc_rel: str  # what doc_ids are built from (rel, made unique across sources)
    path: Path


@dataclass
class Summary:
    files: int = 0
    reports: int = 0
    sections: int = 0
    indexed: int = 0
    unchanged: int = 0
    removed: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full: bool = False
    reason: str = ""
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, for benchmarks
    other_types: Counter = field(default_factory=Counter)  # files of a type not read, by extension
    index: Path | None = None  # the index folder written
    sources: SourcePlan | None = None

    def line(self) -> str:
        kind = f"full rebuild ({self.reason})" if self.full else "incremental"
        parts = [
            f"{self.files} files, {self.reports} reports, {self.sections} sections",
            f"indexed {self.indexed}, unchanged {self.unchanged}, removed {self.removed}",
            f"skipped {len(self.skipped)}" if not self.other_types else self._skipped_with_types(),
        ]
        skipped = "; ".join(f"{s.path}: {s.code} ({s.detail})" for s in self.skipped[:5])
        more = f" (+{len(self.skipped) - 5} more)" if len(self.skipped) > 5 else ""
        tail = f" [{skipped}{more}]" if skipped else ""
        where = f" → {self.index}" if self.index else ""
        return f"{kind}: " + ", ".join(parts) + f"{tail} in {self.seconds:.1f} s{where}"

    def _skipped_with_types(self) -> str:
        """skipped 3 (2 .xlsx, 1 unreadable): files of a type not read are counted, not listed."""
        kinds = [f"{n} {ext}" for ext, n in self.other_types.most_common()]
        if self.skipped:
            kinds.append(f"{len(self.skipped)} unreadable")
        return f"skipped {len(self.skipped) + sum(self.other_types.values())} ({', '.join(kinds)})"


# -- scanning ------------------------------------------------------------------


def scan(sources: list[Path], taken: set[str] | frozenset[str] = frozenset(),
         other_types: Counter | None = None, previous: dict[str, str] | None = None,
         ) -> tuple[list[SourceFile], list[Skipped]]:
    """Every readable-looking file under the sources; `taken` holds doc paths already used
    (by a missing folder's kept files), so a new file never takes over their links; `previous`
    (file key → doc path of the last run) keeps a file's doc path, so links shared before stay
    with their report when a same-named file elsewhere comes or goes; files of types not read
    are counted by extension in `other_types`."""
    found: list[tuple[str, Path, str, Path]] = []
    skipped: list[Skipped] = []
    for src in sources:
        paths = [src] if src.is_file() else _files_under(src)
        base = src.parent if src.is_file() else src
        for p in paths:
            rel = p.relative_to(base).as_posix()
            if any(part.startswith(".") for part in Path(rel).parts):
                continue
            if not is_supported(p):
                if other_types is not None:
                    other_types[p.suffix.lower() or "(no extension)"] += 1
                continue
            if not p.is_file():
                skipped.append(Skipped(path=rel, code="not_regular_file", detail="broken link or not a regular file"))
                continue
            found.append((hashlib.sha1(f"{src}\0{rel}".encode()).hexdigest()[:20], src, rel, p))
    kept = {key: (previous or {})[key] for key, *_ in found if (previous or {}).get(key) not in (None, *taken)}
    seen: set[str] = set(taken) | set(kept.values())
    files: list[SourceFile] = []
    for key, src, rel, p in found:
        doc_rel = kept.get(key) or _unique_doc_rel(rel, src, seen)
        seen.add(doc_rel)
        files.append(SourceFile(key, src, rel, doc_rel, p))
    return files, skipped


def _files_under(folder: Path) -> list[Path]:
    """Every file (and broken link) under `folder`, sorted, following linked folders: reports
    gathered by symlinks are read like the rest. Each real folder is read once, so a link
    pointing back up does not loop."""
    seen: set[tuple[int, int]] = set()
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # hidden folders are not read
        out += [Path(dirpath, f) for f in filenames]
    return sorted(out)


def _unique_doc_rel(rel: str, src: Path, seen: set[str]) -> str:
    """The path doc ids are built from: `rel`, else prefixed by as many of the source's own folder
    names as make it unique (three sources all called `reports` must not share an id), else numbered."""
    base = src if src.is_dir() else src.parent
    names = [p.name for p in [base, *base.parents] if p.name]
    for n in range(len(names) + 1):
        candidate = "/".join([*reversed(names[:n]), rel])
        if candidate not in seen:
            return candidate
    return next(c for k in range(2, len(seen) + 3) if (c := f"{names[0] if names else 'source'}-{k}/{rel}") not in seen)


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# -- parsing (in worker processes when there is a lot) ---------------------------------


def _parse_one(job: tuple[str, str, str]) -> tuple[str, str, ParsedFile | Skipped]:
    key, path, doc_rel = job
    try:
        parsed = parse_source(read_file(Path(path), doc_rel))
    except Unreadable as e:
        return key, "", Skipped.of(doc_rel, e)
    except Exception as e:  # a parser bug must not stop the run; say which file
        return key, "", Skipped(path=doc_rel, code="parse_error", detail=f"could not be parsed: {type(e).__name__}: {e}")
    return key, parsed.sha256, parsed


def parse_all(files: list[SourceFile], workers: int, progress: bool) -> list[tuple[str, str, ParsedFile | Skipped]]:
    jobs = [(f.key, str(f.path), f.doc_rel) for f in files]
    bar = _bar(len(jobs), "parse", progress)
    out = []
    if workers > 1 and len(jobs) > 8:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for res in pool.map(_parse_one, jobs, chunksize=8):
                out.append(res)
                bar.update(1)
    else:
        for job in jobs:
            out.append(_parse_one(job))
            bar.update(1)
    bar.close()
    return out


def _batches(files: list[SourceFile], limit: int, workers: int = 1) -> list[list[SourceFile]]:
    """Consecutive runs of files (file order kept), of at most `limit` bytes unless one file is
    larger, cut into even parts; with worker processes and enough text, into a multiple of their
    number, so that all of them analyse and write until the end."""
    sizes = []
    for f in files:
        try:
            sizes.append(f.path.stat().st_size)
        except OSError:
            sizes.append(0)
    total = sum(sizes)
    n = -(-total // limit)
    if workers > 1 and total >= PARALLEL_MIN_BYTES:
        n = workers * -(-n // workers)
    n = max(n, 1)
    out: list[list[SourceFile]] = []
    pos = held = 0
    part = -1
    for f, size in zip(files, sizes, strict=True):
        at = min(n - 1, pos * n // max(total, 1))  # which of n even parts the file starts in
        if at != part or (held + size > limit and out[-1]):
            out.append([])
            held = 0
        part = at
        out[-1].append(f)
        held += size
        pos += size
    return out


def _segment_chars(folder: Path, live: np.ndarray) -> tuple[int, int]:
    """(live characters, sections) of an exact segment, from its arrays alone."""
    meta = json.loads((folder / "segment.json").read_text())
    starts = np.load(folder / "starts.npy", mmap_mode="r")
    alive = live[meta["base"]: meta["base"] + meta["size"]]
    return int(np.diff(np.asarray(starts))[alive].sum()), int(meta["size"])


def _mostly_dead(folder: Path, live: np.ndarray) -> bool:
    meta = json.loads((folder / "segment.json").read_text())
    alive = live[meta["base"]: meta["base"] + meta["size"]]
    return len(alive) > 0 and 1 - alive.mean() > COMPACT_DEAD_SHARE


def _compaction_groups(gen: Path, segments: list[str], live: np.ndarray) -> list[list[str]]:
    """Neighbouring small segments (sid order) grouped while their live text fits in BATCH_CHARS;
    a segment of batch size stays on its own."""
    groups: list[list[str]] = []
    size = sections = 0
    for seg_dir in segments:
        chars, n = _segment_chars(gen / seg_dir, live)
        if groups and _is_small(chars) and size + chars <= BATCH_CHARS and sections + n < MAX_SEGMENT_SECTIONS:
            groups[-1].append(seg_dir)
            size, sections = size + chars, sections + n
        else:
            groups.append([seg_dir])
            size, sections = (chars, n) if _is_small(chars) else (BATCH_CHARS, MAX_SEGMENT_SECTIONS)
    return groups


def _is_small(chars: int) -> bool:
    return chars < BATCH_CHARS // 2


def _needs_compaction(gen: Path, segments: list[str], live: np.ndarray) -> bool:
    small = sum(_is_small(_segment_chars(gen / d, live)[0]) for d in segments)
    return small > COMPACT_SEGMENTS or (1 - live.sum() / max(len(live), 1)) > COMPACT_DEAD_SHARE


def _worker_pool(workers: int, n_files: int) -> list[ProcessPoolExecutor] | None:
    """One single-process executor per worker, so a batch is parsed and written by the same process
    (see _index_in_batches); forked before jieba's dictionary is loaded so each stays small."""
    if workers <= 1 or n_files <= 8:
        return None
    pools = [ProcessPoolExecutor(max_workers=1) for _ in range(workers)]
    for pool in pools:
        pool.submit(int).result()  # with fork, the first task starts the worker
    return pools


@dataclass
class FileBrief:
    """What the builder needs of a parsed file to number its sections; the parse stays in the
    worker that made it."""

    key: str
    digest: str
    reports: int = 0
    sections: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: Skipped | None = None


_held: dict[int, list] = {}  # batch number → its parse results, kept in the process that parsed it


def _parse_held(k: int, jobs: list[tuple[str, str, str]]) -> list[FileBrief]:
    """Parse batch k's files and keep the results here until _write_held(k) numbers and writes them."""
    parsed = [_parse_one(job) for job in jobs]
    _held[k] = parsed
    return [FileBrief(key, digest, skipped=res) if isinstance(res, Skipped) else
            FileBrief(key, digest, len(res.reports), sum(len(r.sections) for r in res.reports), res.warnings)
            for key, digest, res in parsed]


def _write_held(k: int, gen: str, seg_dir: str, base: int):
    """Batch k's exact and Whoosh segments, its sections numbered from `base`; None when it has none."""
    batch = _sections(_held.pop(k), base)
    if not batch.headings:
        return None
    _save_exact(str(Path(gen) / seg_dir), base, batch)
    docs = batch.docs
    del batch
    load_jieba(Path(gen) / "userdict.txt")
    return segwriter.write_segment(Path(gen) / "whoosh", docs)


@dataclass
class BatchSections:
    """A batch's sections in sid order, as each part of the index takes them."""

    catalog: Catalog
    headings: list[str] = field(default_factory=list)  # folded, for the exact index
    bodies: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # as written, for display (texts.py)
    markdowns: list[str | None] = field(default_factory=list)
    docs: list[dict] = field(default_factory=list)  # Whoosh documents


def _sections(parsed: list, first_sid: int) -> BatchSections:
    """Sids in file order from first_sid."""
    reports: list[ReportRow] = []
    section_report: list[int] = []
    out = BatchSections(Catalog(reports))
    sid = first_sid
    for key, _digest, res in parsed:
        if isinstance(res, Skipped):
            continue
        for r in res.reports:
            title_folded = fold_text(r.title)
            reports.append(ReportRow(r.doc_id, r.title, r.year, r.doc_type, r.region, r.issuer, r.source,
                                     r.source_url, file_key=key, first_sid=sid, n_sections=len(r.sections)))
            for order, s in enumerate(r.sections):
                fh, b = fold_text(s.heading), fold_text(s.text)
                out.headings.append(exact_heading(title_folded, fh) if order == 0 else fh)
                out.bodies.append(b)
                out.texts.append(s.text)
                out.markdowns.append(s.markdown)
                section_report.append(len(reports) - 1)
                out.docs.append(dict(
                    sid=sid, file_key=key, doc_id=r.doc_id, section_id=s.section_id, order=order,
                    level=s.level, heading_path=list(s.heading_path),
                    title=title_folded, heading=fh, _stored_heading=s.heading,
                    body=b, year=r.year if r.year is not None else 0, doc_type=r.doc_type,
                    region=r.region or "", source=r.source, **({"page": s.page} if s.page else {}),
                ))
                sid += 1
    out.catalog.section_report = np.array(section_report, dtype=np.int32)
    return out


class _Inline:
    """The executor interface, running each task at once in this process (few files, one worker)."""

    def submit(self, fn, *args) -> Future:
        f: Future = Future()
        try:
            f.set_result(fn(*args))
        except BaseException as e:  # handed to the caller through the future, as a pool would
            f.set_exception(e)
        return f


def _save_exact(folder: str, base: int, batch: BatchSections) -> None:
    """An exact segment's folder: the exact index, its reports' catalog and its sections' texts
    and Markdown sources."""
    ExactSegment.build(base, batch.headings, batch.bodies).save(Path(folder))
    batch.catalog.save(Path(folder))
    section_texts.save(Path(folder), batch.texts, batch.markdowns)


# -- the reindex itself -------------------------------------------------------------


def reindex(
    root: Path,
    sources: list[Path] | None = None,
    full: bool = False,
    userdicts: list[Path] | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    replace: bool = False,
    remove: list[Path] | None = None,
) -> Summary:
    """Bring the index in line with its sources. Given sources are added to the
    remembered ones (`replace` replaces them, `remove` takes some out)."""
    t0 = time.perf_counter()
    progress = sys.stderr.isatty() if progress is None else progress
    workers = workers or min(2, os.cpu_count() or 1)
    root = Path(root)
    checkpoints.reached("start")
    with store.locked(root), _few_collections():
        store.cleanup(root)
        live = store.current(root)
        old = store.read_manifest(live) if live else None
        remembered = source_list.remembered(old)
        plan = source_list.without(remembered, remove) if remove else source_list.plan(sources, remembered, replace)
        missing = source_list.missing(plan.sources)
        dicts = [Path(p).resolve() for p in (userdicts if userdicts is not None else (old or {}).get("userdicts", []))]
        dict_text = combined_dictionary(dicts)
        dict_hash = dictionary_hash(dict_text)
        reason = _full_reason(old, full, dict_hash)
        if missing and reason:
            raise SourceMissing(f"source folder not found: {', '.join(map(str, missing))}; a full rebuild ({reason}) "
                                "would drop its documents. Restore it, or `edusearch sources remove` it "
                                "(nothing was changed)")
        taken = {e["doc_rel"] for e in (old or {}).get("files", {}).values() if Path(e.get("src", "")) in missing}
        other_types: Counter = Counter()
        previous = {k: e["doc_rel"] for k, e in (old or {}).get("files", {}).items() if e.get("doc_rel")}
        files, skipped = scan([s for s in plan.sources if s not in missing], taken, other_types, previous)
        gen = store.new_generation(root)
        checkpoints.reached("scan")
        pools = _worker_pool(workers, len(files))
        try:
            (gen / "userdict.txt").write_text(dict_text, encoding="utf-8")
            load_jieba(gen / "userdict.txt")
            build = _Build(gen, dict_hash, plan.sources, dicts, files, skipped, progress, pools)
            summary = build.full() if reason else build.incremental(live, old, missing)
            summary.full, summary.reason = bool(reason), reason
            summary.other_types = other_types
            store.publish(root, gen)
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        finally:
            for pool in pools or []:
                pool.shutdown(cancel_futures=True)
    summary.index, summary.sources = root.resolve(), plan
    summary.warnings += [f"source folder not found: {m}; its documents are kept as they were "
                         f"(`edusearch sources remove {m}` drops them)" for m in missing]
    summary.seconds = time.perf_counter() - t0
    return summary


@contextlib.contextmanager
def _few_collections():
    """Python's cycle collector run less often while the build runs (and in the workers it forks):
    a build allocates millions of objects that plain reference counting frees, and with the
    default thresholds the collector kept walking the batch in hand, about 7% of the build."""
    before = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _full_reason(old: dict | None, full: bool, dict_hash: str) -> str:
    if old is None:
        return "new index"
    if full:
        return "--full"
    if old.get("dictionary_hash") != dict_hash:
        return "dictionary changed"
    if old.get("format") != store.FORMAT:
        return "index format changed"
    return ""


class _Build:
    def __init__(self, gen, dict_hash, sources, dicts, files, skipped, progress, pools=None):
        self.gen, self.dict_hash, self.sources, self.dicts = gen, dict_hash, sources, dicts
        self.files, self.skipped, self.progress = files, list(skipped), progress
        self.summary = Summary(skipped=self.skipped)
        self.by_key = {f.key: f for f in files}
        self.pools = pools  # one executor per worker process

    # full ------------------------------------------------------------------

    def full(self) -> Summary:
        (self.gen / "whoosh").mkdir()
        ix = whoosh_index.create_in(self.gen / "whoosh", build_schema(self.dict_hash))
        entries, segments, n = self._index_in_batches(ix, self.files, first_sid=0)
        live = np.ones(n, dtype=bool)
        self.summary.indexed = len(entries)
        clock = _Clock(self.summary.phases)
        self._finish(entries, segments, live, n)
        clock("finish")
        return self.summary

    # incremental -----------------------------------------------------------

    def incremental(self, live_gen: Path, old: dict, missing: list[Path]) -> Summary:
        old_files: dict = old["files"]
        gone = {str(m) for m in missing}
        keep = {k: e for k, e in old_files.items() if e.get("src") in gone}  # nothing dropped on a missing folder
        changed = []
        for f in self.files:
            prev = old_files.get(f.key)
            if prev is None:
                changed.append(f)
                continue
            try:
                digest = content_hash(f.path)
            except FileNotFoundError:
                continue  # vanished since the scan: removed below like any deleted file
            except OSError as e:
                self.skipped.append(Skipped(path=f.doc_rel, code="cannot_read_kept",
                                            detail=f"cannot read, old sections kept: {e.strerror or e}"))
                keep[f.key] = prev
                continue
            if digest == prev["sha256"] and prev.get("doc_rel") == f.doc_rel:
                keep[f.key] = prev
            else:
                changed.append(f)
        store.link_tree(live_gen, self.gen, skip=REWRITTEN)
        live = np.load(live_gen / "live.npy").copy()
        dropped = [k for k in old_files if k not in keep]
        for key in dropped:
            a, b = old_files[key]["sids"]
            live[a:b] = False
        next_sid = int(old["next_sid"])
        ix = whoosh_index.open_dir(self.gen / "whoosh")
        entries, new_segments, added = self._index_in_batches(ix, changed, first_sid=next_sid, dropped=dropped)
        # gone, or changed into something unreadable (emptied, binary): its old sections left the index
        self.summary.removed = sum(k not in entries for k in dropped)
        segments = list(old["segments"]) + new_segments
        live = np.concatenate([live, np.ones(added, dtype=bool)])
        total = next_sid + added
        if _needs_compaction(self.gen, segments, live):
            segments = self._compact(segments, live)
        self.summary.indexed = len(entries)
        self.summary.unchanged = len(keep)
        all_entries = dict(keep)
        all_entries.update(entries)
        self._finish(all_entries, segments, live, total)
        return self.summary

    # batches -----------------------------------------------------------------

    def _index_in_batches(self, ix, files: list[SourceFile], first_sid: int, dropped: list[str] = ()):
        """Parse, analyse and index BATCH_BYTES of source at a time, in file order, so memory holds a
        few batches whatever the corpus size. Batch k goes to worker k mod N, which parses it and
        keeps the result; once the batches before it are numbered, the builder gives it its first
        sid and the same worker writes its exact segment (with its catalog) and its Whoosh segment.
        The parsed text never crosses between processes. The builder's own Whoosh writer deletes
        the dropped files' sections and commits the new segments."""
        clock = _Clock(self.summary.phases)
        pools = self.pools if self.pools and len(files) > 8 else [_Inline()]
        batches = _batches(files, BATCH_BYTES, len(pools))
        entries: dict[str, dict] = {}
        segments: list[str] = []
        built: list = []  # Whoosh segments, in sid order
        pending: list[Future] = []  # writes, in batch order
        sid = first_sid
        writer = ix.writer(limitmb=POOL_MB)
        bar = _bar(len(files), "index", self.progress)
        parsing: list[Future] = []  # parses, in batch order
        try:
            parsing += [self._parse(pools, k, batches) for k in range(min(len(pools), len(batches)))]
            for key in dropped:
                writer.delete_by_term("file_key", key)
            for k in range(len(batches)):
                got, n = self._number(parsing[k].result(), first_sid=sid)
                if k == 0:
                    checkpoints.reached("parse")
                entries.update(got)
                seg_dir = f"exact/seg-{sid:06d}"
                pending.append(pools[k % len(pools)].submit(_write_held, k, str(self.gen), seg_dir, sid))
                if n:
                    segments.append(seg_dir)
                    sid += n
                    checkpoints.reached("index")
                if k + len(pools) < len(batches):  # queued behind batch k's write in the same worker
                    parsing.append(self._parse(pools, k + len(pools), batches))
                built += _wait(pending, keep=len(pools))  # done already: their worker has parsed since
                bar.update(len(batches[k]))
            built += _wait(pending, keep=0)
            clock("index")
            checkpoints.reached("commit")
            built = [seg for seg in built if seg is not None]
            writer.commit(mergetype=lambda w, segs: _merge_small_or_dead(w, segs) + built)
            clock("whoosh_commit")
        except BaseException as e:
            _settle(parsing + pending)
            _held.clear()  # what this process parsed for a batch never written
            if not writer.is_closed:
                writer.cancel()
            if isinstance(e, BrokenProcessPool):
                raise IndexWorkerFailed(f"a worker process exited ({e}); nothing was published") from e
            raise
        finally:
            bar.close()
        return entries, segments, sid - first_sid

    @staticmethod
    def _parse(pools: list, k: int, batches: list[list[SourceFile]]) -> Future:
        jobs = [(f.key, str(f.path), f.doc_rel) for f in batches[k]]
        return pools[k % len(pools)].submit(_parse_held, k, jobs)

    def _compact(self, segments: list[str], live: np.ndarray) -> list[str]:
        """Fold runs of neighbouring exact segments into one of at most BATCH_CHARS live characters
        (dead sections keep their sid with no text), so memory stays bounded like a full build's."""
        out: list[str] = []
        for group in _compaction_groups(self.gen, segments, live):
            if len(group) == 1 and not _mostly_dead(self.gen / group[0], live):
                out.append(group[0])
                continue
            parts: list[Catalog] = []
            batch = BatchSections(Catalog())
            base = None
            for seg_dir in group:
                seg, kept = ExactSegment.load(self.gen / seg_dir), SectionTexts(self.gen / seg_dir)
                base = seg.base if base is None else base
                for local in range(seg.size):
                    alive = live[seg.base + local]
                    heading, body = seg.section_text(local) if alive else ("", "")
                    batch.headings.append(heading)
                    batch.bodies.append(body)
                    text, markdown = kept[local] if alive else ("", None)
                    batch.texts.append(text)
                    batch.markdowns.append(markdown)
                parts.append(Catalog.load(self.gen / seg_dir))
            batch.catalog = Catalog.concat(parts)
            seg_dir = f"exact/seg-c{base:06d}-{self.gen.name}"
            _save_exact(str(self.gen / seg_dir), base, batch)
            for old_dir in group:
                shutil.rmtree(self.gen / old_dir, ignore_errors=True)
            out.append(seg_dir)
        return out

    # shared ---------------------------------------------------------------

    def _number(self, briefs: list[FileBrief], first_sid: int) -> tuple[dict[str, dict], int]:
        """Each parsed file's manifest entry with its sid range, in file order from first_sid (as
        _sections numbers them in the worker); skipped files and warnings go to the summary."""
        entries: dict[str, dict] = {}
        sid = first_sid
        for b in briefs:
            f = self.by_key[b.key]
            if b.skipped is not None:
                self.skipped.append(b.skipped)
                continue
            self.summary.warnings += [f"{f.doc_rel}: {w}" for w in b.warnings]
            entries[b.key] = {"src": str(f.source), "rel": f.rel, "doc_rel": f.doc_rel, "sha256": b.digest,
                              "reports": b.reports, "sections": b.sections, "sids": [sid, sid + b.sections]}
            sid += b.sections
        return entries, sid - first_sid

    def _finish(self, entries: dict, segments: list[str], live: np.ndarray, next_sid: int) -> None:
        store.save_array(self.gen / "live.npy", live)
        _write_docmap(self.gen, next_sid, live)
        checkpoints.reached("finish")
        files = len(entries)
        reports = sum(e["reports"] for e in entries.values())
        sections = int(live.sum())
        self.summary.files, self.summary.reports, self.summary.sections = files, reports, sections
        manifest = {
            "format": store.FORMAT,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "dictionary_hash": self.dict_hash,
            "userdicts": [str(p) for p in self.dicts],
            "sources": [str(s) for s in self.sources],
            "files": entries,
            "skipped": [s.to_dict() for s in self.skipped],
            "segments": segments,
            "next_sid": next_sid,
            "counts": {"files": files, "reports": reports, "sections": sections},
        }
        store.write_json(self.gen / store.MANIFEST, manifest)


def _merge_small_or_dead(writer, segments: list) -> list:
    """Whoosh's merge policy (small segments merged), and also every segment whose documents are
    mostly deleted rewritten with its live ones, as exact segments are compacted: removing a large
    source frees its disk instead of keeping its postings as deleted documents."""
    keep = []
    for seg in segments:
        if seg.deleted_count() > COMPACT_DEAD_SHARE * max(seg.doc_count_all(), 1):
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
        else:
            keep.append(seg)
    return MERGE_SMALL(writer, keep)


def _write_docmap(gen: Path, next_sid: int, live: np.ndarray) -> None:
    """Whoosh document numbers ↔ sids, read back from the sid column after commit
    (the segment order and merges decide Whoosh's numbering, not us)."""
    ix = whoosh_index.open_dir(gen / "whoosh")
    with ix.reader() as reader:
        parts = []
        for leaf, _offset in reader.leaf_readers():
            sids = _sid_column(leaf)
            deleted = list(_deleted(leaf)) if leaf.has_deletions() else []
            sids[deleted] = -1
            parts.append(sids)
    doc_to_sid = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    sid_to_doc = np.full(next_sid, -1, dtype=np.int64)
    ok = doc_to_sid >= 0
    sid_to_doc[doc_to_sid[ok]] = np.flatnonzero(ok)
    lost = int(np.count_nonzero(sid_to_doc[live] < 0))
    if lost:
        raise IndexWorkerFailed(f"{lost} sections never reached the Whoosh index; nothing was published")
    store.save_array(gen / "doc_to_sid.npy", doc_to_sid.astype(np.int32))
    store.save_array(gen / "sid_to_doc.npy", sid_to_doc.astype(np.int32))


def _deleted(leaf) -> frozenset[int] | set[int]:
    found = getattr(leaf, "deleted_docs_set", None)
    if found is None:
        return {d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)}
    return found() if callable(found) else found


def _sid_column(leaf) -> np.ndarray:
    n = leaf.doc_count_all()
    if not leaf.has_column("sid"):
        return np.full(n, -1, dtype=np.int64)
    return _fixed_column(leaf.column_reader("sid"), n)


def _fixed_column(col, n: int) -> np.ndarray:
    """A fixed-width numeric Whoosh column read in one go (Whoosh stores them as
    big-endian values; checked against the per-document reader on a sample);
    any other layout takes the slow path."""
    inner = getattr(col, "_reader", col)
    if n and all(hasattr(inner, a) for a in ("_dbfile", "_basepos", "_count", "_fixedlen", "_typecode", "_default")):
        data = inner._dbfile.get(inner._basepos, inner._count * inner._fixedlen)
        values = np.frombuffer(data, dtype=">" + inner._typecode).astype(np.int64)
        if len(values) < n:
            values = np.concatenate([values, np.full(n - len(values), inner._default, dtype=np.int64)])
        values = values[:n].copy()
        sample = np.unique(np.linspace(0, n - 1, num=min(n, 64), dtype=np.int64))
        if all(col[int(d)] == values[d] for d in sample):
            return values
    return np.fromiter((col[d] for d in range(n)), dtype=np.int64, count=n)


class IndexWorkerFailed(RuntimeError):
    """A worker process died while indexing; nothing is published."""


def _wait(pending: list[Future], keep: int) -> list:
    """Results of the oldest pending batches, until at most `keep` are left (in order)."""
    out = []
    while len(pending) > keep:
        out.append(pending.pop(0).result())
    return out


def _settle(pending: list[Future]) -> None:
    """On failure: no batch still being written into the generation about to be removed."""
    for f in pending:
        f.cancel()
    futures_wait(pending)


class _Clock:
    def __init__(self, into: dict[str, float]):
        self.into, self.t = into, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = round(self.into.get(name, 0.0) + now - self.t, 2)  # batches add up
        self.t = now


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, desc: str, progress: bool):
    if not progress or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="file" if desc == "parse" else "sec", leave=False, file=sys.stderr)
