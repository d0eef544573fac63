"""PDF and Word files: sections, year and clean text as a reader sees them; scans, locked,
broken and oversized files reported and skipped with the reason, nothing else lost."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from documents import (
    BOLD_HEADINGS,
    BOLD_TITLE,
    COUNTY,
    COUNTY_TITLE,
    INLINE_HEADINGS,
    PLAN,
    PLAN_HEADINGS,
    PLAN_TABLE,
    PLAN_TITLE,
    bold_report_paragraphs,
    county_paragraphs,
    make_bold_pdf,
    make_county_pdf,
    make_docx_bomb,
    make_empty_pages_pdf,
    make_encrypted_pdf,
    make_plan_docx,
    make_scanned_pdf,
)
from helpers import FIXTURES, SEED_003
from test_search import brute_sections

from indexer.cli import main
from indexer.ingest import word
from indexer.ingest.errors import Unreadable
from indexer.ingest.files import read_file
from indexer.ingest.headings import table_row
from indexer.ingest.parse import parse_path
from indexer.ingest.webpage import page_to_text
from indexer.ingest.word import OLE_MAGIC, doc_to_text
from indexer.search.engine import search
from indexer.store.build import reindex
from indexer.store.reader import Library

TRADITIONAL = FIXTURES / "formats" / "2019年澳門教育暨青年局工作總結.txt"
GOV_PAGE = FIXTURES / "formats" / "县教育局2023年政府信息公开工作年度报告.html"

COUNTY_HEADINGS = [h for h, _ in COUNTY if h]


def _joined(text: str) -> str:
    return text.replace("\n", "")


@pytest.mark.parametrize("footer", ["- {n} -", "第 {n} 页 共 {total} 页", "{n}"])
def test_text_pdf_gives_sections_year_and_clean_text(tmp_path, footer):
    pdf = make_county_pdf(tmp_path / "county.pdf", lines_per_page=9, footer=footer)
    [r] = parse_path(pdf, tmp_path).reports
    assert (r.title, r.year, r.doc_type, r.region) == (COUNTY_TITLE, 2023, "工作总结", "县")
    assert [s.heading for s in r.sections if s.heading] == COUNTY_HEADINGS
    assert [s.level for s in r.sections if s.heading] == [1, 2, 2, 2, 1, 1]
    whole = "\n".join(s.text for s in r.sections)
    # the report's own text and nothing else: no running header, no page number, no lost line
    assert _joined(whole) == "".join(county_paragraphs())
    # no wrapped fragment left: each paragraph of the report ends its sentence
    assert all(line.endswith("。") for s in r.sections for line in s.text.split("\n") if line)


def test_title_set_large_and_wrapped_over_two_lines(tmp_path):
    title = ("青山县教育局关于2023年度全县教育系统", "重点工作完成情况的报告")
    pdf = make_county_pdf(tmp_path / "county.pdf", title=title)
    [r] = parse_path(pdf, tmp_path).reports
    assert (r.title, r.year) == ("".join(title), 2023)
    assert [s.heading for s in r.sections if s.heading] == COUNTY_HEADINGS
    assert _joined("\n".join(s.text for s in r.sections)) == "".join(county_paragraphs())


def test_a_paragraph_wrapped_after_its_inline_heading_is_joined_and_marked_once(tmp_path):
    """（一）依申请公开情况。根据……关于依申⏎请办理……: the heading's line runs on into its body, so the
    body is one paragraph (Ctrl-F finds 依申请办理 on the page) and the page's marks are the count it states."""
    src = tmp_path / "src"
    src.mkdir()
    [r] = parse_path(make_county_pdf(src / "annual.pdf", report=INLINE_HEADINGS, lines_per_page=5), src).reports
    body = {s.heading: s.text for s in r.sections}
    assert body["（一）依申请公开情况"] == INLINE_HEADINGS[1][1][0].split("。", 1)[1]
    assert body["（二）政府信息管理情况"] == INLINE_HEADINGS[1][1][1].split("。", 1)[1]
    reindex(tmp_path / "ix", [src], progress=False)
    from webapp import create_app

    page = create_app(tmp_path / "ix").test_client().get("/doc/annual.pdf?q=申请").get_data(as_text=True)
    assert "关于依<mark>申请</mark>办理" in page
    assert f"已标出“申请”的 {page.count('<mark')} 处" in page


def test_sections_remember_their_page_and_hits_say_it(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    pdf = make_county_pdf(src / "county.pdf", lines_per_page=9)
    r = parse_path(pdf, src).reports[0]
    pages = {s.heading: s.page for s in r.sections}
    assert pages[""] == 1 and pages["一、主要工作成效"] == 1
    assert sorted(pages.values()) == list(pages.values())  # in reading order
    last = pages["三、2024年工作打算"]
    assert last > 1
    reindex(tmp_path / "ix", [src], progress=False, workers=1)
    res = search(Library(tmp_path / "ix").reader(), "办好人民满意的教育")
    [hit] = res.hits
    assert hit.section_id == "s3" and hit.page == last
    assert res.to_dict()["hits"][0]["page"] == last
    from webapp import create_app

    body = create_app(tmp_path / "ix").test_client().get("/search?q=办好人民满意的教育").get_data(as_text=True)
    assert f"工作总结 · 第 {last} 页</p>" in body


@pytest.mark.parametrize("title", [BOLD_TITLE, "青山县教育这一年：办好人民满意教育、推动城乡义务教育优质均衡发展的实践与回顾"])
def test_bold_title_and_headings_where_the_words_do_not_tell(tmp_path, title):
    [r] = parse_path(make_bold_pdf(tmp_path / "report.pdf", title=title), tmp_path).reports
    assert r.title == title  # bold lines at the top (one, or two when wrapped), no 工作总结 in them, not larger
    assert [s.heading for s in r.sections if s.heading] == BOLD_HEADINGS  # one of them wrapped over two lines
    assert [s.level for s in r.sections] == [1, 1, 2, 2, 1]  # （一） under the bold heading before it
    # a paragraph opening with bold words, and a bold sentence of its own, stay text
    assert [x for s in r.sections for x in s.text.split("\n") if x] == bold_report_paragraphs()
    assert not any("\v" in x for s in r.sections for x in (s.heading, s.text, *s.heading_path))


def test_the_same_lines_not_bold_are_text(tmp_path):
    [r] = parse_path(make_bold_pdf(tmp_path / "report.pdf", bold=False), tmp_path).reports
    assert r.title != BOLD_TITLE
    assert [s.heading for s in r.sections if s.heading] == ["（一）补足配齐教师", "（二）改善办学条件"]
    assert "主要工作成效" in r.sections[0].text and "下一步打算" in r.sections[-1].text


@pytest.mark.parametrize("make, code", [
    (make_scanned_pdf, "pdf_scanned"),
    (make_encrypted_pdf, "pdf_encrypted"),
])
def test_scanned_and_encrypted_pdfs_are_skipped_with_reason(tmp_path, make, code):
    pdf = make(tmp_path / "x.pdf")
    with pytest.raises(Unreadable) as e:
        read_file(pdf, "x.pdf")
    assert e.value.code == code


@pytest.mark.parametrize("cut", [0.9, 0.5, 0.1])
def test_truncated_pdfs_are_skipped_with_reason(tmp_path, cut):
    whole = make_county_pdf(tmp_path / "whole.pdf").read_bytes()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(whole[: int(len(whole) * cut)])
    with pytest.raises(Unreadable) as e:
        read_file(bad, "bad.pdf")
    assert e.value.code == "pdf_corrupt"


def test_folder_with_bad_pdfs_indexes_the_rest(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    make_county_pdf(src / "county.pdf")
    make_scanned_pdf(src / "scan.pdf")
    make_encrypted_pdf(src / "locked.pdf")
    make_empty_pages_pdf(src / "blank.pdf", 10_000)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    shutil.copy(src / "county.pdf", src / "copy.pdf")
    assert main(["reindex", str(src), "--index", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr()
    assert "2 files, 2 reports" in out.out and "skipped 4" in out.out
    codes = dict(re.findall(r"^edusearch: skipped (\S+): .* \((\w+)\)$", out.err, re.M))
    assert codes == {"scan.pdf": "pdf_scanned", "locked.pdf": "pdf_encrypted", "blank.pdf": "pdf_too_many_pages",
                     "broken.pdf": "pdf_corrupt"}, out.err
    assert "10000 pages" in out.err
    res = search(Library(tmp_path / "ix").reader(), "防溺水专项治理")
    assert {h.source for h in res.hits} == {"county.pdf", "copy.pdf"}


def test_parse_cli_reads_a_pdf_and_lists_the_formats(tmp_path, capsys):
    pdf = make_county_pdf(tmp_path / "county.pdf")
    assert main(["parse", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "%PDF" not in out and "（一）学前教育普惠发展" in out and "第 1 页" in out
    with pytest.raises(SystemExit):
        main(["parse", "--help"])
    assert ".pdf" in capsys.readouterr().out


# --- Word ---------------------------------------------------------------------------


def test_docx_headings_numbering_and_table(tmp_path):
    path = make_plan_docx(tmp_path / "plan.docx")
    with zipfile.ZipFile(path) as z:  # Word generates the numbers: they are not in the text
        assert "一、" not in z.read("word/document.xml").decode()
    [r] = parse_path(path, tmp_path).reports
    assert (r.title, r.year, r.doc_type, r.region) == (PLAN_TITLE, 2024, "工作要点", "县")  # not 模板, not 2019
    assert [s.heading for s in r.sections if s.heading] == PLAN_HEADINGS
    assert [s.level for s in r.sections if s.heading] == [1, 1, 2, 2, 1]
    by_heading = {s.heading: s for s in r.sections}
    rows = [table_row(row) for row in PLAN_TABLE]
    table_section = by_heading["（一）推进学前教育普及普惠"].text.split("\n")
    assert table_section[1:] == rows  # cells kept apart, one row a line
    body = [text for style, _, text in PLAN if style == "Normal"]
    assert [s.text for s in r.sections if s.text and s.heading != "（一）推进学前教育普及普惠"] == [
        b for b in body if "主要指标" not in b]
    assert all("\\" not in s.text and "#" not in s.text for s in r.sections)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_docx_text_is_what_word_shows_field_codes_never(tmp_path):
    """A hyperlink field (its code HYPERLINK "…" and its result), a simple field, a tracked insertion and
    a deletion: the text holds what Word shows, the results and the insertion, never a field's code."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    d.add_paragraph("2023年青山县教育局工作总结", style="Title")
    p = d.add_paragraph("详见")
    for run in ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
                '<w:r><w:instrText xml:space="preserve"> HYPERLINK "http://www.moe.gov.cn/" </w:instrText></w:r>',
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', "<w:r><w:t>教育部网站</w:t></w:r>",
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
                '<w:fldSimple w:instr=" HYPERLINK &quot;http://jyt.example.gov.cn/&quot; "><w:r><w:t>和省教育厅网站</w:t></w:r></w:fldSimple>',
                '<w:ins w:id="1" w:author="a"><w:r><w:t>（2024年更新）</w:t></w:r></w:ins>',
                '<w:del w:id="2" w:author="a"><w:r><w:delText>（旧链接）</w:delText></w:r></w:del>',
                "<w:r><w:t>。</w:t></w:r>"):
        p._p.append(parse_xml(re.sub(r"^<([\w:]+)", rf"<\1 {_W}", run)))  # the namespace on the outer element
    d.save(str(tmp_path / "links.docx"))
    [r] = parse_path(tmp_path / "links.docx", tmp_path).reports
    assert r.sections[0].text == "详见教育部网站和省教育厅网站（2024年更新）。"
    assert "HYPERLINK" not in r.sections[0].html and "http" not in r.sections[0].html


def test_docx_zip_bomb_is_refused_quickly_nothing_else_lost(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    make_docx_bomb(src / "bomb.docx")
    make_plan_docx(src / "plan.docx")
    (src / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    assert main(["reindex", str(src), "--index", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr()
    codes = dict(re.findall(r"^edusearch: skipped (\S+): .* \((\w+)\)$", out.err, re.M))
    assert codes == {"bomb.docx": "docx_bomb", "broken.docx": "docx_corrupt"}, out.err
    assert "1 files, 1 reports" in out.out
    assert search(Library(tmp_path / "ix").reader(), "防溺水专项治理").total == 1


def test_doc_without_a_converter_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    f = tmp_path / "old.doc"
    f.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(Unreadable, match="apt-get install antiword") as e:
        read_file(f, "old.doc")
    assert e.value.code == "doc_no_tool"


@pytest.mark.skipif(not (shutil.which("antiword") or shutil.which("catdoc")), reason="antiword/catdoc not installed")
def test_doc_that_is_not_word_is_reported(tmp_path):
    with pytest.raises(Unreadable) as e:
        doc_to_text(OLE_MAGIC + b" this is not a Word file" * 10)
    assert e.value.code == "doc_failed"
    assert "in.doc" not in e.value.detail and "/tmp" not in e.value.detail  # no temporary path reaches readers


# --- traditional characters -------------------------------------------------------------


def test_traditional_report_sections_and_metadata():
    [r] = parse_path(TRADITIONAL, TRADITIONAL.parent).reports
    assert (r.title, r.year, r.doc_type) == ("2019年澳門特別行政區教育暨青年局工作總結", 2019, "工作总结")
    assert [s.heading for s in r.sections if s.level == 1] == ["一、優化學校環境", "二、加強學生安全", "三、來年工作計劃"]
    assert "學校敎育質素" in r.sections[0].text  # shown as written


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A folder of every kind: traditional text, simplified text, PDF and .docx; its index and parsed reports."""
    base = tmp_path_factory.mktemp("mixed")
    src = base / "src"
    src.mkdir()
    shutil.copy(TRADITIONAL, src)
    shutil.copy(GOV_PAGE, src)
    shutil.copy(SEED_003, src)
    make_county_pdf(src / "county.pdf", lines_per_page=9)
    make_plan_docx(src / "plan.docx")
    reindex(base / "ix", [src], progress=False, workers=1)
    reports = [r for p in sorted(src.iterdir()) for r in parse_path(p, src).reports]
    return Library(base / "ix").reader(), reports


@pytest.mark.parametrize("q", ["学校", "學校", "敎育", "教育", "卫生", "衞生", "衛生", "防溺水", "資訊科技", "资讯科技",
                               "工作总结", "工作總結", "2023年", '"覆盖率 | 90% | 92%"', '"主动公开 | 312"', "人民满意", "首页",
                               "版权所有"])
def test_every_format_found_exactly_as_the_folded_scan(mixed, q):
    reader, reports = mixed
    res = search(reader, q, per_page=10000)
    got = {(h.doc_id, next(i for i, s in enumerate(reader.report_sections(reader.report_index(h.doc_id)))
                           if s["section_id"] == h.section_id)) for h in res.hits}
    assert got == brute_sections(reports, q.strip('"'))  # a quoted phrase: spaces and | are text
    assert got or q.startswith("工作") or q in ("首页", "版权所有")  # the others are there to be found


def test_simplified_query_marks_the_traditional_characters(mixed):
    reader, _ = mixed
    res = search(reader, "学校教育")
    hits = [h for h in res.hits if h.source.endswith("總結.txt")]
    assert hits and all("<mark>學校敎育</mark>" in h.snippet_html for h in hits)
    assert {row["value"] for row in res.facets["year"]} >= {2019}


# --- web pages --------------------------------------------------------------------------


def test_web_page_without_the_site_frame_and_with_table_cells_apart():
    [r] = parse_path(GOV_PAGE, GOV_PAGE.parent).reports
    assert (r.title, r.year, r.doc_type, r.region) == ("南溪县教育局2023年政府信息公开工作年度报告", 2023, "信息公开年报", "县")
    assert [s.heading for s in r.sections if s.heading] == ["一、总体情况", "二、主动公开政府信息情况", "三、存在的主要问题及改进情况"]
    whole = "\n".join(s.text for s in r.sections)
    for frame in ("首页", "政务公开 >", "当前位置", "分享到", "微信", "打印本页", "版权所有", "ICP备", "公网安备",
                  "网站标识码", "主办单位", "浏览次数", "字号", "不是正文", "互动交流", "南溪县人民政府"):
        assert frame not in whole, frame
    table = next(s for s in r.sections if s.heading == "二、主动公开政府信息情况").text.split("\n")
    assert table == ["| 信息内容 | 本年制发件数 | 本年废止件数 |", "| 规章 | 0 | 0 |", "| 行政规范性文件 | 3 | 1 |",
                     "| 主动公开 | 312 | — |"]
    assert r.sections[0].text.startswith("本报告依据《中华人民共和国政府信息公开条例》编制")


def test_frame_words_inside_report_sentences_are_kept(tmp_path):
    sentence = ("会议指出，要依法保护教材著作权，出版单位对其出版的教材依法享有版权所有者的各项权利，任何单位不得擅自翻印，"
                "各学校要把好教材征订关，坚决杜绝盗版教辅进入校园，同时做好教材循环使用工作，减轻学生家庭负担，推进绿色校园建设。")
    page = tmp_path / "p.html"
    page.write_text(f"<html><body><h1>2022年教材工作总结</h1><div class='position-relative'><p>{sentence}</p></div>"
                    "<div class='footer'>版权所有</div></body></html>", encoding="utf-8")
    [r] = parse_path(page, tmp_path).reports
    assert [s.text for s in r.sections] == [sentence]


def test_links_in_a_sentence_are_text_a_list_of_links_is_not(tmp_path):
    cited = "根据《青山县教育局关于开展2023年度中小学校安全隐患大排查大整治工作的通知》要求，全面排查。"
    page = tmp_path / "p.html"
    page.write_text("<html><body><h1>2023年安全工作总结</h1>"
                    f"<p>{cited.replace('《', '<a href=x>《').replace('》', '》</a>')}</p>"
                    "<ul><li><a href=y>关于做好2024年寒假期间学生安全工作的通知</a></li>"
                    "<li><a href=z>青山县2023年秋季学期开学工作情况通报</a> 01-19</li></ul>"
                    "<p>上一篇：<a href=w>关于表彰2022年度优秀教师的决定</a></p></body></html>", encoding="utf-8")
    [r] = parse_path(page, tmp_path).reports
    assert [s.text for s in r.sections] == [cited]


def test_report_sentences_with_a_frames_words_are_kept(tmp_path):
    report = ["如对本报告有疑问，请与县教育局办公室联系。", "联系电话：0871-6000000，电子邮箱：jyj@example.cn。",
              "全县中小学生人均阅读课外书12本，阅读：写作课时比为2:1。"]
    page = tmp_path / "p.html"
    page.write_text("<html><body><h1>2023年政府信息公开工作年度报告</h1>" + "".join(f"<p>{x}</p>" for x in report) +
                    "<p>联系电话：0871-6000001 电子邮箱：web@example.cn 地址：县城人民路1号</p>"
                    "<p>版权所有：青山县教育局。</p></body></html>", encoding="utf-8")
    [r] = parse_path(page, tmp_path).reports
    assert [x for s in r.sections for x in s.text.split("\n") if x] == report


def test_layout_table_cells_keep_their_lines_data_rows_stay_one_line(tmp_path):
    report = ["一、基本情况", "全县共有中小学86所，在校学生5.2万人。", "二、主要指标"]
    page = tmp_path / "p.html"
    page.write_text("<html><body><table><tr><td><a href=a>首页</a> <a href=b>工作总结</a></td><td>"
                    "<h1>2023年教育统计公报</h1>" + "".join(f"<p>{x}</p>" for x in report) +
                    "<table><tr><td><p>指标</p></td><td><p>2022年</p><p>（调整后）</p></td></tr>"
                    "<tr><td>毛入园率</td><td>91.2%</td></tr></table></td></tr></table></body></html>", encoding="utf-8")
    text, meta = page_to_text(page.read_text(encoding="utf-8"))
    lines = [x.strip() for x in text.split("\n") if x.strip()]
    assert lines == ["# 2023年教育统计公报", *report, "| 指标 | 2022年 （调整后） |", "| 毛入园率 | 91.2% |"]


# --- what is read, and what is not ----------------------------------------------------------


def test_files_of_other_types_are_counted_and_named(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_003, src)
    make_plan_docx(src / "plan.docx")
    for name in ("经费.xlsx", "名单.xlsx", "照片.jpg"):
        (src / name).write_bytes(b"PK\x03\x04 not read")
    (src / "empty.txt").write_bytes(b"")
    assert main(["reindex", str(src), "--index", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr().out
    assert "2 files, 4 reports" in out and "skipped 4 (2 .xlsx, 1 .jpg, 1 unreadable)" in out
    with pytest.raises(SystemExit):
        main(["reindex", "--help"])
    help_text = capsys.readouterr().out
    assert all(ext in help_text for ext in (".txt", ".md", ".html", ".pdf", ".docx", ".doc", ".wps"))


def test_doc_that_is_a_web_page_or_rtf(tmp_path):
    page = tmp_path / "年报.doc"
    page.write_bytes(GOV_PAGE.read_bytes())  # sites serve HTML under a .doc name
    [r] = parse_path(page, tmp_path).reports
    assert r.title == "南溪县教育局2023年政府信息公开工作年度报告" and "版权所有" not in r.sections[-1].text
    rtf = tmp_path / "x.wps"
    rtf.write_bytes(b"{\\rtf1\\ansi 2023}")
    with pytest.raises(Unreadable) as e:
        read_file(rtf, "x.wps")
    assert e.value.code == "doc_rtf"


def test_second_report_in_a_pdf_keeps_counting_pages():
    from indexer.ingest.model import SourceText
    from indexer.ingest.parse import parse_source

    text = ("2023年青山县教育局工作总结\n一、学前教育\n新建幼儿园6所。\n\f2\n覆盖率达到92.5%。\n"
            "2024年青山县教育局工作要点\n一、总体要求\n办好人民满意的教育。\n\f3\n二、重点任务\n推进优质均衡。")
    first, second = parse_source(SourceText("two.pdf", text, "pdf", "pdf")).reports
    assert [(s.heading, s.page) for s in first.sections] == [("一、学前教育", 1)]
    assert first.sections[0].text == "新建幼儿园6所。\n覆盖率达到92.5%。"
    assert [(s.heading, s.page) for s in second.sections] == [("一、总体要求", 2), ("二、重点任务", 3)]


WORD97 = FIXTURES / "formats" / "2024年绿水县教育局工作要点.doc"  # the plan .docx saved as Word 97-2003 by LibreOffice


@pytest.mark.skipif(not shutil.which("catdoc"), reason="catdoc not installed")
def test_catdoc_leaves_out_field_codes_and_keeps_table_cells_apart(tmp_path, monkeypatch):
    """catdoc (what reads a .doc antiword refuses) writes a field's code before its result and a table's
    cells apart by tabs: the code is left out, the cells are a table's, as the other readers write them."""
    monkeypatch.setattr(word, "_office", lambda: None)
    monkeypatch.setattr(word, "_TOOLS", [t for t in word._TOOLS if t[0] == "catdoc"])
    data = (FIXTURES / "formats" / "word97" / "01-trs-div.doc").read_bytes()
    # a hyperlink field in the text Word stores: field begin, code, separator, result, end (as Word writes one)
    said = "组织教师开展家访1.8万户次，会同乡镇对126处危险水域设立警示标志".encode("utf-16-le")
    field = "\x13 HYPERLINK \"http://a.cn/\" \x14安全会议\x15"
    field = (field + "。" * (len(said) // 2 - len(field))).encode("utf-16-le")
    assert data.count(said) == 1 and len(field) == len(said)
    (tmp_path / "linked.doc").write_bytes(data.replace(said, field))
    [r] = parse_path(tmp_path / "linked.doc", tmp_path).reports
    text = "\n".join(s.text for s in r.sections)
    assert "安全会议" in text and "HYPERLINK" not in text and "a.cn" not in text
    [plan] = parse_path(WORD97, WORD97.parent).reports
    text = "\n".join(s.text for s in plan.sections)
    for row in PLAN_TABLE:
        assert table_row(row) in text


@pytest.mark.skipif(not (shutil.which("antiword") or shutil.which("catdoc")), reason="antiword/catdoc not installed")
def test_a_real_word_97_file_is_read_through_the_debian_tool(tmp_path, monkeypatch):
    monkeypatch.setattr(word, "_office", lambda: None)  # as on a machine without LibreOffice
    [r] = parse_path(WORD97, WORD97.parent).reports
    assert (r.title, r.year) == (PLAN_TITLE, 2024)
    text = "\n".join(s.text for s in r.sections)
    for style, _level, para in PLAN[1:]:
        assert style != "Normal" or para in text
    for row in PLAN_TABLE:
        assert table_row(row) in text  # cells apart, as the .docx reader writes them
    # antiword drops Word's numbering (and shows 1 for （一）); the short lines with text under them are headings
    assert [s.heading for s in r.sections if s.heading] == ["总体要求", "重点任务", "1 推进学前教育普及普惠",
                                                            "2 加强校园安全管理", "保障措施"]
    assert [s.level for s in r.sections if s.heading] == [1, 1, 2, 2, 1]
    shutil.copy(WORD97, tmp_path)
    reindex(tmp_path / "ix", [tmp_path], progress=False)
    assert search(Library(tmp_path / "ix").reader(), "防溺水专项治理").total == 1


WEB_PAGES = sorted((FIXTURES / "formats" / "web").glob("*.html"))  # each with the report text a reader keeps: NAME.txt


@pytest.mark.parametrize("page", WEB_PAGES, ids=lambda p: p.stem)
def test_site_templates_keep_every_line_of_the_report_as_a_line(page):
    """Layout tables, <article>, bare divs, sidebars of links: the report's title, headings, paragraphs and
    table rows all come through, in order, each a line of its own (cells apart, headings not run into text)."""
    text, _ = page_to_text(page.read_text(encoding="utf-8"))
    got = [" ".join(x.lstrip("#").split()) for x in text.split("\n") if x.strip()]
    expected = [x for x in page.with_suffix(".txt").read_text(encoding="utf-8").split("\n") if x]
    it = iter(got)
    assert [x for x in expected if x not in it] == []  # in order: each found after the previous one
    [r] = parse_path(page, page.parent).reports
    assert r.title == expected[0]
    whole = "\n".join(s.text for s in r.sections)
    for frame in ("ICP备", "版权所有", "当前位置", "上一篇", "分享", "扫一扫", "首页 >", "打印"):
        assert frame not in whole, frame


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_word_97_through_libreoffice_keeps_headings_and_numbering(tmp_path, suffix):
    src = tmp_path / "src"
    src.mkdir()
    old = src / f"plan{suffix}"
    shutil.copy(WORD97, old)
    [r] = parse_path(old, src).reports
    [new] = parse_path(make_plan_docx(tmp_path / "plan.docx"), tmp_path).reports
    assert (r.title, r.year, r.doc_type) == (PLAN_TITLE, 2024, "工作要点")
    assert [s.heading for s in r.sections if s.heading] == PLAN_HEADINGS  # Word's 一、（一） back
    assert [s.level for s in r.sections if s.heading] == [1, 1, 2, 2, 1]
    assert [(s.heading, s.text) for s in r.sections] == [(s.heading, s.text) for s in new.sections]
    reindex(tmp_path / "ix", [src], progress=False)
    [hit] = search(Library(tmp_path / "ix").reader(), "防溺水专项治理").hits
    assert hit.heading_path[-1] == "（二）加强校园安全管理"


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed")
def test_libreoffice_failing_falls_back_to_antiword_and_says_so(tmp_path, monkeypatch):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(word, "_office", lambda: str(fake))
    text, _, warnings, layout = doc_to_text(WORD97.read_bytes())
    assert layout == "doc" and "防溺水专项治理" in text
    assert warnings == [f"LibreOffice could not convert it ({fake}: Error: source file could not be loaded): "
                        "read without Word's numbering"]


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed")
def test_libreoffice_that_hangs_is_killed_with_its_children(tmp_path, monkeypatch):
    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "soffice"  # starts a child of its own, as soffice starts soffice.bin, and never ends
    fake.write_text(f"#!/bin/sh\nsleep 100000 &\necho $! > {pid_file}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setattr(word, "_office", lambda: str(fake))
    monkeypatch.setattr(word, "CONVERT_SECONDS", 3)
    text, _, warnings, _ = doc_to_text(WORD97.read_bytes())
    assert "防溺水专项治理" in text and "took over 3 s" in warnings[0]
    child = int(pid_file.read_text())
    status = Path(f"/proc/{child}/status")
    assert not status.exists() or "\nState:\tZ" in status.read_text()  # gone, or a zombie waiting for init


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed")
def test_antiword_headings_are_never_a_signature_or_a_caption(monkeypatch):
    """Word 97 files saved from two of the web pages' reports: 一、 headings numbered by Word."""
    monkeypatch.setattr(word, "_office", lambda: None)
    folder = FIXTURES / "formats" / "word97"
    [signed] = parse_path(folder / "01-trs-div.doc", folder).reports
    assert [s.heading for s in signed.sections if s.heading] == ["压实安全责任", "抓好防溺水工作", "排查整治隐患", "下一步工作"]
    # the signature closing the summary is its signature, not text or a heading; the year is the one reported on
    assert (signed.issuer, signed.date, signed.year, signed.parts.signed) == ("青山县教育局", "2024-01-08", 2023, "2024年1月8日")
    assert signed.sections[-1].text.endswith("切实保障师生生命安全。")
    [tables] = parse_path(folder / "05-annual-report-tables.doc", folder).reports
    found = [s.heading for s in tables.sections if s.heading]
    # a heading right above a table or a caption line is missed (kept as text), never made up
    assert {"总体情况", "存在的主要问题及改进情况"} <= set(found) <= {
        "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "存在的主要问题及改进情况"}
    text = "\n".join(s.text for s in tables.sections)
    assert "\n第二十条第（一）项\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n" in text


def test_web_page_text_stays_text(tmp_path):
    """Text from HTML is not read again as Markdown: a<b 且 c>d, x*y*z, _名_, [a](b) and escaped
    <script> text reach the index and the report page as written."""
    from webapp import create_app

    src = tmp_path / "src"
    src.mkdir()
    body = "当 a&lt;b 且 c&gt;d 时，x*y*z 与 _下划线_ 照录；&lt;script&gt;alert(1)&lt;/script&gt; 是文字；[链接](http://x) 也是。"
    (src / "page.html").write_text(f"<html><body><h1>县教育局工作总结</h1><h2>一、说明</h2><p>{body}</p></body></html>",
                                   encoding="utf-8")
    [r] = parse_path(src / "page.html", src).reports
    written = "当 a<b 且 c>d 时，x*y*z 与 _下划线_ 照录；<script>alert(1)</script> 是文字；[链接](http://x) 也是。"
    assert r.sections[-1].text == written and r.sections[-1].markdown is None
    reindex(tmp_path / "ix", [src], progress=False)
    reader = Library(tmp_path / "ix").reader()
    for q in ("a<b", "_下划线_", "[链接](http://x)", "<script>"):
        assert search(reader, f'"{q}"').total == 1, q
    page = create_app(tmp_path / "ix").test_client().get("/doc/page.html").get_data(as_text=True)
    assert "a&lt;b 且 c&gt;d" in page and "x*y*z" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page
