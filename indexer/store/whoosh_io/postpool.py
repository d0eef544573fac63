"""Whoosh's posting pool, grouped by term instead of sorted posting by posting.

Whoosh's PostingPool keeps every posting as its own tuple, sorts them all, and
when its memory limit is passed pickles each posting to a run file and merges
the runs back posting by posting through a heap: about a third of a build's CPU
on the laws corpus. Documents reach a writer in document-number order, so the
postings of one term already arrive sorted; grouping them under their term
leaves only the terms to sort, and a run file holds one record per term. The
pool keeps Whoosh's interface (add, iter_postings, save, runs, reduce_to,
cleanup) and its memory limit, so a writer's memory stays bounded as before.
`install()` makes Whoosh's writers use it.
"""

from __future__ import annotations

import heapq
import io
import marshal
from array import array
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

import numpy as np
from whoosh import writing
from whoosh.codec import whoosh3
from whoosh.util.numeric import byte_to_length

Key = tuple[str, bytes]


class Postings:
    """One term's postings in document order: numbers and weights in typed arrays (16 bytes a
    posting where a tuple of objects takes about 160), value bytes shared between equal values."""

    __slots__ = ("docs", "weights", "values")

    def __init__(self, docs=None, weights=None, values=None):
        self.docs = docs if docs is not None else array("q")
        self.weights = weights if weights is not None else array("d")
        self.values: list[bytes | None] = values if values is not None else []

    def extend(self, other: Postings) -> None:
        self.docs.extend(other.docs)
        self.weights.extend(other.weights)
        self.values.extend(other.values)

    def in_order(self) -> Postings:
        """Itself when its documents ascend (always, as writers add them); else sorted."""
        docs = np.frombuffer(self.docs, dtype=np.int64)
        if len(docs) < 2 or bool((docs[1:] > docs[:-1]).all()):
            return self
        order = np.argsort(docs, kind="stable")
        weights = np.frombuffer(self.weights, dtype=np.float64)
        return Postings(array("q", docs[order].tobytes()), array("d", weights[order].tobytes()),
                        [self.values[i] for i in order])

    def dumps(self) -> tuple:
        return self.docs.tobytes(), self.weights.tobytes(), self.values

    @classmethod
    def loads(cls, data: tuple) -> Postings:
        docs, weights = array("q"), array("d")
        docs.frombytes(data[0])
        weights.frombytes(data[1])
        return cls(docs, weights, data[2])


Record = tuple[Key, Postings]

STOCK_POOL = writing.PostingPool  # Whoosh's own, kept for comparison
STOCK_LENGTHS = whoosh3.W3PerDocReader.doc_field_length_reader
_KEY_BYTES = 400  # a new term: its key, dictionary entry, two arrays and a list
_POSTING_BYTES = 28  # one posting: 8 + 8 bytes in the arrays, a list slot, growth slack
READ_BUFFER = 1 << 16  # per run being merged: a term record is read whole anyway


class TermPool(STOCK_POOL):
    """Postings grouped per (field, term); spilled as sorted per-term records."""

    def __init__(self, tempstore, segment, limitmb: int = 128, **kwargs):
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self.terms: dict[Key, Postings] = {}
        self._values: dict[bytes | None, bytes | None] = {}

    def add(self, item) -> None:
        fieldname, text, docnum, weight, value = item
        key = (fieldname, text)
        posts = self.terms.get(key)
        if posts is None:
            self.terms[key] = posts = Postings()
            self.fieldnames.add(fieldname)
            self.currentsize += _KEY_BYTES + len(text)
        posts.docs.append(docnum)
        posts.weights.append(weight)
        posts.values.append(self._values.setdefault(value, value))
        self.currentsize += _POSTING_BYTES
        if self.currentsize > self.limit:
            self.save()

    def save(self) -> None:
        if self.terms:
            path, f = self._new_run()
            try:
                for key in sorted(self.terms):
                    _dump((key, self.terms[key]), f)
            finally:
                f.close()
            self.runs.append(path)
            self.terms, self._values = {}, {}
        self.currentsize = 0

    def _records(self, path: str) -> Iterator[Record]:
        raw = self._open_run(path)
        f = io.BufferedReader(raw, READ_BUFFER) if isinstance(raw, io.RawIOBase) else raw
        try:
            while head := f.read(4):
                key, data = marshal.loads(f.read(int.from_bytes(head, "little")))
                yield key, Postings.loads(data)
        finally:
            f.close()
            self._remove_run(path)

    def _merged(self, paths: list[str]) -> Iterator[Record]:
        """Records of several runs, one per term; a term's postings joined in run order
        (runs were written in document order), sorted again only if they are not."""
        streams = [self._records(p) for p in paths]
        for key, group in groupby(heapq.merge(*streams, key=itemgetter(0)), key=itemgetter(0)):
            posts = Postings()
            for _, more in group:
                posts.extend(more)
            yield key, posts.in_order()

    def _read_run(self, path: str) -> Iterator:
        return _flat(self._records(path))

    def _merge_runs(self, paths: Iterable[str]) -> Iterator:
        return _flat(self._merged(list(paths)))

    def reduce_to(self, target: int, k: int) -> None:
        while len(self.runs) > target:
            tomerge = [self.runs.pop() for _ in range(min(k, len(self.runs)))][::-1]
            path, f = self._new_run()
            try:
                for record in self._merged(tomerge):
                    _dump(record, f)
            finally:
                f.close()
            self.runs.insert(0, path)

    def items(self, maxfiles: int = 128):
        if not self.runs:
            terms, self.terms, self._values = self.terms, {}, {}
            return _flat((key, terms[key].in_order()) for key in sorted(terms))
        self.save()
        if len(self.runs) > maxfiles:
            self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        return self._merge_runs(runs)

    def iter_postings(self):
        return self.items()


def _dump(record: Record, f) -> None:
    """A length-prefixed marshal record: read back with one buffered read each, where
    marshal.load on Whoosh's unbuffered run file reads a few bytes per call."""
    key, posts = record
    data = marshal.dumps((key, posts.dumps()))
    f.write(len(data).to_bytes(4, "little"))
    f.write(data)


def _flat(records: Iterable[Record]) -> Iterator:
    for (fieldname, text), posts in records:
        for docnum, weight, value in zip(posts.docs, posts.weights, posts.values, strict=True):
            yield fieldname, text, docnum, weight, value


LENGTHS = [None] + [byte_to_length(b) for b in range(1, 256)]  # a length byte decoded; zero reads as None, as in whoosh3


def _length_table(self, fieldname: str, default=0):
    """whoosh3's per-posting field-length lookup (a column read and a decode for every posting
    written), read once per field: one byte a document, decoded through LENGTHS."""
    reader = self._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if reader is None:
        return lambda docnum, _default=default: _default
    codes = bytes(reader)

    def get(docnum: int, _codes=codes, _decoded=LENGTHS):
        return _decoded[_codes[docnum]]

    return get


def install() -> None:
    """Writers created from now on (in this process and the ones it forks) use TermPool and
    read field lengths from a table."""
    writing.PostingPool = TermPool
    whoosh3.W3PerDocReader.doc_field_length_reader = _length_table
