"""Whoosh's segment files are read in place from their memory map, never copied whole."""

from __future__ import annotations

import io
import random
import tracemalloc
from pathlib import Path

from helpers import CORPUS

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
    reindex(root, [long_reports(tmp_path / "long", 20)], progress=False)
    gen = require_current(root)
    whoosh_bytes = sum(p.stat().st_size for p in (gen / "whoosh").iterdir())
    load_jieba(gen / "userdict.txt")  # the dictionary is the same size whatever the index holds
    first = IndexReader(gen)  # modules imported on first use are paid before measuring (run alone, they
    search(first, "教育")  # were most of the peak), so the peak is what opening and searching hold
    first.close()
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


def long_reports(dest: Path, n: int) -> Path:
    """n long reports made of the fixtures' sentences, each in its own order: megabytes of index from
    little text in the repository, in few sections as real reports are (memory that grows with the
    number of sections is not what this test measures)."""
    lines = [s for root in CORPUS for f in sorted(root.rglob("*.txt"))
             for s in (x.strip() for x in f.read_text(encoding="utf-8").splitlines()) if len(s) > 20]
    rng = random.Random(7)
    dest.mkdir()
    for i in range(n):
        body = []
        for _ in range(4):
            rng.shuffle(lines)
            body += lines
        title = f"{1990 + i}年县教育局工作总结"
        (dest / f"{title}.txt").write_text(title + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    return dest


def test_pickles_read_one_after_another_from_a_view():
    import pickle

    objs = [("info", 3, 2.5, b"\x00" * 50), list(range(1000)), {"k": "值"}]
    buf = io.BytesIO()
    for o in objs:
        pickle.dump(o, buf, 2)
    r = ViewReader(memoryview(buf.getvalue()))
    assert [pickle.load(r) for _ in objs] == objs
    assert r.tell() == len(buf.getvalue())
