"""The exact index's answers (ExactSegment.candidates for a string that is its own gram, occurrences for
any other): a section is found if and only if its heading (or body) holds the string, wherever it sits,
also at the edges of the text and of a segment, never across the break between a heading and its body
or between two sections; a Latin word or a number only where it is whole."""

from __future__ import annotations

import re

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
    if request.param == "loaded":  # the text read with pread, the arrays too
        seg.save(tmp_path / "seg")
        seg = ExactSegment.load(tmp_path / "seg")
    return seg


@pytest.mark.parametrize("term", TERMS)
def test_exactly_the_sections_holding_the_term(segment, term):
    if len(term) > 2:
        head, body, tf = segment.occurrences(term)
    else:  # a bigram's (a character's) postings are exact
        c = segment.candidates(term)
        head, body, tf = c.head, c.body, c.body_tf
    assert body.tolist() == [i for i, b in enumerate(BODIES) if term in b]
    assert tf.tolist() == [_count(BODIES[i], term) for i in body.tolist()]
    assert head.tolist() == [i for i, h in enumerate(HEADINGS) if term in h]


def test_an_empty_segment(tmp_path):
    empty = ExactSegment.build(0, [""], [""])
    empty.save(tmp_path / "empty")
    loaded = ExactSegment.load(tmp_path / "empty")
    for seg in (empty, loaded):
        assert [a.tolist() for a in seg.occurrences("防溺水")] == [[], [], []]
        assert [a.tolist() for a in seg.occurrences("2020年")] == [[], [], []]


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
       st.sampled_from(["2020年", "2020", "edu", "5000元", "é", "ж", "covid", "a", "7", "年2020", "aa", "ωж"]),
       st.booleans())
def test_a_latin_or_digit_term_is_found_where_its_whole_word_pattern_finds_it(bodies, term, prefix):
    """2020年 is not inside 12020年, edu not inside education: the sections found, and each body's count,
    are what term_pattern finds there, whatever sits beside each occurrence (a two-byte letter, the
    text's edge, the heading before the body)."""
    pattern = term_pattern(term, prefix) or re.compile(re.escape(term))  # 年2020*: no boundary at all
    every = re.compile(f"(?={pattern.pattern})")  # overlapping occurrences too (aa in aaa)
    seg = ExactSegment.build(0, ["标题1" if k % 2 else "" for k in range(len(bodies))], bodies)
    head, body, tf = seg.occurrences(term, prefix)
    want = [i for i, b in enumerate(bodies) if pattern.search(b)]
    assert body.tolist() == want
    assert tf.tolist() == [len(every.findall(bodies[i])) for i in want]
    assert head.tolist() == ([i for i in range(len(bodies)) if i % 2 and pattern.search("标题1")])


@pytest.mark.parametrize(("term", "body", "whole"), [
    ("edu", "edu", True), ("edu", "edué", False), ("edu", "éedu", False), ("edu", "eduж", False),
    ("edu", "ωedu", False), ("edu", "edu教育", True), ("edu", "教育edu", True), ("edu", "educationedu", False),
    ("edu", "education edu", True), ("2020年", "12020年", False), ("2020年", "2020年12020年", True),
    ("2020", "2020年", True), ("2020", "20201", False), ("é", "éa", False), ("é", "é1", True),
    ("edu", "eduɏ", False), ("edu", "eduɐ", True), ("edu", "edu{", True), ("edu", "`edu", True),
])
def test_a_whole_word_is_told_by_the_characters_beside_it(tmp_path, term, body, whole):
    """The edges of the letter class's ranges (ɏ U+024F is in it, ɐ U+0250 is not; { and ` beside a-z)."""
    seg = ExactSegment.build(0, ["标题"], [body])
    seg.save(tmp_path / "seg")
    for s in (seg, ExactSegment.load(tmp_path / "seg")):
        assert s.occurrences(term)[1].tolist() == ([0] if whole else [])
