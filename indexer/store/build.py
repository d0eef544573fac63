"""Reindex: source folders → a new index generation, doing only the work the change needs.

Unchanged files (same content hash) are kept as they are, changed files are
replaced, deleted files removed; a changed dictionary, a new parser version or --full rebuilds all.
The new state becomes visible in one atomic step (store.publish).

The files come from scan.py; batches.py parses and writes them a batch at a time, in worker
processes when there is a lot; compaction.py keeps an incremental run's segments few, and merging.py
merges neighbouring exact segments at the end of every run, so that a search asks few of them.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from indexer.ingest.model import Skipped
from indexer.ingest.parse import PARSER
from indexer.store import checkpoints, compaction, copies, merging, moves, suffixes
from indexer.store import generations as store
from indexer.store import sources as source_list
from indexer.store.batches import (
    INLINE_MAX_FILES,
    BatchWorker,
    FileBrief,
    IndexWorkerFailed,
    InlineWorker,
    WorkerProcess,
    cut_batches,
    worker_processes,
)
from indexer.store.scan import SourceFile, Unlisted, content_hash, scan
from indexer.store.schema import build_schema
from indexer.store.sources import SourceMissing, SourcePlan
from indexer.store.whoosh_io import docmap, mapped, postpool
from indexer.text.analysis import combined_dictionary, dictionary_hash, load_jieba

POOL_MB = 64  # Whoosh merges at commit: postings beyond this go to runs on disk
BATCH_BYTES = 12 << 20  # source bytes parsed, indexed and turned into one exact + one Whoosh segment at a time
GC_THRESHOLD = 100_000  # allocations between young-generation collections during a build (Python: 700)
mapped.install()  # reading back the Whoosh columns after commit must not copy whole segment parts
postpool.install()  # Whoosh writers group postings by term: no per-posting sort and pickling

REWRITTEN = (store.MANIFEST, "userdict.txt", "live.npy", "doc_to_sid.npy", "sid_to_doc.npy", copies.COPIES)


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
        unlisted: list[Unlisted] = []
        files, skipped = scan([s for s in plan.sources if s not in missing], taken, other_types, previous, unlisted)
        held = [u for u in unlisted if any(u.holds(e.get("src", ""), e.get("rel", ""))
                                           for e in (old or {}).get("files", {}).values())]
        if held and reason:
            raise SourceMissing(f"cannot read folder {_where(held[0])} ({held[0].error}); a full rebuild ({reason}) "
                                "would drop its documents. Make it readable, or `edusearch sources remove` it "
                                "(nothing was changed)")
        gen = store.new_generation(root)
        checkpoints.reached("scan")
        try:
            with worker_processes(workers, len(files)) as procs:  # forked before jieba is loaded
                (gen / "userdict.txt").write_text(dict_text, encoding="utf-8")
                load_jieba(gen / "userdict.txt")
                build = _Build(gen=gen, dict_hash=dict_hash, sources=plan.sources, dicts=dicts, files=files,
                               summary=Summary(skipped=list(skipped)), progress=progress, procs=procs,
                               previous=old or {})
                summary = build.full() if reason else build.incremental(live, old, missing, unlisted)
            summary.full, summary.reason = bool(reason), reason
            summary.other_types = other_types
            store.publish(root, gen)
        except BaseException:  # the workers have ended: nothing writes into the generation any more
            shutil.rmtree(gen, ignore_errors=True)
            raise
    summary.index, summary.sources = root.resolve(), plan
    summary.warnings += [f"source folder not found: {m}; its documents are kept as they were "
                         f"(`edusearch sources remove {m}` drops them)" for m in missing]
    summary.warnings += [f"cannot read folder {_where(u)} ({u.error}); its documents are kept as they were"
                         for u in unlisted]
    summary.seconds = time.perf_counter() - t0
    return summary


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
    copy_stats: copies.CopyStats | None = None  # documents found in several copies

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
    if old.get("parser") != PARSER:  # files parsed by another version: unchanged ones too would keep their old parse
        return f"parser changed: version {old.get('parser', 1)} → {PARSER}, every file read again"
    return ""


@dataclass
class _Build:
    """One run writing the new generation `gen`: all files (full) or the changed ones (incremental)."""

    gen: Path
    dict_hash: str
    sources: list[Path]
    dicts: list[Path]
    files: list[SourceFile]
    summary: Summary  # its skipped list collects the run's skipped files
    progress: bool
    procs: list[WorkerProcess]  # empty: everything in this process
    previous: dict = field(default_factory=dict)  # the live generation's manifest ({} for a new index)

    @cached_property
    def by_key(self) -> dict[str, SourceFile]:
        return {f.key: f for f in self.files}

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

    def incremental(self, live_gen: Path, old: dict, missing: list[Path], unlisted: list[Unlisted]) -> Summary:
        old_files: dict = old["files"]
        keep, changed = self._keep_or_change(old_files, missing, unlisted)
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
        if compaction.needs_compaction(self.gen, segments, live):
            segments = compaction.compact(self.gen, segments, live)
        self.summary.indexed = len(entries)
        self.summary.unchanged = len(keep)
        all_entries = dict(keep)
        all_entries.update(entries)
        self._finish(all_entries, segments, live, total)
        return self.summary

    def _keep_or_change(self, old_files: dict, missing: list[Path],
                        unlisted: list[Unlisted]) -> tuple[dict[str, dict], list[SourceFile]]:
        """(the last run's entries kept as they are, by file key; the files to index again). The files
        of a missing folder, or of one that could not be listed, are all kept; a file gone since the
        scan is in neither."""
        gone = {str(m) for m in missing}
        keep = {k: e for k, e in old_files.items()
                if e.get("src") in gone or any(u.holds(e.get("src", ""), e.get("rel", "")) for u in unlisted)}
        changed = []
        for f in self.files:
            prev = old_files.get(f.key)
            if prev is None:
                changed.append(f)
                continue
            try:
                digest = content_hash(f.path)
            except FileNotFoundError:
                continue  # vanished since the scan: removed like any deleted file
            except OSError as e:
                self.summary.skipped.append(Skipped(path=f.doc_rel, code="cannot_read_kept",
                                                    detail=f"cannot read, old sections kept: {e.strerror or e}"))
                keep[f.key] = prev
                continue
            if digest == prev["sha256"] and prev.get("doc_rel") == f.doc_rel:
                keep[f.key] = prev
            else:
                changed.append(f)
        return keep, changed

    def _index_in_batches(self, ix, files: list[SourceFile], first_sid: int, dropped: list[str] = ()):
        """Parse, analyse and index BATCH_BYTES of source at a time, in file order, so memory holds a
        few batches whatever the corpus size. Batch k goes to worker k mod N, which parses it and
        keeps the result; once the batches before it are numbered, the build gives it its first sid
        and the same worker writes its exact segment (with its catalog) and its Whoosh segment. A
        worker answers in the order it was asked, so batch k-N's written segment comes before batch
        k's parse. The build's own Whoosh writer deletes the dropped files' sections and commits
        the new segments."""
        clock = _Clock(self.summary.phases)
        workers = self.procs if self.procs and len(files) > INLINE_MAX_FILES else [InlineWorker()]
        n = len(workers)
        batches = cut_batches(files, BATCH_BYTES, n)
        entries: dict[str, dict] = {}
        segments: list[str] = []
        built: list = []  # Whoosh segments, in sid order
        sid = first_sid
        writer = ix.writer(limitmb=POOL_MB)
        bar = _bar(len(files), self.progress)
        try:
            for k in range(min(n, len(batches))):
                workers[k].ask(BatchWorker.parse, k, batches[k])
            for key in dropped:
                writer.delete_by_term("file_key", key)
            for k, batch in enumerate(batches):
                worker = workers[k % n]
                if k >= n:
                    built.append(worker.answer())  # batch k-n's Whoosh segment
                got, count = self._number(worker.answer(), first_sid=sid)
                if k == 0:
                    checkpoints.reached("parse")
                entries.update(got)
                seg_dir = f"exact/seg-{sid:06d}"
                worker.ask(BatchWorker.write, k, self.gen, seg_dir, sid)
                if count:
                    segments.append(seg_dir)
                    sid += count
                    checkpoints.reached("index")
                if k + n < len(batches):  # parsed while the other workers write theirs
                    worker.ask(BatchWorker.parse, k + n, batches[k + n])
                bar.update(len(batch))
            built += [workers[k % n].answer() for k in range(max(len(batches) - n, 0), len(batches))]
            clock("index")
            checkpoints.reached("commit")
            built = [seg for seg in built if seg is not None]
            writer.commit(mergetype=lambda w, segs: compaction.merge_small_or_dead(w, segs) + built)
            clock("whoosh_commit")
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        finally:
            bar.close()
        return entries, segments, sid - first_sid

    def _number(self, briefs: list[FileBrief], first_sid: int) -> tuple[dict[str, dict], int]:
        """Each parsed file's manifest entry with its sid range, in file order from first_sid (as
        batch_sections numbers them in the worker); skipped files and warnings go to the summary."""
        entries: dict[str, dict] = {}
        sid = first_sid
        for b in briefs:
            f = self.by_key[b.key]
            if b.skipped is not None:
                self.summary.skipped.append(b.skipped)
                continue
            self.summary.warnings += [f"{f.doc_rel}: {w}" for w in b.warnings]
            entries[b.key] = {"src": str(f.source), "rel": f.rel, "doc_rel": f.doc_rel, "sha256": b.digest,
                              "reports": b.reports, "sections": b.sections, "sids": [sid, sid + b.sections]}
            sid += b.sections
        return entries, sid - first_sid

    def _finish(self, entries: dict, segments: list[str], live: np.ndarray, next_sid: int) -> None:
        store.save_array(self.gen / "live.npy", live)
        _save_docmap(self.gen, next_sid, live)
        clock = _Clock(self.summary.phases)
        for proc in self.procs:  # their batches are written: their memory goes before the sorts take some
            proc.close()
        # each final segment's suffixes sorted on a thread while this one merges the next segments
        # (libdivsufsort and numpy's large operations run without the GIL)
        with ThreadPoolExecutor(max_workers=max(len(self.procs), 1)) as pool:
            sorts = []

            def sort(name: str) -> None:
                if not suffixes.exists(self.gen / name):  # an unchanged segment of the last run has them
                    sorts.append(pool.submit(suffixes.build_saved, self.gen / name))

            segments = merging.merge_neighbours(self.gen, segments, then=sort)
            for done in sorts:
                done.result()
        clock("merge")
        self.summary.copy_stats = copies.find_copies(self.gen, segments, live)
        clock("copies")
        checkpoints.reached("finish")
        stamp_indexed(entries, self.previous)
        files = len(entries)
        reports = sum(e["reports"] for e in entries.values())
        sections = int(live.sum())
        self.summary.files, self.summary.reports, self.summary.sections = files, reports, sections
        manifest = {
            "format": store.FORMAT,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "dictionary_hash": self.dict_hash,
            "parser": PARSER,
            "userdicts": [str(p) for p in self.dicts],
            "sources": [str(s) for s in self.sources],
            "files": entries,
            "moved": moves.record(self.previous, entries),  # old doc path → new, for links shared before a rename
            "skipped": [s.to_dict() for s in self.summary.skipped],
            "segments": segments,
            "next_sid": next_sid,
            "counts": {"files": files, "reports": reports, "sections": sections},
        }
        store.write_json(self.gen / store.MANIFEST, manifest)


def stamp_indexed(entries: dict[str, dict], previous: dict, now: datetime | None = None) -> None:
    """Give each file's manifest entry its `indexed_at`: when this content first entered the index (UTC,
    ISO 8601 with microseconds), what a feed orders "new in the index" by. A file whose content and
    path are unchanged keeps the time it had, through incremental runs and full rebuilds alike (a new
    dictionary does not make every document new); one indexed before these times were kept gets the
    previous run's time, the latest it can have entered. A file renamed or moved with its content
    unchanged keeps the time that content had under its old name: its doc id follows the new path, but
    a feed does not announce it as new. New and changed files get now, and never an earlier time than
    any already given, so the order holds even if the clock steps back."""
    old_files = previous.get("files", {})
    known = [_parse_time(e["indexed_at"]) for e in old_files.values() if e.get("indexed_at")]
    by_content: dict[str, str] = {}  # content hash → the earliest time it entered under any name
    for e in old_files.values():
        if e.get("indexed_at") and e.get("sha256"):
            by_content[e["sha256"]] = min(by_content.get(e["sha256"], e["indexed_at"]), e["indexed_at"])
    now = now or datetime.now(UTC)
    if known and now <= max(known):
        now = max(known) + timedelta(microseconds=1)
    for key, entry in entries.items():
        prev = old_files.get(key)
        same = prev is not None and prev.get("sha256") == entry["sha256"] and prev.get("doc_rel") == entry["doc_rel"]
        if same and prev.get("indexed_at"):
            entry["indexed_at"] = prev["indexed_at"]
        elif same and previous.get("created"):
            entry["indexed_at"] = _format_time(_parse_time(previous["created"]))
        elif entry["sha256"] in by_content:  # renamed or moved, unchanged
            entry["indexed_at"] = by_content[entry["sha256"]]
        else:
            entry["indexed_at"] = _format_time(now)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _format_time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _save_docmap(gen: Path, next_sid: int, live: np.ndarray) -> None:
    """doc_to_sid.npy and sid_to_doc.npy, once Whoosh has committed; every live sid must have a document."""
    doc_to_sid, sid_to_doc = docmap.doc_sid_maps(gen / "whoosh", next_sid)
    lost = int(np.count_nonzero(sid_to_doc[live] < 0))
    if lost:
        raise IndexWorkerFailed(f"{lost} sections never reached the Whoosh index; nothing was published")
    store.save_array(gen / "doc_to_sid.npy", doc_to_sid.astype(np.int32))
    store.save_array(gen / "sid_to_doc.npy", sid_to_doc.astype(np.int32))


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


def _bar(total: int, progress: bool):
    """The files indexed so far, on a terminal."""
    if not progress or total == 0:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, desc="index", unit="file", leave=False, file=sys.stderr)


def _where(u: Unlisted) -> str:
    return str(u.source / u.rel) if u.rel else str(u.source)
