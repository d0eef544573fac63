"""The files a reindex reads: every supported file under the source folders, the doc path each
report's ids are built from, and the content hash that tells an unchanged file from a changed one."""

from __future__ import annotations

import hashlib
import os
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
        files.append(SourceFile(key=key, source=src, rel=rel, doc_rel=doc_rel, path=p))
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
    """sha256 of the file's bytes, read a megabyte at a time (it is the parser's digest too)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
