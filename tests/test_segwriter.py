"""The batch segment writer writes the segment Whoosh's own writer writes.

Real sections of the seeds, the report fixtures and the laws, with every field the builder gives a Whoosh
document, are written once with Whoosh's SegmentWriter and once with BatchSegmentWriter. Each
file of the two segments (postings, term table, stored fields, field lengths, the sid column)
must hold the same bytes; then the segments are read back through Whoosh.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import FIXTURES, SEEDS, county_reports
from whoosh import index
from whoosh.filedb.compound import CompoundStorage

from indexer.store.batches import batch_sections, parse_file
from indexer.store.scan import scan
from indexer.store.schema import build_schema
from indexer.store.whoosh_io import segwriter


@pytest.fixture(scope="module")
def docs(dict_hash, tmp_path_factory):
    counties = county_reports(tmp_path_factory.mktemp("counties"), 5)
    files, _ = scan([SEEDS, FIXTURES / "laws", counties])
    parsed = [(f.key, parse_file(f)) for f in files]
    return batch_sections(parsed, first_sid=0).docs


def _stock(folder: Path, dict_hash: str, docs: list[dict]):
    folder.mkdir()
    ix = index.create_in(folder, build_schema(dict_hash))
    w = ix.writer()
    for d in docs:
        w.add_document(**d)
    w.commit(merge=False)
    return index.open_dir(folder)


def _batch(folder: Path, dict_hash: str, docs: list[dict]):
    folder.mkdir()
    ix = index.create_in(folder, build_schema(dict_hash))
    segment = segwriter.write_segment(folder, docs)
    w = ix.writer()
    w.commit(mergetype=lambda _w, segs: segs + [segment])
    return index.open_dir(folder)


def _parts(ix) -> dict[str, bytes]:
    """The segment's files by kind (the name without its random segment id), their bytes."""
    (seg,) = ix._segments()
    packed = CompoundStorage(ix.storage.open_file(f"{ix.indexname}_{seg.segid}.seg"), use_mmap=False)
    return {name.replace(seg.segid, "*"): packed.open_file(name).read() for name in packed.list()}


def test_batch_segment_has_the_bytes_of_whooshs_own(tmp_path, dict_hash, docs):
    stock = _stock(tmp_path / "stock", dict_hash, docs)
    batch = _batch(tmp_path / "batch", dict_hash, docs)
    a, b = _parts(stock), _parts(batch)
    assert {"MAIN_*.pst", "MAIN_*.trm", "MAIN_*._stored.col", "MAIN_*._body_len.col"} <= set(a)
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], name
    with stock.reader() as r1, batch.reader() as r2:
        postings = list(r1.iter_postings())
        assert len(postings) > 20_000 and len({p[0] for p in postings}) >= 6
        assert list(r2.iter_postings()) == postings
        assert [r2.stored_fields(n) for n in range(len(docs))] == [r1.stored_fields(n) for n in range(len(docs))]


def test_long_posting_lists_are_cut_into_whooshs_blocks(tmp_path, dict_hash, docs):
    """Terms in more than 128 sections take several blocks; the reader must walk all of them."""
    batch = _batch(tmp_path / "batch", dict_hash, docs)
    with batch.searcher() as s:
        reader = s.reader()
        long = [(f, t) for f, t in reader.all_terms() if f == "body" and reader.doc_frequency(f, t) > segwriter.BLOCK
                and all("\u4e00" <= c <= "\u9fff" for c in t.decode())]
        assert long
        for f, t in long[:20]:
            ids = list(reader.postings(f, t).all_ids())
            assert len(ids) == reader.doc_frequency(f, t) and ids == sorted(set(ids))
            assert all(t.decode() in docs[n]["body"] for n in ids[:: max(1, len(ids) // 50)])


def test_unsupported_field_kinds_are_refused(tmp_path, dict_hash):
    from whoosh import fields

    folder = tmp_path / "ix"
    folder.mkdir()
    ix = index.create_in(folder, fields.Schema(t=fields.TEXT(phrase=True)))
    with pytest.raises(TypeError, match="only Existence and jieba Frequency"):
        segwriter.BatchSegmentWriter(ix, _lk=False)


def test_field_lengths_are_coded_as_whoosh_codes_them():
    """The batch writer codes every document's field length at once; each code must be
    length_to_byte's, up to lengths past the last code."""
    import numpy as np
    from whoosh.util.numeric import length_to_byte

    lengths = np.arange(0, 200_000, dtype=np.int64)
    assert segwriter._length_bytes(lengths).tolist() == [length_to_byte(n) for n in range(200_000)]
