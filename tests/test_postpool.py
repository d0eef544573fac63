"""The term-grouped posting pool writes the same index as Whoosh's own pool.

Real sections from the bundled reports are indexed twice, once with Whoosh's
PostingPool and once with TermPool, with a memory limit small enough that both
spill many runs to disk; then documents are deleted and the segments merged
(postings re-added through a document map). Every posting and field length
must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOV, SEEDS
from whoosh import index, writing

from indexer import postpool
from indexer.analysis import combined_dictionary, dictionary_hash, load_jieba
from indexer.normalize import fold_text
from indexer.parse import parse_source
from indexer.reader import read_file
from indexer.schema import build_schema

STOCK = writing.PostingPool


@pytest.fixture(scope="module")
def dict_hash(tmp_path_factory):
    path = tmp_path_factory.mktemp("dict") / "userdict.txt"
    path.write_text(combined_dictionary(), encoding="utf-8")
    load_jieba(path)
    return dictionary_hash(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def docs():
    out = []
    files = sorted(SEEDS.glob("*.txt")) + sorted(GOV.glob("*.txt"))[-4:]
    for f in files:
        for r in parse_source(read_file(f, f.name)).reports:
            for s in r.sections:
                out.append(dict(doc_id=r.doc_id, title=fold_text(r.title), heading=fold_text(s.heading),
                                body=fold_text(s.text), year=r.year or 0))
    return out


def _build(folder: Path, pool_class, dict_hash: str, docs: list[dict], limit: int):
    ix = index.create_in(folder, build_schema(dict_hash))
    halves = (docs[: len(docs) // 2], docs[len(docs) // 2:])
    for part in halves:
        w = ix.writer()
        w.pool = pool_class(w._tempstorage, w.newsegment, limitmb=1)
        w.pool.limit = limit
        for d in part:
            w.add_document(**d)
        runs = len(w.pool.runs)
        w.commit(merge=False)
    w = ix.writer()
    w.pool = pool_class(w._tempstorage, w.newsegment, limitmb=1)
    w.pool.limit = limit
    for n in range(0, len(docs), 7):
        w.delete_document(n)
    w.commit(optimize=True)  # merges both segments: postings go through the pool again, renumbered
    with ix.reader() as r:
        lengths = [[r.doc_field_length(n, f) for f in ("title", "heading", "body")] for n in range(r.doc_count_all())]
        return list(r.iter_postings()), lengths, runs


def test_term_pool_writes_what_whoosh_pool_writes(tmp_path, dict_hash, docs):
    (tmp_path / "stock").mkdir()
    (tmp_path / "terms").mkdir()
    stock, stock_lengths, _ = _build(tmp_path / "stock", STOCK, dict_hash, docs, 200_000)
    terms, term_lengths, runs = _build(tmp_path / "terms", postpool.TermPool, dict_hash, docs, 200_000)
    assert runs >= 3  # the spill-and-merge path was taken
    assert len(stock) > 10_000
    assert terms == stock
    assert term_lengths == stock_lengths


def test_term_pool_in_memory_only(tmp_path, dict_hash, docs):
    (tmp_path / "stock").mkdir()
    (tmp_path / "terms").mkdir()
    stock, _, _ = _build(tmp_path / "stock", STOCK, dict_hash, docs[:200], 1 << 30)
    terms, _, runs = _build(tmp_path / "terms", postpool.TermPool, dict_hash, docs[:200], 1 << 30)
    assert runs == 0
    assert terms == stock
