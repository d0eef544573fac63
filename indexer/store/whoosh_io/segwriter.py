"""A Whoosh segment written a batch of sections at a time, in Whoosh's own format.

Whoosh's writer turns every token into a Python posting tuple, pools and sorts them, and writes
them one call at a time: with jieba's cutting, that was most of a build. BatchSegmentWriter keeps
Whoosh's per-document writer (stored fields, columns, field lengths) and its postings writer
(the bytes of each block and term entry), and changes only how postings get there: a word
field's tokens become term numbers, and a batch's postings are counted, ordered and cut into
blocks with numpy. tests/test_segwriter.py compares its segments with Whoosh's own.

Writers of this kind run in the builder's worker processes, as Whoosh's MpWriter runs its
sub-writers: each returns its segment, and the one writer holding the lock adds them all.
"""

from __future__ import annotations

import zlib
from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from pickle import dumps

import numpy as np
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import _length_byte_cache
from whoosh.writing import SegmentWriter

from indexer.store.whoosh_io import postpool
from indexer.text.analysis import MemoChain

MEMO_VALUES = 100_000  # distinct metadata values remembered per field
BLOCK = 128  # postings per block: whoosh3's default blocklimit, checked against the codec
_DECODED_LENGTH = np.array([0, *postpool.LENGTHS[1:]], dtype=np.int64)
_NO_LENGTH = np.iinfo(np.int64).max
_LENGTH_TABLE = np.array(_length_byte_cache, dtype=np.int64)  # length_to_byte's bisect table, 256 entries


def _numbering() -> defaultdict:
    return defaultdict(count().__next__)


@dataclass
class _FieldPostings:
    """One field's postings of the batch, in document order."""

    words: bool  # a jieba Frequency field: tids holds every token, docs/runs say whose
    terms: defaultdict = field(default_factory=_numbering)  # term → number, first seen first
    tids: array = field(default_factory=lambda: array("q"))
    docs: array = field(default_factory=lambda: array("q"))  # per tid, or per run of tokens (words)
    runs: array = field(default_factory=lambda: array("q"))  # tokens per document (words)
    weights: array = field(default_factory=lambda: array("d"))  # per tid (other fields)
    memo: dict = field(default_factory=dict)  # value → its (tid, freq, weight) items (other fields)


class BatchSegmentWriter(SegmentWriter):
    """SegmentWriter whose postings are gathered per batch (see the module docstring)."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        if getattr(self.codec, "_blocklimit", None) != BLOCK or getattr(self.codec, "_inlinelimit", None) != 1:
            raise TypeError("BatchSegmentWriter writes whoosh3 blocks of 128 postings, none inlined")
        self._posts: dict[str, _FieldPostings] = {}
        self._plans: dict[tuple[str, ...], list[tuple]] = {}
        for name, fobj in self.schema.items():
            if fobj.indexed:
                self._posts[name] = _FieldPostings(words=_is_words(name, fobj))

    def add_document(self, **fields):
        """As SegmentWriter.add_document (the same stored values, columns and lengths), with the
        postings kept for _flush_segment. Boosts are not supported."""
        self._check_state()
        plan = self._plans.get(tuple(fields)) or self._plan(tuple(fields))
        perdoc, docnum = self.perdocwriter, self.docnum
        perdoc.start_doc(docnum)
        for name, fobj, posts, stored_key, stored, scorable, column in plan:
            value = fields[name]
            if value is None:
                continue
            length = 0 if posts is None else self._index_value(posts, fobj, value, docnum)
            kept = fields.get(stored_key, value)
            if stored or (scorable and length):
                perdoc.add_field(name, fobj, kept if stored else None, length if scorable else 0)
            if column is not None and kept is not None:
                perdoc.add_column_value(name, column, fobj.to_column_value(kept))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _plan(self, keys: tuple[str, ...]) -> list[tuple]:
        """What add_document does with each field of a document with these keys (the builder's
        documents all have the same few), checked and looked up once."""
        if any(k.endswith("_boost") for k in keys):
            raise TypeError("boosts are not written in batches")
        names = sorted(n for n in keys if not n.startswith("_"))
        self._check_fields(self.schema, names)
        plan = []
        for name in names:
            fobj = self.schema[name]
            plan.append((name, fobj, self._posts.get(name), f"_stored_{name}", fobj.stored, fobj.scorable,
                         fobj.column_type or None))
        self._plans[keys] = plan
        return plan

    @staticmethod
    def _index_value(posts: _FieldPostings, fobj, value, docnum: int) -> int:
        if posts.words:
            tokens = fobj.analyzer.index_words(value)
            posts.tids.extend(map(posts.terms.__getitem__, tokens))
            posts.docs.append(docnum)
            posts.runs.append(len(tokens))
            return len(tokens)
        items = posts.memo.get(value)
        if items is None:  # metadata repeats from section to section: its terms are looked up once
            items = [(posts.terms[tbytes], freq, weight) for tbytes, freq, weight, _vbytes in fobj.index(value)]
            if len(posts.memo) < MEMO_VALUES:
                posts.memo[value] = items
        length = 0
        for tid, freq, weight in items:
            posts.tids.append(tid)
            posts.docs.append(docnum)
            posts.weights.append(weight)
            length += freq
        return length

    def _flush_segment(self):
        self.perdocwriter.close()
        fw = self.fieldwriter
        for name in sorted(self._posts):
            posts = self._posts.pop(name)
            if posts.tids:
                fw.start_field(name, self.schema[name])
                self._write_field(fw, posts, self._doc_lengths(posts))
                fw.finish_field()
        fw.close()

    def _doc_lengths(self, posts: _FieldPostings) -> np.ndarray | None:
        """Each document's field length as whoosh3's postings writer reads it back (the stored
        byte, decoded), from the token counts add_document wrote; None for a field without
        lengths (only word fields have them here)."""
        if not posts.words:
            return None
        lengths = np.zeros(self.docnum, dtype=np.int64)
        lengths[np.frombuffer(posts.docs, dtype=np.int64)] = np.frombuffer(posts.runs, dtype=np.int64)
        return _DECODED_LENGTH[_length_bytes(lengths)]

    def _write_field(self, fw, posts: _FieldPostings, doc_len: np.ndarray | None) -> None:
        """Every term of the field in byte order with its documents ascending, in blocks as
        whoosh3 cuts them."""
        keys = [t.encode("utf-8") for t in posts.terms] if posts.words else list(posts.terms)
        order = sorted(range(len(keys)), key=keys.__getitem__)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(keys))
        n = max(self.docnum, 1)
        tids = np.frombuffer(posts.tids, dtype=np.int64)
        if posts.words:
            docs = np.repeat(np.frombuffer(posts.docs, dtype=np.int64), np.frombuffer(posts.runs, dtype=np.int64))
            key, freq = np.unique(rank[tids] * n + docs, return_counts=True)
            weight = freq.astype(np.float64)
        else:
            key = rank[tids] * n + np.frombuffer(posts.docs, dtype=np.int64)
            by_key = np.argsort(key, kind="stable")
            key, weight, freq = key[by_key], np.frombuffer(posts.weights, dtype=np.float64)[by_key], None
        term_rank, docs = np.divmod(key, n)
        starts = np.flatnonzero(np.r_[True, np.diff(term_rank) != 0])
        terms = [keys[order[r]] for r in term_rank[starts].tolist()]
        lens = None if doc_len is None else doc_len[docs]
        _PostingsTable(docs, weight, freq, lens, starts, self.codec._compression).write(fw, terms)


class _PostingsTable:
    """A field's postings, sorted by term then document, cut into whoosh3's blocks (BLOCK postings
    of one term each), with every block's and term's statistics computed at once. `write` turns
    each block into the bytes W3PostingsWriter._write_block makes of it, and each term into the
    W3TermInfo row W3FieldWriter.finish_term adds."""

    def __init__(self, docs, weight, freq, lens, term_starts, compression: int):
        term_ends = np.r_[term_starts[1:], len(docs)]
        per_term = -(-(term_ends - term_starts) // BLOCK)
        first_block = np.r_[0, np.cumsum(per_term)]
        lo = np.repeat(term_starts, per_term) + (np.arange(first_block[-1]) - np.repeat(first_block[:-1], per_term)) * BLOCK
        hi = np.minimum(lo + BLOCK, np.repeat(term_ends, per_term))
        self.compression = compression
        self.first_block, self.lo, self.hi, self.last_id = first_block.tolist(), lo.tolist(), hi.tolist(), docs[hi - 1].tolist()
        delta = np.diff(docs, prepend=0)
        delta[lo] = docs[lo]  # each block is delta-encoded from 0
        self.delta = delta
        weights = weight.astype(np.float32).astype(np.float64)  # what whoosh3's array("f") holds
        least, most = np.minimum.reduceat(weights, lo), np.maximum.reduceat(weights, lo)
        self.weights, self.all_ones, self.all_same = weights, ((most == 1.0) & (least == 1.0)).tolist(), (least == most).tolist()
        self.max_weight = np.maximum(np.maximum.reduceat(weight, lo), 0).tolist()
        self.values = None if freq is None else freq.astype(">u4").tobytes()  # Frequency: 4 bytes per posting
        if lens is None:  # a field without lengths: whoosh3 writes 0 for both
            self.min_len = self.max_len = np.zeros(len(lo), dtype=np.int64)
        else:  # a block's shortest and longest positive length, 0 for none
            shortest = np.minimum.reduceat(np.where(lens > 0, lens, _NO_LENGTH), lo)
            self.min_len, self.max_len = np.where(shortest == _NO_LENGTH, 0, shortest), np.maximum.reduceat(lens, lo)
        self.min_byte = _length_bytes(self.min_len).tolist()
        self.max_byte = _length_bytes(self.max_len).tolist()
        self.term_weight = np.add.reduceat(weights, term_starts).tolist()
        self.term_first = docs[term_starts].tolist()

    def write(self, fw, terms: list[bytes]) -> None:
        postfile, tindex, fieldid = fw._postfile, fw._tindex, pack_ushort(fw._fieldid)
        for t, btext in enumerate(terms):
            b0, b1 = self.first_block[t], self.first_block[t + 1]
            parts = [WHOOSH3_HEADER_MAGIC]
            for b in range(b0, b1):
                parts += self._block(b, last=b == b1 - 1)
            data = b"".join(parts)
            info = self._terminfo(t, b0, b1)
            info.set_extent(postfile.tell(), len(data))
            postfile.write(data)
            tindex.add(fieldid + btext, info.to_bytes())

    def _block(self, b: int, last: bool) -> list[bytes]:
        lo, hi = self.lo[b], self.hi[b]
        if self.all_ones[b]:
            weights = None
        elif self.all_same[b]:
            weights = float(self.weights[lo])
        else:
            weights = tuple(self.weights[lo:hi].tolist())
        values = None if self.values is None else self.values[4 * lo: 4 * hi]
        data = dumps((tuple(self.delta[lo:hi].tolist()), weights, values), 2)
        comp = self.compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        info = dumps((hi - lo, self.last_id[b], self.max_weight[b], comp, self.min_byte[b], self.max_byte[b]), 2)
        size = len(info) + len(data)
        return [pack_int(-size if last else size), info, data]

    def _terminfo(self, t: int, b0: int, b1: int) -> W3TermInfo:
        """What W3TermInfo.add_block gathers block by block (the shortest length is the least
        positive one, None when there is none)."""
        shortest = [m for m in self.min_len[b0:b1].tolist() if m]
        return W3TermInfo(weight=self.term_weight[t], df=self.hi[b1 - 1] - self.lo[b0],
                          minlength=min(shortest) if shortest else None, maxlength=int(self.max_len[b0:b1].max()),
                          maxweight=max(self.max_weight[b0:b1]), minid=self.term_first[t], maxid=self.last_id[b1 - 1])


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """whoosh's length_to_byte of each length (0 → 0): its bisect, capped at the last byte."""
    return np.minimum(np.searchsorted(_LENGTH_TABLE, lengths, side="left"), len(_LENGTH_TABLE) - 1)


def _is_words(name: str, fobj) -> bool:
    fmt = fobj.format
    if fmt.field_boost != 1.0:
        raise TypeError(f"field {name!r}: a format boost is not written in batches")
    if isinstance(fmt, formats.Frequency) and isinstance(fobj.analyzer, MemoChain):
        return True
    if type(fmt) is formats.Existence and not fobj.scorable:
        return False
    raise TypeError(f"field {name!r}: only Existence and jieba Frequency fields are written in batches")


def write_segment(folder: Path, docs: list[dict]):
    """A new segment of the Whoosh index in `folder` holding `docs` (in order), not yet in its
    table of contents: the writer holding the index's lock adds it at commit."""
    ix = whoosh_index.open_dir(folder)
    writer = BatchSegmentWriter(ix, _lk=False)
    try:
        for d in docs:
            writer.add_document(**d)
        return writer._finalize_segment()
    except BaseException:
        writer._close_segment()
        raise
