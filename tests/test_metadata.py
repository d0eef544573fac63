"""Unit tests of indexer.ingest.metadata: year, document type and issuer read off a report."""

from __future__ import annotations

import pytest

from indexer.ingest.metadata import doc_type_of, issuer_of, meta_year, opening_year, year_in


@pytest.mark.parametrize(("s", "year"), [
    ("2024年县教育局工作总结", 2024),
    ("２０２４年县教育局工作总结", 2024),  # full-width digits
    ("二〇二三年工作报告", 2023),
    ("一九五八年", 1958),
    ("县教育局工作总结2022", 2022),
    ("20xx年工作总结", None),  # placeholders mean unknown
    ("20XX年工作总结", None),
    ("202_年工作计划", None),
    ("xxxx年学校工作计划", None),
    ("1799年", None),  # outside the years reports are from
    ("ISO2008标准", None),  # part of a code
    ("学生120085人", None),  # part of a longer number
    ("无年份的总结", None),
])
def test_year_in(s, year):
    assert year_in(s) == year


@pytest.mark.parametrize(("text", "year"), [
    ("2024年，全县教育工作稳步推进。", 2024),
    ("在过去的一年里——2023年，我们砥砺前行。", 2023),
    ("２０２１年，全市教育系统", 2021),
    ("20xx年，全县教育工作稳步推进。", None),
    ("今年是极不平凡的一年，全县上下团结一心，克服重重困难，各项工作取得新成效，2022年也是如此。", None),  # too far in
    ("全县有学校2022所。", None),  # a number, not a year
])
def test_opening_year(text, year):
    assert opening_year(text) == year


@pytest.mark.parametrize(("value", "year"), [
    (2024, 2024), (999, None), (3000, None), ("2024年", 2024), ("二〇二〇年", 2020), ("20xx", None), (None, None),
])
def test_meta_year(value, year):
    assert meta_year(value) == year


@pytest.mark.parametrize(("title", "is_law", "kind"), [
    ("2024年县教育局工作总结", False, "工作总结"),
    ("2024年县教育局工作總結", False, "工作总结"),  # traditional characters
    ("2024年学校工作计划（草案）", False, "工作计划"),  # a trailing note in brackets does not count
    ("2024年全市教育工作要点", False, "工作要点"),
    ("2023年政府信息公开工作年度报告", False, "信息公开年报"),
    ("青山县教育局2023年政府信息公开年报", True, "信息公开年报"),
    ("中华人民共和国教育法", True, "法律法规"),
    ("学校安全管理办法", False, "法律法规"),
    ("关于批准2023年决算的决议", False, "决议"),
    ("2024年国务院政府工作报告", False, "政府工作报告"),
    ("关于义务教育情况的报告", False, "报告"),
    ("教育局工作总结会议讲话", False, "其他"),  # 总结 inside, not its type
    ("县教育局工作情况", False, "其他"),
])
def test_doc_type_of(title, is_law, kind):
    assert doc_type_of(title, is_law) == kind


@pytest.mark.parametrize(("title", "opening", "issuer"), [
    ("2031年政府工作报告", "——2031年3月6日在第十六届全国人民代表大会第二次会议上\n国务院总理 张某", "国务院"),
    ("国务院政府工作报告", "", "国务院"),
    ("第十六届全国人民代表大会第二次会议关于政府工作报告的决议", "第十六届全国人民代表大会第二次会议听取了报告。",
     "第十六届全国人民代表大会第二次会议"),
    # a resolution on the 政府工作报告 is the session's, though it names the 国务院总理 who gave the report
    ("第十六届全国人民代表大会第三次会议关于政府工作报告的决议",
     "第十六届全国人民代表大会第三次会议听取和审议了国务院总理张某所作的政府工作报告。", "第十六届全国人民代表大会第三次会议"),
    ("中华人民共和国学前教育促进法", "2031年6月28日第十六届全国人民代表大会常务委员会第九次会议通过",
     "第十六届全国人民代表大会常务委员会"),
    ("2024年工作总结", "2024年，青山县教育局在县委县政府领导下扎实工作。明年市教育局将检查。", "青山县教育局"),
    ("2024年工作总结", "2024年，浙江省教育厅扎实工作。", "浙江省教育厅"),
    ("2024年工作总结", "今年工作顺利。青山县教育局将继续努力。", None),  # only the first sentence says who
    ("2024年工作总结", "2024年，在市教育局的正确领导下，我们努力工作。", None),  # the one leading, not the issuer
    ("2024年工作总结", "2024年，教育局和财政局一起推进。", None),
    ("2024年县政府工作报告", "代表县人民政府作报告。", None),
])
def test_issuer_of(title, opening, issuer):
    assert issuer_of(title, opening) == issuer
