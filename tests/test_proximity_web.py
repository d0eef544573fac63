"""Proximity in the web app, its JSON twins, downloads and the CLI: the 词间关系 choice (within=) held by
the URL and every link, typed operators, /help; on the session's index of the seeds and report fixtures."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from indexer.cli import main
from indexer.search.matching import matching_sections
from indexer.search.mentions import count_mentions
from indexer.search.parser import parse_query
from indexer.search.snippet import query_marks

Q = "安全 教育"


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_the_form_choice_is_the_typed_operator(client, reader):
    anded, para, sent = (len(matching_sections(reader, q)) for q in (Q, "安全 /段 教育", "安全 /句 教育"))
    assert anded > para > sent > 0  # the session's text tells them apart
    for within, q, want in (("sentence", "安全 /句 教育", sent), ("paragraph", "安全 /段 教育", para)):
        d = client.get("/api/search", query_string={"q": Q, "within": within, "per_page": 100}).get_json()
        typed = client.get("/api/search", query_string={"q": q, "per_page": 100}).get_json()
        assert d["total"] == typed["total"] == want
        assert [h["url"] for h in d["hits"]] == [h["url"] for h in typed["hits"]]
        assert [h["snippet_html"] for h in d["hits"]] == [h["snippet_html"] for h in typed["hits"]]
        assert d["within"] == within and typed["within"] is None
        assert d["proximity"] == typed["proximity"] == [
            {"operator": "/句" if within == "sentence" else "/段", "kind": within, "distance": None,
             "operands": [["安全"], ["教育"]]}]
    assert client.get("/api/search", query_string={"q": Q}).get_json()["total"] == anded


def test_the_search_page_holds_the_choice_in_its_form_and_links(client):
    body = text(client.get("/search", query_string={"q": Q, "within": "sentence", "per_page": 5}))
    assert re.search(r'<select name="within"[^>]*>', body)
    assert '<option value="sentence" selected>同句</option>' in body
    assert '<option value="" selected>' not in body
    links = re.findall(r'href="([^"]*)"', body)
    for kind in ("page=2", "sort=newest", "group=report", "/trend?", "/export.csv?", "/doc/"):
        found = [h for h in links if kind in h and "?" in h]  # a section's permalink carries no query
        assert found and all("within=sentence" in h for h in found), kind
    assert body.count('<input type="hidden" name="within" value="sentence">') == 2  # the year and date boxes
    plain = text(client.get("/search", query_string={"q": Q}))
    assert '<option value="" selected>同章节</option>' in plain and "within=" not in plain


def test_the_report_page_marks_only_what_satisfies_the_choice(client, reader):
    d = client.get("/api/search", query_string={"q": Q, "within": "sentence", "per_page": 100}).get_json()
    hit = d["hits"][0]
    page = text(client.get(hit["url"].split("#")[0], query_string={"q": Q, "within": "sentence"}))
    everywhere = text(client.get(hit["url"].split("#")[0], query_string={"q": Q}))
    i = reader.report_index(hit["doc_id"])
    row = reader.catalog.reports[i]
    sids = matching_sections(reader, "安全 /句 教育")
    sids = sids[(sids >= row.first_sid) & (sids < row.first_sid + row.n_sections)]
    counted = int(count_mentions(reader, sids, query_marks(parse_query("安全 /句 教育"))).sum())
    assert page.count("<mark>") == counted < everywhere.count("<mark>")


def test_a_choice_that_is_not_one_is_a_clear_400(client):
    for path in ("/search", "/api/search", "/trend", "/api/trend", "/export.csv"):
        r = client.get(path, query_string={"q": Q, "within": "word"})
        assert r.status_code == 400, path
        assert "within" in text(r) and "sentence" in text(r)


def test_a_condition_no_section_meets_says_why(client):
    d = client.get("/api/search", query_string={"q": "防溺水 /句 家长"}).get_json()
    assert d["total"] == 0
    assert re.search(r"\d+ 个章节含防溺水、家长，但没有一处在同一句中。", d["notice"])
    assert not d["suggestions"]


def test_exports_count_and_link_what_the_condition_marks(client, reader):
    body = text(client.get("/export.csv", query_string={"q": Q, "within": "sentence"})).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))[1:]
    sids = matching_sections(reader, "安全 /句 教育")
    assert len(rows) == len(sids)
    assert sum(int(r[11]) for r in rows) == int(count_mentions(reader, sids, query_marks(parse_query("安全 /句 教育"))).sum())
    assert all("within=sentence" in r[10] for r in rows)


def test_trend_takes_the_choice(client, reader):
    tr = client.get("/api/trend", query_string={"q": Q, "within": "sentence", "by": "sections"}).get_json()
    assert tr["within"] == "sentence"
    s = tr["series"][0]
    assert sum(p["sections"] for p in s["points"]) + (s["unknown"] or {"sections": 0})["sections"] == \
        len(matching_sections(reader, "安全 /句 教育"))
    page = text(client.get("/trend", query_string={"q": Q, "within": "paragraph"}))
    assert '<option value="paragraph" selected>同段</option>' in page
    assert re.search(r'href="/search\?q=[^"]*within=paragraph', page)


def test_help_explains_the_operators(client):
    body = text(client.get("/help"))
    for s in ("/句", "/段", "/20", "同句", "同段", "词间关系", "within=sentence", "。！？；"):
        assert s in body, s


def test_the_home_page_offers_the_choice(client):
    assert '<select name="within"' in text(client.get("/"))


def test_cli_search_and_trend_take_the_choice(index_dir, capsys, reader):
    assert main(["search", Q, "--within", "sentence", "--index", str(index_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == len(matching_sections(reader, "安全 /句 教育")) and out["within"] == "sentence"
    assert main(["trend", Q, "--within", "paragraph", "--by", "sections", "--csv", "--index", str(index_dir)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:]
    assert sum(int(r[2] or 0) for r in rows) == len(matching_sections(reader, "安全 /段 教育"))
    with pytest.raises(SystemExit):
        main(["search", Q, "--within", "word", "--index", str(index_dir)])


def test_the_atom_feed_takes_the_choice(client, reader):
    body = text(client.get("/search.atom", query_string={"q": Q, "within": "sentence"}))
    entries = re.findall(r"<entry>.*?</entry>", body, re.S)
    assert len(entries) == min(50, len(matching_sections(reader, "安全 /句 教育")))
    assert all("within=sentence" in re.search(r'<link[^>]*href="([^"]*)"', e).group(1) for e in entries)
    assert len(re.findall(r"<entry>", text(client.get("/search.atom", query_string={"q": Q})))) == \
        min(50, len(matching_sections(reader, Q)))
