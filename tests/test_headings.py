"""Unit tests of indexer.ingest.headings: one line → its heading (or body text), numbers, cleaning."""

from __future__ import annotations

import pytest

from indexer.ingest.headings import (
    HEADING_MARK,
    PAGE_MARK,
    Heading,
    clean_line,
    cn_number,
    is_page_mark,
    parse_heading,
)


@pytest.mark.parametrize(("line", "style", "number"), [
    ("一、总体要求", "cn", 1),
    ("二．加强管理", "cn", 2),
    ("十、其他事项", "cn", 10),
    ("二十一、附则", "cn", 21),
    ("（一）加强师资队伍建设", "paren_cn", 1),
    ("(二)推进课后服务", "paren_cn", 2),
    ("1.完善制度", "arabic", 1),
    ("2、加强管理", "arabic", 2),
    ("3．落实责任", "arabic", 3),
    ("（1）健全机制", "paren_arabic", 1),
    ("(12)规范收费", "paren_arabic", 12),
    ("① 扩大学位供给", "circled", 1),
    ("⑳ 其他", "circled", 20),
    ("第一章 总则", "part章", 1),
    ("第二节\u3000学前教育", "part节", 2),
    ("第三编 附则", "part编", 3),
])
def test_each_numbering_style_is_a_heading_with_its_number(line, style, number):
    assert parse_heading(line) == Heading(style, number, line, "")


@pytest.mark.parametrize("line", [
    "1.5亿元资金已全部拨付到位",  # a decimal, not a numbered item
    "2024年全县教育工作稳步推进",  # a year opening a sentence
    "今年我们完成了一、二两项任务",  # a number inside the line
    "一 、教育",  # a space between the number and its mark is not how headings are written
    "一、本年新收申请数量 | 5 | 0",  # a table row whose first cell is numbered
    "",
    "\u3000\u3000",
    PAGE_MARK + "5",
])
def test_body_text_is_not_a_heading(line):
    assert parse_heading(line) is None


@pytest.mark.parametrize("lead", ["\u3000\u3000", "  ", "> ", ">", "＞", "\u00a0", "\ufeff", "\u200b", "\t", ">\u3000\u3000"])
def test_indentation_and_quote_marks_before_a_heading_are_not_part_of_it(lead):
    assert parse_heading(lead + "三、保障措施") == Heading("cn", 3, "三、保障措施", "")


def test_a_heading_running_on_into_its_body_keeps_only_its_first_sentence_as_heading():
    h = parse_heading("一、立足重点，着力提升。今年我们新建学校3所。")
    assert (h.heading, h.body) == ("一、立足重点，着力提升", "今年我们新建学校3所。")


def test_a_long_run_on_heading_is_cut_at_its_first_clause():
    clause = "坚持以人民为中心的发展思想"
    rest = "全面贯彻党的教育方针，落实立德树人根本任务，推动全县教育事业高质量发展"
    h = parse_heading(f"（二）{clause}，{rest}。今年新建学校3所。")
    assert len(clause + "，" + rest) > 40  # long enough that the first clause is the heading
    assert h.heading == "（二）" + clause
    assert h.body == rest + "。今年新建学校3所。"


def test_a_short_heading_keeps_its_commas():
    assert parse_heading("（三）加强领导，落实责任").heading == "（三）加强领导，落实责任"


def test_an_article_is_its_number_and_the_rest_is_body():
    assert parse_heading("第十二条 学校应当建立健全安全制度。") == Heading("article", 12, "第十二条", "学校应当建立健全安全制度。")
    assert parse_heading("第三条之一\u3000本法所称学校") == Heading("article", 3, "第三条之一", "本法所称学校")
    assert parse_heading("第一百零五条") == Heading("article", 105, "第一百零五条", "")


def test_markdown_headings_count_only_when_the_source_is_markdown():
    assert parse_heading("## 一、总体要求", markdown=True) == Heading("md2", 1, "一、总体要求", "")
    assert parse_heading("# 2024年工作要点", markdown=True) == Heading("md1", None, "2024年工作要点", "")
    assert parse_heading("### 第三条 规定", markdown=True).number is None  # an article number is not a list number
    assert parse_heading("## 一、总体要求") is None
    assert parse_heading("#没有空格", markdown=True) is None


def test_a_typeset_heading_needs_no_numbering():
    assert parse_heading(HEADING_MARK + "总体要求") == Heading("typeset", None, "总体要求", "")
    assert parse_heading(HEADING_MARK + "1 推进教育公平") == Heading("typeset_arabic", 1, "1 推进教育公平", "")
    assert parse_heading(HEADING_MARK + "\u3000") is None


@pytest.mark.parametrize(("s", "n"), [
    ("一", 1), ("九", 9), ("十", 10), ("十二", 12), ("二十", 20), ("二十一", 21), ("两百", 200),
    ("一百零五", 105), ("三千零二十", 3020), ("〇", 0), ("12", 12), ("①", 1), ("⑳", 20),
])
def test_cn_number(s, n):
    assert cn_number(s) == n


def test_a_page_mark_is_the_mark_and_a_page_number():
    assert is_page_mark(PAGE_MARK + "12")
    assert not is_page_mark(PAGE_MARK)
    assert not is_page_mark(PAGE_MARK + "十二")
    assert not is_page_mark("12")
    assert not is_page_mark("第12页")


def test_clean_line_drops_indentation_quotes_and_page_marks():
    assert clean_line("\u3000\u3000 >全县教育事业稳步发展。\u200b\u3000") == "全县教育事业稳步发展。"
    assert clean_line("> > 二、引用的标题") == "二、引用的标题"
    assert clean_line(PAGE_MARK + "7") == ""
    assert clean_line("城区学校 > 农村学校") == "城区学校 > 农村学校"


def test_clean_line_keeps_a_greater_than_sign_ending_the_line():
    """The scraper's quote marks stand at a line's start; at its end > is text (a wrapped 人均藏书量>, a <br>)."""
    assert clean_line("\u3000\u3000生均图书册数>") == "生均图书册数>"
    assert clean_line("第一段<br>") == "第一段<br>"
    assert clean_line("分数＞\u3000") == "分数＞"
