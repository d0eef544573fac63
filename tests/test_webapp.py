"""Every route and error path through Flask's test client, on the real index."""

from __future__ import annotations

import html
import re
import shutil
import warnings
from urllib.parse import quote

import pytest
from helpers import CORPUS, brute_hits

DOC = "000_d895e07126d09c4a.txt~1"


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_home(client):
    r = client.get("/")
    assert r.status_code == 200
    body = text(r)
    assert 'name="q"' in body and "报告" in body
    assert 'lang="zh-CN"' in body


def test_search_page_keeps_query_and_marks(client):
    r = client.get("/search?q=防溺水")
    body = text(r)
    assert r.status_code == 200
    assert 'value="防溺水"' in body
    assert "<mark>防溺水</mark>" in body
    assert "找到 <strong>3</strong> 个章节" in body
    assert "深入开展防溺水专项治理" in body  # breadcrumb of the first hit
    assert f'/doc/{quote(DOC, safe="/~")}?q=%E9%98%B2%E6%BA%BA%E6%B0%B4#s3-2' in body


def test_root_with_query_is_the_search_page(client):
    assert "<mark>防溺水</mark>" in text(client.get("/?q=防溺水"))


def test_year_timeline_bars_link_to_their_year(client):
    body = text(client.get("/search?q=教育公平"))
    assert "<svg" in body and "<rect" in body
    bars = re.findall(r'<a href="([^"]+)" class="bar[^"]*"[^>]*>\s*(?:<rect[^>]*class="hitarea"/>\s*)?<rect[^>]*><title>(\d{4}) 年：(\d+) 篇报告</title>', body)
    assert bars
    for href, year, _ in bars:
        assert f"year={year}" in href and "q=" in href
    assert "年份不详" in body  # the seed reports of unknown year are shown apart


def test_year_filter_keeps_other_parameters(client):
    body = text(client.get("/search?q=教育&year=2010-2012&doc_type=政府工作报告"))
    years = {int(y) for y in re.findall(r'<p class="meta">(\d{4})(?:-\d\d){0,2} ·', body)}
    assert years and years <= {2010, 2011, 2012}
    # facet links keep q and the other filter
    assert re.search(r'href="/search\?q=%E6%95%99%E8%82%B2&amp;year=2010-2012&amp;doc_type=[^"]+&amp;region=', body)
    assert "清除全部筛选" in body


def test_unknown_year_filter(client):
    body = text(client.get("/search?q=教育&year=unknown"))
    assert "年份不详 · 工作总结" in body
    assert not re.search(r'<p class="meta">\d{4} ·', body)


def test_pagination(client):
    p1 = text(client.get("/search?q=教育"))
    p2 = text(client.get("/search?q=教育&page=2"))
    assert 'rel="next"' in p1 and 'rel="prev"' in p2
    assert '<ol class="hits" start="11">' in p2


def test_word_level_notice(client):
    body = text(client.get("/search?q=溺水防范"))
    assert "按词" in body and "<mark>" in body


@pytest.mark.parametrize("q", ["", "   ", "OR", '"', "(", "-", "title:", "year:abc 教育", "<script>alert(1)</script>"])
def test_empty_or_unusable_query_is_answered(client, q):
    r = client.get("/search", query_string={"q": q})
    assert r.status_code == 200
    body = text(r)
    assert "<script>alert" not in body
    assert 'class="notice"' in body or "没有找到" in body or "没有结果" in body


def test_report_page_sections_toc_and_marks(client):
    r = client.get(f"/doc/{DOC}?q=防溺水")
    body = text(r)
    assert r.status_code == 200
    assert '<section id="s3-2"' in body and '<section id="s0"' in body
    assert 'href="#s3-2"' in body  # table of contents
    assert "<mark>防溺水</mark>" in body
    assert "已标出“防溺水”的" in body
    assert 'class="copy" data-href="/doc/' in body


def test_report_pages_json_twin_keeps_the_query_and_its_marks(client):
    """The page's JSON link carries q, and /api/doc marks q as the page does: the count it says and
    the same marked HTML, section by section."""
    page = text(client.get(f"/doc/{DOC}?q=防溺水"))
    link = html.unescape(re.search(r'<a class="json" href="([^"]+)"', page).group(1))
    data = client.get(link).get_json()
    said = int(re.search(r"已标出“防溺水”的 (\d+) 处", page).group(1))
    assert data["q"] == "防溺水" and data["marks"] == said == page.count("<mark>防溺水</mark>") > 0
    assert sum(s["body_html"].count("<mark>") + s["heading_html"].count("<mark>") for s in data["sections"]) == said
    assert all(s["body_html"] in page for s in data["sections"] if "<mark>" in s["body_html"])
    plain = client.get(f"/api/doc/{quote(DOC)}").get_json()
    assert plain["q"] is None and plain["marks"] == 0 and "body_html" not in plain["sections"][0]


def test_report_page_marks_a_title_query_in_the_title(client):
    """A `title:` hit's link lands on the report with the title term marked, not "0 处"."""
    body = text(client.get(f"/doc/{DOC}", query_string={"q": "title:年终工作总结 防溺水"}))
    h1 = re.search(r"<h1>(.*?)</h1>", body).group(1)
    assert h1 == "教育局<mark>年终工作总结</mark>"
    assert "<mark>防溺水</mark>" in body
    assert "的 0 处" not in body
    body = text(client.get(f"/doc/{DOC}", query_string={"q": "title:年终工作总结"}))
    assert re.search(r"<h1>(.*?)</h1>", body).group(1) == "教育局<mark>年终工作总结</mark>"
    assert "已标出“title:年终工作总结”的 1 处" in body


def test_report_page_without_query_has_no_marks(client):
    assert "<mark>" not in text(client.get(f"/doc/{DOC}"))


def test_markdown_report_is_rendered_and_sanitised(tmp_path):
    from indexer.store.build import reindex
    from webapp import create_app

    src = tmp_path / "src"
    src.mkdir()
    (src / "note.md").write_text(
        "---\ntitle: 2021年校园安全工作要点\nyear: 2021\n---\n# 2021年校园安全工作要点\n\n"
        "## 一、防溺水\n\n开展**防溺水**教育。<script>alert(1)</script> [点我](javascript:alert(1))\n\n"
        "<img src=x onerror=alert(1)>\n", encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    c = create_app(tmp_path / "ix").test_client()
    body = text(c.get("/doc/note.md?q=防溺水"))
    assert "<strong><mark>防溺水</mark></strong>" in body
    assert "<script>alert" not in body
    assert not re.search(r"<[^>]*\bon\w+=", body) and not re.search(r'href="\s*javascript:', body)
    hit = c.get("/api/search?q=开展防溺水教育").get_json()
    assert hit["total"] == 1  # bold markers do not break an exact match


def test_a_term_split_by_a_line_break_or_bold_is_marked_on_the_report_page(tmp_path):
    """Search finds 防溺水 written 防⏎溺水 (a hard-wrapped line) or 防**溺水** and its snippet marks it; the
    report page the hit links to marked nothing there (“已标出 0 处”)."""
    from indexer.store.build import reindex
    from webapp import create_app

    src = tmp_path / "src"
    src.mkdir()
    (src / "wrapped.txt").write_text("2022年青山县教育局工作总结\n一、校园安全\n全年开展防\n溺水专项教育，覆盖全部学校。\n",
                                     encoding="utf-8")
    (src / "note.md").write_text("---\ntitle: 2021年校园安全工作要点\nyear: 2021\n---\n## 一、安全\n\n"
                                 "开展防**溺水专项**教育。\n", encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    c = create_app(tmp_path / "ix").test_client()
    hits = c.get("/api/search?q=防溺水专项").get_json()["hits"]
    assert sorted(h["doc_id"] for h in hits) == ["note.md", "wrapped.txt"]
    body = text(c.get("/doc/wrapped.txt?q=防溺水专项"))
    assert "<p>全年开展<mark>防</mark></p><p><mark>溺水专项</mark>教育，覆盖全部学校。</p>" in body
    assert "已标出“防溺水专项”的 1 处" in body
    body = text(c.get("/doc/note.md?q=防溺水专项"))
    assert "开展<mark>防</mark><strong><mark>溺水专项</mark></strong>教育" in body
    assert "已标出“防溺水专项”的 1 处" in body


def test_every_report_counted_has_a_page_and_a_title_alone_is_found(tmp_path):
    """A notice printed as its title (three times, as a legal database exports it) and its 文号 and
    date, with no text: stats counted it, yet no search found it and its page was 404."""
    from helpers import GOV

    from indexer.store.build import reindex
    from indexer.store.reader import Library
    from webapp import create_app

    src = tmp_path / "src"
    shutil.copytree(GOV, src)
    title = "白石县教育局关于印发白石县中小学课后服务管理办法的通知"
    (src / "notice.txt").write_text(f"{title}\n\n{title}\n\n（白教发〔2021〕3号 2021年3月2日）\n{title}\n",
                                    encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    c = create_app(tmp_path / "ix").test_client()
    for q in ("课后服务管理办法", "docno:白教发〔2021〕3号", f"title:{title}"):
        assert [h["doc_id"] for h in c.get("/api/search", query_string={"q": q}).get_json()["hits"]] == ["notice.txt"]
    page = c.get("/doc/notice.txt?q=课后服务管理办法")
    assert page.status_code == 200 and "白教发〔2021〕3号" in text(page)
    reader = Library(tmp_path / "ix").reader()
    counted = c.get("/api/stats").get_json()["reports"]
    opened = [r.doc_id for r in reader.catalog.reports if c.get(f"/api/doc/{quote(r.doc_id)}").status_code == 200]
    assert counted == len(reader.catalog.reports) == len(opened)
    reader.close()
    alone = tmp_path / "alone"  # an index of titles alone: every body empty, nothing to divide by
    alone.mkdir()
    shutil.move(src / "notice.txt", alone)
    reindex(tmp_path / "ix-alone", [alone], progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # 0 / 0 in the length norm
        hits = create_app(tmp_path / "ix-alone").test_client().get("/api/search?q=课后服务").get_json()["hits"]
    assert [h["doc_id"] for h in hits] == ["notice.txt"]


def test_unknown_doc_is_404_page(client):
    r = client.get("/doc/does-not-exist.txt")
    assert r.status_code == 404
    assert "没有编号为" in text(r) and "Traceback" not in text(r)


@pytest.mark.parametrize("path", ["/doc/../../etc/passwd", "/doc/%2e%2e/%2e%2e/etc/passwd", "/api/doc/..%2Fmanifest.json",
                                  "/doc/gov-work-reports/../000_d895e07126d09c4a.txt~1"])
def test_doc_path_traversal_is_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert "root:" not in text(r)


def test_api_search_is_the_search_core_object(client):
    data = client.get("/api/search?q=防溺水").get_json()
    assert set(data) == {"query", "total", "total_documents", "took_ms", "page", "per_page", "notice", "partial", "facets", "hits",
                         "suggestions", "within", "proximity"}
    assert data["total"] == len(brute_hits("防溺水", *CORPUS)) and data["hits"][0]["section_id"] == "s3-2"
    assert data["hits"][0]["url"].endswith("#s3-2")


def test_api_search_same_as_cli(client, index_dir, capsys):
    import json

    from indexer.cli import main

    main(["search", "2008年", "--index", str(index_dir), "--json", "--limit", "20"])
    cli = json.loads(capsys.readouterr().out)
    api = client.get("/api/search?q=2008年&per_page=20").get_json()
    for d in (cli, api):
        d.pop("took_ms")
    assert cli == api


@pytest.mark.parametrize("qs", ["per_page=101", "per_page=0", "page=0", "page=abc", "per_page=1e9", "year=20x9", "page=99999999"])
def test_api_bad_parameters_are_400_json(client, qs):
    r = client.get(f"/api/search?q=教育&{qs}")
    assert r.status_code == 400
    assert r.is_json and r.get_json()["message"]


def test_api_doc_and_404(client):
    d = client.get(f"/api/doc/{DOC}").get_json()
    assert d["doc_id"] == DOC and d["sections"][0]["section_id"] == "s0"
    assert {"section_id", "level", "heading", "heading_path", "text"} <= set(d["sections"][1])
    r = client.get("/api/doc/nope")
    assert r.status_code == 404 and r.is_json and "error" in r.get_json()


def test_api_stats(client):
    from indexer.ingest.parse import parse_path

    d = client.get("/api/stats").get_json()
    reports = sum(len(parse_path(f, root).reports) for root in CORPUS for f in root.rglob("*.txt"))
    assert d["reports"] == reports and "sources" not in d


def test_help_page(client):
    body = text(client.get("/help"))
    for token in ("OR", "title:", "year:", "-词", "JSON"):
        assert token in body


def test_opensearch(client):
    r = client.get("/opensearch.xml")
    assert r.status_code == 200 and "opensearchdescription" in r.content_type
    assert "/search?q={searchTerms}" in text(r)
    assert 'rel="search"' in text(client.get("/"))


def test_unknown_route_and_method(client):
    assert client.get("/nope").status_code == 404
    assert client.post("/api/search?q=x").status_code == 405
    assert client.post("/search").status_code == 405


def test_no_network_resources_in_pages(client):
    for path in ("/", "/search?q=防溺水", f"/doc/{DOC}", "/help"):
        body = text(client.get(path))
        assert not re.search(r'(src|href)="(https?:)?//', body), path


def test_security_headers(client):
    r = client.get("/search?q=防溺水")
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_missing_index_is_a_clear_503(tmp_path):
    from webapp import create_app

    c = create_app(tmp_path / "none").test_client()
    r = c.get("/search?q=x")
    assert r.status_code == 503 and "edusearch reindex" in text(r)
    assert c.get("/api/search?q=x").status_code == 503


def test_a_page_past_the_end_says_so_and_links_to_the_last(client):
    total = client.get("/api/search?q=防溺水").get_json()["total"]
    assert 0 < total <= 10
    body = text(client.get("/search?q=防溺水&page=7"))
    assert "第 7 页超出范围" in body and f"{total} 个章节共 1 页" in body
    last = re.search(r'href="([^"]+)">回到最后一页', body).group(1)
    back = text(client.get(html.unescape(last)))
    assert back.count('class="hit"') == total


@pytest.mark.parametrize("qs", ["per_page=101", "page=0", "page=abc", "page=1001", "per_page=-1"])  # a year: test_an_unreadable_year…
def test_parameter_errors_are_chinese(client, qs):
    r = client.get(f"/search?q=教育&{qs}")
    assert r.status_code == 400
    body = text(r)
    assert re.search(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", "", body.split("<main", 1)[-1]))
    assert "must be" not in body


def test_an_unknown_type_lists_the_known_ones(client):
    d = client.get("/api/search?q=教育&doc_type=总结").get_json()
    assert d["total"] == 0
    assert "没有“总结”这个文件类型" in d["notice"] and "工作总结" in d["notice"]


def test_home_and_api_show_skipped_files_in_chinese(tmp_path):
    """A binary text file, a corrupt PDF and a .docx zip bomb: the home page shows each one's Chinese
    message and no English sentence; /api/stats gives the code, the message and the English detail."""
    from documents import make_docx_bomb

    from indexer.store.build import reindex
    from webapp import create_app

    src = tmp_path / "src"
    src.mkdir()
    (src / "report.txt").write_text("一、防溺水\n开展防溺水教育。\n", encoding="utf-8")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    make_docx_bomb(src / "bomb.docx")
    reindex(tmp_path / "index", [src], progress=False)
    client = create_app(tmp_path / "index").test_client()

    body = text(client.get("/"))
    assert "另有 3 个文件未能读取" in body
    assert "image.txt：二进制文件" in body
    assert "broken.pdf：PDF 已损坏或不完整" in body
    assert re.search(r"bomb\.docx：\.docx 解压后超过 [\d.]+ MiB，上限 128 MiB（压缩炸弹，或不是报告）", body), body
    skipped = body[body.index('class="skipped"'):body.index("</details>")]
    assert not re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", skipped), skipped  # no English sentence
    for english in ("NUL bytes", "corrupt", "zip bomb", "limit"):
        assert english not in skipped

    rows = {row["path"]: row for row in client.get("/api/stats").get_json()["skipped"]}
    assert {p: row["code"] for p, row in rows.items()} == {
        "image.txt": "binary", "broken.pdf": "pdf_corrupt", "bomb.docx": "docx_bomb"}
    assert rows["broken.pdf"]["message"] == "PDF 已损坏或不完整" and "PDF" in rows["broken.pdf"]["detail"]
    assert rows["bomb.docx"]["message"].startswith(".docx 解压后超过") and "zip bomb" in rows["bomb.docx"]["detail"]
    assert all(set(row) == {"path", "code", "message", "detail"} for row in rows.values())


@pytest.mark.parametrize("url", ["/search?q=学校&sort=date", "/api/search?q=学校&group=year", "/trend?q=学校&by=count",
                                 "/api/trend?q=学校&by=count"])
def test_a_bad_choice_is_explained_in_chinese(client, url):
    """The interface is Chinese: a mistyped sort/group/by says so in Chinese and lists the choices."""
    r = client.get(url)
    assert r.status_code == 400
    body = text(r)
    assert "must be one of" not in body
    assert "可选" in body and ("relevance" in body or "report" in body or "share" in body)


@pytest.mark.parametrize("url", ["/export.csv?q=防溺水", "/trend.csv?q=防溺水", "/export.jsonl?q=防溺水"])
def test_downloads_name_their_charset_once(client, url):
    """`text/csv; charset=utf-8; charset=utf-8` is a malformed header some clients reject."""
    ctype = client.get(url).headers["Content-Type"]
    assert ctype.count("charset") == 1 and ctype.endswith("charset=utf-8")


@pytest.mark.parametrize("method, url", [("get", "/nope"), ("get", "/api/nope"), ("post", "/search?q=学校"),
                                         ("post", "/api/search?q=学校")])
def test_error_pages_speak_chinese(client, method, url):
    """A mistyped address showed Werkzeug's “The requested URL was not found on the server…” in the Chinese pages."""
    r = getattr(client, method)(url)
    assert r.status_code in (404, 405)
    body = text(r)
    assert "The requested URL" not in body and "The method is not allowed" not in body
    assert re.search(r"[\u4e00-\u9fff]", r.get_json()["message"] if url.startswith("/api/") else body)


def test_a_link_survives_a_file_gaining_or_losing_reports(client):
    """A file that held one report is /doc/x.txt; once a second report (【篇二】) is added it becomes
    x.txt~1 and x.txt~2, and a link shared before answered 404. Same the other way round."""
    multi = DOC.removesuffix("~1")
    r = client.get(f"/doc/{multi}?q=防溺水")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/doc/{DOC}?q=%E9%98%B2%E6%BA%BA%E6%B0%B4")
    single = client.get("/api/search?q=year:2019").get_json()["hits"][0]["doc_id"]
    assert "~" not in single
    r = client.get(f"/doc/{quote(single)}~1")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/doc/{quote(single)}")
    assert client.get(f"/doc/{multi}~9").status_code == 404


def test_a_result_link_and_the_reports_back_link_keep_the_whole_search(client):
    """Filters, sort and page travel with a result into its report, and 返回检索结果 goes back to
    the same results page, not to the bare query."""
    import html
    import re

    page = "/search?q=%E6%95%99%E8%82%B2&year=2000-2020&sort=newest&page=2"
    body = text(client.get(page))
    link = html.unescape(re.search(r'<h3><a href="(/doc/[^"]+)"', body).group(1))
    assert "year=2000-2020" in link and "sort=newest" in link and "page=2" in link
    doc = text(client.get(link.split("#")[0]))
    back = html.unescape(re.search(r'<a href="([^"]+)">返回检索结果</a>', doc).group(1))
    from urllib.parse import parse_qs, urlsplit

    assert urlsplit(back).path == "/search"
    assert parse_qs(urlsplit(back).query) == parse_qs(urlsplit(page).query)


def test_a_report_opened_with_a_broken_page_number_leads_back_to_its_query(client):
    """A hand-edited link (page=abc) still opens the report, and 返回检索结果 goes to the query
    rather than to a results page that would only say the page number is wrong."""
    import html
    import re

    body = text(client.get("/search?q=%E6%95%99%E8%82%B2"))
    link = html.unescape(re.search(r'<h3><a href="(/doc/[^"?#]+)', body).group(1))
    doc = client.get(link + "?q=%E6%95%99%E8%82%B2&page=abc&year=2019")
    assert doc.status_code == 200
    back = html.unescape(re.search(r'<a href="([^"]+)">返回检索结果</a>', text(doc)).group(1))
    assert back == "/search?q=%E6%95%99%E8%82%B2"
    assert client.get(back).status_code == 200


@pytest.mark.parametrize("written", ["2019年", "２０１９年", "2019年-2019年", "2019年至2019年"])
def test_years_as_people_write_them(client, written):
    """The year box answered 400 to 2015年 and year:2015年 dropped the filter."""
    plain = client.get("/api/search?q=教育&year=2019").get_json()
    assert plain["total"] > 0
    assert client.get(f"/api/search?q=教育&year={quote(written)}").get_json()["total"] == plain["total"]
    typed = client.get(f"/api/search?q={quote('教育 year:' + written)}").get_json()
    assert typed["total"] == plain["total"] and not typed["notice"]
    assert client.get(f"/search?q=教育&year={quote(written)}").status_code == 200


def test_a_list_of_years_filters_to_those_years(client):
    """The year box, year: and --year take a list: 2015,2018,2020 (also with 、，；)."""
    each = {y: client.get(f"/api/search?q=教育&year={y}&per_page=100").get_json()["total"] for y in (2010, 2015, 2024)}
    assert all(each.values())
    for written in ("2010,2015,2024", "2010、2015，2024", "2010年；2015年；2024年"):
        assert client.get("/api/search", query_string={"q": "教育", "year": written}).get_json()["total"] == sum(each.values())
        typed = client.get("/api/search", query_string={"q": "教育 year:" + written.replace(" ", "")}).get_json()
        assert typed["total"] == sum(each.values()) and not typed["notice"]
    body = text(client.get("/search", query_string={"q": "教育", "year": "2010,2015"}))
    selected = re.findall(r'aria-label="(\d{4}) 年：\d+ 篇报告"', "".join(re.findall(r'<a [^>]*class="bar selected"[^>]*>', body)))
    assert selected == ["2010", "2015"]  # the timeline marks those two bars
    assert client.get("/api/trend?q=教育&year=2010,2015,2024").get_json()["years"] == [2010, 2015, 2024]


def test_recent_years_count_back_from_this_year(client):
    from datetime import date

    now = date.today().year
    same = client.get(f"/api/search?q=教育&year={now - 4}-{now}").get_json()["total"]
    assert client.get("/api/search", query_string={"q": "教育", "year": "近五年"}).get_json()["total"] == same
    assert client.get("/api/search", query_string={"q": "教育 year:近五年"}).get_json()["total"] == same
    body = text(client.get("/search", query_string={"q": "教育", "year": "近五年"}))
    assert f"当前：近五年（{now - 4}–{now}）" in html.unescape(body)


@pytest.mark.parametrize("path", ["/search", "/trend"])
def test_an_unreadable_year_keeps_the_query_and_says_why_beside_the_box(client, path):
    r = client.get(path, query_string={"q": "安全", "year": "去年以前"})
    body = text(r)
    assert r.status_code == 200 and 'value="安全"' in body and 'value="去年以前"' in body
    error = re.search(r'<p class="field-error" id="year-error" role="alert">(.*?)</p>', body).group(1)
    assert "年份“去年以前”看不懂" in error and "没有按年份筛选" in error
    assert 'aria-describedby="year-error"' in body
    if path == "/search":  # the results are those of the query without the year, and so are its links
        plain = client.get("/api/search?q=安全").get_json()["total"]
        assert f"找到 <strong>{plain}</strong> 个章节" in body
        assert "/export.csv?q=%E5%AE%89%E5%85%A8" in body and "year=%E5%8E%BB" not in body
    assert client.get("/api" + path, query_string={"q": "安全", "year": "去年以前"}).status_code == 400


def test_cli_year_takes_lists_and_recent_years(client, index_dir, capsys):
    import json as _json
    from datetime import date

    from indexer.cli import main

    now = date.today().year
    for written, same in (("2010、2015", "2010,2015"), ("近五年", f"{now - 4}-{now}")):
        assert main(["search", "教育", "--index", str(index_dir), "--year", written, "--json", "--limit", "100"]) == 0
        cli = _json.loads(capsys.readouterr().out)
        assert cli["total"] == client.get("/api/search", query_string={"q": "教育", "year": same}).get_json()["total"]
