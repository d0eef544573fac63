"""A build's batches: source files cut into runs of even size, each parsed and later written as
one exact segment and one Whoosh segment by the same worker.

A BatchWorker parses batch k and keeps the result in its `held` attribute; once the build has
numbered the batches before it, the same worker writes batch k's segments from what it holds, so
parsed text never crosses between processes. With several workers each runs in a forked
WorkerProcess; with one (or few files) an InlineWorker runs it in the build's own process. Both
are asked in order and answer in the same order.
"""

from __future__ import annotations

import contextlib
import signal
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from multiprocessing import connection, get_context
from pathlib import Path
from typing import NoReturn

import numpy as np

from indexer.ingest.budget import FILE_BUDGET, cpu_limit
from indexer.ingest.errors import Unreadable
from indexer.ingest.files import read_file
from indexer.ingest.model import ParsedFile, ReportMeta, Skipped
from indexer.ingest.parse import parse_source
from indexer.store import texts as section_texts
from indexer.store.catalog import Catalog, ReportRow
from indexer.store.exact import ExactSegment, exact_heading
from indexer.store.scan import SourceFile
from indexer.store.whoosh_io import segwriter
from indexer.text import fingerprint
from indexer.text.analysis import load_jieba
from indexer.text.normalize import fold_text

PARALLEL_MIN_BYTES = 1 << 20  # from this much source on, at least one batch per worker process
INLINE_MAX_FILES = 8  # this few files are parsed and written in the build's own process


def cut_batches(files: list[SourceFile], limit: int, workers: int = 1) -> list[list[SourceFile]]:
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


class BatchWorker:
    """Parses batches, and writes each one's segments once the build has given it its first sid."""

    def __init__(self) -> None:
        self.held: dict[int, list[tuple[str, ParsedFile | Skipped]]] = {}  # batch k → (file key, parse)

    def parse(self, k: int, files: list[SourceFile]) -> list[FileBrief]:
        """Parse batch k and keep it until write(k); the build is told only what numbering needs."""
        parsed = [(f.key, parse_file(f)) for f in files]
        self.held[k] = parsed
        return [FileBrief.of(key, res) for key, res in parsed]

    def write(self, k: int, gen: Path, seg_dir: str, base: int):
        """Batch k's exact and Whoosh segments, its sections numbered from `base`; the Whoosh
        segment for the build's writer to commit, or None when the batch has no sections."""
        batch = batch_sections(self.held.pop(k), base)
        if not batch.headings:
            return None
        save_exact(gen / seg_dir, base, batch)
        docs = batch.docs
        del batch
        load_jieba(gen / "userdict.txt")
        return segwriter.write_segment(gen / "whoosh", docs)


def parse_file(f: SourceFile) -> ParsedFile | Skipped:
    """The file read and parsed; Skipped, saying why, when it cannot be read or a parser fails."""
    try:
        with cpu_limit(FILE_BUDGET.seconds):  # what a PDF's or Word file's child gets, for every file
            return parse_source(read_file(f.path, f.doc_rel))
    except Unreadable as e:
        return Skipped.of(f.doc_rel, e)
    except Exception as e:  # a parser bug must not stop the run; say which file
        return Skipped(path=f.doc_rel, code="parse_error", detail=f"could not be parsed: {type(e).__name__}: {e}")


@dataclass
class FileBrief:
    """What the build needs of a parsed file to number its sections; the parse stays in the
    worker that made it."""

    key: str
    digest: str
    reports: int = 0
    sections: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped: Skipped | None = None

    @classmethod
    def of(cls, key: str, parsed: ParsedFile | Skipped) -> FileBrief:
        if isinstance(parsed, Skipped):
            return cls(key=key, digest="", skipped=parsed)
        return cls(key=key, digest=parsed.sha256, reports=len(parsed.reports),
                   sections=sum(len(r.sections) for r in parsed.reports), warnings=parsed.warnings)


@dataclass
class BatchSections:
    """A batch's sections in sid order, as each part of the index takes them."""

    catalog: Catalog
    headings: list[str] = field(default_factory=list)  # folded, for the exact index
    bodies: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # as written, for display (texts.py)
    htmls: list[str | None] = field(default_factory=list)  # Markdown rendered at index time (texts.py)
    docs: list[dict] = field(default_factory=list)  # Whoosh documents


def batch_sections(parsed: list[tuple[str, ParsedFile | Skipped]], first_sid: int) -> BatchSections:
    """A batch's parsed files (file key, parse) as sections, sids in file order from first_sid."""
    reports: list[ReportRow] = []
    section_report: list[int] = []
    signatures: list[np.ndarray] = []
    out = BatchSections(Catalog(reports))
    sid = first_sid
    for key, res in parsed:
        if isinstance(res, Skipped):
            continue
        for r in res.reports:
            title_folded = fold_text(r.title)
            meta = {f.name: getattr(r, f.name) for f in fields(ReportMeta)}
            parts = {k: v for k, v in asdict(r.parts).items() if v}
            first = len(out.headings)
            for order, s in enumerate(r.sections):
                fh, b = fold_text(s.heading), fold_text(s.text)
                out.headings.append(exact_heading(title_folded, fh) if order == 0 else fh)
                out.bodies.append(b)
                out.texts.append(s.text)
                out.htmls.append(s.html)
                out.docs.append(dict(
                    sid=sid, file_key=key, doc_id=r.doc_id, section_id=s.section_id, order=order,
                    level=s.level, heading_path=list(s.heading_path),
                    title=title_folded, heading=fh, _stored_heading=s.heading,
                    body=b, year=r.year if r.year is not None else 0, doc_type=r.doc_type,
                    region=r.region or "", source=r.source, **({"page": s.page} if s.page else {}),
                ))
                sid += 1
            text = fingerprint.compact(report_text(title_folded, out.headings[first:], out.bodies[first:]))
            signatures.append(fingerprint.signature(text))
            reports.append(ReportRow(**meta, file_key=key, first_sid=sid - len(r.sections), n_sections=len(r.sections),
                                     parts=parts, digest=fingerprint.digest(text), chars=len(text)))
            section_report.extend([len(reports) - 1] * len(r.sections))
    out.catalog.section_report = np.array(section_report, dtype=np.int32)
    out.catalog.signatures = np.array(signatures, dtype=np.uint32).reshape(-1, fingerprint.NUM_PERM)
    return out


def report_text(title: str, headings: list[str], bodies: list[str]) -> str:
    """A report's folded text from its sections as the exact index holds them, without the title the
    first heading begins with (exact_heading): the text its copies are found by. A title is left
    out because it is often not printed but made from the file's name."""
    if headings:
        first = headings[0]
        headings = ["" if first == title else first.removeprefix(title + " ") if title else first, *headings[1:]]
    return "\n".join(f"{h}\n{b}" for h, b in zip(headings, bodies, strict=True))


def save_exact(folder: Path, base: int, batch: BatchSections) -> None:
    """An exact segment's folder: the exact index, its reports' catalog and its sections' texts
    and HTML."""
    # without its suffix array: the build sorts those of its final, merged segments (build._Build._finish)
    ExactSegment.build(base, batch.headings, batch.bodies, with_suffixes=False).save(folder)
    batch.catalog.save(folder)
    section_texts.save(folder, batch.texts, batch.htmls)


# -- where a BatchWorker runs ---------------------------------------------------------


class IndexWorkerFailed(RuntimeError):
    """A worker process died while indexing; nothing is published."""


@contextlib.contextmanager
def worker_processes(workers: int, n_files: int):
    """One WorkerProcess per worker (none for one worker or few files), forked now, before
    jieba's dictionary is loaded, so each stays small; all of them ended on the way out."""
    procs: list[WorkerProcess] = []
    try:
        if workers > 1 and n_files > INLINE_MAX_FILES:
            procs += [WorkerProcess() for _ in range(workers)]
        yield procs
    finally:
        for proc in procs:
            proc.close()


class WorkerProcess:
    """A forked process running one BatchWorker: asked in order, it answers in the same order.
    Questions go through a queue (its feeder thread never blocks the build), answers come back
    on a pipe, watched together with the process so that a dead worker fails the run."""

    def __init__(self) -> None:
        ctx = get_context("fork")  # the worker starts from the build's state (and a test's patches)
        self._questions = ctx.Queue()
        self._answers, answers_in = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_serve, args=(self._questions, answers_in), daemon=True)
        self._process.start()
        answers_in.close()
        self._waiting = 0

    def ask(self, method: Callable, *args) -> None:
        """Have the worker run `method` (a BatchWorker method) on its BatchWorker."""
        self._questions.put((method, args))
        self._waiting += 1

    def answer(self):
        """The oldest question's answer; its exception, raised here; IndexWorkerFailed if the process died."""
        if self._answers not in connection.wait([self._answers, self._process.sentinel]):
            self._died()
        try:
            ok, value = self._answers.recv()
        except EOFError:  # died while answering
            self._died()
        self._waiting -= 1
        if not ok:
            raise value
        return value

    def _died(self) -> NoReturn:
        self._process.join()
        raise IndexWorkerFailed(f"a worker process exited (exit code {self._process.exitcode}); nothing was published")

    def close(self) -> None:
        """Let an idle worker finish; end one still busy (its run failed, its generation is about to
        be removed) at once, so that nothing is written into it any more. Once is enough."""
        if self._answers.closed:
            return
        if self._waiting:
            self._process.terminate()
            self._questions.cancel_join_thread()
        else:
            self._questions.put(None)
        self._process.join()
        self._questions.close()
        self._answers.close()


def _serve(questions, answers) -> None:
    """A worker process's life: one BatchWorker answering questions until told to stop. Ctrl-C is
    the build's to handle: it ends the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    worker = BatchWorker()
    while (question := questions.get()) is not None:
        method, args = question
        try:
            answers.send((True, method(worker, *args)))
        except Exception as e:  # the build raises it, as if the call had been its own
            answers.send((False, e))


class InlineWorker:
    """A BatchWorker in the build's own process (one worker, or few files): each question is run
    when its answer is asked for."""

    def __init__(self) -> None:
        self._worker = BatchWorker()
        self._questions: deque[tuple[Callable, tuple]] = deque()

    def ask(self, method: Callable, *args) -> None:
        self._questions.append((method, args))

    def answer(self):
        method, args = self._questions.popleft()
        return method(self._worker, *args)
