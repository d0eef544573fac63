"""Structure of official documents as they are printed: tables in PDFs stay tables, a heading is
never cut inside its own text, a 政府工作报告's unnumbered parts are sections, and a notice that
issues documents gives one report for it and one for each document it issues."""

from __future__ import annotations

from documents import ANNUAL_VERTICAL, make_annual_report_pdf
from helpers import FIXTURES

from indexer.ingest.files import read_bytes
from indexer.ingest.headings import HEADING_MARK, TABLE_CELLS, parse_heading
from indexer.ingest.parse import parse_path, parse_source
from indexer.ingest.pdf import _Line, _table_rows
from indexer.ingest.sections import build_sections
from indexer.ingest.splitter import split_reports

STRUCTURE = FIXTURES / "structure"


def tops(report) -> list[str]:
    return [s.heading for s in report.sections if s.level == 1]


# --- tables in PDFs -------------------------------------------------------------------------


def test_a_table_in_a_pdf_gives_no_headings_and_the_real_sections_keep_their_numbers(tmp_path):
    r = parse_path(make_annual_report_pdf(tmp_path / "年报.pdf")).reports[0]
    assert [(s.section_id, s.heading) for s in r.sections if s.level == 1] == [
        ("s1", "一、总体情况"), ("s2", "二、主动公开政府信息情况"), ("s3", "三、收到和处理政府信息公开申请情况"),
        ("s4", "四、政府信息公开行政复议、行政诉讼情况"), ("s5", "五、存在的主要问题及改进情况"),
    ]
    assert len(r.sections) == 6  # the opening and 一 to 五: no row and no character of the table is a heading
    table = r.sections[3].text
    assert f"{ANNUAL_VERTICAL}{TABLE_CELLS}一、本年新收政府信息公开申请数量{TABLE_CELLS}12" in table
    assert f"四、结转下年度继续办理{TABLE_CELLS}0" in table


def lines(*texts: str, bold: bool = False) -> list[_Line]:
    return [_Line(1, t, bold=bold) for t in texts]


def test_pdf_table_rows_take_their_header_group_labels_and_wrapped_labels():
    rows = _table_rows(
        lines("三、收到和处理申请情况", "信息内容 本年制发件数 本年废止件数", "规章 1 0 11", "行政规范性文件 8 26 66")
        + lines(*"三、本年度办理结果", bold=True)
        + lines("（一）予以公开 1288 21 0 0 50 3 1362", "（三）不予公开", "1.属于国家秘密 2 0 0 0 0 0 2",
                "（六）其", "他处理", "1、申请人逾期不补正", "67 3 0 0 1 0 71",
                "全年共受理申请 3119 件，答复 3050 件。")
    )
    assert [x.text for x in rows] == [
        "三、收到和处理申请情况",
        "| 信息内容 | 本年制发件数 | 本年废止件数 |",
        "| 规章 | 1 | 0 | 11 |",
        "| 行政规范性文件 | 8 | 26 | 66 |",
        "| 三、本年度办理结果 | （一）予以公开 | 1288 | 21 | 0 | 0 | 50 | 3 | 1362 |",
        "| （三）不予公开 | 1.属于国家秘密 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        "| （六）其 | 他处理 | 1、申请人逾期不补正 | 67 | 3 | 0 | 0 | 1 | 0 | 71 |",
        "全年共受理申请 3119 件，答复 3050 件。",  # prose with numbers in it is no row
    ]
    assert [parse_heading(x.text) is not None for x in rows] == [True] + [False] * 7
    # the next section right after a table is never taken back as the label of a row of numbers below it
    rows = _table_rows(lines("（七）总计 95 0 0 0 0 0 95", "四、行政复议情况", "维持", "1 0 0 0 1"))
    assert [x.text for x in rows] == ["| （七）总计 | 95 | 0 | 0 | 0 | 0 | 0 | 95 |", "四、行政复议情况", "维持", "| 1 | 0 | 0 | 0 | 1 |"]


def test_an_article_cited_in_a_report_does_not_swallow_its_later_sections():
    sections = build_sections([
        "一、总体情况", "全年主动公开信息一千条。",
        "二、主动公开政府信息情况", "第二十条 第（一）项", "信息内容 | 本年制发件数", "规章 | 1",
        "三、收到和处理政府信息公开申请情况", "全年受理申请十二件。",
        "四、存在的主要问题", "公开的及时性有待提高。",
    ])
    assert [(s.section_id, s.heading) for s in sections] == [
        ("s1", "一、总体情况"), ("s2", "二、主动公开政府信息情况"),
        ("s3", "三、收到和处理政府信息公开申请情况"), ("s4", "四、存在的主要问题"),
    ]
    # an article of the report's own list still keeps its items, and the list it sits in goes on after it
    sections = build_sections(["一、总则", "第三条 学校应当做到：", "（一）按时报送；", "（二）如实报送。", "二、附则", "自发布之日起施行。"])
    assert [s.heading for s in sections] == ["一、总则", "第三条", "二、附则"]


# --- entities -------------------------------------------------------------------------------


def test_html_entities_in_a_text_file_are_decoded_and_never_cut_a_heading():
    r = parse_path(STRUCTURE / "青山县教育局关于做好管理平台使用工作的通知.txt").reports[0]
    assert tops(r) == ["一、启用“艺术教育管理平台\"", "二、“管理平台\"使用范围和内容", "三、有关要求"]
    assert "管理 & 数据的审核" in r.sections[-1].text
    assert parse_heading("二、“管理平台&quot;使用范围和内容").heading == "二、“管理平台&quot;使用范围和内容"
    assert parse_heading("二、加强管理;做好审核").heading == "二、加强管理"  # a semicolon of the text still ends it
    src = read_bytes("链接 a.php?x=1&copy=2 与 &#x4e00;、&#19968;\n".encode(), "a.txt", "txt")
    assert src.text == "链接 a.php?x=1&copy=2 与 一、一\n"  # only entities with their semicolon


# --- 政府工作报告 without numbered parts -------------------------------------------------------


def test_a_work_reports_unnumbered_parts_are_its_top_level_sections():
    r = parse_path(STRUCTURE / "2026_青山省_政府工作报告.txt").reports[0]
    assert tops(r) == ["“十四五”时期工作回顾", "2026年重点工作"]
    assert [s.heading_path for s in r.sections if s.level == 2][-1] == ["2026年重点工作", "（二）办好人民满意的教育"]
    assert "现在，我代表省人民政府" in r.sections[0].text and "过去五年" not in r.sections[0].text


def test_short_lines_of_a_numbered_work_report_or_of_other_texts_stay_text():
    numbered = "\n".join(["政府工作报告", "各位代表：", "一、过去一年的工作", "全县经济平稳运行，民生持续改善。",
                          "主要预期目标", "全县生产总值增长百分之五左右，城镇新增就业五千人。"])
    assert not any(x.startswith(HEADING_MARK) for r in split_reports(numbered, "txt") for x in r.lines)
    summary = "\n".join(["2025年学校工作总结", "一年来学校工作稳步推进。", "教学工作", "全校教学质量稳步提高，中考成绩位居全县前列。"])
    assert not any(x.startswith(HEADING_MARK) for r in split_reports(summary, "txt") for x in r.lines)


# --- documents inside documents -------------------------------------------------------------


def test_a_notice_and_the_plan_it_issues_are_two_linked_reports():
    path = STRUCTURE / "青山县人民政府办公室关于印发青山县学校美育工作实施方案的通知.txt"
    notice, plan = parse_path(path, STRUCTURE).reports
    assert plan.title == "青山县学校美育工作实施方案"  # printed over two lines
    assert plan.parent == notice.doc_id and notice.parent is None
    assert notice.parts.attachments == ["青山县学校美育工作实施方案"]
    assert notice.title == path.stem  # not （第1篇）: a notice and what it issues are not several reports
    assert tops(notice) == [] and "现印发给你们" in notice.sections[0].text
    assert tops(plan) == ["一、总体思路", "二、工作目标", "三、主要任务", "四、保障措施"]
    assert plan.sections[0].text.startswith("为让每个孩子")
    assert plan.year == notice.year  # issued with the notice, in its year


def test_a_notice_with_its_own_sections_and_two_attachments_gives_three_reports():
    path = STRUCTURE / "青山县教育局关于印发两项学生艺术活动方案的通知.txt"
    notice, chorus, painting = parse_path(path, STRUCTURE).reports
    assert [chorus.title, painting.title] == ["青山县中小学生合唱展演实施方案", "青山县中小学生书画比赛实施方案"]
    assert chorus.parent == painting.parent == notice.doc_id
    assert notice.parts.attachments == [chorus.title, painting.title]
    assert tops(notice)[-1] == "四、保障措施"
    # the plans' 一、 are their own top level, not under the notice's 四、保障措施 › （三）
    assert tops(chorus) == ["一、组织机构", "二、参赛要求", "三、奖项设置"]
    assert tops(painting) == ["一、比赛内容", "二、作品要求"]
    assert "报名表" in chorus.sections[-1].text  # the plan's form stays with the plan
    assert not any("附件1" in s.text or "附件2" in s.text for r in (chorus, painting) for s in r.sections)


def test_without_a_notice_before_it_a_short_line_over_a_list_starts_nothing():
    text = "\n".join(["2024年学校工作计划", "新学期学校工作安排如下。", "教学常规", "一、加强备课", "集体备课每周一次。",
                      "二、改进作业", "作业分层布置。"])
    assert len(split_reports(text, "txt")) == 1
    src = read_bytes(text.encode(), "计划.txt", "txt")
    assert [r.parent for r in parse_source(src).reports] == [None]
