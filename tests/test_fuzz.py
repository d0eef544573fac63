"""Nothing a user types breaks search: Hypothesis throws >= 5,000 hostile queries at the
in-process search function and at /api/search, plus random values for every other parameter.

Examples: 2,700 + 800 queries to search(), 1,500 to /api/search, 300 to /search (5,300 queries),
plus 500 random parameter sets for /api/search. Invariants checked on every example: no exception,
no 5xx, a JSON body, snippets escaped (only <mark> tags), and a notice
whenever the query could not be used. The slowest call per kind is printed as a figure, not asserted.
"""

from __future__ import annotations

import json
import time
from urllib.parse import quote_from_bytes

import pytest
from helpers import check_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.engine import search

SLOWEST: dict[str, float] = {}

# -- strategies -----------------------------------------------------------------------

WORDS = ["防溺水", "教育", "义务教育", "均衡", "教育公平", "2008年", "２００８年", "营养午餐", "食堂供餐", "安全教育",
         "交通", "校车", "工作总结", "政府工作报告", "PM2.5", "covid", "edu", "县", "全国", "学前教育", "溺水防范"]
LONE_OPERATORS = ["OR", "AND", "NOT", "-", "－", "|", "||", "&&", "NOT NOT", "- -", "OR OR", "-NOT", "--",
                  "/句", "/段", "/20", "/0", "/s", "/p", "／句", "/同段", "/99999", "/句 /段", "/"]
OPERATORS = [*LONE_OPERATORS, "or", "not", "and"]  # lower case: plain words
SYNTAX_BRACKETS = ['"', "“", "”", "「", "」", "(", ")", "（", "）", "((", "))", '""', "()"]
BRACKETS = [*SYNTAX_BRACKETS, "[", "]", "{", "}"]  # the last four are plain text
WILDCARDS = ["*", "?", "？", "＊", "edu*", "教*", "*教育", "?育", "**", "a*", "2*"]
FIELDS = ["title:", "year:", "type:", "region:", "foo:", "doc_type:", "标题:", "年份：", "类型:", "地区:", "title:教育",
          "year:2019", "year:2015-2020", "year:2015-", "year:-2020", "year:unknown", "year:abc", "year:2020-2015",
          "year:99999", "type:工作总结", "region:县", "foo:bar", ":", "：", "title:\"义务教育 均衡\"", "year:２０１９"]
ODD = ["\x00", "\x01", "\x1b[31m", "\x7f", "\u200b", "\u202e", "\ufeff", "\ud800", "\udfff", "\ud83d", "😀", "👨‍👩‍👧",
       "\U0001f600\U0001f4a9", "\u0301", "ﷺ", "\t", "\n", "\r\n", "\u3000", "\\", "%", "%00", "&amp;", "<mark>",
       "</mark>", "<script>alert(1)</script>", "'", "`", "\u00a0", "𠀀", "\U000e0001"]

any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)  # includes surrogates and controls
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
token = st.one_of(
    st.sampled_from(WORDS), st.sampled_from(OPERATORS), st.sampled_from(BRACKETS), st.sampled_from(WILDCARDS),
    st.sampled_from(FIELDS), st.sampled_from(ODD), st.text(cjk, min_size=1, max_size=6),
    st.text(any_char, min_size=1, max_size=8),
)
separator = st.sampled_from([" ", "", "  ", "\u3000", "\t"])


@st.composite
def token_query(draw) -> str:
    toks = draw(st.lists(token, min_size=0, max_size=12))
    out = ""
    for t in toks:
        out += draw(separator) + t
    return out


@st.composite
def huge_query(draw) -> str:
    unit = draw(st.one_of(token_query(), st.text(any_char, min_size=1, max_size=10)))
    unit = unit or "教"
    size = draw(st.sampled_from([1001, 5000, 10000]))
    return (unit * (size // len(unit) + 1))[:size]


queries = st.one_of(
    token_query(),
    st.text(any_char, max_size=60),
    st.text(st.sampled_from("()\"“”-*?:ORANDNOT 教育防溺水"), max_size=40),
    huge_query(),
)

# -- helpers ------------------------------------------------------------------------


def timed(name: str, fn):
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    SLOWEST[name] = max(SLOWEST.get(name, 0.0), dt)  # reported, not asserted: speed depends on the machine
    return out


def check_snippets(hits) -> None:
    for h in hits:
        html = h["snippet_html"] if isinstance(h, dict) else h.snippet_html
        assert "<" not in html.replace("<mark>", "").replace("</mark>", ""), html


def url(path: str, **params: str) -> str:
    """Percent-encode every value byte for byte (lone surrogates as surrogatepass bytes: invalid UTF-8 on the wire)."""
    parts = [f"{k}={quote_from_bytes(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in params.items()]
    return path + "?" + "&".join(parts)


@pytest.fixture(scope="module", autouse=True)
def report_slowest():
    yield
    print("\nslowest call per kind (s): " + ", ".join(f"{k} {v:.3f}" for k, v in sorted(SLOWEST.items())))


FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                database=None)

# -- in-process search ----------------------------------------------------------------


@pytest.mark.slow
@settings(FUZZ, max_examples=2700)
@given(q=queries, page=st.integers(1, 3), per_page=st.sampled_from([1, 5, 20]))
def test_search_function_never_fails(reader, q, page, per_page):
    res = timed("search()", lambda: search(reader, q, page=page, per_page=per_page))
    check_page(reader, q, res)
    if res.mode == "empty":
        assert res.notice, f"no notice for an unusable query {q!r}"
    json.dumps(res.to_dict(), ensure_ascii=False)
    check_snippets(res.hits)


@pytest.mark.slow
@settings(FUZZ, max_examples=800)
@given(q=st.lists(st.one_of(st.sampled_from(LONE_OPERATORS), st.sampled_from(SYNTAX_BRACKETS), st.sampled_from(["title:", "year:",
       "type:", "region:", "foo:", "*", "?", "-", " ", "\u3000", "\x00"])), min_size=0, max_size=6).map(" ".join))
def test_operators_and_punctuation_alone_get_a_notice(reader, q):
    """Only operators, brackets, bare fields and wildcards: nothing to search for, and the reader is told so.
    (Quotes make what they enclose text, even OR; foo: is not a field, so it is text too.)"""
    res = timed("search()", lambda: search(reader, q))
    if not any(c in q for c in '"“”「」') and "foo:" not in q:
        assert res.mode == "empty" and res.total == 0 and not res.hits, q
    if res.mode == "empty":
        assert res.notice, f"no notice for {q!r}"


@pytest.mark.parametrize("q", ["", " ", "\u3000\t", "OR", "AND", "NOT", "-", "- -", "OR AND NOT -", "(", ")", '"', "“",
                               "()", "*", "?", "title:", "year:", "type:", "region:", "-教育", "NOT 教育",
                               "\x00\x01", "\u200b"])
def test_unusable_queries_have_a_notice(reader, q):
    res = search(reader, q)
    assert res.notice and res.total == 0 and res.mode == "empty", (q, res.notice, res.total)


@pytest.mark.parametrize("q", ['"义务教育', "(教育", "教育)", "year:abc 教育", "edu* 教?育", "x" * 10000, "教育 " * 5000])
def test_half_understood_queries_search_and_say_what_was_done(reader, q):
    res = search(reader, q)
    assert res.notice, q


# Deep nesting: the parser is recursive, and a query of MAX_QUERY_CHARS (1000) characters may open
# that many groups or negations. Such a query must be answered like any other, never a RecursionError/500.
DEEP = ["(" * 400 + "教育", "(" * 1000, "（" * 450 + "教育" + "）" * 450, "-" * 999 + "教育", "－" * 1000,
        "(-" * 500, "NOT (" * 200 + "教育"]


@pytest.mark.parametrize("q", DEEP, ids=["paren400", "paren1000", "fullwidth-balanced", "neg999", "fullwidth-neg",
                                         "paren-neg", "not-paren"])
def test_deeply_nested_query_is_answered(reader, app, q):
    res = search(reader, q)  # RecursionError here is the bug
    check_page(reader, q, res)
    client = app.test_client()
    for path in ("/api/search", "/search", "/doc/000_d895e07126d09c4a.txt~1"):
        r = client.get(url(path, q=q))
        assert r.status_code == 200, (path, r.status_code)


# -- /api/search through the Flask test client ------------------------------------------


@pytest.mark.slow
@settings(FUZZ, max_examples=1500)
@given(q=queries, per_page=st.sampled_from(["1", "5"]))
def test_api_search_query_never_5xx(app, q, per_page):
    client = app.test_client()
    r = timed("/api/search", lambda: client.get(url("/api/search", q=q, per_page=per_page)))
    assert r.status_code == 200, (q, r.status_code, r.get_data(as_text=True)[:300])
    data = r.get_json()
    assert data is not None and set(data) >= {"query", "total", "hits", "notice", "facets"}
    check_snippets(data["hits"])


@pytest.mark.slow
@settings(FUZZ, max_examples=300)
@given(q=queries)
def test_search_page_query_never_5xx(app, q):
    client = app.test_client()
    r = timed("/search", lambda: client.get(url("/search", q=q)))
    assert r.status_code == 200, (q, r.status_code)
    body = r.get_data(as_text=True)
    assert "<script>alert" not in body and "Traceback" not in body


param_value = st.one_of(
    st.text(any_char, max_size=30), st.integers(-10**12, 10**12).map(str), st.sampled_from(
        ["", "0", "-1", "1", "100", "101", "1000", "1001", "1e9", "0x10", "1.5", " 1", "１", "٣", "NaN", "inf",
         "2019", "2015-2020", "2015-", "-2020", "unknown", "未知", "2020-2015", "20x9", "-", "--", "9" * 400,
         "工作总结", "政府工作报告", "县", "全国", "<script>", "\x00", "\ud800"]),
)


@pytest.mark.slow
@settings(FUZZ, max_examples=500)
@given(q=st.sampled_from(["教育", "防溺水", "", "OR", "title:报告"]), page=param_value, per_page=param_value,
       year=param_value, doc_type=param_value, region=param_value)
def test_api_search_other_params_are_200_or_400_json(app, q, page, per_page, year, doc_type, region):
    client = app.test_client()
    r = timed("/api/search params", lambda: client.get(url("/api/search", q=q, page=page, per_page=per_page, year=year,
                                                           doc_type=doc_type, region=region)))
    assert r.status_code in (200, 400), (page, per_page, year, r.status_code)
    data = r.get_json()
    assert isinstance(data, dict)
    if r.status_code == 400:
        assert data["message"]
    else:
        assert data["per_page"] in range(1, 101) and data["page"] in range(1, 1001)
