"""A term's document numbers in a Whoosh segment, read in one pread and decoded with numpy.

Whoosh's matcher reads a posting list block by block (128 postings each), a seek and two reads per
block and the delta-coded ids summed in a Python generator: most of the time of the words fallback
on a common word. Here the term's whole extent is read at once, each block's header and data are
unpickled by the C pickle module and its ids summed by numpy. The format is whoosh3's (W3TermInfo,
W3PostingsWriter._write_block), as segwriter.py writes it; a test compares the result with Whoosh's
own matcher.
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib

import numpy as np
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.reading import TermNotFound

_INT = struct.Struct("!i")  # a block's length: negative for the last block (structfile's int)
_EMPTY = np.empty(0, dtype=np.int64)


def doc_frequency(leaf, field: str, word: str) -> int:
    """Documents of the segment holding the word in the field (deleted ones included)."""
    if not hasattr(leaf, "_terms"):  # an index without segments reads as Whoosh's EmptyReader
        return 0
    try:  # one lookup in the term table: asking whether it holds the word first was a second one
        return leaf._terms.doc_frequency(field, leaf._text_to_bytes(field, word))
    except KeyError:
        return 0


def doc_ids(leaf, field: str, word: str, among: np.ndarray | None = None) -> np.ndarray:
    """Sorted document numbers (within the segment) of the word's postings in the field, deleted
    documents included. among (sorted): only these are asked about, and a block of postings is
    decoded only if its range of ids holds one of them (a common word's blocks are mostly skipped
    once a rarer word left a few documents); the answer may then hold some others too."""
    if not hasattr(leaf, "_terms"):
        return _EMPTY
    terms = leaf._terms
    key = (field, leaf._text_to_bytes(field, word))
    try:
        info: W3TermInfo = terms.term_info(*key)
    except TermNotFound:  # one lookup, not a test and then a lookup
        return _EMPTY
    if info.is_inlined():
        return np.asarray(info.inlined_postings()[0], dtype=np.int64)
    if among is not None and not len(among):
        return _EMPTY
    offset, length = info.extent()
    length = length[0] if isinstance(length, tuple) else length  # W3TermInfo.from_bytes leaves it a 1-tuple
    raw = terms._postfile.get(offset, length)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"not a whoosh3 posting list at {offset}")
    return _block_ids(raw, among)


def _block_ids(raw: bytes, among: np.ndarray | None = None) -> np.ndarray:
    parts, pos, low = [], 4, 0  # low: every id of the next block is at least this
    view = io.BytesIO(raw)
    while pos < len(raw):
        (size,) = _INT.unpack_from(raw, pos)
        last, size = size < 0, abs(size)
        view.seek(pos + _INT.size)
        info = pickle.load(view)  # (count, max id, max weight, compression, min length, max length)
        if among is not None:
            skip = np.searchsorted(among, low) == np.searchsorted(among, info[1], side="right")
            low = info[1] + 1
            if skip:  # none of among lies in this block's range
                pos += _INT.size + size
                if last:
                    break
                continue
        data = raw[view.tell(): pos + _INT.size + size]
        if info[3]:
            data = zlib.decompress(data)
        deltas = pickle.loads(data)[0]  # each block's ids are deltas from 0 (byte ids are never written here)
        parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        pos += _INT.size + size
        if last:
            break
    return np.concatenate(parts) if parts else _EMPTY
