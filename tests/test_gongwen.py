"""The parts of an official document (GB/T 9704) and provider wrappers, on documents we wrote in their shapes."""

from __future__ import annotations

import pytest
from helpers import FIXTURES

from indexer.ingest.gongwen import iso_date, read_parts, strip_site_suffix, unwrap
from indexer.ingest.metadata import doc_type_of
from indexer.ingest.parse import file_title, parse_path

PARTS = FIXTURES / "parts"  # documents as printed, their fields read by the parser


def parsed(name: str):
    [report] = parse_path(PARTS / name, PARTS).reports
    return report


def text_of(report) -> str:
    return "\n".join(s.heading + "\n" + s.text for s in report.sections)


def test_pkulaw_export_header_repeated_title_and_every_part():
    r = parsed("青山市教育局关于做好暑期学生防溺水工作的通知(FBM-CLI-12-9000001).txt")
    assert r.title == "青山市教育局关于做好暑期学生防溺水工作的通知"  # printed, not the file name with its code
    assert r.source_url == "https://www.pkulaw.com/lar/0000aaaa1111bbbb2222cccc3333dddd.html"
    assert r.doc_no == "青教发〔2019〕12号"
    assert (r.date, r.year) == ("2019-06-07", 2019)  # the Chinese-numeral signature date, not the cited 〔2017〕
    assert (r.issuer, r.issuers) == ("青山市教育局", ["青山市教育局"])
    assert r.doc_type == "通知"
    assert r.parts.addressee == "各县（市、区）教育局，市直各学校"
    assert r.parts.attachments == ["暑期防溺水告家长书", "防溺水隐患排查登记表"]
    assert r.parts.signature == "青山市教育局"
    assert r.parts.signed == "二〇一九年六月七日"
    assert r.parts.notes == "（此件公开发布）"
    assert r.parts.record.startswith("抄送：市人民政府办公室") and r.parts.record.endswith("印发")
    body = text_of(r)
    for added in ("北大法宝", "原文链接", "青教发", "各县（市、区）教育局，市直", "附件", "二〇一九年", "抄送", "此件公开"):
        assert added not in body
    assert body.count("防溺水工作的通知") == 0  # the title is not text, once or twice
    assert [s.heading for s in r.sections if s.level == 1] == ["一、开好一堂安全课", "二、织密巡查网络"]
    assert r.sections[-1].text.endswith("傍晚巡查。")  # the signature and date are not glued to the last section


def test_addressee_naming_education_departments_is_never_the_issuer():
    r = parsed("教育部办公厅关于开展中小学美育教师培训工作的通知.txt")
    assert r.issuer == "教育部办公厅"
    assert r.parts.addressee == "各省、自治区、直辖市教育厅（教委），新疆生产建设兵团教育局"


def test_a_title_printed_over_two_lines_is_one_title_not_a_section():
    r = parsed("教育部办公厅关于开展中小学美育教师培训工作的通知.txt")
    assert r.title == "教育部办公厅关于开展中小学美育教师培训工作的通知"
    assert r.doc_no == "教体艺厅函〔2019〕3号"
    assert (r.date, r.year, r.doc_type) == ("2019-03-05", 2019, "通知")
    assert "美育教师培训工作的通知" not in text_of(r)


def test_short_form_in_the_title_gives_way_to_the_signature_and_square_brackets_stay_as_printed():
    r = parsed("白石省政府办公厅关于加强学校体育工作的实施意见.txt")
    assert r.issuer == "白石省人民政府办公厅"
    assert r.doc_no == "白政办发[2018]21号"
    assert (r.date, r.doc_type) == ("2018-09-20", "实施意见")


def test_joint_issuers_are_a_list():
    r = parsed("教育部 财政部关于实施乡村学校艺术教师支持计划的意见.txt")
    assert r.issuers == ["教育部", "财政部"]
    assert r.issuer == "教育部、财政部"
    assert r.doc_type == "意见"


def test_moe_page_with_site_suffix_toolbar_and_publication_block():
    name = "教育部关于推进中小学书法教育的意见 - 中华人民共和国教育部政府门户网站.txt"
    assert file_title(name) == "教育部关于推进中小学书法教育的意见"
    r = parsed(name)
    assert r.title == "教育部关于推进中小学书法教育的意见"
    assert r.doc_no == "教基〔2021〕2号"
    assert r.date == "2021-03-30"  # the signature's date, not the page's 生成日期
    assert r.issuer == "教育部"
    body = text_of(r)
    for added in ("下载", "全屏", "字号", "信息名称", "生成日期", "发文机构"):
        assert added not in body
    assert body.lstrip().startswith("书法是中华优秀传统文化")


def test_provider_code_and_site_suffix_leave_the_file_name_title():
    assert file_title("a/某市教育局关于某事的通知(FBM-CLI-12-123).txt") == "某市教育局关于某事的通知"
    assert strip_site_suffix("某某通知 - 某省教育厅网站") == "某某通知"
    assert strip_site_suffix("2024年县教育局工作总结") == "2024年县教育局工作总结"


def test_unwrap_keeps_the_link_and_the_page_date_and_leaves_plain_text_alone():
    w = unwrap("北大法宝【法宝引证码】 CLI.1.2\n原文链接：https://example.org/x.html\n标题\n正文。")
    assert (w.text, w.source_url) == ("标题\n正文。", "https://example.org/x.html")
    page = unwrap("2024/5/6 10:23 某某通知 - 某某网站\n时间：2026-02-02\n来源：某某日报\n正文。\nhttps://example.org/a.html 1/3")
    assert (page.text, page.page_date) == ("正文。", "2026-02-02")
    plain = "大\n中\n小\n学校数量。"  # single characters without a toolbar word are table cells, kept
    assert unwrap(plain).text == plain


@pytest.mark.parametrize(("s", "iso"), [
    ("2016年6月7日", "2016-06-07"),
    ("二〇一六年六月七日", "2016-06-07"),
    ("二○一一年二月二十四日", "2011-02-24"),
    ("二〇二〇年十二月三十一日", "2020-12-31"),
    ("２０１７年８月１４日", "2017-08-14"),
    ("2017年8月", "2017-08"),
    ("2017年", "2017"),
    ("2002-07-25", "2002-07-25"),
    ("无日期", None),
])
def test_iso_date(s, iso):
    assert iso_date(s) == iso


def test_dates_under_the_title_datelines_and_own_doc_no_only():
    under = read_parts(["（2017年8月14日）", "正文第一句。"], "某某实施意见")
    assert under.date == "2017-08-14" and under.lines == ["", "正文第一句。"]
    dateline = read_parts(["新华社北京2020年10月15日电　近日，某某印发了意见。"], "关于某事的意见")
    assert dateline.date == "2020-10-15"
    no_day = read_parts(["（某政办〔2017〕106号 2017年）", "各县：", "正文。"], "某市政府办公室关于某事的通知")
    assert (no_day.doc_no, no_day.date) == ("某政办〔2017〕106号", None)
    cited = read_parts(["各县：", "根据《某省通知》（某发〔2015〕3号），现通知如下。"], "某市关于某事的通知")
    assert cited.doc_no is None
    opening = read_parts(["各学校：", "按照某教发〔2014〕24号文件的要求，上好安全课。"], None)
    assert (opening.doc_no, opening.title) == (None, None)  # a sentence opening with a 文号 is text
    assert opening.lines[1].startswith("按照")


@pytest.mark.parametrize(("name", "signed"), [("青山县教育局", "2024年12月30日"), ("青山縣教育局", "二〇二四年十二月三十日")])
def test_a_summary_without_official_parts_is_signed_by_its_closing_lines(name, signed):
    """No 文号 or 主送: only an organisation's name over a full date, closing the text, is its signature."""
    text = ["2024年，全县教育工作稳步推进。", "一、主要成绩", "新建学校两所。"]
    gw = read_parts(text + [name, "", signed], "2024年青山县教育局工作总结")
    assert (gw.issuers, gw.date, gw.parts.signature, gw.parts.signed) == ([name], "2024-12-30", name, signed)
    assert [x for x in gw.lines if x] == text and not gw.official


@pytest.mark.parametrize("closing", [
    ["2024年12月30日"],  # a date alone
    ["青山县教育局"],  # a name alone
    ["青山县教育局", "2024年12月"],  # no day: not a 成文日期
    ["青山县教育局", "2024年12月30日", "全年工作圆满完成。"],  # text after it: not the close
    ["会议由县教育局召开。", "2024年12月30日"],  # a sentence, not a name
])
def test_a_summary_keeps_a_closing_that_is_not_a_signature(closing):
    lines = ["2024年，全县教育工作稳步推进。", "一、主要成绩", "新建学校两所。", *closing]
    gw = read_parts(lines, "2024年青山县教育局工作总结")
    assert gw.lines == lines and (gw.issuers, gw.date, gw.parts.signed) == ([], None, None)


@pytest.mark.parametrize(("title", "kind"), [
    ("某市人民政府办公室关于印发某市学校安全管理办法的通知", "通知"),  # issuing a 办法 is a notice
    ("某省人民政府办公厅关于加强美育工作的实施意见", "实施意见"),
    ("某省人民政府办公厅关于加强美育工作的若干意见", "意见"),
    ("某省人民政府办公厅关于同意建立联席会议制度的复函", "复函"),
    ("某市教育局关于某校办学情况的批复", "批复"),
    ("某县教育局关于2024年学校工作的请示", "请示"),
    ("某市学校艺术教育实施方案", "实施方案"),
    ("学校艺术教育工作规程", "规程"),
    ("某市教育发展第十五个五年规划", "规划"),
    ("政府信息公开工作年度报告格式模板", "模板"),
])
def test_official_kinds(title, kind):
    assert doc_type_of(title, is_law=True, official=True) == kind
