"""Whoosh's segment files are read in place from their memory map, never copied whole."""

from __future__ import annotations

import io
import tracemalloc

from helpers import SEEDS

from indexer.search.engine import search
from indexer.store.build import reindex
from indexer.store.generations import require_current
from indexer.store.reader import IndexReader
from indexer.store.whoosh_io.mapped import ViewReader
from indexer.text.analysis import load_jieba


def test_view_reader_reads_like_bytesio():
    data = bytes(range(256)) * 40 + b"line one\nline two\n"
    ops = [("read", 10), ("tell",), ("seek", 100), ("read", 3), ("seek", -5, io.SEEK_END), ("read", 100),
           ("seek", 3, io.SEEK_CUR), ("read", -1), ("seek", 0), ("read", 0), ("seek", len(data) - 18),
           ("readline",), ("readline",), ("readline",), ("seek", 50, io.SEEK_CUR), ("read", 4)]
    a, b = io.BytesIO(data), ViewReader(memoryview(data))
    for op in ops:
        assert getattr(a, op[0])(*op[1:]) == getattr(b, op[0])(*op[1:]), op


def test_opening_and_searching_does_not_copy_the_whoosh_files(tmp_path):
    root = tmp_path / "index"
    reindex(root, [SEEDS], progress=False)
    gen = require_current(root)
    whoosh_bytes = sum(p.stat().st_size for p in (gen / "whoosh").iterdir())
    load_jieba(gen / "userdict.txt")  # the dictionary is the same size whatever the index holds
    tracemalloc.start()
    try:
        reader = IndexReader(gen)
        for q in ("教育", "学前教育 安全", "防溺水", "title:政府工作报告"):
            search(reader, q)
        _, peak = tracemalloc.get_traced_memory()
        reader.close()
    finally:
        tracemalloc.stop()
    assert whoosh_bytes > 2_000_000
    assert peak < 0.25 * whoosh_bytes, (peak, whoosh_bytes)


def test_pickles_read_one_after_another_from_a_view():
    import pickle

    objs = [("info", 3, 2.5, b"\x00" * 50), list(range(1000)), {"k": "值"}]
    buf = io.BytesIO()
    for o in objs:
        pickle.dump(o, buf, 2)
    r = ViewReader(memoryview(buf.getvalue()))
    assert [pickle.load(r) for _ in objs] == objs
    assert r.tell() == len(buf.getvalue())
