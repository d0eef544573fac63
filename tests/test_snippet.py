"""Unit tests of indexer.search.snippet: marks on exactly the matched characters, windows, escaping.

The expected marks come from str.find on the folded text plus the whole-word rule written out in
helpers.continues_word, not from the code under test.
"""

from __future__ import annotations

import html
import re

import pytest
from helpers import continues_word
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.snippet import MAX_MATCHES, MAX_WINDOWS, WIDTH, Needle, find_spans, mark, snippet
from indexer.text.normalize import fold_text

_MARKED = re.compile(r"<mark>(.*?)</mark>")


def marked_ranges(out: str) -> tuple[str, list[tuple[int, int]]]:
    """The plain text of snippet HTML and the ranges of it inside <mark>."""
    plain, ranges, pos = [], [], 0
    for k, piece in enumerate(_MARKED.split(out)):
        assert "<" not in piece and ">" not in piece  # everything outside the marks is escaped
        piece = html.unescape(piece)
        if k % 2:
            ranges.append((pos, pos + len(piece)))
        plain.append(piece)
        pos += len(piece)
    return "".join(plain), ranges


def occurrences(text: str, term: str, prefix: bool = False) -> list[tuple[int, int]]:
    """Where the folded term stands in the folded text, as a reader would count whole words."""
    folded = fold_text(text)
    assert len(folded) == len(text)  # these tests use text whose folding keeps every offset
    found, i = [], folded.find(term)
    while i >= 0:
        j = i + len(term)
        before, after = folded[i - 1:i], folded[j:j + 1]
        if not continues_word(before, term[0]) and (prefix or not continues_word(term[-1], after)):
            found.append((i, j))
        i = folded.find(term, i + 1)
    return found


@pytest.mark.parametrize(("text", "term"), [
    ("早在２００８年，全县就启动了学前教育三年行动计划；2008年底全部完成。", "2008年"),
    ("學校開展教育活動，教育質量明顯提高。", "教育"),
    ("學校開展教育活動，教育質量明顯提高。", "质量"),
    ("education and edu, EDU-net, edu2024 and Edu.", "edu"),
    ("2008 and 120085 and 2008m2 and 20080", "2008"),
    ("全县covid19防控，COVID防控，covidtest不算。", "covid"),
    ("在校生5000人，校舍5000m2，图书50000册。", "5000"),
])
def test_marks_are_exactly_the_occurrences_of_the_folded_term(text, term):
    plain, ranges = marked_ranges(snippet(text, [Needle(term)]))
    assert plain == text
    assert ranges == occurrences(text, term)
    assert ranges  # each example has something to mark


def test_full_width_digits_are_marked_for_an_ascii_query():
    out = snippet("早在２００８年，全县启动行动计划。", [Needle("2008年")])
    assert "<mark>２００８年</mark>" in out
    assert out.count("<mark>") == 1


def test_a_prefix_term_marks_the_start_of_longer_words():
    text = "education and edu, EDU-net."
    _, ranges = marked_ranges(snippet(text, [Needle("edu", prefix=True)]))
    assert ranges == occurrences(text, "edu", prefix=True) == [(0, 3), (14, 17), (19, 22)]


def test_a_match_across_a_space_between_chinese_characters_marks_the_space_too():
    text = "开展防 溺水安全教育"
    assert find_spans(text, [Needle("防溺水")]) == [(2, 6)]
    assert "<mark>防 溺水</mark>" in snippet(text, [Needle("防溺水")])


def test_overlapping_occurrences_of_several_terms_are_one_mark():
    assert find_spans("教育教育学", [Needle("教育"), Needle("育教")]) == [(0, 4)]
    assert snippet("教育教育学", [Needle("教育"), Needle("育教")]) == "<mark>教育教育</mark>学"


def test_text_and_marks_are_escaped():
    text = "<script>alert(1)</script> 教育 & <b>教育</b>"
    out = snippet(text, [Needle("教育")])
    assert "<script" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out and "&amp;" in out
    assert out.count("<mark>教育</mark>") == 2
    assert mark("a<b", [(1, 2)]) == "a<mark>&lt;</mark>b"


def test_mark_cuts_spans_at_the_window():
    assert mark("0123456789", [(2, 4), (6, 8)], 3, 7) == "<mark>3</mark>45<mark>6</mark>"
    assert mark("0123456789", [(0, 2)], 3, 7) == "3456"
    assert mark("0123456789", []) == "0123456789"


def test_without_a_match_the_snippet_is_the_start_of_the_text():
    assert snippet("短文本。", [Needle("教育")]) == "短文本。"
    long = "学" * (WIDTH + 10)
    assert snippet(long, [Needle("教育")]) == "学" * WIDTH + "…"
    assert snippet("a<b", []) == "a&lt;b"


def test_lines_are_joined_by_spaces():
    assert snippet("第一行\n第二行教育", [Needle("教育")]) == "第一行 第二行<mark>教育</mark>"


def test_far_apart_occurrences_get_windows_of_their_own_joined_by_ellipses():
    text = "甲" * 300 + "教育" + "乙" * 300 + "教育" + "丙" * 300
    out = snippet(text, [Needle("教育")])
    assert out.startswith("…") and out.endswith("…")
    windows = out.strip("…").split("…")
    assert len(windows) == 2
    for w in windows:
        plain, ranges = marked_ranges(w)
        assert plain in text  # each window is a piece of the text
        assert [plain[a:b] for a, b in ranges] == ["教育"]
    assert len(out) < WIDTH * 2


def test_the_densest_stretch_is_in_one_window():
    cluster = "推进教育公平，办好人民满意的教育，教育强国。"
    text = "开头提到教育。" + "乙" * 400 + cluster + "丙" * 400
    out = snippet(text, [Needle("教育")])
    assert cluster.replace("教育", "<mark>教育</mark>") in out
    assert out.count("…") <= MAX_WINDOWS + 1  # at most MAX_WINDOWS windows: a leading …, separators, a trailing …


def test_at_most_max_windows_windows():
    text = "乙" * 200 + ("教育" + "乙" * 200) * (MAX_WINDOWS + 3)
    out = snippet(text, [Needle("教育")])
    assert len(out.strip("…").split("…")) == MAX_WINDOWS


def test_find_spans_counts_at_most_max_matches_per_term():
    assert len(find_spans("教育，" * (MAX_MATCHES + 20), [Needle("教育")])) == MAX_MATCHES


def test_nothing_to_find():
    assert find_spans("", [Needle("教育")]) == []
    assert find_spans("教育", []) == []


# --- windows never cut a Latin word or a number -------------------------------------------------

_WORDCHAR = re.compile(r"[0-9A-Za-z]")


def _in_word(text: str, i: int) -> bool:
    """A letter or digit, or . , : / _ - @ % ' between two of them (4.2, 1,850, www.moe.gov.cn): written
    out here apart from the code under test."""
    if _WORDCHAR.match(text[i]):
        return True
    return (text[i] in ".,:/_-@%'" and 0 < i < len(text) - 1 and bool(_WORDCHAR.match(text[i - 1]))
            and bool(_WORDCHAR.match(text[i + 1])))


def cut_words(text: str, out: str) -> list[str]:
    """The words a snippet's windows cut at their ends, as text around each cut."""
    plain, _ = marked_ranges(out)
    cuts = []
    for piece in plain.split("…"):
        if not piece:
            continue
        a = text.find(piece)
        assert a >= 0, piece  # each window is a piece of the text
        for i in (a, a + len(piece)):
            if 0 < i < len(text) and _in_word(text, i - 1) and _in_word(text, i):
                cuts.append(text[max(0, i - 8):i] + "‸" + text[i:i + 8])
    return cuts


def test_a_window_does_not_start_inside_a_latin_word():
    # the window starts about 40 characters before the occurrence: inside HYPERLINK here
    text = "甲" * 100 + ' HYPERLINK("http://www.moe.gov.cn/") 的说明' + "乙" * 2 + "防溺水" + "丙" * 300
    out = snippet(text, [Needle("防溺水")])
    assert cut_words(text, out) == [] and "ERLINK" not in out.split("HYPERLINK")[0]
    assert out.startswith("…")


def test_a_window_does_not_cut_a_number():
    text = "甲" * 80 + "发放致家长一封信4.2万份，" + "乙" * 27 + "防溺水" + "丙" * 200 + "共计1,850人次" + "丁" * 200
    out = snippet(text, [Needle("防溺水")])
    assert cut_words(text, out) == []
    assert "…2万" not in out and "…8" not in out


@pytest.mark.parametrize("seed", range(40))
def test_no_window_ends_inside_a_word_on_random_text(seed):
    import random

    rnd = random.Random(seed)
    tokens = ["教育", "学校", "防溺水", "，", "。", " ", "HYPERLINK", "covid19", "PM2.5", "4.2万", "1,850", "98.6%",
              "http://www.moe.gov.cn/jyb_xxgk/s5743/index.html", "2023年", "Education", "ab" * 20]
    text = "".join(rnd.choice(tokens) for _ in range(rnd.randint(50, 400)))
    out = snippet(text, [Needle("防溺水")])
    assert cut_words(text, out) == []
    plain, ranges = marked_ranges(out)
    assert all(plain[a:b] == "防溺水" for a, b in ranges)  # the marks are as before
    without = snippet(text, [])  # no occurrence: the start of the text, not cut either
    assert cut_words(text, without) == []


def test_an_occurrence_inside_a_word_keeps_its_word():
    text = "乙" * 200 + "大气中PM2.5浓度" + "丙" * 300
    out = snippet(text, [Needle("2.5")])
    assert "<mark>2.5</mark>" in out and cut_words(text, out) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), unique=True), st.integers(min_value=0, max_value=40),
       st.integers(min_value=0, max_value=40))
def test_mark_of_a_window_marks_the_spans_inside_it(cuts, start, length):
    """mark finds the spans inside [start, end) by bisection: as marking every span that overlaps it,
    cut to it, everything else escaped."""
    text = "".join("<&防溺水>教育"[i % 8] for i in range(40))
    cuts = sorted(cuts)
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False)]  # ascending and apart
    end = min(start + length, len(text))
    out, pos = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        a, b = max(a, start), min(b, end)
        out += [html.escape(text[pos:a]), "<mark>" + html.escape(text[a:b]) + "</mark>"]
        pos = b
    assert mark(text, spans, start, end) == "".join(out) + html.escape(text[pos:end])
