"""The term-grouped posting pool writes the same index as Whoosh's own pool.

Real sections from the seeds and the report fixtures are indexed twice, once with Whoosh's
PostingPool and field-length reader and once with postpool's, with a memory
limit small enough that the pool spills many runs to disk; then documents are
deleted and the segments merged (postings re-added through a document map).
Every posting, field length and per-term statistic must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SEEDS, county_reports
from whoosh import index, writing
from whoosh.codec import whoosh3

from indexer.ingest.files import read_file
from indexer.ingest.parse import parse_source
from indexer.store.schema import build_schema
from indexer.store.whoosh_io import postpool
from indexer.text.normalize import fold_text


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    out = []
    files = sorted(SEEDS.glob("*.txt")) + sorted(county_reports(tmp_path_factory.mktemp("counties"), 2).rglob("*.txt"))
    for f in files:
        for r in parse_source(read_file(f, f.name)).reports:
            for s in r.sections:
                out.append(dict(doc_id=r.doc_id, title=fold_text(r.title), heading=fold_text(s.heading),
                                body=fold_text(s.text), year=r.year or 0))
    return out


def _build(folder: Path, dict_hash: str, docs: list[dict], limit: int) -> tuple[list, list, int]:
    folder.mkdir()
    ix = index.create_in(folder, build_schema(dict_hash))
    runs = 0
    for part in (docs[: len(docs) // 2], docs[len(docs) // 2:]):
        w = ix.writer()
        w.pool.limit = limit
        for d in part:
            w.add_document(**d)
        runs += len(w.pool.runs)
        w.commit(merge=False)
    w = ix.writer()
    w.pool.limit = limit
    for n in range(0, len(docs), 7):
        w.delete_document(n)
    w.commit(optimize=True)  # merges both segments: postings go through the pool again, renumbered
    with ix.reader() as r:
        lengths = [[r.doc_field_length(n, f) for f in ("title", "heading", "body")] for n in range(r.doc_count_all())]
        stats = []  # what the posting writer computes from the field lengths (BM25F's norms)
        for f, t in r.all_terms():
            ti = r.term_info(f, t)
            stats.append((f, t, ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length()))
        return list(r.iter_postings()), [lengths, stats], runs


def _both(tmp_path, monkeypatch, dict_hash, docs, limit):
    monkeypatch.setattr(writing, "PostingPool", postpool.STOCK_POOL)
    monkeypatch.setattr(whoosh3.W3PerDocReader, "doc_field_length_reader", postpool.STOCK_LENGTHS)
    stock = _build(tmp_path / "stock", dict_hash, docs, limit)
    postpool.install()
    assert writing.PostingPool is postpool.TermPool
    return stock, _build(tmp_path / "terms", dict_hash, docs, limit)


def test_term_pool_writes_what_whoosh_pool_writes(tmp_path, monkeypatch, dict_hash, docs):
    (stock, stock_lengths, _), (terms, term_lengths, runs) = _both(tmp_path, monkeypatch, dict_hash, docs, 200_000)
    assert runs >= 3  # the spill-and-merge path was taken
    assert len(stock) > 10_000
    assert terms == stock
    assert term_lengths == stock_lengths


def test_term_pool_in_memory_only(tmp_path, monkeypatch, dict_hash, docs):
    (stock, stock_lengths, _), (terms, term_lengths, runs) = _both(tmp_path, monkeypatch, dict_hash, docs[:200], 1 << 30)
    assert runs == 0
    assert terms == stock
    assert term_lengths == stock_lengths
