"""Neighbouring exact segments merged from their arrays (store/merging.py): a merged index answers
exactly as the segments it was merged from, table by table and page by page."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import ALT, GOV, SEEDS

from indexer.search.engine import find, search
from indexer.store import merging
from indexer.store.build import reindex
from indexer.store.generations import require_current
from indexer.store.reader import IndexReader

QUERIES = ["防溺水", "义务教育", "白石县", "学校 安全", "营养午餐 OR 食堂供餐", '"学前教育 普惠"', "2008年", "没有这个词",
           "防弱水", "教育 -农村", "title:工作总结 安全", "安全教肓", "教", "(学校 OR 幼儿园) 安全 year:2015-2024"]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory) -> tuple[IndexReader, IndexReader]:
    """The same three runs (one source folder each, so one segment each) without merging and with it."""
    readers = []
    for merged_bytes in (0, merging.MERGED_BYTES):
        root = tmp_path_factory.mktemp("index")
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(merging, "MERGED_BYTES", merged_bytes)
            for folder in (SEEDS, GOV, ALT):
                reindex(root, [folder], progress=False)
        readers.append(IndexReader(require_current(root)))
    return readers[0], readers[1]


def test_three_runs_leave_three_segments_or_one_merged(indexes):
    apart, merged = indexes
    assert len(apart.segments) == 3 and len(merged.segments) == 1
    assert merged.segments[0].size == sum(s.size for s in apart.segments) == apart.n


def test_section_texts_read_together_are_each_sections_own(indexes):
    """reader.section_texts (the second stage's hundred at a time) gives each section's own heading and
    body in the order asked, across segments, as section_text one at a time does, merged or not."""
    for reader in indexes:
        sids = np.random.default_rng(7).permutation(reader.n)[:60]
        one_by_one = [reader.segment_of(int(sid))[0].section_text(reader.segment_of(int(sid))[1]) for sid in sids]
        assert reader.section_texts(sids) == one_by_one
        assert len({seg.base for sid in sids for seg in [reader.segment_of(int(sid))[0]]}) == len(reader.segments)


def test_each_gram_has_its_postings_from_every_part_in_order(indexes):
    apart, merged = indexes
    one = merged.segments[0]
    for table in ("head", "body"):
        keys = [np.asarray(getattr(s, f"{table}_keys")) for s in apart.segments]
        union = np.unique(np.concatenate(keys))
        assert np.array_equal(np.asarray(getattr(one, f"{table}_keys")), union)
        ptr = np.asarray(getattr(one, f"{table}_ptr"))
        post = np.asarray(getattr(one, f"{table}_post"))
        tf = np.asarray(one.body_tf) if table == "body" else None
        for i in np.linspace(0, len(union) - 1, 400).astype(int):  # grams spread over the whole table
            want_post, want_tf = [], []
            for seg, k in zip(apart.segments, keys, strict=True):
                j = int(np.searchsorted(k, union[i]))
                if j < len(k) and k[j] == union[i]:
                    a, b = np.asarray(getattr(seg, f"{table}_ptr"))[j:j + 2]
                    want_post.append(np.asarray(getattr(seg, f"{table}_post"))[a:b].astype(np.int64) + seg.base)
                    if tf is not None:
                        want_tf.append(np.asarray(seg.body_tf)[a:b])
            got = post[ptr[i]:ptr[i + 1]].astype(np.int64)
            assert got.tolist() == np.concatenate(want_post).tolist()
            if tf is not None:
                assert tf[ptr[i]:ptr[i + 1]].tolist() == np.concatenate(want_tf).tolist()


def test_every_section_reads_the_same_text_and_report(indexes):
    apart, merged = indexes
    for sid in range(apart.n):
        seg_a, local_a = apart.segment_of(sid)
        seg_m, local_m = merged.segment_of(sid)
        assert seg_a.section_text(local_a) == seg_m.section_text(local_m)
        assert seg_a.section_text(local_a, mapped=True) == seg_m.section_text(local_m, mapped=True)
    assert apart.stored(list(range(apart.n))) == merged.stored(list(range(merged.n)))
    assert [r.__dict__ for r in apart.catalog.reports] == [r.__dict__ for r in merged.catalog.reports]
    assert apart.catalog.section_report.tolist() == merged.catalog.section_report.tolist()
    assert np.array_equal(apart.body_len, merged.body_len)


@pytest.mark.parametrize("q", QUERIES)
def test_a_query_finds_and_shows_the_same(indexes, q):
    apart, merged = indexes
    a, b = find(apart, q), find(merged, q)
    assert (a.sids.tolist(), a.facets, a.suggestions, a.notices) == (b.sids.tolist(), b.facets, b.suggestions, b.notices)
    pa, pb = search(apart, q).to_dict(), search(merged, q).to_dict()
    pa.pop("took_ms"), pb.pop("took_ms")
    assert pa == pb


def _segment(gen: Path, name: str, base: int, size: int, nbytes: int) -> str:
    folder = gen / "exact" / name
    folder.mkdir(parents=True)
    (folder / "segment.json").write_text(json.dumps({"base": base, "size": size}))
    (folder / "text.utf8").write_bytes(b"x" * nbytes)
    return f"exact/{name}"


def test_plan_merges_small_neighbours_while_they_fit(tmp_path, monkeypatch):
    monkeypatch.setattr(merging, "MERGED_BYTES", 100)
    names = [_segment(tmp_path, "a", 0, 10, 30), _segment(tmp_path, "b", 10, 10, 30), _segment(tmp_path, "c", 20, 5, 30),
             _segment(tmp_path, "d", 25, 5, 30),  # a fourth would pass 100 bytes
             _segment(tmp_path, "e", 30, 5, 70),  # over half of it: stays alone
             _segment(tmp_path, "f", 35, 5, 10),
             _segment(tmp_path, "g", 50, 5, 10)]  # sids 40..49 are in no segment: not joined to f
    assert merging.plan(tmp_path, names) == [["exact/a", "exact/b", "exact/c"], ["exact/d"], ["exact/e"], ["exact/f"],
                                             ["exact/g"]]


def test_merge_neighbours_replaces_a_group_by_one_folder(tmp_path, monkeypatch):
    """Built through a real index: three runs, then the three segments merged by hand."""
    monkeypatch.setattr(merging, "MERGED_BYTES", 0)
    root = tmp_path / "index"
    for folder in (SEEDS, GOV, ALT):
        reindex(root, [folder], progress=False)
    gen = require_current(root)
    names = json.loads((gen / "manifest.json").read_text())["segments"]
    monkeypatch.setattr(merging, "MERGED_BYTES", 1 << 30)
    out = merging.merge_neighbours(gen, names)
    assert len(out) == 1 and out[0] not in names
    assert not any((gen / n).exists() for n in names) and (gen / out[0] / "segment.json").exists()
