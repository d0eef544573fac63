"""The exact index's term dictionary (store/grams.py) against the segments' own gram tables."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.store.exact import _CHAR_BITS, ExactSegment, gram_keys
from indexer.store.grams import GramDictionary

TEXTS = [["防溺水", "安全教育"], ["溺水事故", "防溺水教育"], ["校车安全", "安全"], ["", "防火"]]


@pytest.fixture
def segments():
    out, base = [], 0
    for headings_bodies in TEXTS:
        seg = ExactSegment.build(base, [headings_bodies[0]], [headings_bodies[1]])
        base += seg.size
        out.append(seg)
    return out


def brute(segments) -> dict[int, tuple[int, set[int]]]:
    """gram → (postings in all tables of all segments, segments holding it)."""
    out: dict[int, tuple[int, set[int]]] = {}
    for s, seg in enumerate(segments):
        for keys, ptr in ((seg.body_keys, seg.body_ptr), (seg.head_keys, seg.head_ptr)):
            for k, n in zip(np.asarray(keys).tolist(), np.diff(np.asarray(ptr)).tolist(), strict=True):
                total, where = out.get(k, (0, set()))
                out[k] = (total + n, where | {s})
    return out


def test_every_gram_its_postings_and_segments(segments):
    g, want = GramDictionary.of(segments), brute(segments)
    assert g.keys.tolist() == sorted(want)
    assert g.count(g.keys).tolist() == [want[k][0] for k in sorted(want)]
    for k in sorted(want):
        assert g.segments_holding([k]) == sorted(want[k][1]), chr(k) if k < 1 << _CHAR_BITS else k
    assert g.count(np.array(gram_keys("没有"), dtype=np.uint64)).tolist() == [0]


@pytest.mark.parametrize("term, where", [("防溺水", [0, 1]), ("安全", [0, 2]), ("溺水事", [1]), ("防火", [3]),
                                         ("火灾", []), ("安全教育", [0])])
def test_a_string_is_looked_up_only_where_all_its_grams_are(segments, term, where):
    assert GramDictionary.of(segments).segments_holding(gram_keys(term)) == where


def test_characters_around_one(segments):
    g = GramDictionary.of(segments)
    chars, n = g.following("溺")
    assert [chr(c) for c in chars.tolist()] == ["水"] and n.tolist() == [3]  # 溺水 in 0's heading, 1's heading and body
    chars, n = g.preceding("全")
    assert [chr(c) for c in chars.tolist()] == ["安"] and n.tolist() == [3]
    chars, n = g.following("防")
    assert [chr(c) for c in chars.tolist()] == ["溺", "火"]  # in code point order


def test_more_than_sixty_four_segments_are_told_apart():
    segments, base = [], 0
    for i in range(70):
        seg = ExactSegment.build(base, [""], ["公共" if i in (0, 63, 64, 69) else "其他"])
        base += seg.size
        segments.append(seg)
    assert GramDictionary.of(segments).segments_holding(gram_keys("公共")) == [0, 63, 64, 69]


def test_an_empty_index():
    g = GramDictionary.of([])
    assert g.segments_holding(gram_keys("教育")) == [] and g.following("教")[0].tolist() == []


def test_matching_through_the_dictionary_finds_what_every_segment_finds(tmp_path, monkeypatch):
    """Three segments (one source folder added at a time): strings some segments lack entirely are
    looked up only where the dictionary says they can be, with the same answer as everywhere."""
    from helpers import ALT, GOV, SEEDS

    from indexer.search.engine import find
    from indexer.store import merging
    from indexer.store.build import reindex
    from indexer.store.generations import require_current
    from indexer.store.reader import IndexReader

    monkeypatch.setattr(merging, "MERGED_BYTES", 0)  # one segment per run, as a larger collection has
    root = tmp_path / "index"
    for folder in (SEEDS, GOV, ALT):
        reindex(root, [folder], progress=False)
    everywhere, asked = IndexReader(require_current(root)), IndexReader(require_current(root))
    everywhere.grams_from, asked.grams_from = 1000, 1
    assert len(asked.segments) == 3
    skipped = 0
    for q in ["防溺水", "义务教育", "白石县", "学校 安全", "营养午餐 OR 食堂供餐", '"学前教育 普惠"', "2008年", "没有这个词",
              "防弱水", "教育 -农村", "title:工作总结 安全"]:
        a, b = find(everywhere, q), find(asked, q)
        assert (a.sids.tolist(), a.facets, a.suggestions, a.notices) == (b.sids.tolist(), b.facets, b.suggestions,
                                                                        b.notices), q
        skipped += 3 - len(asked.segments_holding(gram_keys(q.split()[0].strip('"'))))
    assert skipped > 0  # some strings were not looked up in every segment
