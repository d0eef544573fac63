"""The search core against a brute-force scan of the same parsed text, on the seed documents
plus the report fixtures (one in traditional characters, some written with full-width digits)."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict

import pytest
from helpers import CORPUS, SEED_000, brute_hits, check_page, continues_word

from indexer.cli import main
from indexer.ingest.parse import parse_path
from indexer.search.engine import search
from indexer.search.facets import Filters, Years
from indexer.text.normalize import fold_text

QUERIES = [
    "溺", "镕", "汛",  # one character
    "教育", "溺水", "防汛", "校车",  # two
    "防溺水", "校安工", "营养餐",  # three
    "安全教育", "义务教育均衡", "社会主义市场经济", "防溺水专项治理",  # four and more
    "2008年", "２００８年", "1998", "2008", "pm2.5", "public", "PUBLIC", "rcep", "4·20",  # digits and Latin
    "学校", "學校", "敎育", "国务院", "國務院",  # simplified and traditional fold to one form
]


def brute_sections(corpus_files, q: str) -> set[tuple[str, int]]:
    """(doc_id, section position) of every section whose folded text holds q, by plain scanning."""
    needle = fold_text(q)
    found = set()
    for report in corpus_files:
        for pos, s in enumerate(report.sections):
            heads = [fold_text(s.heading)] + ([fold_text(report.title)] if pos == 0 else [])
            for hay in [*heads, fold_text(s.text)]:
                if _holds(hay, needle):
                    found.add((report.doc_id, pos))
                    break
    return found


def _holds(hay: str, needle: str) -> bool:
    i = hay.find(needle)
    while i >= 0:
        before = hay[i - 1] if i else ""
        after = hay[i + len(needle)] if i + len(needle) < len(hay) else ""
        left_ok = not continues_word(needle[0], before)
        right_ok = not continues_word(needle[-1], after)
        if left_ok and right_ok:
            return True
        i = hay.find(needle, i + 1)
    return False


@pytest.fixture(scope="module")
def reports():
    out = []
    for root in CORPUS:
        for path in sorted(p for p in root.rglob("*.txt")):
            out.extend(parse_path(path, root).reports)
    return out


def all_hits(reader, q, **kw):
    res = search(reader, q, per_page=10000, **kw)
    assert len(res.hits) == res.total
    return res


def section_positions(reader, res) -> set[tuple[str, int]]:
    out = set()
    for h in res.hits:
        i = reader.report_index(h.doc_id)
        row = reader.catalog.reports[i]
        sections = reader.report_sections(i)
        pos = next(k for k, s in enumerate(sections) if s["section_id"] == h.section_id)
        out.add((row.doc_id, pos))
    return out


@pytest.mark.parametrize("q", QUERIES)
def test_exact_matches_equal_brute_force(reader, reports, q):
    res = all_hits(reader, q)
    truth = brute_sections(reports, q)
    got = section_positions(reader, res)
    assert got == truth, f"{q}: missed {sorted(truth - got)[:3]}, extra {sorted(got - truth)[:3]}"
    assert res.total_documents == len({d for d, _ in truth})
    assert res.mode == "exact"  # nothing widened to words: what matched is what the scan found


@pytest.mark.parametrize("q", ["（二）深入开展防溺水专项治理", "(二)深入开展防溺水", "（二）"])
def test_a_pasted_heading_number_is_text_not_grouping(reader, reports, q):
    """Pasting a heading such as （二）深入开展防溺水专项治理 read （二） as a group holding the term 二:
    every section with 二 somewhere and the rest of the heading came back, each 二 marked."""
    res = all_hits(reader, q)
    truth = brute_sections(reports, q)
    assert truth and section_positions(reader, res) == truth
    for h in res.hits:
        marks = re.findall(r"<mark>(.*?)</mark>", h.snippet_html)
        assert marks and all(fold_text(html.unescape(m)) == fold_text(q) for m in marks), (h.doc_id, marks)


@pytest.mark.parametrize("q", ["防溺水", "2008年", "教育", "public", "学校"])
def test_year_facet_counts_equal_brute_force(reader, reports, q):
    res = all_hits(reader, q)
    by_id = {r.doc_id: r for r in reports}
    truth: dict = defaultdict(int)
    for doc_id in {d for d, _ in brute_sections(reports, q)}:
        truth[by_id[doc_id].year] += 1
    assert {row["value"]: row["count"] for row in res.facets["year"]} == dict(truth)


@pytest.mark.parametrize("q, written", [("学校", "學校"), ("學校", "學校"), ("教育", "敎育"), ("敎育", "敎育")])
def test_traditional_and_simplified_find_each_other_marked_as_written(reader, q, written):
    res = all_hits(reader, q)
    assert 1954 in {row["value"] for row in res.facets["year"]}
    hits_1954 = [h for h in res.hits if h.year == 1954]
    assert hits_1954 and all(f"<mark>{written}</mark>" in h.snippet_html for h in hits_1954)
    assert any(h.year and h.year > 2000 for h in res.hits)  # and the simplified reports still


def test_full_width_digits_found_and_marked_exactly(reader):
    res = all_hits(reader, "2008年")
    alt = [h for h in res.hits if "２００８年" in html.unescape(h.snippet_html)]
    assert alt, "the alt reports write ２００８年 and must be found by 2008年"
    for h in alt:
        assert "<mark>２００８年</mark>" in h.snippet_html


def test_every_mark_is_a_query_string(reader):
    for q in ["防溺水", "安全教育 校园", "2008年 OR 1998年", '"社会主义 市场经济"', "public"]:
        terms = {fold_text(t) for t in re.findall(r'[^\s"()]+', q.replace('"社会主义 市场经济"', "社会主义市场经济")) if t != "OR"}
        res = search(reader, q, per_page=50)
        assert res.hits, q
        marks = [fold_text(html.unescape(m)) for h in res.hits for m in re.findall(r"<mark>(.*?)</mark>", h.snippet_html)]
        assert marks, q
        assert set(marks) <= terms, (q, set(marks) - terms)


def test_snippet_is_escaped_apart_from_marks(reader):
    res = search(reader, "防溺水")
    for h in res.hits:
        assert "<" not in re.sub(r"</?mark>", "", h.snippet_html)


def test_anquan_jiaoyu_returns_only_sections_containing_it(reader):
    res = all_hits(reader, "安全教育")
    assert res.total >= 3
    for i in {reader.report_index(h.doc_id) for h in res.hits}:
        for s in reader.report_sections(i):
            hit = any(h.doc_id == reader.catalog.reports[i].doc_id and h.section_id == s["section_id"] for h in res.hits)
            holds = "安全教育" in fold_text(s["heading"] + "\n" + s["text"]) or (s["order"] == 0 and "安全教育" in fold_text(reader.catalog.reports[i].title))
            assert hit == holds, s["section_id"]


def test_quoted_phrase_and_space_inside_chinese(reader):
    plain = {(h.doc_id, h.section_id) for h in all_hits(reader, "防溺水专项治理").hits}
    quoted = {(h.doc_id, h.section_id) for h in all_hits(reader, '"防溺水 专项治理"').hits}
    assert plain == quoted and plain
    # space means AND: more sections hold both words than the phrase
    both = all_hits(reader, "防溺水 专项治理")
    assert plain <= {(h.doc_id, h.section_id) for h in both.hits}


def test_boolean_operators(reader):
    a = {(h.doc_id, h.section_id) for h in all_hits(reader, "营养午餐").hits}
    b = {(h.doc_id, h.section_id) for h in all_hits(reader, "校车").hits}
    assert {(h.doc_id, h.section_id) for h in all_hits(reader, "营养午餐 OR 校车").hits} == a | b
    c = {(h.doc_id, h.section_id) for h in all_hits(reader, "防溺水").hits}
    d = {(h.doc_id, h.section_id) for h in all_hits(reader, "专项").hits}
    assert {(h.doc_id, h.section_id) for h in all_hits(reader, "防溺水 -专项").hits} == c - d
    assert {(h.doc_id, h.section_id) for h in all_hits(reader, "防溺水 NOT 专项").hits} == c - d
    assert {(h.doc_id, h.section_id) for h in all_hits(reader, "(营养午餐 OR 校车) -校车").hits} == a - b


@pytest.mark.parametrize("full_width, plain", [("营养午餐 ＯＲ 校车", "营养午餐 OR 校车"), ("防溺水 ＮＯＴ 专项", "防溺水 NOT 专项"),
                                                ("ＴＩＴＬＥ：工作总结", "title:工作总结"), ("教育 ＹＥＡＲ：２０１９", "教育 year:2019")])
def test_operators_and_fields_typed_in_full_width_work(reader, full_width, plain):
    """A Chinese input method in full-width mode types ＯＲ and ＴＩＴＬＥ：; they answered 0 with no notice."""
    want = all_hits(reader, plain)
    assert want.total
    got = all_hits(reader, full_width)
    assert [(h.doc_id, h.section_id) for h in got.hits] == [(h.doc_id, h.section_id) for h in want.hits]


def test_a_title_term_is_marked_in_the_title_only(reader):
    """title:工作总结 学校 marked 工作总结 inside a body sentence (…应急管理工作总结如下), where it matched nothing."""
    res = all_hits(reader, "title:工作总结 学校")
    assert res.total
    for h in res.hits:
        title_part, dash, body = h.snippet_html.partition(" — ")
        body = body if dash else title_part
        assert "<mark>工作总结</mark>" not in body, (h.doc_id, h.section_id, h.snippet_html[:200])
        assert "<mark>学校</mark>" in h.snippet_html
    alone = all_hits(reader, "title:工作总结")
    assert alone.total and all(h.snippet_html.split(" — ")[0].count("<mark>工作总结</mark>") == 1 for h in alone.hits)


def test_year_and_title_fields(reader):
    res = all_hits(reader, "教育 year:2015-2020")
    assert res.total and all(2015 <= h.year <= 2020 for h in res.hits)
    one = all_hits(reader, "教育 year:2019")
    assert {h.year for h in one.hits} == {2019}
    res = all_hits(reader, "title:决议")
    assert res.total == res.total_documents > 0  # one hit per report
    assert all("决议" in h.title for h in res.hits)
    res = all_hits(reader, "人民 title:决议")
    assert res.total and all("决议" in h.title for h in res.hits)


def test_filters_and_facets_as_filters(reader):
    res = search(reader, "教育", Filters(Years.between(2010, 2012)), per_page=100)
    assert res.total and all(2010 <= h.year <= 2012 for h in res.hits)
    # the year facet still shows other years, so the timeline can widen the choice
    assert any(row["value"] and row["value"] < 2010 for row in res.facets["year"])
    unknown = search(reader, "教育", Filters(Years(unknown=True)), per_page=100)
    assert unknown.total and all(h.year is None for h in unknown.hits)
    typed = search(reader, "教育", Filters(doc_type="工作总结"), per_page=100)
    assert typed.total and {h.doc_type for h in typed.hits} == {"工作总结"}


@pytest.mark.parametrize("typed, simple", [("type:工作總結 教育", "type:工作总结 教育"), ("region:縣 學校", "region:县 学校"),
                                            ("type:工作總結", "type:工作总结")])
def test_a_traditional_type_or_region_filters_like_the_simplified_one(reader, typed, simple):
    """學校 finds 学校, so type:工作總結 must not answer 0 with “没有‘工作總結’这个文件类型”."""
    want = search(reader, simple, per_page=100)
    got = search(reader, typed, per_page=100)
    assert want.total > 0
    assert [(h.doc_id, h.section_id) for h in got.hits] == [(h.doc_id, h.section_id) for h in want.hits]
    assert not got.notice
    via_url = search(reader, "教育", Filters(doc_type="工作總結", region="縣"), per_page=100)
    assert via_url.total == search(reader, "教育", Filters(doc_type="工作总结", region="县"), per_page=100).total > 0


def test_heading_and_occurrences_rank_first(reader):
    res = search(reader, "防溺水")
    assert res.hits[0].heading_path[-1] == "（二）深入开展防溺水专项治理"
    scores = [h.score for h in res.hits]
    assert scores == sorted(scores, reverse=True)


def test_ranking_is_stable(reader):
    a = [(h.doc_id, h.section_id) for h in all_hits(reader, "教育").hits]
    b = [(h.doc_id, h.section_id) for h in all_hits(reader, "教育").hits]
    assert a == b
    page2 = search(reader, "教育", page=2, per_page=10)
    assert [(h.doc_id, h.section_id) for h in page2.hits] == a[10:20]


def test_word_level_fallback_is_labelled(reader):
    res = search(reader, "溺水防范")
    assert res.total > 0 and res.mode == "words"
    assert "按词" in res.notice
    for h in res.hits:
        assert "<mark>" in h.snippet_html


@pytest.mark.parametrize("q", ['"防溺水', "防溺水)", "((教育", "OR", "AND", "NOT", "-", "-教育", "title:", "year:abc",
                               "foo:bar", "*", "教育*", "???", ":", "\\", "美育::", "year:", "year:2030-2010 教育", "\x00\x07防溺水", "　", "", "教" * 5000])
def test_broken_queries_are_answered(reader, q):
    res = search(reader, q)
    check_page(reader, q, res)
    assert res.notice or res.total > 0


@pytest.mark.parametrize("q", ["美育:", ":美育", "美育\\", "美育：", "美育::"])
def test_a_stray_colon_or_backslash_searches_the_plain_term(reader, q):
    """美育: fell back to word matching (the string 美育: is nowhere); it is the exact search for 美育."""
    plain, res = search(reader, "美育", per_page=50), search(reader, q, per_page=50)
    assert res.mode == "exact" and res.total == plain.total == len(brute_hits("美育", *CORPUS)) > 0
    assert [(h.doc_id, h.section_id) for h in res.hits] == [(h.doc_id, h.section_id) for h in plain.hits]
    assert "按“美育”检索" in res.notice


def test_unbalanced_quote_still_finds(reader):
    res = search(reader, '"防溺水')
    assert res.total == len(brute_hits("防溺水", *CORPUS)) and "引号" in res.notice


def test_cli_search_json_is_the_api_object(index_dir, capsys):
    assert main(["search", "防溺水", "--index", str(index_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"query", "total", "total_documents", "took_ms", "page", "per_page", "notice", "partial", "facets", "hits",
                         "suggestions", "within", "proximity",
                         "copies", "copy_sections"}
    assert set(out["facets"]) == {"year", "doc_type", "region", "province"}
    hit = out["hits"][0]
    assert set(hit) == {"doc_id", "section_id", "title", "year", "doc_type", "doc_no", "date", "issuer", "issuers", "place",
                        "region", "province", "heading_path", "source", "url", "snippet_html", "score", "page", "distinguish",
                        "sources"}
    assert hit["page"] is None  # a text file has no pages
    assert hit["url"].endswith("#" + hit["section_id"])
    assert hit["source"] == SEED_000.name
    assert hit["year"] is None


def test_cli_search_prints_links_that_open_the_section(tmp_path, capsys):
    """A file named 报告 #2%?.txt: the printed /doc/报告 #2%?.txt#s1 cut the path at # when pasted."""
    from urllib.parse import urlsplit

    from indexer.store.build import reindex
    from webapp import create_app

    src = tmp_path / "src"
    src.mkdir()
    (src / "报告（初稿） #2%?.txt").write_text("2022年青山县教育局工作总结\n一、校园安全\n开展防溺水专项教育。\n",
                                           encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    assert main(["search", "防溺水专项", "--index", str(tmp_path / "ix")]) == 0
    link = capsys.readouterr().out.strip().splitlines()[-1].strip()
    assert link.startswith("/doc/报告（初稿）")  # still readable: Chinese is printed as it is
    parts = urlsplit(link)
    assert parts.fragment == "s1"
    page = create_app(tmp_path / "ix").test_client().get(parts.path, query_string={"q": "防溺水专项"})
    assert page.status_code == 200 and "<mark>防溺水专项</mark>" in page.get_data(as_text=True)


def test_cli_search_text_and_limit(index_dir, capsys):
    assert main(["search", "教育", "--index", str(index_dir), "--limit", "10000", "--year", "2000-2005"]) == 0
    out = capsys.readouterr().out
    assert "个章节" in out and "[教育]" in out
    assert main(["search", "教育", "--index", str(index_dir), "--year", "abc"]) == 2


def test_cli_stats(index_dir, reports, capsys):
    assert main(["stats", "--index", str(index_dir), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["reports"] == len(reports) and st["sections"] == sum(len(r.sections) for r in reports)
    years = [r.year for r in reports if r.year]
    assert st["years"] == [min(years), max(years)]
    assert len(st["dictionary_hash"]) == 16


def test_an_exclusion_that_removes_every_match_answers_zero_and_says_why(reader):
    plain = all_hits(reader, "安全教育").total
    with_both = all_hits(reader, "安全教育 交通").total
    assert plain > 0 and with_both == plain  # on this corpus every 安全教育 section also mentions 交通
    res = all_hits(reader, "安全教育 -交通")
    assert res.total == 0 and res.mode == "exact"  # not widened to sections that merely hold 安全 and 教育
    assert res.notice == f"{plain} 个章节含安全教育，但都含有交通，已全部排除。"


def test_excluding_every_match_never_widens_to_words(reader):
    res = all_hits(reader, "防溺水 -安全")
    assert res.total == 0 and res.mode == "exact"
    assert res.notice.startswith(f"{all_hits(reader, '防溺水').total} 个章节含防溺水，但都含有安全")
    res = all_hits(reader, "防溺水 year:1990")
    assert res.total == 0 and res.mode == "exact" and "筛选条件" in res.notice
    res = all_hits(reader, "防溺水 人民代表大会")
    assert res.total == 0 and res.mode == "exact" and "同时含有" in res.notice


@pytest.mark.parametrize(("q", "field", "hint"), [("校车 yaer:2012", "yaer", "year:"),
                                                  ("titel:工作总结 校车", "titel", "title:"),
                                                  ("校车 regoin:县", "regoin", "region:")])
def test_a_mistyped_field_is_named_with_the_known_ones(reader, q, field, hint):
    res = search(reader, q)
    assert f"没有“{field}:”这个字段" in res.notice and hint in res.notice
    assert "issuer:" in res.notice


def test_issuer_is_a_field(reader):
    by_issuer = all_hits(reader, "教育 issuer:县教育局")
    assert by_issuer.total > 0
    rows = {r.doc_id: r for r in reader.catalog.reports}
    assert all("县教育局" in (rows[h.doc_id].issuer or "") for h in by_issuer.hits)
    everything = all_hits(reader, "教育")
    expected = {(h.doc_id, h.section_id) for h in everything.hits if "县教育局" in (rows[h.doc_id].issuer or "")}
    assert {(h.doc_id, h.section_id) for h in by_issuer.hits} == expected
    assert "字段" not in (search(reader, "校车 issuer:国务院").notice or "")


def test_cli_page_past_the_end_and_unknown_type(index_dir, capsys):
    assert main(["search", "防溺水", "--index", str(index_dir), "--page", "999"]) == 0
    out = capsys.readouterr().out
    assert "第 999 页超出范围" in out and "--page 1" in out
    assert main(["search", "教育", "--index", str(index_dir), "--type", "总结"]) == 0
    out = capsys.readouterr().out
    assert "没有“总结”这个文件类型" in out and "工作总结" in out


def test_cli_parse_of_a_file_that_does_not_exist(tmp_path, capsys):
    assert main(["parse", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert "没有这个文件" in err and "no such file" in err and "vanished" not in err


def test_cli_messages_for_a_file_of_another_type_and_a_missing_index_are_chinese_and_english(tmp_path, capsys):
    (tmp_path / "table.xlsx").write_bytes(b"PK")
    assert main(["parse", str(tmp_path / "table.xlsx")]) == 1
    assert "不读 .xlsx 类型的文件" in (err := capsys.readouterr().err) and "is not a type reindex reads" in err
    assert main(["sources", "--index", str(tmp_path / "none")]) == 2
    assert "中还没有索引" in (err := capsys.readouterr().err) and "no index in" in err


def test_cli_sort_by_year(index_dir, capsys):
    assert main(["search", "教育公平", "--index", str(index_dir), "--sort", "oldest", "--limit", "100", "--json"]) == 0
    years = [h["year"] for h in json.loads(capsys.readouterr().out)["hits"]]
    known = [y for y in years if y is not None]
    assert len(known) > 3 and known == sorted(known) and years[:len(known)] == known  # unknown years last


def test_digits_and_letters_are_separate_words(tmp_path):
    """What Ctrl-F finds across a letter/digit seam is found; a longer number or word is not a hit."""
    from indexer.store.build import reindex
    from indexer.store.reader import Library

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "r.txt").write_text(
        "一、校舍\n新建校舍5000㎡，另有covid19防控专项经费。\n二、其他\n全年接待120085人次，开展education周活动。\n",
        encoding="utf-8")
    reindex(tmp_path / "ix", [tmp_path / "src"], progress=False)
    reader = Library(tmp_path / "ix").reader()
    assert [h.section_id for h in search(reader, "5000").hits] == ["s1"]
    assert "<mark>5000</mark>㎡" in search(reader, "5000").hits[0].snippet_html
    assert [h.section_id for h in search(reader, "m2").hits] == ["s1"]
    assert [h.section_id for h in search(reader, "covid").hits] == ["s1"]
    assert search(reader, "1200").total == 0  # not inside 120085
    assert search(reader, "edu").total == 0  # not inside education


@pytest.mark.parametrize(("args", "says"), [(["--limit", "0"], "须是 1 或更大的数，而不是 0 / must be 1 or more"),
                                            (["--page", "0"], "须是 1 或更大的数"),
                                            (["--page", "x"], "须是整数，而不是“x” / a whole number is needed")])
def test_cli_refuses_page_and_limit_below_one(index_dir, capsys, args, says):
    with pytest.raises(SystemExit) as e:
        main(["search", "教育", "--index", str(index_dir), *args])
    assert e.value.code == 2 and says in capsys.readouterr().err


def test_cli_trend_without_a_query_says_so(index_dir, capsys):
    assert main(["trend", "", "--index", str(index_dir)]) == 2
    assert "请至少给一个检索式" in (err := capsys.readouterr().err) and "at least one query" in err


def test_a_filter_alone_explains_an_empty_answer(reader):
    """year:2030 said "no section holds year:2030, try a shorter word", as if it were text."""
    res = search(reader, "year:2030")
    assert res.total == 0 and "没有符合这些筛选条件的报告" in res.notice and "更短" not in res.notice


@pytest.mark.parametrize("q, filters, said", [
    ("year:2018 year:2019", None, "年份条件互相矛盾（2018年、2019年）"),
    ("教育 year:2018 year:2019", None, "年份条件互相矛盾"),
    ("教育 year:2015-2017 year:2019-", None, "年份条件互相矛盾（2015–2017年、2019–年）"),
    ("year:unknown year:2019", None, "年份条件互相矛盾（年份不详、2019年）"),
    ("教育 year:2018", "2019", "年份条件互相矛盾（2018年、2019年）"),
    ("year:2019 date:2018-03", None, "与日期条件互相矛盾"),
    ("date:2018-01 date:2018-03", None, "日期条件互相矛盾"),
    ("教育 year:2015,2018 year:2016", None, "年份条件互相矛盾（2015年、2018年、2016年）"),
    ("教育 year:2016", "2015、2018", "年份条件互相矛盾"),
])
def test_filters_that_contradict_each_other_are_said_to(reader, q, filters, said):
    """year:2016 year:2017 said that no report passes, as if the index lacked those years."""
    res = search(reader, q, Filters.for_year(filters) if filters else None)
    assert res.total == 0 and said in res.notice and "索引收录" not in res.notice and not res.suggestions


def test_filters_that_can_meet_are_not_called_contradictory(reader):
    both = search(reader, "year:2018 OR year:2019", per_page=100)
    assert both.total == search(reader, "year:2018").total + search(reader, "year:2019").total > 0
    assert search(reader, "year:2015-2019 year:2019").total == search(reader, "year:2019").total > 0
    assert "矛盾" not in search(reader, "year:2030").notice
    assert search(reader, "year:2015,2019 year:2018-2020").total == search(reader, "year:2019").total  # a list meets a range


def test_a_misspelt_field_suggests_the_whole_query(reader):
    """yaer:2019 suggested 2019 alone; the query with the field put right comes first."""
    res = search(reader, "yaer:2019")
    assert res.total == 0 and res.suggestions[0] == "year:2019"
    assert search(reader, "year:2019").total > 0


def test_the_forms_filters_alone_list_the_reports(reader):
    """/search?q=&year=2019 said "请输入检索词" while year:2019 typed in the box listed the reports."""
    from indexer.search.facets import Filters

    typed = search(reader, "year:2019", per_page=100)
    form = search(reader, "", Filters.for_year("2019"), per_page=100)
    assert form.total == typed.total > 0 and [h.doc_id for h in form.hits] == [h.doc_id for h in typed.hits]
    assert search(reader, "").notice == "请输入检索词。"  # no query and no filter still asks for one


@pytest.mark.parametrize("q", ["，。！？、；：", "!!!", "、"])
def test_punctuation_alone_says_so(reader, q):
    res = search(reader, q)
    assert res.total == 0 and "只有标点符号" in res.notice and "通配符" not in res.notice


@pytest.mark.parametrize("q", ["防溺水", "教育", "title:工作报告"])
def test_hits_without_snippets_are_the_same_hits(reader, q):
    from dataclasses import replace

    res = search(reader, q, per_page=50).results
    cut, bare = res.hits(reader, 0, 50), res.hits(reader, 0, 50, snippets=False)
    assert len(cut) == len(bare) > 0 and all("<mark>" in h.snippet_html for h in cut)
    assert all(h.snippet_html == "" for h in bare) and [replace(h, snippet_html="") for h in cut] == bare


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--port", "0", "端口须在 1 到 65535 之间，而不是 0 / a port is from 1 to 65535"),
    ("--port", "65536", "端口须在 1 到 65535 之间"), ("--port", "x", "端口须是整数，而不是“x” / a port is a whole number"),
    ("--map-mb", "4097", "须在 0 到 4096 之间"), ("--kept-mb", "lots", "须是整数（MB），而不是“lots” / a whole number of MB"),
    ("--threads", "0", "须是 1 或更大的数")])
def test_serve_refuses_numbers_out_of_range_in_both_languages(capsys, option, value, says):
    with pytest.raises(SystemExit) as e:
        main(["serve", option, value])
    assert e.value.code == 2 and says in capsys.readouterr().err
