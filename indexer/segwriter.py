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

from array import array
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import numpy as np
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from . import postpool
from .analysis import MemoChain

MEMO_VALUES = 100_000  # distinct metadata values remembered per field
BLOCK = 128  # postings per block: whoosh3's default blocklimit, checked against the codec
_DECODED_LENGTH = np.array([0, *postpool.LENGTHS[1:]], dtype=np.int64)


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
        for name, fobj in self.schema.items():
            if fobj.indexed:
                self._posts[name] = _FieldPostings(words=_is_words(name, fobj))

    def add_document(self, **fields):
        """As SegmentWriter.add_document (the same stored values, columns and lengths), with the
        postings kept for _flush_segment. Boosts are not supported."""
        self._check_state()
        if any(k.endswith("_boost") for k in fields):
            raise TypeError("boosts are not written in batches")
        perdoc, schema, docnum = self.perdocwriter, self.schema, self.docnum
        names = sorted(n for n in fields if not n.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        for name in names:
            value = fields[name]
            if value is None:
                continue
            fobj = schema[name]
            length = self._index_value(self._posts[name], fobj, value, docnum) if fobj.indexed else 0
            stored = fields.get(f"_stored_{name}", value)
            perdoc.add_field(name, fobj, stored if fobj.stored else None, length if fobj.scorable else 0)
            if fobj.column_type and stored is not None:
                perdoc.add_column_value(name, fobj.column_type, fobj.to_column_value(stored))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

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
        lengths = self.per_document_reader()
        fw = self.fieldwriter
        try:
            for name in sorted(self._posts):
                posts = self._posts.pop(name)
                if posts.tids:
                    fw.start_field(name, self.schema[name])
                    self._write_field(fw, posts, _doc_lengths(lengths, name))
                    fw.finish_field()
        finally:
            lengths.close()
        fw.close()

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
        bounds = np.flatnonzero(np.diff(term_rank)) + 1
        starts, ends = [0, *bounds.tolist()], [*bounds.tolist(), len(key)]
        lens = doc_len[docs] if doc_len is not None else None
        for a, b in zip(starts, ends, strict=True):
            fw.start_term(keys[order[int(term_rank[a])]])
            _write_postings(fw._postwriter, docs, weight, freq, lens, a, b)
            fw.finish_term()


def _is_words(name: str, fobj) -> bool:
    fmt = fobj.format
    if fmt.field_boost != 1.0:
        raise TypeError(f"field {name!r}: a format boost is not written in batches")
    if isinstance(fmt, formats.Frequency) and isinstance(fobj.analyzer, MemoChain):
        return True
    if type(fmt) is formats.Existence:
        return False
    raise TypeError(f"field {name!r}: only Existence and jieba Frequency fields are written in batches")


def _doc_lengths(pdr, name: str) -> np.ndarray | None:
    """Each document's field length as the postings writer sees it: the stored byte, decoded
    (whoosh3 reads it back per posting); None for a field without lengths."""
    codes = postpool.length_codes(pdr, name)
    return None if codes is None else _DECODED_LENGTH[np.frombuffer(codes, dtype=np.uint8)]


def _write_postings(pw, docs, weight, freq, lens, a: int, b: int) -> None:
    """One term's postings through whoosh3's postings writer a block at a time: the writer
    encodes each block, and the term's statistics, as it does for postings added one by one."""
    for lo in range(a, b, BLOCK):
        hi = min(lo + BLOCK, b)
        if lo > a:
            pw._write_block()
        pw._ids = array("I", docs[lo:hi].tolist())
        w = weight[lo:hi]
        pw._weights = array("f", w.tolist())
        pw._maxweight = max(0, float(w.max()))
        if freq is not None:
            pw._values = [freq[lo:hi].astype(">u4").tobytes()]
        if lens is not None:
            ln = lens[lo:hi]
            ln = ln[ln > 0]
            if len(ln):
                pw._minlength, pw._maxlength = int(ln.min()), int(ln.max())


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
