"""An official document's fields where users meet them: docno: and date: in the query language, the
date filter in the URL and the CLI, sort by date, the JSON and CSV keys, the report page's header,
signature block, attachments and the notice a document came in. On our own documents in
fixtures/gongwen, whose front matter states the fields (the parser's reading of them is tested elsewhere)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import GONGWEN

from indexer.search.results import doc_url

NOTICE = "白石县教育局关于印发学校美育工作方案的通知.md"
PLAN = "白石县学校美育工作方案.md"
SWIM = "白石县教育局关于做好暑期防溺水工作的通知.md"
SUMMARY = "白石县教育局工作总结.md"
RECORD = "学校安全检查记录.md"
KEYS = ("title", "doc_no", "date", "issuer", "issuers", "place", "region", "province")


@pytest.fixture(scope="module")
def gw_reader(gongwen_index):
    from indexer.store.reader import Library

    return Library(gongwen_index).reader()


@pytest.fixture(scope="module")
def gw_client(gongwen_index):
    from webapp import create_app

    app = create_app(gongwen_index)
    app.config.update(TESTING=True)
    return app.test_client()


def docs(reader, q: str, **kw) -> list[str]:
    from indexer.search.engine import search

    return [h.doc_id for h in search(reader, q, per_page=50, **kw).hits]


# -- front matter and parse --json ------------------------------------------------------


def test_front_matter_states_the_fields_and_parse_json_has_them(capsys):
    from indexer.cli import main

    assert main(["parse", "--json", str(GONGWEN / NOTICE)]) == 0
    r = json.loads(capsys.readouterr().out)["reports"][0]
    assert {k: r[k] for k in KEYS} == {
        "title": "白石县教育局 白石县财政局关于印发《白石县学校美育工作方案》的通知", "doc_no": "白教发〔2016〕24号",
        "date": "2016-06-07", "issuer": "白石县教育局、白石县财政局", "issuers": ["白石县教育局", "白石县财政局"],
        "place": "江南省青川市白石县", "region": "县", "province": "江南省"}
    assert r["year"] == 2016  # from the date
    assert r["parts"]["signed"] == "二〇一六年六月七日"
    assert r["parts"]["attachments"] == ["白石县学校美育工作方案"]
    assert r["parts"]["addressee"] == "各乡镇中心学校，县直各学校"


@pytest.mark.parametrize("written, iso", [("2016-06-07", "2016-06-07"), ("'2016-6'", "2016-06"), ("2016", "2016")])
def test_front_matter_date_is_iso(tmp_path, written, iso):
    from indexer.ingest.parse import parse_path

    f = tmp_path / "a.md"
    f.write_text(f"---\ntitle: 一份通知\ndate: {written}\nissuer: 白石县教育局\n---\n\n正文。\n", encoding="utf-8")
    r = parse_path(f).reports[0]
    assert (r.date, r.year, r.issuers, r.issuer) == (iso, 2016, ["白石县教育局"], "白石县教育局")


# -- the query language -------------------------------------------------------------------


def test_docno_and_date_fields_parse():
    from indexer.search.parser import Date, Facet, parse_query

    assert parse_query("docno:〔2016〕24号").root == Facet("doc_no", "〔2016〕24号")
    assert parse_query("文号:沪府办发（2016）24号").root == Facet("doc_no", "沪府办发（2016）24号")
    assert parse_query("date:2016-06").root == Date(20160601, 20160631)
    assert parse_query("日期:2016-01..2016-06").root == Date(20160101, 20160631)
    bad = parse_query("美育 date:2016-13")
    assert bad.root is not None and any("date:2016-06" in n for n in bad.notices)
    assert any("docno:" in n and "date:" in n for n in parse_query("dokno:24号").notices)


@pytest.mark.parametrize("value, span", [
    ("2016", (20160101, 20161231)), ("2016-06", (20160601, 20160631)), ("2016-6-7", (20160607, 20160607)),
    ("2016年6月7日", (20160607, 20160607)), ("２０１６－０６", (20160601, 20160631)),
    ("2016-01..2016-06", (20160101, 20160631)), ("2016-03..", (20160301, None)), ("..2015", (None, 20151231)),
    ("2017..2016", (20160101, 20171231)), ("", (None, None)),
])
def test_parse_date(value, span):
    from indexer.search.facets import parse_date

    assert parse_date(value) == span


@pytest.mark.parametrize("value", ["2016-13", "16-06", "June", "2016..2017..2018", "2016-00-07"])
def test_parse_date_refuses(value):
    from indexer.search.facets import parse_date

    assert parse_date(value) is None


@pytest.mark.parametrize("value, why", [("2016-02-30", "2016年2月没有30日"), ("2015-02-29", "2015年2月没有29日"),
                                        ("2016年4月31日", "2016年4月没有31日"), ("2016-01..2016-06-31", "2016年6月没有31日")])
def test_a_day_the_calendar_lacks_is_said_to_be_missing(value, why):
    from indexer.api import make_filters
    from indexer.search.facets import missing_day, parse_date
    from indexer.search.parser import parse_query

    assert parse_date(value) is None and missing_day(value) == why
    assert any(f"不存在（{why}）" in n for n in parse_query(f"美育 date:{value}").notices)
    with pytest.raises(ValueError, match=f"不存在：{why}"):
        make_filters(date=value)


def test_days_the_calendar_has_are_read():
    from indexer.search.facets import missing_day, parse_date

    assert parse_date("2016-02-29") == (20160229, 20160229) and missing_day("2016-02-29") is None
    assert missing_day("2016-13") is None  # unreadable for another reason: the forms are listed


def test_a_missing_day_in_the_url_is_said(gw_client):
    r = gw_client.get("/search", query_string={"q": "美育", "date": "2016-02-30"})  # beside the box, the query kept
    assert r.status_code == 200 and "2016年2月没有30日" in r.get_data(as_text=True) and 'id="date-error"' in r.get_data(as_text=True)
    r = gw_client.get("/api/search", query_string={"q": "美育", "date": "2016-02-30"})
    assert r.status_code == 400 and "2016年2月没有30日" in r.get_json()["message"]


def test_doc_no_bracket_forms_are_one():
    from indexer.store.catalog import fold_doc_no

    forms = ["沪府办发〔2016〕24号", "沪府办发[2016]24号", "沪府办发［2016］24号", "沪府办发（2016）24号",
             "沪府办发(2016)24号", "沪府办发【2016】24号", "沪府办发 〔2016〕 24号"]
    assert len({fold_doc_no(f) for f in forms}) == 1


# -- matching, filters, sort ----------------------------------------------------------------


@pytest.mark.parametrize("q", ["docno:〔2016〕24号", "docno:[2016]24号", "docno:［2016］24号", "docno:(2016)24号",
                               "docno:白教发（2016）24号", "docno:白教发〔2016〕24号", 'docno:"白教发 〔2016〕24号"',
                               "文号:24号"])
def test_docno_finds_the_notice_once(gw_reader, q):
    assert docs(gw_reader, q) == [NOTICE]


def test_docno_other_bracket_forms_and_whole_numbers(gw_reader):
    assert docs(gw_reader, "docno:白教发〔2015〕4号") == [SWIM]  # written 白教发[2015]4号
    assert docs(gw_reader, "docno:4号") == [SWIM]  # not 24号
    assert docs(gw_reader, "docno:〔2014〕24号") == []  # only cited in the text: not its own 文号
    assert docs(gw_reader, "〔2014〕24号") == [SWIM]  # the text still finds it
    assert docs(gw_reader, "学校 -docno:24号") and NOTICE not in docs(gw_reader, "学校 -docno:24号")


def test_date_filter_in_the_query(gw_reader):
    assert sorted(docs(gw_reader, "date:2016-06")) == sorted([NOTICE, PLAN])
    assert docs(gw_reader, "date:2016-06-07") == [NOTICE]  # the plan says only 2016-06
    assert docs(gw_reader, "date:2015-07") == [SWIM]
    assert docs(gw_reader, "date:2014") == [SUMMARY]  # a year alone answers date:2014
    assert docs(gw_reader, "date:2014-03") == []  # … but not a month of it
    assert sorted(docs(gw_reader, "date:2015..2016-05")) == [SWIM]
    assert sorted(docs(gw_reader, "学校 date:..2015")) == sorted([SWIM, SUMMARY])


def test_date_filter_as_filters(gw_reader):
    from indexer.search.facets import Filters

    f = Filters()
    f.set_date("2016-06")
    assert sorted(docs(gw_reader, "学校", filters=f)) == sorted([NOTICE, PLAN])
    with pytest.raises(ValueError, match="2016-06"):
        f.set_date("六月")


@pytest.mark.parametrize("value", ["教育局", "财政局", "白石县教育局", "公安局"])
def test_issuer_as_a_filter_is_the_issuer_field(gw_reader, value):
    from indexer.search.facets import Filters

    assert docs(gw_reader, "学校", filters=Filters(issuer=value)) == docs(gw_reader, f"学校 issuer:{value}")
    assert Filters(issuer=value).active()


def test_docno_as_a_filter_is_the_docno_field(gw_reader):
    from indexer.search.facets import Filters

    assert docs(gw_reader, "学校", filters=Filters(doc_no="〔2015〕4号")) == [SWIM]  # written 白教发[2015]4号
    assert docs(gw_reader, "学校", filters=Filters(doc_no="4号")) == [SWIM]  # not 24号
    assert docs(gw_reader, "学校", filters=Filters(doc_no="〔2014〕24号")) == []  # only cited in its text
    assert Filters(issuer=None, doc_no="4号").active() and not Filters().active()


def test_issuer_filter_narrows_the_trends_reports_indexed(gw_reader):
    from indexer.search.facets import Filters
    from indexer.search.trend import trend

    everyone = trend(gw_reader, ["学校"])
    finance = trend(gw_reader, ["学校"], Filters(issuer="财政局"))
    assert sum(finance.indexed) + (finance.unknown_indexed or 0) == 1  # the joint notice alone
    assert sum(everyone.indexed) + (everyone.unknown_indexed or 0) == 5
    assert finance.series[0].total("reports") == 1


@pytest.mark.parametrize("sort, order", [("newest", [NOTICE, PLAN, SWIM, SUMMARY, RECORD]),
                                         ("oldest", [SUMMARY, SWIM, PLAN, NOTICE, RECORD])])
def test_sort_by_date_then_year_unknown_last(gw_reader, sort, order):
    from indexer.search.engine import search

    res = search(gw_reader, "学校", sort=sort, per_page=50, group="report")
    assert [g.doc_id for g in res.groups] == order


# -- JSON, CSV and the web app --------------------------------------------------------------


def test_api_search_hits_and_groups_have_the_fields(gw_client):
    hit = gw_client.get("/api/search?q=docno:24号").get_json()["hits"][0]
    assert {k: hit[k] for k in ("doc_no", "date", "issuers", "place", "province")} == {
        "doc_no": "白教发〔2016〕24号", "date": "2016-06-07", "issuers": ["白石县教育局", "白石县财政局"],
        "place": "江南省青川市白石县", "province": "江南省"}
    group = gw_client.get("/api/search?q=学校&group=report&date=2016-06-07").get_json()["groups"]
    assert [g["doc_id"] for g in group] == [NOTICE] and all(k in group[0] for k in KEYS)
    assert group[0]["issuer"] == "白石县教育局、白石县财政局" and group[0]["region"] == "县"


def test_api_doc_has_fields_parts_and_links(gw_client):
    d = gw_client.get(f"/api/doc/{NOTICE}").get_json()
    assert all(k in d for k in KEYS) and d["doc_no"] == "白教发〔2016〕24号"
    assert d["parts"]["signature"] == "白石县教育局　　白石县财政局"
    assert d["attachments"] == [{"title": "白石县学校美育工作方案", "url": doc_url(PLAN)}]
    plan = gw_client.get(f"/api/doc/{PLAN}").get_json()
    assert plan["parent"]["url"] == doc_url(NOTICE) and "美育工作方案》的通知" in plan["parent"]["title"]


def test_date_in_the_url_and_sort(gw_client):
    res = gw_client.get("/api/search?q=学校&date=2016-06&sort=oldest&group=report").get_json()
    assert [g["doc_id"] for g in res["groups"]] == [PLAN, NOTICE]
    bad = gw_client.get("/api/search?q=学校&date=2016-99")
    assert bad.status_code == 400 and "2016-06" in bad.get_json()["message"]
    page = gw_client.get("/search?q=学校&date=2016-06").get_data(as_text=True)
    assert 'name="date" value="2016-06"' in page and "当前：2016-06" in page
    assert "白教发〔2016〕24号" in page  # the hit's line names the 文号


def test_csv_and_jsonl_exports_have_the_fields(gw_client):
    body = gw_client.get("/export.csv?q=docno:24号").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(body[1:])))
    assert (row["文号"], row["成文日期"], row["发文机关"], row["所在地"], row["省份"], row["地区"]) == (
        "白教发〔2016〕24号", "2016-06-07", "白石县教育局、白石县财政局", "江南省青川市白石县", "江南省", "县")
    line = json.loads(gw_client.get("/export.jsonl?q=docno:24号").get_data(as_text=True).splitlines()[0])
    assert all(k in line for k in KEYS) and line["issuers"] == ["白石县教育局", "白石县财政局"]


def test_report_page_header_signature_and_attachments(gw_client):
    page = gw_client.get(f"/doc/{NOTICE}").get_data(as_text=True)
    header = page[page.index("<header id=\"top-of-report\""):page.index("</header>", page.index("top-of-report"))]
    for shown in ("文号", "白教发〔2016〕24号", "白石县教育局、白石县财政局", "2016年6月7日", "江南省青川市白石县"):
        assert shown in header
    sig = page[page.index('<footer class="signature">'):]
    assert "白石县教育局　　白石县财政局" in sig and "二〇一六年六月七日" in sig
    assert page.index("请结合本校情况抓好落实") < page.index('class="attachments"') < page.index('class="signature"')
    assert f'<a href="{doc_url(PLAN)}">白石县学校美育工作方案</a>' in page
    plan = gw_client.get(f"/doc/{PLAN}").get_data(as_text=True)
    assert "印发通知：" in plan and f'href="{doc_url(NOTICE)}"' in plan
    assert 'class="signature"' not in plan and "2016年6月" in plan
    record = gw_client.get(f"/doc/{RECORD}").get_data(as_text=True)
    assert 'class="docinfo"' not in record and "印发通知" not in record


def test_cli_search_date_and_sort(gongwen_index, capsys, monkeypatch):
    from indexer.cli import main

    monkeypatch.setenv("EDUSEARCH_INDEX", str(gongwen_index))
    assert main(["search", "学校", "--date", "2016-06", "--sort", "oldest"]) == 0
    out = capsys.readouterr().out
    assert out.index("白石县学校美育工作方案") < out.index("白教发〔2016〕24号") and "防溺水" not in out
    assert main(["search", "学校", "--date", "六月"]) == 2
    assert "2016-06" in capsys.readouterr().err
