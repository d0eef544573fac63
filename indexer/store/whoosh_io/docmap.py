"""Whoosh document numbers ↔ sids, read back from the sid column of a committed index: the
segment order and Whoosh's merges decide its numbering, not the build. The column is read in one
go from Whoosh's file, below its API (checked against Whoosh's own reader on a sample)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index


def doc_sid_maps(whoosh_dir: Path, next_sid: int) -> tuple[np.ndarray, np.ndarray]:
    """(doc_to_sid, sid_to_doc) as int64 arrays, -1 for a deleted document or a sid with none."""
    ix = whoosh_index.open_dir(whoosh_dir)
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
    return doc_to_sid, sid_to_doc


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


def _deleted(leaf) -> frozenset[int] | set[int]:
    found = getattr(leaf, "deleted_docs_set", None)
    if found is None:
        return {d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)}
    return found() if callable(found) else found
