"""Reports and sections as a reader sees them, on the seed documents and the report and law fixtures."""

from __future__ import annotations

import json

from helpers import FIXTURES, GOV, SEED_000, SEED_003, SEEDS

from indexer.cli import main
from indexer.ingest.parse import parse_path


def top(report):
    return [s for s in report.sections if s.level == 1]


def children(report, parent):
    prefix = parent.section_id + "-"
    return [s for s in report.sections if s.level == parent.level + 1 and s.section_id.startswith(prefix)]


def leads(sections):
    """The numbering each heading starts with: 一、 → 一, （一） → （一）."""
    return [s.heading.split("、")[0] if "、" in s.heading[:4] else s.heading[:3] for s in sections]


def test_seed_000_three_reports_unknown_year():
    parsed = parse_path(SEED_000, SEEDS)
    assert len(parsed.reports) == 3
    r1, r2, r3 = parsed.reports
    assert [r.year for r in parsed.reports] == [None, None, None]
    assert leads(top(r1)) == list("一二三四五六七")
    san = top(r1)[2]
    assert [s.heading[:3] for s in children(r1, san)] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert leads(top(r2)) == list("一二三四五六七八")
    assert leads(top(r3)) == list("一二三四五")


def test_seed_000_boilerplate_and_teaser_are_not_report_text():
    parsed = parse_path(SEED_000, SEEDS)
    all_text = "\n".join(s.text for r in parsed.reports for s in r.sections)
    assert "欢迎品鉴" not in all_text
    assert "..." not in all_text
    # the opening of report 1 is its own first paragraph, once
    assert parsed.reports[0].sections[0].level == 0
    assert parsed.reports[0].sections[0].text.startswith("20xx年，在市委市政府")
    assert all_text.count("在市委市政府、省教育厅和贵办的正确领导下") == 1


def test_seed_003_reports_years_and_headings():
    parsed = parse_path(SEED_003, SEEDS)
    assert len(parsed.reports) == 3
    r1, r2, r3 = parsed.reports
    assert leads(top(r1)) == list("一二三")
    yi = top(r1)[0]
    assert [s.heading[:3] for s in children(r1, yi)] == [f"（{n}）" for n in "一二三四五六七八"]
    assert (r2.year, r3.year) == (2024, 2024)
    assert r1.year is None  # its text writes every year as xxxx
    assert [s.heading for s in top(r2)] == ["一、工作开展情况", "二、存在问题与不足", "三、2024年工作思路"]
    assert r2.title == "2024年县教育局工作总结"


def test_heading_that_runs_into_its_body_keeps_first_clause():
    r3 = parse_path(SEED_003, SEEDS).reports[2]
    first = top(r3)[0]
    assert first.heading == "一、立足重点、关注热点，着力创办人民满意的教育事业发展取得新的成绩"
    assert first.text.startswith("今年我们在科学发展观的指导下")


def test_yi_shi_sentences_are_not_headings():
    r1 = parse_path(SEED_000, SEEDS).reports[0]
    assert not any(s.heading.startswith(("一是", "二是", "三是")) for s in r1.sections)
    six = top(r1)[5]
    assert "一是完善预测预报体系" in six.text


def test_section_ids_unique_stable_and_from_numbering():
    a = parse_path(SEED_003, SEEDS)
    b = parse_path(SEED_003, SEEDS)
    for ra, rb in zip(a.reports, b.reports, strict=True):
        ids = [s.section_id for s in ra.sections]
        assert len(ids) == len(set(ids))
        assert ids == [s.section_id for s in rb.sections]
    r1 = a.reports[0]
    by_id = {s.section_id: s for s in r1.sections}
    assert by_id["s1-2"].heading.startswith("（二）学校建设")
    assert by_id["s1-2-1"].heading.startswith("1.县教育园区")
    assert by_id["s1-2-1"].heading_path == ["一、xxxx年目标完成情况", "（二）学校建设顺利推进", "1.县教育园区"]
    assert a.reports[0].doc_id == "003_b60ab74d721999db.txt~1"


def test_gov_report_1999_and_2024():
    r1999 = parse_path(GOV / "1999_1999年白石县人民政府工作报告.txt", FIXTURES).reports
    assert len(r1999) == 1
    assert r1999[0].year == 1999
    assert leads(top(r1999[0])) == list("一二三四五六七八九") + ["十"]
    assert r1999[0].doc_type == "政府工作报告"
    assert r1999[0].source == "reports/1999_1999年白石县人民政府工作报告.txt"
    r2024 = parse_path(GOV / "2024_2024年白石县人民政府工作报告.txt", FIXTURES).reports[0]
    assert r2024.year == 2024
    assert len(top(r2024)) == 3


def test_restarted_list_nests_instead_of_jumping_to_top():
    r = parse_path(GOV / "1955_1955年白石县人民政府工作报告.txt", FIXTURES).reports[0]
    assert leads(top(r)) == list("一二三四")


def test_resolution_is_its_own_type():
    r = parse_path(GOV / "2024_白石县第十八届人民代表大会第四次会议关于政府工作报告的决议.txt", FIXTURES).reports[0]
    assert r.doc_type == "决议"
    assert r.year == 2024


def test_law_chapters_and_articles():
    r = parse_path(FIXTURES / "laws" / "白石县中小学生校车安全管理条例(2021-10-23).md").reports[0]
    assert r.title == "白石县中小学生校车安全管理条例"
    assert r.doc_type == "法律法规"
    assert r.year == 2021
    chapters = top(r)
    assert chapters[0].heading == "第一章 总 则"
    articles = children(r, chapters[0])
    assert articles[0].heading == "第一条"
    assert articles[0].heading_path == ["第一章 总 则", "第一条"]
    assert articles[0].text.startswith("为了让本县中小学生坐上放心校车")
    # the header block is the opening, without the INFO END marker
    assert "INFO END" not in r.sections[0].text
    # 项 （一）（二） inside an article stay in the article
    assert not any(s.heading.startswith("（") for s in r.sections)


def test_law_without_chapters_has_articles_at_level_one():
    r = parse_path(FIXTURES / "laws" / "白石县学生营养午餐管理办法(2017-09-01).md").reports[0]
    assert top(r)[0].heading == "第一条"
    assert all(s.heading.startswith("第") for s in top(r))


def test_full_width_digits_in_alt_reports():
    r = parse_path(FIXTURES / "reports-alt" / "2009政府工作报告_吴晓明.txt").reports[0]
    assert r.year == 2009
    assert top(r)[0].heading == "一、２００８年工作回顾"  # kept as written for display


def test_parse_cli_json(capsys):
    assert main(["parse", "--json", str(SEED_003)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["source"] == "003_b60ab74d721999db.txt"
    assert len(out["reports"]) == 3
    rep = out["reports"][1]
    assert set(rep) >= {"doc_id", "title", "year", "doc_type", "region", "issuer", "sections"}
    assert rep["year"] == 2024
    assert set(rep["sections"][0]) == {"section_id", "level", "heading", "heading_path", "text"}
    assert [s["level"] for s in rep["sections"]][:2] == [0, 1]


def test_parse_cli_text(capsys):
    assert main(["parse", str(SEED_000)]) == 0
    out = capsys.readouterr().out
    assert "3 report(s)" in out
    assert "（二）深入开展防溺水专项治理" in out


def test_a_type_or_region_declared_in_traditional_is_one_facet_with_the_simplified_one(tmp_path):
    """doc_type: 工作總結 in front matter made a facet 工作總結 beside 工作总结, splitting the counts."""
    f = tmp_path / "a.md"
    f.write_text("---\ntitle: 2020年澳門教育工作總結\ndoc_type: 工作總結\nregion: 縣\nyear: 2020\n---\n"
                 "# 2020年澳門教育工作總結\n\n## 一、學校\n\n學校建設。\n", encoding="utf-8")
    [r] = parse_path(f, tmp_path).reports
    assert (r.doc_type, r.region) == ("工作总结", "县")
    assert r.title == "2020年澳門教育工作總結"  # the title is shown as written


def test_a_plain_summary_is_signed_by_its_closing_name_and_date_in_either_script(tmp_path):
    """A 工作总结 with no 文号 or 主送 ends 白石县教育局 / 2022年12月20日: its issuer and date, shown under
    the text as a 公文's are, and no longer the last section's text."""
    for name, body in (("简.txt", "白石县教育局\n2022年12月20日\n"), ("繁.txt", "白石縣教育局\n2022年12月20日\n")):
        (tmp_path / name).write_text("2022年白石县教育局工作总结\n2022年，全县教育事业稳步发展。\n一、主要成绩\n"
                                     "新建幼儿园3所。\n二、2023年打算\n推进义务教育优质均衡发展。\n\n" + body, encoding="utf-8")
        [r] = parse_path(tmp_path / name, tmp_path).reports
        signature = body.split("\n")[0]
        assert (r.issuer, r.date, r.year, r.doc_type) == (signature, "2022-12-20", 2022, "工作总结")
        assert (r.parts.signature, r.parts.signed) == (signature, "2022年12月20日")
        assert r.sections[-1].text == "推进义务教育优质均衡发展。"
