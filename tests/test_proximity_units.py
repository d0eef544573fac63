"""Unit tests of proximity.py and of what marks and counts are made of (snippet, mentions, the report page's
Markdown): sentences and paragraphs, distances, line ends in folded text, marks on satisfying occurrences only."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search import proximity
from indexer.search.mentions import mention_needles
from indexer.search.occurrences import Occurrence, occurrences_in
from indexer.search.parser import parse_query
from indexer.search.report import mark_html
from indexer.search.snippet import Needle, find_spans, query_marks, snippet
from indexer.text.normalize import fold, fold_text


def near(q: str):
    return parse_query(q).root


def satisfied(q: str, text: str) -> list[str]:
    """The satisfying occurrences of a one-condition query in a text as written, as the strings marked there."""
    return [text[a:b] for a, b, _t in proximity.spans_in(near(q), text)]


@pytest.mark.parametrize(("text", "bounds"), [
    ("家长会。防溺水！家长", [4, 8]),
    ("家长;防溺水?家长", [3, 7]),
    ("一句话没有结束", []),
    ("句末。", [3]),
])
def test_sentences_end_after_their_mark(text, bounds):
    assert proximity.unit_bounds(fold_text(text), [], "sentence") == bounds


def test_line_ends_bound_paragraphs_and_sentences():
    assert proximity.unit_bounds("甲乙。丙丁", [4], "paragraph") == [4]
    assert proximity.unit_bounds("甲乙。丙丁", [4], "sentence") == [3, 4]


@pytest.mark.parametrize(("q", "text", "marked"), [
    ("防溺水 /句 家长", "家长会上讲防溺水。防溺水很重要。", ["家长", "防溺水"]),
    ("防溺水 /句 家长", "家长会上讲防溺水；防溺水很重要。", ["家长", "防溺水"]),  # ； ends a sentence
    ("防溺水 /句 家长", "家长会上讲防溺水，防溺水很重要。", ["家长", "防溺水", "防溺水"]),
    ("防溺水 /句 家长", "家长会上讲\n防溺水，防溺水很重要。", []),  # a line end ends a sentence
    ("防溺水 /段 家长", "家长会上讲\n防溺水。家长签字。", ["防溺水", "家长"]),
    ("防溺水 /段 家长", "家长会上讲防\n溺水。", []),  # wrapped over two lines: in neither paragraph
    ("防溺水 /句 家长 /句 暑假", "暑假里家长要防溺水。暑假里家长休息。", ["暑假", "家长", "防溺水"]),
    ("(防溺水 OR 溺水) /句 家长", "严防溺水，家长监护。溺水事故。", ["防溺水", "溺水", "家长"]),  # each string's own
    ("防溺水 /句 家长", "家長會上講防溺水。", ["家長", "防溺水"]),  # traditional characters, marked as written
    ("防溺水 /句 家长", "家长会上讲防溺水！", ["家长", "防溺水"]),  # ！ ends the sentence after both
])
def test_unit_conditions_mark_what_shares_a_unit(q, text, marked):
    assert satisfied(q, text) == marked


@pytest.mark.parametrize(("n", "text", "marked"), [
    (0, "家长防溺水", ["家长", "防溺水"]),  # touching: nothing between
    (0, "家长，防溺水", []),
    (1, "家长，防溺水", ["家长", "防溺水"]),
    (1, "防溺水，家长", ["防溺水", "家长"]),  # either order
    (3, "家长 要 防溺水", ["家长", "防溺水"]),  # spaces between Chinese characters count as nothing
    (2, "家长\n说\n防溺水", ["家长", "防溺水"]),  # nor do line ends
    (5, "家长一二三四五六防溺水 家长", ["防溺水", "家长"]),
])
def test_a_distance_is_the_characters_between(n, text, marked):
    assert satisfied(f"家长 /{n} 防溺水", text) == marked


def test_overlapping_occurrences_are_at_distance_zero():
    assert satisfied("防溺水 /0 溺水", "严防溺水") == ["防溺水", "溺水"]


def test_latin_words_stay_whole_in_a_condition():
    assert satisfied("covid /句 19", "covidtest 190 不算。covid 19 算。") == ["covid", "19"]
    assert satisfied("pm2.5 /句 监测", "pm2.55 监测。") == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "1", "防", "溺水", " ", "\u3000", "\n", "\n\n", "。", "…", "\u200b", "Ａ", "㎡",
                                 "\t", " \n ", "學", "x y"]), max_size=30))
def test_line_ends_found_without_folding_again_are_those_folding_gives(pieces):
    text = "".join(pieces)
    f = fold(text)
    assert proximity.breaks_of(text, f.text) == proximity.line_breaks(f, text)


def test_line_breaks_are_where_the_next_line_starts_in_folded_text():
    f = fold("ab\ncd\n\n防 溺水\n")
    assert f.text == "ab cd防溺水"
    assert proximity.line_breaks(f, "ab\ncd\n\n防 溺水\n") == [3, 5, 5, 8]


def test_snippets_mark_only_satisfying_occurrences_and_show_them_first():
    text = "家长" + "。" * 300 + "家长会上讲防溺水。" + "防溺水" * 3
    marks = query_marks(parse_query("防溺水 /句 家长"))
    out = snippet(text, marks)
    assert re.findall(r"<mark>(.*?)</mark>", out) == ["家长", "防溺水"]
    with_free = snippet("防溺水" * 40 + "。" * 200 + "家长会上讲防溺水。", query_marks(parse_query("防溺水 /句 家长 防溺水")))
    assert with_free.startswith("…") and with_free.index("<mark>家长</mark>会上讲<mark>防溺水</mark>") < with_free.index(
        "<mark>防溺水</mark><mark>防溺水</mark>")  # the condition's place first, the string's other places after it


def test_find_spans_takes_a_condition_in_one_field():
    marks = query_marks(parse_query("防溺水 /段 家长"))
    assert find_spans("家长\n防溺水", marks) == []
    assert find_spans("家长说防溺水", marks) == [(0, 2), (3, 6)]


def test_occurrences_are_part_by_part_each_keeping_its_place_among_the_strings_occurrences():
    """The concordance's occurrences: where the condition holds, each with its ordinal among all of
    its string's occurrences in that part (the report page's link counts every occurrence)."""
    needles = mention_needles(parse_query("防溺水 /句 家长 title:简报"))
    assert [(n.text, bool(n.near)) for n in needles] == [("防溺水", True), ("家长", True), ("简报", False)]
    found = occurrences_in("防溺水简报", "一、家长与防溺水", "家长。\n請家長防　溺水。", needles)
    assert found == [Occurrence("title", 3, 5, 2, 0),
                     Occurrence("heading", 2, 4, 1, 0), Occurrence("heading", 5, 8, 0, 0),
                     Occurrence("body", 5, 7, 1, 1), Occurrence("body", 7, 11, 0, 0)]


def test_a_string_both_free_and_in_a_condition_counts_everywhere_once():
    needles = mention_needles(parse_query("防溺水 /句 家长 防溺水"))
    assert [(n.text, bool(n.near)) for n in needles] == [("防溺水", False), ("家长", True)]
    found = occurrences_in(None, "", "防溺水。家长说防溺水。家长。", needles)
    assert [(needles[o.needle].text, o.ordinal) for o in found] == [("防溺水", 0), ("家长", 0), ("防溺水", 1)]


def test_markdown_marks_follow_the_lines_of_the_text_the_section_was_matched_on():
    marks = query_marks(parse_query("防溺水 /段 家长"))
    markup = "<p>家长会上讲<strong>防溺水</strong></p>"
    assert mark_html(markup, marks, "家长会上讲\n防溺水") == (markup, 0)  # two paragraphs in the text: no marks
    assert mark_html(markup, marks, "家长会上讲防溺水") == (
        "<p><mark>家长</mark>会上讲<strong><mark>防溺水</mark></strong></p>", 2)
    split = "<p>家长会上讲</p>\n<p>防溺水，家长</p>"
    assert mark_html(split, marks, "家长会上讲防溺水，家长")[1] == 3  # k-th occurrence in one is k-th in the other
    assert mark_html(split, marks, "家长会上讲防溺水")[1] == 2  # counts differ: decided on the HTML's own lines


def test_needles_alone_mark_as_before():
    assert find_spans("家长\n防溺水", [Needle("防溺水"), Needle("家长")]) == [(0, 2), (3, 6)]


def test_verification_stops_where_it_is_told_and_says_how_far_it_got(reader):
    from indexer.search.matching import matching_sections

    sids = np.repeat(matching_sections(reader, "安全 教育"), 20)
    assert len(sids) > 2 * proximity.CHECK_EVERY
    looks = iter([False, True])
    keep, checked = proximity.verify(reader, near("安全 /句 教育"), sids, lambda: next(looks))
    assert checked == proximity.CHECK_EVERY and not keep[checked:].any()
    whole, all_checked = proximity.verify(reader, near("安全 /句 教育"), sids)
    assert all_checked == len(sids) and (keep[:checked] == whole[:checked]).all() and whole[checked:].any()
    assert set(sids[whole].tolist()) == set(matching_sections(reader, "安全 /句 教育").tolist())


def test_a_snippet_of_table_rows_marks_the_row_where_the_condition_holds():
    """Rows are joined into one line for a snippet (one_line); the condition is decided on the text's
    lines, each row one paragraph, and its marks land on the same characters of the joined line."""
    from indexer.search.snippet import one_line

    text = "如下：\n| 项目 | 家长 |\n| 防溺水 | 家长会 |\n其余防溺水"
    out = snippet(text, query_marks(parse_query("防溺水 /段 家长")))
    plain = re.sub(r"</?mark>", "", out)
    assert plain == one_line(text)
    marked = [(m.start() - 13 * k, m.group(1)) for k, m in enumerate(re.finditer(r"<mark>(.*?)</mark>", out))]
    row = plain.index("防溺水 | 家长会")
    assert marked == [(row, "防溺水"), (row + 6, "家长")]
