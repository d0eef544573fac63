"""A 文号 typed in the search box as plain text (教体艺[2014]1号, as people used to 北大法宝 search): it
finds the document whose 文号 it is, first, and every section quoting it, however either writes the
brackets around the year. On our own documents in fixtures/docnos: a notice whose 文号 its reader
moves into the header, and a report, a summary and a 小结 quoting it with [] （） and 【】."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from helpers import FIXTURES, brute_hits, check_page

DOCNOS = FIXTURES / "docnos"
OWN = "白石县教育局关于加强学校体育工作的通知.txt"  # 白教体〔2014〕1号, in its header only
REPORT = "白石县第一中学关于落实学校体育工作通知的报告.txt"  # quotes 白教体[2014]1号, heading included
SMALL = "白石县第二中学体育工作小结.txt"  # quotes 白教体【2014】1号
SUMMARY = "白石县教育局2014年工作总结.txt"  # quotes 白教体（2014）1号 and another, 白教体〔2014〕11号
RULES = "白石县校车安全管理办法.txt"  # 白石县人民政府令第3号, quoted by the summary
WRITTEN = ["白教体〔2014〕1号", "白教体[2014]1号", "白教体【2014】1号", "白教体（2014）1号"]  # as the files write it
TYPED = ["白教体〔2014〕1号", "白教体[2014]1号", "白教体［2014］1号", "白教体【2014】1号", "白教体（2014）1号",
         "白教体(2014)1号", '"白教体[2014]1号"', "“白教体【2014】1号”", "白教体﹝2014﹞1号"]


@pytest.fixture(scope="module")
def docnos_index(tmp_path_factory):
    from indexer.store.build import reindex

    root = tmp_path_factory.mktemp("docnos-index")
    reindex(root, [DOCNOS], progress=False)
    return root


@pytest.fixture(scope="module")
def reader(docnos_index):
    from indexer.store.reader import Library

    return Library(docnos_index).reader()


@pytest.fixture(scope="module")
def client(docnos_index):
    from webapp import create_app

    app = create_app(docnos_index)
    app.config.update(TESTING=True)
    return app.test_client()


def quoting() -> set[tuple[str, str]]:
    """Every section whose text holds the 文号 in any bracket form, from a plain scan of the files."""
    return {k for form in WRITTEN for k in brute_hits(form, DOCNOS)}


def keys(res) -> list[tuple[str, str]]:
    return [(h.doc_id, h.section_id) for h in res.hits]


# -- what reads as a 文号, and what the parser makes of it ---------------------------------------


@pytest.mark.parametrize("text", ["教体艺〔2014〕1号", "教体艺[2014]1号", "教体艺［2014］1号", "教体艺【2014】1号",
                                  "教体艺（2014）1号", "教体艺(2014)1号", "教体艺〔2014〕第1号", "教育部令第40号"])
def test_is_doc_no(text):
    from indexer.ingest.gongwen import is_doc_no

    assert is_doc_no(text)


@pytest.mark.parametrize("text", ["〔2014〕1号", "教体艺2014年1号", "教体艺〔2014〕1号文件", "教体艺〔14〕1号",
                                  "教体艺〔2014〕", "教体艺〔2014〕1号、2号", "体育", ""])
def test_is_not_doc_no(text):
    from indexer.ingest.gongwen import is_doc_no

    assert not is_doc_no(text)


def test_doc_no_forms_the_typed_first():
    from indexer.store.catalog import doc_no_forms, fold_doc_no

    assert doc_no_forms("教体艺［2014］1号") == ["教体艺[2014]1号", "教体艺〔2014〕1号", "教体艺【2014】1号", "教体艺(2014)1号"]
    assert doc_no_forms("教体艺（2014）1号")[0] == "教体艺(2014)1号"
    assert len({fold_doc_no(f) for f in doc_no_forms("教体艺〔2014〕1号")}) == 1
    assert doc_no_forms("教育部令第40号") == ["教育部令第40号"]  # no year in brackets: one form


def test_own_doc_no_mask_is_the_same_not_holding_it(reader):
    from indexer.search.facets import own_doc_no_mask

    numbers = [reader.catalog.reports[int(i)].doc_no for i in np.flatnonzero(own_doc_no_mask(reader.facts, "白教体[2014]1号"))]
    assert numbers == ["白教体〔2014〕1号"]
    assert not own_doc_no_mask(reader.facts, "教体〔2014〕1号").any()  # held by 白教体〔2014〕1号, not it
    assert not own_doc_no_mask(reader.facts, "白教体〔2014〕11号").any()
    assert not own_doc_no_mask(reader.facts, "").any()  # reports without a 文号 have ""


def test_parse_a_doc_no_is_its_forms_or_its_report():
    from indexer.search.parser import DocNo, Or, Term, parse_query

    root = parse_query("白教体［2014］1号").root
    assert isinstance(root, Or)
    assert [t.text for t in root.children if isinstance(t, Term)] == [
        "白教体[2014]1号", "白教体〔2014〕1号", "白教体【2014】1号", "白教体(2014)1号"]
    assert root.children[0].raw == "白教体［2014］1号"
    assert root.children[-1] == DocNo("白教体[2014]1号")
    assert parse_query("体育 白教体［2014］1号").doc_nos() == [root]
    assert parse_query("体育 -白教体［2014］1号").doc_nos() == [] == parse_query("白教体［2014］1号 /句 体育").doc_nos()


@pytest.mark.parametrize("q", ["白教体2014年1号", "白教体〔2014〕1号文件", "〔2014〕1号", "白教体〔2014〕1号、2号"])
def test_parse_a_near_doc_no_is_a_term(q):
    from indexer.search.parser import Term, parse_query

    assert isinstance(parse_query(q).root, Term)


def test_parse_fields_and_proximity_keep_their_meaning():
    from indexer.search.parser import Facet, Near, Or, Term, Title, parse_query

    assert parse_query("文号:白教体[2014]1号").root == Facet("doc_no", "白教体[2014]1号")  # holds it, every section
    assert parse_query("title:白教体〔2014〕1号").root == Title(Term("白教体〔2014〕1号", "白教体〔2014〕1号"))
    for q, within in (("白教体[2014]1号 /句 体育课", None), ("白教体[2014]1号 体育课", "sentence")):
        near = parse_query(q, within)
        assert isinstance(near.root, Near) and not near.notices, q  # a report is near nothing: its forms are
        first = near.root.operands[0]
        assert isinstance(first, Or) and len(first.children) == 4 and all(isinstance(t, Term) for t in first.children)


# -- searching ----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", TYPED)
def test_each_bracket_form_finds_the_document_first_and_every_quote(reader, q):
    from indexer.search.engine import search

    res = search(reader, q, per_page=50)
    check_page(reader, q, res)
    assert res.mode == "exact"
    assert keys(res)[0] == (OWN, "s0")  # its opening section, where its header is
    assert set(keys(res)) == quoting() | {(OWN, "s0")}
    assert {REPORT, SMALL, SUMMARY} <= {h.doc_id for h in res.hits}
    assert "文号为 白教体〔2014〕1号 的文件排在最前" in res.notice


def test_the_document_is_first_though_its_text_scores_nothing(reader):
    """The report quoting it five times, once in a heading, is what ranking alone puts first."""
    from indexer.search import ranking
    from indexer.search.facets import Filters
    from indexer.search.matching import Evaluator, match
    from indexer.search.parser import parse_query

    parsed = parse_query("白教体[2014]1号")
    ev = Evaluator(reader)
    matched, allowed = match(ev, parsed, Filters())
    ranked = ranking.rank(reader, ev, parsed.positive_terms(), np.flatnonzero(matched & allowed), 10).sids
    alone = [reader.catalog.reports[int(reader.catalog.section_report[s])].doc_id for s in ranked]
    assert alone[0] == REPORT and alone[-1] == OWN
    from indexer.search.engine import search

    res = search(reader, "白教体[2014]1号", per_page=50)
    assert res.hits[0].doc_id == OWN and res.hits[0].score > max(h.score for h in res.hits[1:])


def test_own_first_lifts_the_reports_opening_and_keeps_the_rest_in_order(reader):
    from indexer.search.docnos import own_first
    from indexer.search.matching import Evaluator, matching_sections
    from indexer.search.parser import parse_query
    from indexer.search.ranking import Ranked

    ev = Evaluator(reader)
    sids = matching_sections(reader, "白教体[2014]1号")
    scores = np.arange(len(sids), 0, -1, dtype=float)  # index order as the ranking, best first
    out, told = own_first(reader, ev, parse_query("白教体[2014]1号"), Ranked.of(sids, scores))
    ranked, lifted = out.sids, out.scores
    own = [s for s in sids.tolist() if reader.catalog.reports[int(reader.catalog.section_report[s])].doc_id == OWN]
    assert ranked.tolist() == own + [s for s in sids.tolist() if s not in own]
    assert list(lifted) == sorted(lifted, reverse=True) and sorted(ranked.tolist()) == sorted(sids.tolist())
    assert told == ["文号为 白教体〔2014〕1号 的文件排在最前，其后是正文中引用它的章节"
                    "（年份外的括号写作 〔〕 [] ［］ 【】 （） () 的都算）。"]
    for q in ("体育", "文号:白教体[2014]1号", "白教体[2014]1号 /句 体育课"):  # no 文号 typed as text: as it was
        kept, none = own_first(reader, ev, parse_query(q), Ranked.of(sids, scores))
        same, same_scores = kept.sids, kept.scores
        assert same.tolist() == sids.tolist() and same_scores.tolist() == scores.tolist() and none == [], q


def test_marks_fall_on_the_quoted_doc_no_in_its_own_brackets(reader):
    from indexer.search.engine import search

    snippets = {(h.doc_id, h.section_id): h.snippet_html for h in search(reader, "白教体[2014]1号", per_page=50).hits}
    assert "<mark>" not in snippets[(OWN, "s0")]  # its text does not quote it
    marked = {m for s in snippets.values() for m in re.findall(r"<mark>(.*?)</mark>", s)}
    assert marked == {"白教体[2014]1号", "白教体【2014】1号", "白教体（2014）1号"}
    assert "<mark>白教体〔2014〕11号" not in snippets[(SUMMARY, "s1")]


def test_counts_and_concordance_see_every_form(reader):
    from indexer.search.kwic import kwic

    want = sum(n for form in WRITTEN for n in brute_hits(form, DOCNOS).values())
    assert want > len(quoting())  # one section quotes it more than once
    for q in ("白教体[2014]1号", "白教体〔2014〕1号"):
        assert kwic(reader, q, per_page=50).total == want


def test_the_field_query_still_finds_the_document_alone(reader):
    from indexer.search.engine import search

    for q in ("文号:白教体[2014]1号", "docno:白教体（2014）1号", "文号:〔2014〕1号"):
        res = search(reader, q, per_page=50)
        assert keys(res) == [(OWN, "s0")] and not res.notice, q


@pytest.mark.parametrize("q", ["教体〔2014〕1号", "白教体〔2014〕11号", '"白教体〔2014〕1号文件"', "〔2014〕1号"])
def test_what_is_not_that_doc_no_does_not_find_the_document(reader, q):
    from indexer.search.engine import search

    res = search(reader, q, per_page=50)
    assert OWN not in {h.doc_id for h in res.hits}
    assert "排在最前" not in (res.notice or "")


def test_a_longer_doc_no_holding_it_is_only_text(reader):
    """教体〔2014〕1号 is a 文号 of its own: the quotes of 白教体[2014]1号 hold it as text, in every form."""
    from indexer.search.engine import search

    res = search(reader, "教体〔2014〕1号", per_page=50)
    assert set(keys(res)) == quoting()


def test_another_doc_no_is_other_text(reader):
    from indexer.search.engine import search

    assert keys(search(reader, "白教体[2014]11号", per_page=50)) == [(SUMMARY, "s1")]


def test_an_order_doc_no_finds_its_rules_first(reader):
    from indexer.search.engine import search

    res = search(reader, "白石县人民政府令第3号", per_page=50)
    assert [h.doc_id for h in res.hits] == [RULES, SUMMARY]
    assert res.notice == "文号为 白石县人民政府令第3号 的文件排在最前，其后是正文中引用它的章节。"


def test_with_other_words_and_sorts(reader):
    from indexer.search.engine import search

    # the document's opening section has no 大课间: the quotes that have it are the answer
    assert {h.doc_id for h in search(reader, "白教体[2014]1号 大课间", per_page=50).hits} == {REPORT, SMALL}
    assert search(reader, "白教体[2014]1号 锻炼", per_page=50).hits[0].doc_id == OWN
    newest = search(reader, "白教体[2014]1号", sort="newest", per_page=50)
    assert "排在最前" not in (newest.notice or "") and newest.hits[0].doc_id == REPORT  # 2014-05-20
    excluded = search(reader, "体育 -白教体[2014]1号", per_page=50)
    assert not set(keys(excluded)) & (quoting() | {(OWN, "s0")})
    grouped = search(reader, "白教体(2014)1号", group="report", per_page=50)
    assert grouped.groups[0].doc_id == OWN


def test_an_empty_answer_says_why_as_for_any_string(reader):
    """Some of a 文号's bracket forms occur nowhere; that alone does not make it a string found nowhere."""
    from indexer.search.engine import search

    found = len(quoting() | {(OWN, "s0")})
    res = search(reader, "白教体［2014］1号 -体育")
    assert res.total == 0 and res.notice == f"{found} 个章节含白教体［2014］1号，但都含有体育，已全部排除。"
    res = search(reader, "白教体(2014)1号 year:2030")
    assert res.total == 0 and res.notice.startswith(f"{found} 个章节含白教体(2014)1号，但都不符合")
    res = search(reader, "白教体[2014]1号 /句 锻炼")
    assert res.total == 0 and res.notice == "白教体[2014]1号、锻炼都出现过，但没有一个章节同时含有它们。"
    res = search(reader, "白教体〔2015〕1号 -体育")  # no such 文号 anywhere: nothing to explain, as before
    assert res.total == 0 and "章节含" not in (res.notice or "")


def test_copies_writing_the_brackets_differently_are_named_once(tmp_path):
    """A copy of the notice from elsewhere, its 文号 written 白教体[2014]1号: one document, named once."""
    from indexer.search.engine import search
    from indexer.store.build import reindex
    from indexer.store.reader import Library

    src = tmp_path / "docs"
    src.mkdir()
    text = (DOCNOS / OWN).read_text(encoding="utf-8")
    (src / OWN).write_text(text, encoding="utf-8")
    (src / f"copy-{OWN}").write_text(text.replace("白教体〔2014〕1号", "白教体[2014]1号"), encoding="utf-8")
    (src / SMALL).write_text((DOCNOS / SMALL).read_text(encoding="utf-8"), encoding="utf-8")
    reindex(tmp_path / "index", [src], progress=False)
    reader = Library(tmp_path / "index").reader()
    one = search(reader, "白教体（2014）1号", per_page=50)
    every = search(reader, "白教体（2014）1号", per_page=50, copies="all")
    assert [h.doc_id for h in one.hits][1:] == [SMALL] and len(one.hits[0].sources) == 1
    assert {h.doc_id for h in every.hits[:2]} == {OWN, f"copy-{OWN}"} and every.hits[2].doc_id == SMALL
    for res in (one, every):
        assert re.match(r"文号为 白教体(〔2014〕|\[2014\])1号 的文件排在最前，其后", res.notice), res.notice


# -- the same through the web app, the JSON API and the CLI ---------------------------------------


def test_json_api_cli_and_page_agree(reader, client, docnos_index, capsys):
    from indexer.cli import main
    from indexer.search.engine import search

    q = "白教体［2014］1号"
    want = keys(search(reader, q, per_page=50))
    api = client.get("/api/search", query_string={"q": q, "per_page": 50}).get_json()
    assert [(h["doc_id"], h["section_id"]) for h in api["hits"]] == want
    assert "文号为 白教体〔2014〕1号 的文件排在最前" in api["notice"]
    assert main(["search", q, "--index", str(docnos_index), "--json", "--limit", "50"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert [(h["doc_id"], h["section_id"]) for h in cli["hits"]] == want and cli["notice"] == api["notice"]
    assert main(["search", q, "--index", str(docnos_index)]) == 0
    text = capsys.readouterr().out
    assert "提示：文号为 白教体〔2014〕1号 的文件排在最前" in text
    assert re.search(r"^1\. 白石县教育局关于加强学校体育工作的通知 .*白教体〔2014〕1号", text, re.M)
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert "文号为 白教体〔2014〕1号 的文件排在最前" in page
    assert page.index("白石县教育局关于加强学校体育工作的通知") < page.index("白石县第一中学关于落实学校体育工作通知的报告")
    doc = client.get(f"/api/doc/{SMALL}", query_string={"q": q}).get_json()
    assert "<mark>白教体【2014】1号</mark>" in "".join(s["body_html"] for s in doc["sections"])

