"""The query language's tokens (lexer.tokenize) on query text as people type it."""

from __future__ import annotations

import pytest

from indexer.search.lexer import KNOWN_FIELDS, Token, tokenize


def kinds(q: str) -> list[str]:
    return [t.kind for t in tokenize(q)[0]]


def test_words_split_at_spaces_and_full_width_spaces():
    toks, notices = tokenize("防溺水\u3000安全教育  校车")
    assert toks == [Token("WORD", "防溺水"), Token("WORD", "安全教育"), Token("WORD", "校车")]
    assert notices == []


@pytest.mark.parametrize(("q", "kind"), [("OR", "OR"), ("|", "OR"), ("||", "OR"), ("ＯＲ", "OR"),
                                         ("AND", "AND"), ("&&", "AND"), ("ＡＮＤ", "AND"), ("NOT", "NOT")])
def test_operators_ascii_and_full_width(q, kind):
    assert kinds(f"防溺水 {q} 校车") == ["WORD", kind, "WORD"]


def test_lower_case_operators_are_words():
    assert tokenize("防溺水 or 校车")[0][1] == Token("WORD", "or")


def test_minus_negates_half_and_full_width():
    assert kinds("教育 -收费 －乱收费") == ["WORD", "NEG", "WORD", "NEG", "WORD"]


@pytest.mark.parametrize("q", ['"安全 教育"', "“安全 教育”", "「安全 教育」"])
def test_quotes_hold_a_phrase_with_its_spaces(q):
    assert tokenize(q) == ([Token("PHRASE", "安全 教育")], [])


def test_quoted_operator_is_a_phrase_not_an_operator():
    assert tokenize('"OR"')[0] == [Token("PHRASE", "OR")]


def test_unclosed_quote_runs_to_the_end_and_says_so():
    toks, notices = tokenize('校车 "防溺水 安全')
    assert toks == [Token("WORD", "校车"), Token("PHRASE", "防溺水 安全")]
    assert notices == ["引号没有配对，已把引号后的全部内容当作一个短语。"]


def test_brackets_half_and_full_width():
    assert kinds("(防溺水 OR 校车) 安全") == ["LP", "WORD", "OR", "WORD", "RP", "WORD"]
    assert kinds("（防溺水 OR 校车）安全") == ["LP", "WORD", "OR", "WORD", "RP", "WORD"]


@pytest.mark.parametrize("q", ["（二）深入开展防溺水专项治理", "(二)深入开展", "（3）加强校车管理", "第（十二）条"])
def test_brackets_holding_a_numeral_are_part_of_the_word(q):
    assert tokenize(q) == ([Token("WORD", q)], [])


def test_a_lone_bracketed_numeral_is_a_word():
    assert tokenize("（二）") == ([Token("WORD", "（二）")], [])


def test_a_bracket_after_a_word_ends_it():
    assert kinds("教育(公平)") == ["WORD", "LP", "WORD", "RP"]


@pytest.mark.parametrize(("q", "field", "value"), [
    ("title:工作总结", "title", "工作总结"), ("标题：工作总结", "title", "工作总结"), ("ＴＩＴＬＥ:报告", "title", "报告"),
    ("year:2015-2020", "year", "2015-2020"), ("年份：2019", "year", "2019"), ("type:工作总结", "doc_type", "工作总结"),
    ("类型:讲话", "doc_type", "讲话"), ("region:县", "region", "县"), ("地区：省", "region", "省"),
    ("issuer:教育局", "issuer", "教育局"), ("发文机关:国务院", "issuer", "国务院"), ("TITLE:x", "title", "x"),
])
def test_fields_in_english_chinese_and_full_width(q, field, value):
    assert tokenize(q) == ([Token("FIELD", value, field)], [])


def test_a_field_takes_a_quoted_value():
    assert tokenize('title:"政府 工作报告" 教育')[0] == [Token("FIELD", "政府 工作报告", "title"), Token("WORD", "教育")]


def test_a_field_without_value_is_an_empty_field():
    assert tokenize("title:")[0] == [Token("FIELD", "", "title")]


def test_unknown_field_is_text_with_a_hint():
    toks, notices = tokenize("titel:工作总结")
    assert toks == [Token("WORD", "titel:工作总结")]
    assert notices == [f"没有“titel:”这个字段（是不是想写 title:？），已把“titel:工作总结”当作普通文字检索。可用的字段：{KNOWN_FIELDS}"]


@pytest.mark.parametrize("q", ["http://www.moe.gov.cn", "注意：防溺水", "a:", "12:30"])
def test_what_is_no_field_name_stays_text_quietly(q):
    assert tokenize(q) == ([Token("WORD", q)], [])


def test_empty_and_blank_queries_have_no_tokens():
    assert tokenize("") == ([], [])
    assert tokenize(" \u3000\t") == ([], [])


@pytest.mark.parametrize(("op", "meaning"), [("/句", "sentence"), ("/同句", "sentence"), ("/s", "sentence"), ("/S", "sentence"),
                                             ("／句", "sentence"), ("/段", "paragraph"), ("/同段", "paragraph"),
                                             ("/p", "paragraph"), ("/20", "20"), ("／２０", "20"), ("/0", "0"),
                                             ("/007", "7")])
def test_proximity_operators_standing_apart(op, meaning):
    assert tokenize(f"防溺水 {op} 家长") == ([Token("WORD", "防溺水"), Token("NEAR", op, meaning), Token("WORD", "家长")], [])


def test_sentence_and_paragraph_operators_typed_against_the_words():
    assert tokenize("防溺水/句家长/段暑假")[0] == [Token("WORD", "防溺水"), Token("NEAR", "/句", "sentence"),
                                                Token("WORD", "家长"), Token("NEAR", "/段", "paragraph"),
                                                Token("WORD", "暑假")]


@pytest.mark.parametrize("q", ["2019/20学年", "和/或", "/", "a/s", "http://x.cn/p", "/20年"])
def test_a_slash_inside_text_stays_text(q):
    assert tokenize(q) == ([Token("WORD", q)], [])


def test_a_quoted_operator_is_a_phrase():
    assert tokenize('"防溺水 /句 家长"')[0] == [Token("PHRASE", "防溺水 /句 家长")]
