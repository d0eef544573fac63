"""Whoosh posting lists as numpy arrays, read once per index generation.

whoosh3's postings have no skip list: skip_to reads every block header on its
way and then walks the ids one by one, so scoring 100 candidates against a
common word reads most of its postings anyway. Reading each (field, word)
list once, block by block, and keeping it in a bounded LRU turns the re-rank
into array lookups. Scores still come from Whoosh's own BM25F scorer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

MAX_BYTES = 64 * 1024 * 1024


class PostingCache:
    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self._lists: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, searcher, fieldname: str, word: str) -> tuple[np.ndarray, np.ndarray]:
        key = (fieldname, word)
        with self._lock:
            hit = self._lists.get(key)
            if hit is not None:
                self._lists.move_to_end(key)
                return hit
        ids, weights = read_postings(searcher, fieldname, word)
        with self._lock:
            self._lists[key] = (ids, weights)
            self._bytes += ids.nbytes + weights.nbytes
            while self._bytes > self.max_bytes and len(self._lists) > 1:
                _, (a, b) = self._lists.popitem(last=False)
                self._bytes -= a.nbytes + b.nbytes
        return ids, weights


def read_postings(searcher, fieldname: str, word: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, term weights) of a word in a field, across segments."""
    subs = searcher.subsearchers if hasattr(searcher, "subsearchers") and searcher.subsearchers else [(searcher, 0)]
    ids: list = []
    weights: list = []
    for sub, offset in subs:
        reader = sub.reader()
        if (fieldname, word) not in reader:
            continue
        m = reader.postings(fieldname, word)
        a, w = _leaf_blocks(m) if _has_blocks(m) else _one_by_one(m)
        ids.append(np.asarray(a, dtype=np.int64) + offset)
        weights.append(np.asarray(w, dtype=np.float32))
    if not ids:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def _has_blocks(m) -> bool:
    return all(hasattr(m, a) for a in ("_read_ids", "_read_weights", "_next_block", "_atend", "_blocklength"))


def _leaf_blocks(m) -> tuple[np.ndarray, np.ndarray]:
    """Whole blocks at a time from whoosh3's leaf matcher, each block's ids
    delta-decoded and its weights expanded by numpy rather than one by one."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    while m.is_active():
        block_ids, block_weights = _block(m)
        ids.append(block_ids[m._i: m._blocklength])
        weights.append(block_weights[m._i: m._blocklength])
        m._i = m._blocklength - 1
        m.next()
    if not ids:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def _block(m) -> tuple[np.ndarray, np.ndarray]:
    """(ids, weights) of the matcher's current block, as Whoosh's _read_ids/_read_weights mean them."""
    data = getattr(m, "_data", None)
    if getattr(m, "_byteids", True) or not hasattr(m, "_read_data"):
        m._read_ids()
        m._read_weights()
        return np.asarray(m._ids, dtype=np.int64), np.asarray(m._weights, dtype=np.float32)
    if data is None:
        m._read_data()
        data = m._data
    ids = np.cumsum(np.asarray(data[0], dtype=np.int64))
    w = data[1]
    if w is None or isinstance(w, float):
        weights = np.full(m._blocklength, 1.0 if w is None else w, dtype=np.float32)
    else:
        weights = np.asarray(w, dtype=np.float32)
    return ids, weights


def _one_by_one(m) -> tuple[list, list]:
    ids, weights = [], []
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights
