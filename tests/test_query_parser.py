"""The query language's tree and notices (parser.parse_query) on query text as people type it."""

from __future__ import annotations

import pytest

from indexer.search.limits import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERM_CHARS, MAX_TERMS
from indexer.search.parser import And, Facet, Not, Or, ParsedQuery, Term, Title, Year, parse_query


def test_space_means_and():
    assert parse_query("防溺水 安全") == ParsedQuery(And([Term("防溺水", "防溺水"), Term("安全", "安全")]))


def test_and_operator_is_the_same_as_a_space():
    assert parse_query("防溺水 AND 安全").root == parse_query("防溺水 安全").root


def test_or_binds_looser_than_and():
    assert parse_query("防溺水 安全 OR 校车").root == Or([And([Term("防溺水", "防溺水"), Term("安全", "安全")]),
                                                         Term("校车", "校车")])


def test_brackets_group():
    assert parse_query("(防溺水 OR 校车) 安全").root == And([Or([Term("防溺水", "防溺水"), Term("校车", "校车")]),
                                                          Term("安全", "安全")])


@pytest.mark.parametrize("q", ["教育 -收费", "教育 NOT 收费", "教育 －收费"])
def test_negation(q):
    assert parse_query(q).root == And([Term("教育", "教育"), Not(Term("收费", "收费"))])


def test_double_negation_cancels():
    assert parse_query("- -教育").root == Term("教育", "教育")


def test_negation_with_nothing_after_it_is_dropped_with_a_notice():
    parsed = parse_query("教育 -")
    assert parsed.root == Term("教育", "教育") and parsed.notices == ["“-”后面没有检索词，已忽略。"]


def test_terms_are_folded_and_keep_what_was_typed():
    assert parse_query("學校").root == Term("学校", "學校")
    assert parse_query("２００８年").root == Term("2008年", "２００８年")


def test_a_phrase_is_one_term():
    assert parse_query('"安全 教育"').root == Term(parse_query('"安全 教育"').root.text, "安全 教育")


def test_a_heading_number_is_text():
    root = parse_query("（二）深入开展防溺水").root
    assert isinstance(root, Term) and root.raw == "（二）深入开展防溺水"


def test_fields_become_their_nodes():
    root = parse_query("title:工作总结 year:2015-2020 type:讲话 region:县 issuer:教育局").root
    assert root == And([Title(Term("工作总结", "工作总结")), Year(2015, 2020), Facet("doc_type", "讲话"),
                        Facet("region", "县"), Facet("issuer", "教育局")])


@pytest.mark.parametrize(("q", "year"), [("year:2019", Year(2019, 2019)), ("year:2015-", Year(2015, None)),
                                         ("year:unknown", Year(None, None, True))])
def test_year_forms(q, year):
    assert parse_query(q).root == year


def test_an_unreadable_year_is_dropped_with_a_notice():
    parsed = parse_query("year:abc 教育")
    assert parsed.root == Term("教育", "教育") and "年份“abc”看不懂" in parsed.notices[0]


def test_an_empty_field_is_dropped_with_a_notice():
    parsed = parse_query("title: 教育")
    assert parsed.root == Term("教育", "教育") and parsed.notices == ["“title:”后面没有内容，已忽略。"]


def test_an_unknown_field_is_searched_as_text():
    parsed = parse_query("foo:bar")
    assert parsed.root == Term("foo:bar", "foo:bar") and "没有“foo:”这个字段" in parsed.notices[0]


def test_a_trailing_star_on_a_latin_word_is_a_prefix():
    parsed = parse_query("edu*")
    assert parsed.root == Term("edu", "edu*", prefix=True) and "通配符" in parsed.notices[0]


def test_a_wildcard_in_chinese_is_dropped():
    assert parse_query("教?育").root == Term("教育", "教?育")


def test_unbalanced_brackets_are_closed_or_ignored_with_notices():
    assert parse_query("(教育 OR 安全").notices == ["括号没有配对，已按补齐处理。"]
    parsed = parse_query("教育) 安全")
    assert parsed.root == And([Term("教育", "教育"), Term("安全", "安全")])
    assert parsed.notices == ["多余的右括号已忽略。"]


def test_nesting_deeper_than_the_limit_is_ignored_with_one_notice():
    parsed = parse_query("(" * (MAX_DEPTH + 5) + "教育" + ")" * (MAX_DEPTH + 5))
    assert f"括号嵌套超过 {MAX_DEPTH} 层，更深的括号已忽略。" in parsed.notices


def test_limits_on_length_and_number_of_terms():
    assert parse_query("教" * (MAX_QUERY_CHARS + 1)).notices[0] == f"检索式过长，只用了前 {MAX_QUERY_CHARS} 个字符。"
    assert len(parse_query("教" * (MAX_TERM_CHARS + 1)).root.text) == MAX_TERM_CHARS
    many = parse_query(" ".join(f"词{i}" for i in range(MAX_TERMS + 3)))
    assert len(many.positive_terms()) == MAX_TERMS and f"只用了前 {MAX_TERMS} 个" in many.notices[-1]


def test_control_characters_are_spaces():
    assert parse_query("防溺水\x00安全\u200b").root == And([Term("防溺水", "防溺水"), Term("安全", "安全")])


@pytest.mark.parametrize("q", ["", "   ", "OR", "()", "-教育", "NOT 教育"])
def test_nothing_to_look_for_is_not_searchable(q):
    assert not parse_query(q).searchable()


@pytest.mark.parametrize("q", ["教育", "title:报告", "year:2019", "type:讲话 -教育"])
def test_a_term_or_a_filter_is_searchable(q):
    assert parse_query(q).searchable()


def test_positive_terms_skip_negated_and_repeated_ones():
    parsed = parse_query("教育 安全 -收费 教育 title:报告")
    assert [t.text for t in parsed.positive_terms()] == ["教育", "安全"]
    assert [t.text for t in parsed.title_terms()] == ["报告"]


def test_facets_lists_positive_facets():
    assert parse_query("type:讲话 -region:县 教育").facets() == [Facet("doc_type", "讲话")]


@pytest.mark.parametrize("q, said", [("😀", "“😀”只有符号，没有文字或数字"), ("→★", "只有符号，没有文字或数字"),
                                     ("，。！", "“，。！”只有标点符号")])
def test_a_query_of_symbols_says_so(q, said):
    """😀 was called 只有标点符号: a symbol is not punctuation."""
    parsed = parse_query(q)
    assert parsed.root is None and any(said in n for n in parsed.notices)
