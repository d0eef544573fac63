"""Unit tests of indexer.ingest.sections: a report's lines → its sections, levels, ids, pages."""

from __future__ import annotations

from indexer.ingest.headings import PAGE_MARK
from indexer.ingest.sections import build_sections


def outline(sections):
    return [(s.section_id, s.level, s.heading, s.text) for s in sections]


def test_levels_follow_the_order_numbering_styles_appear_in():
    lines = ["过去一年，全县教育事业稳步发展。",
             "一、主要成绩", "（一）学前教育", "新建幼儿园3所。", "（二）义务教育", "消除大班额。",
             "二、存在问题", "师资不足。"]
    assert outline(build_sections(lines)) == [
        ("s0", 0, "", "过去一年，全县教育事业稳步发展。"),
        ("s1", 1, "一、主要成绩", ""),
        ("s1-1", 2, "（一）学前教育", "新建幼儿园3所。"),
        ("s1-2", 2, "（二）义务教育", "消除大班额。"),
        ("s2", 1, "二、存在问题", "师资不足。"),
    ]


def test_the_first_style_seen_is_the_top_level_whatever_it_is():
    lines = ["（一）学前教育", "1.新建幼儿园", "内容。", "（二）义务教育", "内容。"]
    assert [(s.section_id, s.level) for s in build_sections(lines)] == [("s1", 1), ("s1-1", 2), ("s2", 1)]


def test_a_list_restarting_at_one_inside_a_deeper_section_is_a_deeper_level():
    lines = ["一、主要任务", "（一）加强队伍建设", "一、完善培训制度", "培训教师500人次。", "二、加强师德建设",
             "（二）推进课程改革", "改革内容。", "二、保障措施", "加强领导。"]
    sections = build_sections(lines)
    assert [(s.section_id, s.level) for s in sections] == [
        ("s1", 1), ("s1-1", 2), ("s1-1-1", 3), ("s1-1-2", 3), ("s1-2", 2), ("s2", 1)]
    assert sections[2].heading_path == ["一、主要任务", "（一）加强队伍建设", "一、完善培训制度"]
    assert sections[-1].heading_path == ["二、保障措施"]


def test_a_second_list_right_after_the_first_stays_at_its_level_with_a_distinct_id():
    sections = build_sections(["1.第一项", "2.第二项", "1.另一列表的第一项", "内容。"])
    assert [(s.section_id, s.level) for s in sections] == [("s1", 1), ("s2", 1), ("s1_2", 1)]
    assert len({s.section_id for s in sections}) == len(sections)


def test_chapters_hold_articles_and_an_articles_items_are_its_text():
    lines = ["第一章 总则", "第一条 为了规范学校管理，制定本办法。", "第二条 本办法适用于全县中小学：",
             "（一）公办学校；", "（二）民办学校。", "第二章 附则", "第三条 本办法自发布之日起施行。"]
    assert outline(build_sections(lines)) == [
        ("s1", 1, "第一章 总则", ""),
        ("s1-1", 2, "第一条", "为了规范学校管理，制定本办法。"),
        ("s1-2", 2, "第二条", "本办法适用于全县中小学：\n（一）公办学校；\n（二）民办学校。"),
        ("s2", 1, "第二章 附则", ""),
        ("s2-3", 2, "第三条", "本办法自发布之日起施行。"),  # an article keeps its own number across chapters
    ]


def test_indentation_and_quote_marks_are_cleaned_from_headings_and_text():
    lines = ["\u3000\u3000一、总体要求", "\u3000\u3000坚持立德树人。", "> 二、主要任务", "> 推进教育公平。"]
    assert outline(build_sections(lines)) == [
        ("s1", 1, "一、总体要求", "坚持立德树人。"), ("s2", 1, "二、主要任务", "推进教育公平。")]


def test_a_run_on_headings_body_opens_its_section_text():
    sections = build_sections(["一、立足重点，着力提升。今年新建学校3所。", "明年继续推进。"])
    assert outline(sections) == [("s1", 1, "一、立足重点，着力提升", "今年新建学校3所。\n明年继续推进。")]


def test_pages_come_from_page_marks_which_are_not_text():
    lines = [PAGE_MARK + "3", "前言。", "一、总体要求", "要求内容。", PAGE_MARK + "4", "续上页。", "二、主要任务", "任务内容。"]
    sections = build_sections(lines, first_page=1)
    assert [(s.section_id, s.page) for s in sections] == [("s0", 3), ("s1", 3), ("s2", 4)]
    assert sections[1].text == "要求内容。\n续上页。"
    assert not any(PAGE_MARK in s.text for s in sections)


def test_the_first_page_counts_where_no_page_mark_comes_first():
    sections = build_sections(["一、总体要求", "内容。", PAGE_MARK + "2", "二、主要任务"], first_page=1)
    assert [s.page for s in sections] == [1, 2]


def test_unpaged_sources_have_no_pages():
    assert [s.page for s in build_sections(["前言。", "一、总体要求", "内容。"])] == [None, None]


def test_markdown_sections_keep_their_source_and_nest_by_rank():
    lines = ["# 2024年工作要点", "", "开篇。", "", "## 一、总体要求", "", "**坚持**立德树人", "", "### 细项", "细项内容",
             "## 二、主要任务", "任务"]
    sections = build_sections(lines, markdown=True)
    assert [(s.section_id, s.level, s.heading) for s in sections] == [
        ("s1", 1, "2024年工作要点"), ("s1-1", 2, "一、总体要求"), ("s1-1-1", 3, "细项"), ("s1-2", 2, "二、主要任务")]
    assert sections[1].markdown == "**坚持**立德树人"
    assert sections[0].text == "开篇。"
    assert all(s.markdown is None for s in build_sections(["一、总体要求", "内容。"]))


def test_an_info_comment_line_is_not_text():
    assert outline(build_sections(["<!-- INFO END -->", "正文。"])) == [("s0", 0, "", "正文。")]


def test_repeated_headings_get_numbered_ids_in_order():
    """A heading repeated many times (30,000 × 一、甲 took a minute when each id was searched from _2
    up) numbers its repeats _2, _3, … in reading order, the same ids as before."""
    lines = []
    for k in range(3000):
        lines += ["一、甲", f"第{k}段。"]
    sections = build_sections(lines)
    assert [s.section_id for s in sections[:4]] == ["s1", "s1_2", "s1_3", "s1_4"]
    assert sections[-1].section_id == "s1_3000" and len({s.section_id for s in sections}) == 3000
    assert [s.text for s in sections[:2]] == ["第0段。", "第1段。"]


def test_a_report_without_text_keeps_an_empty_opening_for_its_title():
    """A title and a 文号 alone leave no lines: the report still has a section, which its title is
    indexed with, so that it can be found and its page opens."""
    assert outline(build_sections([])) == [("s0", 0, "", "")]
    assert outline(build_sections(["", "\u3000\u3000"])) == [("s0", 0, "", "")]
    assert [(s.section_id, s.page) for s in build_sections(["", PAGE_MARK + "2"], first_page=1)] == [("s0", 2)]
    assert build_sections([], markdown=True)[0].markdown == ""
