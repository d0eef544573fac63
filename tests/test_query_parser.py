"""The query language's tree and notices (parser.parse_query) on query text as people type it."""

from __future__ import annotations

import pytest

from indexer.search.facets import Years
from indexer.search.limits import MAX_DEPTH, MAX_NEAR_CHARS, MAX_QUERY_CHARS, MAX_TERM_CHARS, MAX_TERMS
from indexer.search.parser import And, Facet, Near, Not, Or, ParsedQuery, Term, Title, Year, parse_query


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
    assert root == And([Title(Term("工作总结", "工作总结")), Year(Years.between(2015, 2020)), Facet("doc_type", "讲话"),
                        Facet("region", "县"), Facet("issuer", "教育局")])


@pytest.mark.parametrize(("q", "year"), [("year:2019", Year(Years.between(2019, 2019))), ("year:2015-", Year(Years.between(2015, None))),
                                         ("year:unknown", Year(Years(unknown=True)))])
def test_year_forms(q, year):
    assert parse_query(q).root == year


def test_an_unreadable_year_is_dropped_with_a_notice():
    parsed = parse_query("year:abc 教育")
    assert parsed.root == Term("教育", "教育") and "年份“abc”看不懂" in parsed.notices[0]


def test_an_empty_field_is_dropped_with_a_notice():
    parsed = parse_query("title: 教育")
    assert parsed.root == Term("教育", "教育") and parsed.notices == ["“title:”后面没有内容，已忽略。"]


@pytest.mark.parametrize("typed", ["type:", "类型：", "ＴＹＰＥ：", "doc_type:", "docno:", "文号:"])
def test_an_empty_field_is_named_as_typed(typed):
    """type: alone named doc_type: (the field's inner name) in its notice."""
    assert parse_query(f"{typed} 教育").notices == [f"“{typed}”后面没有内容，已忽略。"]


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


def _t(text: str) -> Term:
    return Term(text, text)


def test_a_proximity_operator_makes_one_condition():
    assert parse_query("防溺水 /句 家长").root == Near("sentence", [_t("防溺水"), _t("家长")])
    assert parse_query("防溺水 /段 家长").root == Near("paragraph", [_t("防溺水"), _t("家长")])
    assert parse_query("防溺水 /20 家长").root == Near("chars", [_t("防溺水"), _t("家长")], 20)


def test_proximity_binds_tighter_than_and_and_or():
    assert parse_query("防溺水 /句 家长 暑假").root == And([Near("sentence", [_t("防溺水"), _t("家长")]), _t("暑假")])
    assert parse_query("校车 OR 防溺水 /句 家长").root == Or([_t("校车"), Near("sentence", [_t("防溺水"), _t("家长")])])


def test_operands_are_phrases_and_bracketed_or_groups():
    parsed = parse_query('("防 溺水" OR (溺水 OR 落水)) /句 家长')
    assert parsed.root == Near("sentence", [Or([Term("防溺水", "防 溺水"), _t("溺水"), _t("落水")]), _t("家长")])
    assert parsed.notices == []
    assert parsed.root.alternatives() == [[Term("防溺水", "防 溺水"), _t("溺水"), _t("落水")], [_t("家长")]]


def test_a_chain_of_one_unit_is_one_condition_and_other_chains_pair_neighbours():
    assert parse_query("防溺水 /句 家长 /句 暑假").root == Near("sentence", [_t("防溺水"), _t("家长"), _t("暑假")])
    parsed = parse_query("防溺水 /5 家长 /5 暑假")
    assert parsed.root == And([Near("chars", [_t("防溺水"), _t("家长")], 5), Near("chars", [_t("家长"), _t("暑假")], 5)])
    assert parsed.notices == ["连续的位置运算符（/5 /5）按相邻的两个检索词分别理解，各条件同时满足。"]
    assert parse_query("a /句 b /段 c").root == And([Near("sentence", [_t("a"), _t("b")]), Near("paragraph", [_t("b"), _t("c")])])


def test_a_negated_proximity_excludes_it():
    assert parse_query("安全 -防溺水 /句 家长").root == And([_t("安全"), Not(Near("sentence", [_t("防溺水"), _t("家长")]))])


@pytest.mark.parametrize(("q", "root"), [
    ("防溺水 /句 -家长", And([_t("防溺水"), Not(_t("家长"))])),
    ("title:通知 /句 家长", And([Title(_t("通知")), _t("家长")])),
    ("(防溺水 家长) /段 暑假", And([And([_t("防溺水"), _t("家长")]), _t("暑假")])),
    ("(防溺水 /句 家长) /段 暑假", And([Near("sentence", [_t("防溺水"), _t("家长")]), _t("暑假")])),
])
def test_operands_of_other_kinds_are_read_as_and_with_a_notice(q, root):
    parsed = parse_query(q)
    assert parsed.root == root
    assert len(parsed.notices) == 1 and "两边只能是检索词、引号里的短语或括号里用 OR 连接的检索词" in parsed.notices[0]


@pytest.mark.parametrize(("q", "root", "notice"), [
    ("/句 家长", _t("家长"), "“/句”前面没有检索词，已忽略。"),
    ("防溺水 /句", _t("防溺水"), "“/句”后面没有检索词，已忽略。"),
    ("防溺水 /句 OR 家长", Or([_t("防溺水"), _t("家长")]), "“/句”后面没有检索词，已忽略。"),
    ("。。 /句 家长", _t("家长"), "“/句”两边要各有一个检索词，已忽略。"),
    ("防溺水 /5000 家长", Near("chars", [_t("防溺水"), _t("家长")], MAX_NEAR_CHARS),
     f"“/5000”的距离超过 {MAX_NEAR_CHARS} 个字，按 /{MAX_NEAR_CHARS} 处理。"),
])
def test_a_lone_or_overlong_operator_is_read_with_a_notice(q, root, notice):
    parsed = parse_query(q)
    assert parsed.root == root and notice in parsed.notices


def test_terms_inside_and_outside_proximity():
    parsed = parse_query("防溺水 /句 家长 暑假 -(交通 /段 事故)")
    assert [t.text for t in parsed.positive_terms()] == ["防溺水", "家长", "暑假"]
    assert [t.text for t in parsed.free_terms()] == ["暑假"]
    assert parsed.proximities() == [Near("sentence", [_t("防溺水"), _t("家长")])]
    assert parsed.searchable()


def test_within_makes_the_anded_terms_one_condition():
    assert parse_query("防溺水 家长", "sentence").root == Near("sentence", [_t("防溺水"), _t("家长")])
    assert parse_query("(校车 OR 交通) 安全 -事故 year:2019", "paragraph").root == And(
        [Near("paragraph", [Or([_t("校车"), _t("交通")]), _t("安全")]), Not(_t("事故")), Year(Years.between(2019, 2019))])
    assert parse_query("a b OR c d", "sentence").root == Or([Near("sentence", [_t("a"), _t("b")]),
                                                            Near("sentence", [_t("c"), _t("d")])])
    assert parse_query("防溺水", "sentence").root == _t("防溺水")
    assert parse_query("防溺水 家长", "nonsense").root == parse_query("防溺水 家长").root


def test_a_condition_describes_itself_for_the_json():
    near = parse_query("(防溺水 OR 溺水) /20 家长").root
    assert near.describe() == {"operator": "/20", "kind": "chars", "distance": 20,
                               "operands": [["防溺水", "溺水"], ["家长"]]}
    assert near.key() == ("chars", 20, ((("防溺水", False), ("溺水", False)), (("家长", False),)))


@pytest.mark.parametrize("q, said", [("😀", "“😀”只有符号，没有文字或数字"), ("→★", "只有符号，没有文字或数字"),
                                     ("，。！", "“，。！”只有标点符号")])
def test_a_query_of_symbols_says_so(q, said):
    """😀 was called 只有标点符号: a symbol is not punctuation."""
    parsed = parse_query(q)
    assert parsed.root is None and any(said in n for n in parsed.notices)
