"""Unit tests of indexer.ingest.splitter: one file's text → the reports in it, without the page's wrapping."""

from __future__ import annotations

import pytest

from indexer.ingest.headings import PAGE_MARK
from indexer.ingest.splitter import RawReport, is_title_line, page_topic, split_reports

TEASER = "2024年县教育局工作总结范文三篇，希望对大家有所帮助，欢迎阅读，更多精彩内容请点击查看..."
BOILERPLATE = "以下是小编为大家整理的关于县教育局工作总结的文章，希望对大家有所帮助。"


def titles(reports: list[RawReport]) -> list[str | None]:
    return [r.title for r in reports]


def test_a_scraped_page_is_its_marked_reports_without_teaser_or_boilerplate():
    text = "\n".join([
        TEASER, BOILERPLATE,
        "【篇一】2024年县教育局工作总结", "今年全县教育工作取得新进展。", "一、主要成绩", "新建学校3所。",
        "【篇二】2024年县教育局工作计划", "明年工作思路如下。",
        "【篇三】", "2024年乡镇中心学校工作要点", "要点内容。",
    ])
    reports = split_reports(text, "txt")
    assert titles(reports) == ["2024年县教育局工作总结", "2024年县教育局工作计划", "2024年乡镇中心学校工作要点"]
    assert reports[0].lines == ["今年全县教育工作取得新进展。", "一、主要成绩", "新建学校3所。"]
    assert reports[2].lines == ["要点内容。"]  # the title after a bare 【篇三】 is its title, not text
    assert not any("小编" in line or "点击查看" in line for r in reports for line in r.lines)


@pytest.mark.parametrize("marker", ["【篇一】", "【第一篇】", "【1】", "【 篇二 】"])
def test_marker_shapes(marker):
    reports = split_reports(f"正文在前。\n{marker} 2023年学校工作总结\n总结正文。", "txt")
    assert titles(reports) == [None, "2023年学校工作总结"]
    assert reports[1].lines == ["总结正文。"]


def test_a_dated_title_after_a_finished_sentence_starts_the_next_report():
    text = "2023年青山县教育局工作总结\n2023年，县教育局扎实推进各项工作。\n一、主要工作\n内容。\n" \
           "2024年青山县教育局工作计划\n2024年，我们将继续努力。"
    reports = split_reports(text, "txt")
    assert titles(reports) == ["2023年青山县教育局工作总结", "2024年青山县教育局工作计划"]
    assert reports[1].lines == ["2024年，我们将继续努力。"]


def test_a_placeholder_year_still_dates_a_title():
    reports = split_reports("20xx年学校工作总结\n20xx年，我校工作顺利。\n20xx年学校工作计划\n新一年的计划。", "txt")
    assert titles(reports) == ["20xx年学校工作总结", "20xx年学校工作计划"]


def test_the_same_title_again_starts_another_report_even_undated():
    reports = split_reports("学校安全工作总结\n第一份写完了。\n学校安全工作总结\n第二份。", "txt")
    assert [(r.title, r.lines) for r in reports] == [
        ("学校安全工作总结", ["第一份写完了。"]), ("学校安全工作总结", ["第二份。"])]


@pytest.mark.parametrize("text", [
    "会议审议了《\n政府工作报告\n》，同意这个报告。",  # link text broken out of a sentence
    "上半年工作已经完成。\n政府工作报告\n提出的任务全部落实。",  # undated, not repeated
    "今年重点推进\n2024年学校工作计划\n中的各项任务。",  # the sentence before is not finished
])
def test_a_title_shaped_line_inside_running_text_is_text(text):
    reports = split_reports(text, "txt")
    assert len(reports) == 1
    assert reports[0].lines == text.split("\n")


def test_traditional_characters_indentation_and_quotes_before_titles():
    text = "\u3000\u30002019年澳門教育暨青年局工作總結\n本年度工作順利完成。\n> 2020年澳門教育暨青年局工作計劃\n新年度計劃。"
    reports = split_reports(text, "txt")
    assert titles(reports) == ["2019年澳門教育暨青年局工作總結", "2020年澳門教育暨青年局工作計劃"]


def test_page_marks_stay_in_the_lines_but_do_not_hide_a_finished_sentence():
    text = f"2023年学校工作总结\n{PAGE_MARK}2\n正文写完了。\n{PAGE_MARK}3\n2024年学校工作计划\n计划正文。"
    reports = split_reports(text, "txt")
    assert [(r.title, r.lines) for r in reports] == [
        ("2023年学校工作总结", [PAGE_MARK + "2", "正文写完了。", PAGE_MARK + "3"]),
        ("2024年学校工作计划", ["计划正文。"]),
    ]


def test_a_report_of_page_marks_only_is_dropped():
    reports = split_reports(f"【篇一】\n{PAGE_MARK}2\n【篇二】2024年学校工作计划\n计划正文。", "txt")
    assert titles(reports) == ["2024年学校工作计划"]


def test_markdown_takes_only_its_first_heading_as_title():
    reports = split_reports("# 2024年工作要点\n\n正文。\n\n# 第二个标题\n更多。", "md")
    assert [(r.title, r.lines) for r in reports] == [("2024年工作要点", ["", "正文。", "", "# 第二个标题", "更多。"])]


def test_markdown_and_html_do_not_split_on_title_lines():
    text = "2023年学校工作总结\n正文写完了。\n2024年学校工作计划\n计划。"
    assert titles(split_reports(text, "html")) == [None]


def test_an_untitled_report_takes_the_topic_the_boilerplate_names():
    reports = split_reports("以下是为大家整理的关于学校安全工作总结的范文，欢迎品鉴！\n今年学校安全工作平稳。", "txt")
    assert [(r.title, r.title_from_page, r.lines) for r in reports] == [
        ("学校安全工作总结", True, ["今年学校安全工作平稳。"])]


def test_a_page_without_boilerplate_keeps_its_first_line():
    reports = split_reports("今年学校工作平稳。\n第二句。", "txt")
    assert [(r.title, r.lines) for r in reports] == [(None, ["今年学校工作平稳。", "第二句。"])]


def test_a_short_line_ending_in_dots_is_text_not_a_teaser():
    reports = split_reports("工作还在继续...\n第二句。", "txt")
    assert reports[0].lines == ["工作还在继续...", "第二句。"]


def test_empty_text_is_one_empty_report():
    assert split_reports("", "txt") == [RawReport(None, [""])]


@pytest.mark.parametrize(("line", "expected"), [
    ("2024年县教育局工作总结", True),
    ("２０２４年縣教育局工作總結", True),  # full-width digits, traditional characters
    ("> 2024年县教育局工作计划", True),
    ("\u3000\u3000青山县学校安全管理办法", True),
    ("2024年学校工作计划（草案）", True),
    ("一、工作总结", False),  # a numbered heading
    ("今年我们完成了工作总结。", False),  # a sentence
    ("关于《教育法》的决定", False),  # a title naming another document
    ("全县教育工作取得新进展", False),  # no document type
])
def test_is_title_line(line, expected):
    assert is_title_line(line) is expected


@pytest.mark.parametrize(("line", "topic"), [
    (BOILERPLATE, "县教育局工作总结"),
    ("小编为大家准备了2024年学校工作计划，欢迎阅读！", "2024年学校工作计划"),
    ("今年学校工作平稳。", None),
])
def test_page_topic(line, topic):
    assert page_topic(line) == topic
