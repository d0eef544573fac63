"""Matching form: NFKC + casefold, whitespace next to CJK dropped, with a way back."""

from __future__ import annotations

from helpers import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.text import normalize
from indexer.text.normalize import fold, fold_text


def test_full_width_and_case_fold():
    assert fold_text("２００８年ＧＤＰ增长") == "2008年gdp增长"
    assert fold_text("（一）") == "(一)"


def test_whitespace_between_chinese_is_dropped_latin_kept():
    assert fold_text("防　溺\n水") == "防溺水"
    assert fold_text("COVID   19\n疫情") == "covid 19疫情"


def test_every_folded_char_maps_back_to_its_original():
    text = (FIXTURES / "reports-alt" / "2009政府工作报告_吴晓明.txt").read_text(encoding="utf-8")[:5000]
    f = fold(text)
    for i, ch in enumerate(f.text):
        a, b = f.orig_span(i, i + 1)
        assert ch in fold_text(text[a:b]) or (ch == " " and text[a:b].isspace())
    i = f.text.index("2008年")
    a, b = f.orig_span(i, i + 5)
    assert text[a:b] == "２００８年"


def test_expanding_characters_map_to_whole_original():
    f = fold("等等…还有")
    i = f.text.index("...")
    assert f.orig_span(i, i + 3) == (2, 3)


def test_traditional_folds_to_simplified_one_character_each():
    text = "我國的學校敎育和衞生事業"
    f = fold(text)
    assert f.text == "我国的学校教育和卫生事业"
    assert len(f.text) == len(text)
    i = f.text.index("学校教育")
    assert text[slice(*f.orig_span(i, i + 4))] == "學校敎育"


def test_simplified_text_is_left_as_it_is():
    text = (FIXTURES / "reports-alt" / "2009政府工作报告_吴晓明.txt").read_text(encoding="utf-8")
    changed = {ch for ch in set(text) if "\u4e00" <= ch <= "\u9fff" and fold_text(ch) != ch}
    assert not changed, changed


def test_invisible_characters_inside_a_word_do_not_hide_it(tmp_path):
    """Web pages carry zero-width spaces, soft hyphens and BOMs inside words: the reader sees
    防溺水, so search must find it and mark it whole."""
    from indexer.search.engine import search
    from indexer.search.report import get_report
    from indexer.store.build import reindex
    from indexer.store.reader import Library

    for invisible in ("\u200b", "\u00ad", "\ufeff", "\u2060", "\u200d"):
        assert fold_text(f"防{invisible}溺水") == "防溺水"
    text = "全年开展防\u200b溺水专项教育和安\u00ad全教育。"
    f = fold(text)
    i = f.text.index("防溺水")
    assert text[slice(*f.orig_span(i, i + 3))] == "防\u200b溺水"
    src = tmp_path / "src"
    src.mkdir()
    (src / "web.txt").write_text(f"2022年青山县教育局工作总结\n一、校园安全\n{text}\n", encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    rd = Library(tmp_path / "ix").reader()
    for q in ("防溺水", "安全教育"):
        (hit,) = search(rd, q).hits
        assert hit.section_id == "s1"
    body = get_report(rd, "web.txt", "防溺水").sections[-1].body_html
    assert "<mark>防\u200b溺水</mark>" in body


_PIECES = ["防溺水", "學校", "ＧＤＰ", "COVID", "19", " ", "  ", "\n", "\u3000", "\t", "…", "㎡", "\u200b", "ﬁ", "。", "a", "Ⅻ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_fold_at_once_is_fold_run_by_run(pieces):
    """fold translates a text in one call when no character of it folds to more or fewer than one, else
    run by run (_fold_each): the folded text and every way back are the same either way."""
    text = "".join(pieces)
    want, got = normalize._fold_each(text), fold(text)
    assert got.text == want.text
    assert [got.orig_span(i, j) for i in range(len(got.text)) for j in range(i + 1, len(got.text) + 1)] == \
        [want.orig_span(i, j) for i in range(len(want.text)) for j in range(i + 1, len(want.text) + 1)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["𠮷", "\ud83d", "Ａ", "ǅ", "ß"]), min_size=1, max_size=12))
def test_a_long_text_folds_through_the_array_as_through_translate(pieces):
    """From FAST_FOLD characters a text is translated through an array of each character's fold: the
    same characters as str.translate, and with them the same fold, odd or astral characters among them."""
    text = "".join(pieces)
    text = text * (normalize.FAST_FOLD // len(text) + 1)
    assert len(text) >= normalize.FAST_FOLD
    assert normalize.fold_chars(text) == text.translate(normalize._TABLE)
    want, got = normalize._fold_each(text), fold(text)
    assert got.text == want.text and got.segments == want.segments


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.lists(st.integers(min_value=1, max_value=4), max_size=30),
       st.integers(min_value=0, max_value=2))
def test_spans_mapped_in_one_walk_are_mapped_one_by_one(pieces, sizes, gap):
    """Folded.orig_spans (a snippet's matches in order) gives each span's orig_span."""
    f = fold("".join(pieces))
    spans, pos = [], 0
    for n in sizes:  # ascending spans that do not overlap, with gaps between them
        if pos + n > len(f.text):
            break
        spans.append((pos, pos + n))
        pos += n + gap
    assert f.orig_spans(spans) == [f.orig_span(a, b) for a, b in spans]
