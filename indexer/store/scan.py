"""The files a reindex reads: every supported file under the source folders, the doc path each
report's ids are built from, and the content hash that tells an unchanged file from a changed one."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.files import is_supported
from indexer.ingest.model import Skipped


@dataclass
class SourceFile:
    key: str  # stable identity: source folder + relative path
    source: Path  # the source folder (or file) it was found under
    rel: str  # path relative to its source folder
    doc_rel: str  # what doc_ids are built from (rel, made unique across sources)
    path: Path


def scan(sources: list[Path], taken: set[str] | frozenset[str] = frozenset(),
         other_types: Counter | None = None, previous: dict[str, str] | None = None,
         unreadable: list[Unlisted] | None = None) -> tuple[list[SourceFile], list[Skipped]]:
    """Every readable-looking file under the sources; `taken` holds doc paths already used
    (by a missing folder's kept files), so a new file never takes over their links; `previous`
    (file key → doc path of the last run) keeps a file's doc path, so links shared before stay
    with their report when a same-named file elsewhere comes or goes; files of types not read
    are counted by extension in `other_types`; folders that could not be listed go to `unreadable`
    (their files must be kept, not taken for deleted)."""
    found: list[tuple[str, Path, str, Path]] = []
    skipped: list[Skipped] = []
    inside = [s.resolve() for s in sources]  # links may lead anywhere in a folder the user named
    real_files: set[Path] = set()  # a file reached twice (a link into another source) is read once
    for src in sources:
        base = src.parent if src.is_file() else src
        if src.is_file():
            paths, outside = [src], []
        else:
            paths, outside = _files_under(src, inside, unreadable)
        for p in outside:
            skipped.append(Skipped(path=_display(p.relative_to(base).as_posix()), code="link_outside",
                                   detail=f"a link to {_display(os.readlink(p))}, outside the source folders"))
        for p in paths:
            raw_rel = p.relative_to(base).as_posix()
            rel = _display(raw_rel)
            if any(part.startswith(".") for part in Path(rel).parts):
                continue
            if not is_supported(p):
                if other_types is not None:
                    other_types[p.suffix.lower() or "(no extension)"] += 1
                continue
            if not p.is_file():
                skipped.append(Skipped(path=rel, code="not_regular_file", detail="broken link or not a regular file"))
                continue
            real = p.resolve()
            if real in real_files:
                continue
            real_files.add(real)
            key = hashlib.sha1(os.fsencode(str(src)) + b"\0" + os.fsencode(raw_rel)).hexdigest()[:20]
            found.append((key, src, rel, p))
    kept = {key: (previous or {})[key] for key, *_ in found if (previous or {}).get(key) not in (None, *taken)}
    seen: set[str] = set(taken) | set(kept.values())
    files: list[SourceFile] = []
    for key, src, rel, p in found:
        doc_rel = kept.get(key) or _unique_doc_rel(rel, src, seen)
        seen.add(doc_rel)
        files.append(SourceFile(key=key, source=src, rel=rel, doc_rel=doc_rel, path=p))
    return files, skipped


@dataclass
class Unlisted:
    """A folder under a source that could not be listed (no permission, say): what the reindex
    keeps as it was, as it does a missing source folder."""

    source: Path
    rel: str  # the folder's path in its source, "" for the source itself
    error: str

    def holds(self, src: str, rel: str) -> bool:
        """Was the file at `rel` of source `src` (as the manifest records them) inside this folder?"""
        return src == str(self.source) and (not self.rel or rel.startswith(self.rel + "/"))


def _display(rel: str) -> str:
    """A path as text that links and logs can carry: names that are not UTF-8 (GBK names from
    Windows zip files, read by Python as surrogate escapes) decoded as GB18030, else with
    replacement characters, and control characters (a newline in a name) as U+FFFD; the file is
    still opened by its real name."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(rel)
        try:
            rel = raw.decode("gb18030")
        except UnicodeDecodeError:
            rel = raw.decode("utf-8", "replace")
    return _CONTROL.sub("\ufffd", rel)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _files_under(folder: Path, inside: list[Path], unreadable: list[Unlisted] | None) -> tuple[list[Path], list[Path]]:
    """(every file and broken link under `folder`, sorted; the links that lead out of the folders in
    `inside`). Linked folders and files are followed while they stay inside those folders: reports
    gathered by symlinks are read like the rest, but a link to /etc publishes nothing. Each real
    folder is read once, so a link pointing back up does not loop; a folder that cannot be listed
    goes to `unreadable`."""
    seen: set[tuple[int, int]] = set()
    out: list[Path] = []
    outside: list[Path] = []

    def failed(err: OSError) -> None:
        if unreadable is not None:
            where = Path(err.filename) if err.filename else folder
            rel = "" if where == folder else _display(where.relative_to(folder).as_posix())
            unreadable.append(Unlisted(source=folder, rel=rel, error=err.strerror or str(err)))

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=failed):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen:
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        kept = []
        for d in dirnames:
            if d.startswith("."):  # hidden folders are not read
                continue
            if os.path.islink(os.path.join(dirpath, d)) and not _within(Path(dirpath, d).resolve(), inside):
                outside.append(Path(dirpath, d))
                continue
            kept.append(d)
        dirnames[:] = kept
        for f in filenames:
            p = Path(dirpath, f)
            if p.is_symlink() and p.exists() and not _within(p.resolve(), inside):
                outside.append(p)
            else:
                out.append(p)
    return sorted(out), sorted(outside)


def _within(path: Path, folders: list[Path]) -> bool:
    return any(path == f or f in path.parents for f in folders)


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
    """sha256 of the file's bytes, read a megabyte at a time (it is the parser's digest too).
    Opened without blocking and hashed only if what opened is a regular file: a FIFO put in the
    file's place during a reindex raises OSError instead of hanging it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        h = hashlib.sha256()
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
