"""Tables as tables: a Word, web page or PDF table comes through as one row a line with its cells
apart (headings.table_row), the report page shows it as a table with the query marked in its cell,
snippets read a row as a row, and no match runs from one cell into another (what Ctrl-F on the
rendered table finds is what a search finds)."""

from __future__ import annotations

import re
import shutil

import pytest
from documents import STATS_BOX, STATS_NOTE, STATS_TABLE, TABLE_TITLE, make_annual_report_pdf, make_table_docx
from helpers import FIXTURES, brute_hits

from indexer.ingest.headings import row_cells, table_row
from indexer.ingest.markup import RenderBudget, render_markdown
from indexer.ingest.parse import parse_path
from indexer.search.engine import search
from indexer.search.matching import matching_sections
from indexer.search.report import get_report, mark_html
from indexer.search.snippet import Needle, one_line
from indexer.store.build import reindex
from indexer.store.reader import Library

GOV_PAGE = FIXTURES / "formats" / "县教育局2023年政府信息公开工作年度报告.html"
NOTE_ROW = table_row([STATS_NOTE] + [""] * (len(STATS_TABLE[0]) - 1))


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """An index of a Word report with a table, a web page with tables and a PDF annual report."""
    src = tmp_path_factory.mktemp("tables-src")
    make_table_docx(src / "stats.docx")
    shutil.copy(GOV_PAGE, src)
    make_annual_report_pdf(src / "annual.pdf")
    ix = tmp_path_factory.mktemp("tables-ix")
    reindex(ix, [src], progress=False)
    return src, Library(ix).reader()


def test_table_row_and_row_cells_are_inverse():
    for cells in (["项目", "2020年"], ["", "a | b?", ""], ["一、本年新收申请数量", "5", "0"]):
        line = table_row(cells)
        assert line.startswith("| ") and line.endswith(" |")
        assert row_cells(line) == cells or " | " in "".join(cells)  # a cell holding " | " reads as two
    for text in ("防溺水", "| 防溺水", "a | b", "|", "| |", "||"):
        assert row_cells(text) is None


def test_word_table_is_a_markdown_table_its_text_one_row_a_line(tmp_path):
    [r] = parse_path(make_table_docx(tmp_path / "stats.docx"), tmp_path).reports
    assert r.title == TABLE_TITLE
    first = r.sections[0]
    assert first.heading == "一、主要指标"
    assert first.text.split("\n") == ["全县主要教育指标如下表。", *(table_row(row) for row in STATS_TABLE), NOTE_ROW,
                                      STATS_BOX]
    # shown as a table: the first row its header, a cell's | and * as typed, the one-column box a paragraph
    assert "<table>" in first.html and "<th>项目</th>" in first.html and "<td>小学净入学率</td>" in first.html
    assert "<td>初中巩固率（A|B类*合计）</td>" in first.html
    assert f"<td>{STATS_NOTE}</td>" in first.html and f"<p>{STATS_BOX}</p>" in first.html
    assert "---" not in first.text and "\\" not in first.text and first.html.count("<table>") == 1


def test_a_cell_is_found_and_no_match_runs_from_one_cell_into_another(tables):
    src, reader = tables
    assert search(reader, "小学净入学率").total == len(brute_hits("小学净入学率", src)) == 1
    assert search(reader, "A|B类*合计").total == 1  # the cell's own text, | and * included
    # end of one cell + start of the next: in a row, across rows, from the paragraph above into the table
    for q in ("净入学率99.8", "93.5%小学", "100%初中", "如下表。项目", "快报数说明"):
        assert len(matching_sections(reader, q)) == 0, q
        assert brute_hits(q, src) == {}, q
    # a web page's table and a PDF's, the same way: 行政规范性文件 | 3 | 1 then 主动公开 | 312 | —
    assert len(matching_sections(reader, "主动公开")) >= 1
    assert len(matching_sections(reader, "1主动公开")) == 0 and brute_hits("1主动公开", src) == {}
    assert len(matching_sections(reader, "12二、上年结转")) == 0  # a PDF's rows


def test_report_page_shows_a_table_with_the_hit_marked_in_its_cell(tables):
    _, reader = tables
    view = get_report(reader, "stats.docx", "小学净入学率")
    body = view.sections[0].body_html
    assert "<td><mark>小学净入学率</mark></td>" in body and view.marks == 1
    assert view.sections[0].url.endswith("#s1")  # the link still lands on its section
    assert get_report(reader, "stats.docx", "93.5%小学").marks == 0  # never marked across two cells
    assert get_report(reader, "stats.docx", "99.9%").marks == 3  # one per cell that holds it


def test_web_page_and_pdf_tables_are_shown_as_tables(tables):
    _, reader = tables
    view = get_report(reader, GOV_PAGE.name, "主动公开")
    section = next(s for s in view.sections if s.heading == "二、主动公开政府信息情况")
    assert section.body_html.count("<table>") == 1
    assert "<tr><td>行政规范性文件</td><td>3</td><td>1</td></tr>" in section.body_html
    assert "<td><mark>主动公开</mark></td><td>312</td>" in section.body_html
    pdf = get_report(reader, "annual.pdf", "本年新收")
    assert any("<table>" in s.body_html and re.search(r"<td>[^<]*<mark>本年新收</mark>", s.body_html)
               for s in pdf.sections)


def test_mark_html_marks_inside_cells_only():
    markup = "<p>指标如下</p>\n<table><tr><th>项目</th>\n<th>2020年</th></tr><tr><td>小学</td><td>5</td></tr></table>"
    assert mark_html(markup, [Needle("项目")]) == (markup.replace("项目", "<mark>项目</mark>"), 1)
    for across in ("如下项目", "项目2020", "年小学", "2020年小学"):
        assert mark_html(markup, [Needle(across)]) == (markup, 0), across
    # outside tables an occurrence still runs over tags: 防**溺水** is one
    assert mark_html("<p>防<strong>溺水</strong></p>", [Needle("防溺水")])[1] == 1


def test_snippets_read_a_row_as_a_row(tables):
    _, reader = tables
    [hit] = search(reader, "小学净入学率").hits
    assert "；<mark>小学净入学率</mark> | 99.8% | 99.9% | 99.9% | 99.9% | 100%；初中巩固率" in hit.snippet_html
    assert "---" not in hit.snippet_html and "\\" not in hit.snippet_html and "| |" not in hit.snippet_html


def test_one_line_joins_rows_with_a_semicolon_and_keeps_the_table_apart():
    text = "如下：\n| 项目 | 2020年 |\n| 小学 | 完成。 |\n| 初中 | 5 |\n其余段落"
    assert one_line(text) == "如下： | 项目 | 2020年；小学 | 完成。初中 | 5 | 其余段落"
    assert one_line("a\nb") == "a b" and one_line("") == ""


def test_a_table_shown_as_written_is_still_a_table(tmp_path):
    """A section past the render budget is shown as written: its rows still a table, no |---| line."""
    [r] = parse_path(make_table_docx(tmp_path / "stats.docx"), tmp_path).reports
    shown = render_markdown(r.sections[0].markdown, RenderBudget(seconds=0))
    assert shown.as_text and "---" not in shown.text and table_row(STATS_TABLE[2]) in shown.text.split("\n")
    assert "<table><tbody><tr><td>项目</td><td>2019年</td>" in shown.html and "---" not in shown.html
    assert mark_html(shown.html, [Needle("小学净入学率")]) == (
        shown.html.replace("小学净入学率", "<mark>小学净入学率</mark>"), 1)
