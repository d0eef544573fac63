"""Matching form: NFKC + casefold, whitespace next to CJK dropped, with a way back."""

from __future__ import annotations

from conftest import FIXTURES

from indexer.normalize import fold, fold_text


def test_full_width_and_case_fold():
    assert fold_text("２００８年ＧＤＰ增长") == "2008年gdp增长"
    assert fold_text("（一）") == "(一)"


def test_whitespace_between_chinese_is_dropped_latin_kept():
    assert fold_text("防　溺\n水") == "防溺水"
    assert fold_text("COVID   19\n疫情") == "covid 19疫情"


def test_every_folded_char_maps_back_to_its_original():
    text = (FIXTURES / "gov-work-reports-alt" / "2009政府工作报告_温家宝.txt").read_text(encoding="utf-8")[:5000]
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
    text = (FIXTURES / "gov-work-reports-alt" / "2009政府工作报告_温家宝.txt").read_text(encoding="utf-8")
    changed = {ch for ch in set(text) if "\u4e00" <= ch <= "\u9fff" and fold_text(ch) != ch}
    assert not changed, changed
