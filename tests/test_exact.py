"""Verification of candidates in the exact index (ExactSegment.verify): a section is kept if and only
if its heading (or body) holds the string, wherever it sits, also at the edges of the text and of a
segment, never across the break between a heading and its body or between two sections."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.store.exact import ExactSegment
from indexer.text.wholeword import term_pattern

HEADINGS = ["防溺水", "", "一、安全教育", "溺水", "安全", "", "防溺", "末节"]
BODIES = ["防溺水教育从家长做起防溺水", "水防溺", "教育防溺水", "", "防", "溺水安全教育防溺", "水", ""]
TERMS = ["防溺水", "溺水", "防溺", "安全教育", "水防", "教育防溺水", "节", "末节", "育防", "全教", "x防溺水"]


@pytest.fixture(params=["built", "loaded"])
def segment(request, tmp_path):
    seg = ExactSegment.build(0, HEADINGS, BODIES)
    if request.param == "loaded":  # the text read through a memory map, the arrays with pread
        seg.save(tmp_path / "seg")
        seg = ExactSegment.load(tmp_path / "seg")
    return seg


@pytest.mark.parametrize("term", TERMS)
def test_verify_keeps_exactly_the_sections_holding_the_term(segment, term):
    found = segment.candidates(term)
    every = np.arange(segment.size, dtype=np.uint32)  # longer strings: every section a candidate, whatever its grams
    body, head = (every, every) if len(term) > 2 else (found.body, found.head)  # a bigram's postings are exact
    assert segment.verify(body, term, None, heading=False).tolist() == [i for i, b in enumerate(BODIES) if term in b]
    assert segment.verify(head, term, None, heading=True).tolist() == [i for i, h in enumerate(HEADINGS) if term in h]


def test_verify_of_no_candidates_and_of_an_empty_segment(tmp_path):
    seg = ExactSegment.build(0, HEADINGS, BODIES)
    assert seg.verify(np.zeros(0, dtype=np.uint32), "防溺水", None, heading=False).tolist() == []
    empty = ExactSegment.build(0, [""], [""])
    empty.save(tmp_path / "empty")
    loaded = ExactSegment.load(tmp_path / "empty")
    assert loaded.verify(np.array([0], dtype=np.uint32), "防溺水", None, heading=False).tolist() == []


FILL_HEADINGS = ["防溺水", "防𠀀水 防溺", "", "溺水防", "防防溺水水"]
FILL_BODIES = ["防溺水防汛水防溺水", "防𠀀水防溺水防𠀀", "防", "水防溺水防", "防溺防溺溺水"]


@pytest.mark.parametrize("before, after", [("防", "水"), ("防", ""), ("", "水"), ("防溺", ""), ("", "溺水")])
@pytest.mark.parametrize("heading", [True, False])
def test_filled_counts_each_variant_as_a_scan_for_it_would(tmp_path, before, after, heading):
    """One scan for every character between two fixed parts (a 4-byte character among them, a part
    at the edge of the text, overlapping occurrences) counts what str.count finds for each string."""
    seg = ExactSegment.build(0, FILL_HEADINGS, FILL_BODIES)
    seg.save(tmp_path / "seg")
    seg = ExactSegment.load(tmp_path / "seg")
    chars = ["溺", "𠀀", "汛", "防", "水", "无"]
    every = np.arange(seg.size, dtype=np.uint32)
    found = seg.filled(every, heading, before, after, chars)
    texts = FILL_HEADINGS if heading else FILL_BODIES
    for c in chars:
        want = [(k, _count(t, before + c + after)) for k, t in enumerate(texts) if before + c + after in t]
        sections, counts = found[c]
        assert list(zip(sections.tolist(), counts.tolist(), strict=True)) == want, c


def _count(text: str, s: str) -> int:
    """Occurrences, overlapping ones too."""
    return sum(text.startswith(s, i) for i in range(len(text)))


_WORDY = ["2020年", "12020年", "2020", "5000元", "edu", "education", "é", "ж", "ω", "a", "x", "7", "年", "教育",
          "covid19", "\ud800", "。", " "]  # letters of one and two bytes, digits, Han, a lone surrogate, stops


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDY), max_size=8).map("".join), min_size=1, max_size=12),
       st.sampled_from(["2020年", "2020", "edu", "5000元", "é", "ж", "covid", "a", "7", "年2020"]),
       st.booleans())
def test_verify_of_a_latin_or_digit_term_keeps_the_sections_its_whole_word_pattern_finds(bodies, term, prefix):
    """2020年 is not inside 12020年, edu not inside education: the sections kept are exactly those where
    term_pattern finds it, whatever sits beside the first occurrence (a two-byte letter, the text's edge,
    another occurrence further on that is whole)."""
    pattern = term_pattern(term, prefix)
    seg = ExactSegment.build(0, [""] * len(bodies), bodies)
    every = np.arange(seg.size, dtype=np.uint32)
    holds = (lambda b: term in b) if pattern is None else (lambda b: pattern.search(b) is not None)  # 年2020…
    assert seg.verify(every, term, pattern, heading=False).tolist() == [i for i, b in enumerate(bodies) if holds(b)]


@pytest.mark.parametrize(("term", "body", "whole"), [
    ("edu", "edu", True), ("edu", "edué", False), ("edu", "éedu", False), ("edu", "eduж", False),
    ("edu", "ωedu", False), ("edu", "edu教育", True), ("edu", "教育edu", True), ("edu", "educationedu", False),
    ("edu", "education edu", True), ("2020年", "12020年", False), ("2020年", "2020年12020年", True),
    ("2020", "2020年", True), ("2020", "20201", False), ("é", "éa", False), ("é", "é1", True),
])
def test_a_whole_word_is_told_by_the_characters_of_one_or_two_bytes_beside_it(term, body, whole):
    seg = ExactSegment.build(0, ["标题"], [body])
    assert seg.verify(np.array([0], dtype=np.uint32), term, term_pattern(term), heading=False).tolist() == (
        [0] if whole else [])
