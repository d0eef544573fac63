"""A report's versions across the years: which reports are one series, the year before and after on the
report page, two versions compared sentence by sentence (on fixtures whose differences we wrote and so
know exactly), and one passage followed through every version."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import quote

import numpy as np
import pytest
from helpers import FIXTURES

from indexer.cli import main
from indexer.search.compare import Side, align, compare, compare_sections, diff_sentences, missing, sentences
from indexer.search.results import doc_url
from indexer.search.versions import series_passages, step_label
from indexer.store.catalog import ReportRow
from indexer.store.series import build_series, series_key, title_stem

SERIES = FIXTURES / "series"
Y2023, Y2024, Y2025 = (f"青山县教育局{y}年工作要点.md" for y in (2023, 2024, 2025))
PARTY = "青山县教育局2024年党建工作要点.md"
FINANCE = "青山县财政局2024年工作要点.md"
SWIM = [f"青山县教育局关于做好{y}年暑期防溺水工作的通知.md" for y in (2023, 2024)]
ARTS = "青山县教育局关于印发学校美育工作方案的通知.md"

# what was written into the 2024 工作要点 and taken out of the 2023 one, sentence by sentence
ADDED = {"2024年，全县教育工作以办好人民满意的教育为目标。", "新建公办幼儿园五所。", "落实防溺水“六不”要求。",
         "推进县管校聘改革。", "支持县职业中学建设实训基地。", "开展产教融合试点。", "强化督导考核。"}
REMOVED = {"2023年，全县教育工作以办好人民满意的教育为目标。", "新建公办幼儿园三所。", "组织消防演练每学期两次。",
           "建设智慧校园十所。"}
UNCHANGED = {"一、总体要求", "二、重点任务"}


@pytest.fixture(scope="module")
def series_index(tmp_path_factory):
    from indexer.store.build import reindex

    root = tmp_path_factory.mktemp("series-index")
    reindex(root, [SERIES], progress=False)
    return root


@pytest.fixture(scope="module")
def sreader(series_index):
    from indexer.store.reader import Library

    return Library(series_index).reader()


@pytest.fixture(scope="module")
def sclient(series_index):
    from webapp import create_app

    app = create_app(series_index)
    app.config.update(TESTING=True)
    return app.test_client()


def row(title, year=None, date=None, issuer=None, doc_type="工作要点", place=None, doc_id=None) -> ReportRow:
    return ReportRow(doc_id=doc_id or title, title=title, year=year, doc_type=doc_type, region=None, issuer=issuer,
                     source="x", date=date, issuers=[issuer] if issuer else [], place=place)


# -- which reports are one series --------------------------------------------------------------------

def test_series_are_same_body_kind_and_title_but_the_year(sreader):
    found = [[sreader.catalog.reports[i].doc_id for i in m] for m in sreader.series.members]
    assert sorted(found) == sorted([[Y2023, Y2024, Y2025], SWIM])  # 党建, 财政局 and 美育 stand alone


def test_series_key_rules():
    a = row("2023年白石县教育局工作要点", 2023, issuer="白石县教育局")
    assert series_key(a) == series_key(row("白石县教育局2024年度工作要点（征求意见稿）", 2024, issuer="白石县教育局"))
    assert series_key(a) != series_key(row("2024年白石县教育局党建工作要点", 2024, issuer="白石县教育局"))
    assert series_key(a) != series_key(row("2024年白石县教育局工作要点", 2024, issuer="黑水县教育局"))
    assert series_key(a) != series_key(row("2024年白石县教育局工作要点", 2024, issuer="白石县教育局", doc_type="工作总结"))
    # an issuer named by its level (县教育局) is told apart by the place; with no place, no series at all
    here = row("2024年县教育局工作要点", 2024, issuer="县教育局", place="江苏省淮安市洪泽区")
    assert series_key(here) == series_key(row("2023年县教育局工作要点", 2023, issuer="县教育局", place="江苏省淮安市洪泽区"))
    assert series_key(here) != series_key(row("2023年县教育局工作要点", 2023, issuer="县教育局", place="江苏省苏州市吴江区"))
    assert series_key(row("2024年县教育局工作要点", 2024, issuer="县教育局")) is None
    assert series_key(row("2024年工作要点", 2024)) is None
    assert series_key(row("2024年工作要点", 2024, place="江苏省苏州市吴江区")) is not None


def test_series_key_one_body_one_kind_however_the_title_is_printed():
    # the country's name printed or not: one series of 政府工作报告
    plain = row("政府工作报告", 2031, issuer="国务院", doc_type="政府工作报告")
    assert series_key(plain) == series_key(row("2030年中华人民共和国国务院政府工作报告", 2030, issuer="国务院",
                                                doc_type="政府工作报告"))
    # each session of the 全国人民代表大会 is the same body: its resolutions are one series
    npc = [row(f"第十六届全国人民代表大会第{n}次会议关于政府工作报告的决议", y, doc_type="决议",
               issuer=f"第十六届全国人民代表大会第{n}次会议") for n, y in (("二", 2031), ("三", 2032))]
    assert series_key(npc[0]) == series_key(npc[1]) != series_key(plain)


def test_title_stem_drops_years_numbers_notes_and_the_body_name():
    assert title_stem("2024年白石县人民政府工作报告", ["白石县人民政府"]) == "工作报告"
    assert title_stem("白石县2025年政府工作报告（摘要）", ["白石县人民政府"]) == "工作报告"
    assert title_stem("关于做好二〇二四年暑期防溺水工作的通知", ["白石县教育局"]) == "关于做好暑期防溺水工作的通知"
    assert title_stem("关于印发学校美育工作方案的通知", ["白石县教育局"]) != title_stem("关于做好暑期防溺水工作的通知", [])
    parts = [title_stem(f"关于适用《中华人民共和国保险法》若干问题的解释（{n}）", []) for n in ("一", "二", "十二", "2", "二十")]
    assert len(set(parts)) == 4 and parts[1] == parts[3]  # parts are documents of their own, (二) = (2)


def test_build_series_orders_by_date_and_copies_of_one_date_are_one_step():
    rows = [row("2024年甲县教育局工作要点", 2024, "2024-02-01", "甲县教育局", doc_id="c"),
            row("2023年甲县教育局工作要点", 2023, None, "甲县教育局", doc_id="a"),
            row("2024年甲县教育局工作要点", 2024, "2024-02-01", "甲县教育局", doc_id="b"),  # a copy of c
            row("甲县教育局工作要点", None, None, "甲县教育局", doc_id="undated"),
            row("2025年甲县教育局工作要点", 2025, "2025-02-01", "甲县教育局", doc_id="d"),
            row("2026年甲县教育局工作要点", 2026, "2026-02-01", "甲县教育局", doc_id="gone")]
    live = np.array([True, True, True, True, True, False])
    s = build_series(rows, live)
    assert [rows[i].doc_id for i in s.series(0)] == ["a", "b", "c", "d"]
    assert s.series(3) == [] and s.series(5) == []
    assert s.neighbours(1) == (None, 2)  # 2023 → the first copy of 2024
    assert s.neighbours(0) == s.neighbours(2) == (1, 4)
    gap = build_series([rows[1], rows[4], row("2031年甲县教育局工作要点", 2031, None, "甲县教育局", doc_id="e")],
                       np.array([True, True, True]))
    assert gap.neighbours(2) == (1, None)  # the one before, however many years before
    one = build_series(rows[:1] + rows[2:3], np.array([True, True]))
    assert one.members == []  # copies of one date are no series


def test_step_label_says_year_only_for_the_year_next_to_it():
    assert (step_label(2024, 2023, "上"), step_label(2024, 2025, "下")) == ("上一年", "下一年")
    assert step_label(2022, 1957, "上") == "上一份"  # years between: not "the year before"
    assert step_label(2024, 2024, "下") == step_label(None, 2024, "下") == "下一份"


# -- sentences and sections compared -------------------------------------------------------------------

def test_sentences_end_at_stops_and_line_ends():
    got = [(s.text, s.ends_paragraph) for s in sentences("甲乙。丙丁！“戊己。”庚\n辛；壬 癸?\n\n  子")]
    assert got == [("甲乙。", False), ("丙丁！", False), ("“戊己。”", False), ("庚", True), ("辛；", False),
                   ("壬 癸?", True), ("子", True)]


def test_diff_sentences_marks_exactly_what_changed_and_ignores_width_and_spaces():
    a = "一二三。四五六。\n七八九。"
    b = "一二三。四五六。新加的一句。\n七 八 九。"
    assert [(p.op, p.text) for p in diff_sentences(a, b) if p.op != "same"] == [("added", "新加的一句。")]
    assert [p.op for p in diff_sentences("２０２４年目标。", "2024年目标。")] == ["same"]
    got = [(p.op, p.text) for p in diff_sentences("甲。乙。丙。", "甲。丁。丙。")]
    assert got == [("same", "甲。"), ("removed", "乙。"), ("added", "丁。"), ("same", "丙。")]


def test_align_by_heading_despite_renumbering_then_by_text_never_crossing():
    heads_a = ["", "一、目标", "二、学前教育", "三、师资", "四、信息化"]
    heads_b = ["", "一、目标", "二、义务教育", "三、学前教育", "四、教师队伍建设", "五、职业教育"]
    texts_a = ["开头", "目标文字", "幼儿园三所", "组织教师全员培训。评选骨干教师五十名。", "智慧校园"]
    texts_b = ["开头", "目标文字", "均衡发展", "幼儿园五所", "组织教师全员培训。评选骨干教师五十名。推进改革。", "实训基地"]
    assert align(heads_a, heads_b, texts_a, texts_b) == [
        (0, 0, "heading"), (1, 1, "heading"), (None, 2, None), (2, 3, "heading"), (3, 4, "text"), (4, None, None),
        (None, 5, None)]
    side = [(Side(f"s{k}", h, ""), t) for k, (h, t) in enumerate(zip(heads_a, texts_a, strict=True))]
    assert [d.status for d in compare_sections(side, side)] == ["same"] * 5


def test_align_headings_apart_from_their_years_and_rewritten_sections_by_the_bigrams_they_alone_share():
    # a 政府工作报告-like pair: the year in a heading changes every year; the tasks are rewritten, each
    # keeping less than SAME_TEXT of its bigrams but far more than it shares with any other task
    common = "各地要加强组织领导，"
    tasks_a = {"（一）推进学前教育普及，扩大普惠资源": "新建改扩建公办幼儿园一百所，扩大普惠性学前教育资源，完善经费保障机制，规范民办园收费行为。",
               "（二）促进义务教育均衡，缩小城乡差距": "推进县域义务教育优质均衡发展，改善农村学校办学条件，减轻学生课业负担，控制大班额。",
               "（三）办好职业教育，服务产业发展": "深化产教融合校企合作，建设实训基地，支持职业院校面向市场办学，扩大订单培养规模。"}
    tasks_b = {"（一）大力发展学前教育，提升保教质量": "新建公办幼儿园八十所，扩大普惠性学前教育资源覆盖面，开展保育教育质量评估，健全教研指导网络。",
               "（二）推动义务教育优质均衡发展": "推进县域义务教育优质均衡，实施乡村学校提升工程，推行集团化办学，强化课后服务保障。",
               "（三）增强职业教育适应性": "深化产教融合，建设高水平实训基地，推进职普融通和科教融汇，培养大国工匠和高技能人才。",
               "（四）守牢校园安全底线": "开展消防演练，排查校舍隐患，配齐专职保安，落实食堂食品安全责任。"}
    heads_a = ["", "一、2030年工作回顾", "二、2031年重点任务", *tasks_a, "三、保障措施"]
    heads_b = ["", "一、2031年工作回顾", "二、2032年重点任务", *tasks_b, "三、保障措施"]
    texts_a = ["开头", "回顾一年。", "任务如下。", *[common + t for t in tasks_a.values()], "保障。"]
    texts_b = ["开头", "回顾一年。", "任务如下。", *[common + t for t in tasks_b.values()], "保障。"]
    assert align(heads_a, heads_b, texts_a, texts_b) == [
        (0, 0, "heading"), (1, 1, "heading"), (2, 2, "heading"), (3, 3, "text"), (4, 4, "text"), (5, 5, "text"),
        (None, 6, None), (6, 7, "heading")]
    # a section sharing as much with two others is paired with neither: nothing stands out
    assert align(["山"], ["水", "云"], ["甲乙丙丁戊己庚辛壬癸"], ["甲乙丙丁子丑寅卯辰巳", "甲乙丙丁午未申酉戌亥"]) == [
        (0, None, None), (None, 0, None), (None, 1, None)]
    assert align(["山"], ["水"], ["甲乙丙丁戊己庚辛壬癸"], ["甲乙丙丁子丑寅卯辰巳"]) == [(0, 0, "text")]


def test_compare_two_years_marks_exactly_the_sentences_that_differ(sreader):
    c = compare(sreader, Y2023, Y2024)
    added = [p.text for s in c.sections for p in s.pieces if p.op == "added"]
    removed = [p.text for s in c.sections for p in s.pieces if p.op == "removed"]
    assert sorted(added) == sorted(ADDED) and sorted(removed) == sorted(REMOVED)
    assert {s.heading for s in c.sections if s.status == "same"} == UNCHANGED
    by_status = {s.heading: (s.status, s.paired_by) for s in c.sections}
    assert by_status["（三）建设高素质教师队伍"] == ("changed", "text")  # heading rewritten, text kept
    assert by_status["（四）推进信息化建设"] == ("removed", None)
    assert by_status["（四）发展职业教育"] == ("added", None)
    assert compare(sreader, Y2024, Y2024).added == 0 and compare(sreader, Y2024, Y2024).removed == 0
    assert compare(sreader, Y2023, "nope.md") is None
    assert missing(sreader, Y2023, "nope.md") == "nope.md" and missing(sreader, "gone.md", "nope.md") == "gone.md"
    assert missing(sreader, Y2023, Y2024) is None


def test_compare_asked_newer_first_puts_the_older_first_and_says_so(sreader, sclient, series_index, capsys):
    c = compare(sreader, Y2024, Y2023)
    assert (c.a.doc_id, c.b.doc_id, c.swapped, c.labels) == (Y2023, Y2024, True, ("较早", "较新"))
    assert sorted(p.text for s in c.sections for p in s.pieces if p.op == "added") == sorted(ADDED)
    same = compare(sreader, Y2024, Y2024)
    assert (same.dated, same.swapped, same.labels) == (False, False, ("第一份", "第二份"))  # one date: as asked
    body = sclient.get(f"/compare?a={quote(Y2024)}&b={quote(Y2023)}").get_data(as_text=True)
    older = re.search(r'<li class="older"><span class="label">(.*?)</span> <a href="(.*?)"', body)
    assert older.groups() == ("较早", html.escape(doc_url(Y2023))) and "已按日期排列" in body
    assert "反过来对比" not in body  # the other order is the same comparison
    data = sclient.get(f"/api/compare?a={quote(Y2024)}&b={quote(Y2023)}").get_json()
    assert (data["a"]["doc_id"], data["swapped"], data["labels"]) == (Y2023, True, ["较早", "较新"])
    assert main(["compare", "--index", str(series_index), Y2024, Y2023]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("较早：") and "2023-02-10" in lines[1] and "2024-02-08" in lines[2]
    assert {line[2:] for line in lines if line.startswith("+ ")} == ADDED


def marked(body: str, tag: str) -> set[str]:
    label = "新增" if tag == "ins" else "删去"
    found = re.findall(rf"<{tag}><span class=\"visually-hidden\">［{label}］</span>(.*?)</{tag}>", body)
    return {html.unescape(x) for x in found}


def test_compare_page_and_its_json_twin(sclient):
    url = f"/compare?a={quote(Y2023)}&b={quote(Y2024)}"
    r = sclient.get(url)
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert marked(body, "ins") == ADDED and marked(body, "del") == REMOVED
    folded = re.findall(r'<details class="diff-sec same">\s*<summary>(.*?) <span', body)
    assert set(folded) == UNCHANGED  # and nothing else folds away
    assert "<del>（三）提升教师素质</del> <ins>（三）建设高素质教师队伍</ins>" in body
    assert "新增 <strong class=\"n-added\">7</strong> 句，删去 <strong class=\"n-removed\">4</strong> 句" in body
    data = sclient.get("/api" + url).get_json()
    assert (data["added"], data["removed"], data["changed_sections"]) == (7, 4, 7)
    assert {p["text"] for s in data["sections"] for p in s["pieces"] if p["op"] == "added"} == ADDED
    assert data["a"]["doc_id"] == Y2023 and data["b"]["url"] == doc_url(Y2024)


def test_compare_and_series_refuse_bad_requests_clearly(sclient):
    assert sclient.get(f"/compare?a={quote(Y2023)}").status_code == 400
    r = sclient.get(f"/compare?a={quote(Y2023)}&b=nope.md")
    assert r.status_code == 404 and "nope.md" in r.get_data(as_text=True)
    assert sclient.get("/api/compare?b=x").get_json()["status"] == 400
    assert sclient.get("/api/compare?a=x&b=y").get_json()["message"] == "没有编号为“x”的报告。"
    assert sclient.get("/series?q=防溺水").status_code == 400
    assert sclient.get("/api/series?doc=nope").status_code == 404


# -- the report page and "how did this passage change" ---------------------------------------------------

def test_report_page_links_the_year_before_and_after_and_a_comparison(sclient):
    body = sclient.get(doc_url(Y2024) + "?q=防溺水").get_data(as_text=True)
    nav = re.search(r'<nav class="versions-nav".*?</nav>', body, re.S).group()
    assert f'href="{doc_url(Y2023)}?q=%E9%98%B2%E6%BA%BA%E6%B0%B4"' in nav and "上一年（2023-02-10）" in nav
    assert f'href="{doc_url(Y2025)}?q=%E9%98%B2%E6%BA%BA%E6%B0%B4"' in nav and "下一年（2025-02-12）" in nav
    assert html.escape(f"/compare?a={quote(Y2023)}&b={quote(Y2024)}") in nav
    first = sclient.get(doc_url(Y2023)).get_data(as_text=True)
    assert "上一年" not in first and html.escape(f"/compare?a={quote(Y2023)}&b={quote(Y2024)}") + '">对比</a>' in first
    assert 'class="versions-nav"' not in sclient.get(doc_url(PARTY)).get_data(as_text=True)
    api = sclient.get("/api" + doc_url(Y2024)).get_json()["series"]
    assert (api["prev"]["doc_id"], api["next"]["doc_id"], api["size"]) == (Y2023, Y2025, 3)
    assert sclient.get("/api" + doc_url(FINANCE)).get_json()["series"] is None
    notice = sclient.get("/api" + doc_url(SWIM[1])).get_json()["series"]
    assert notice["prev"]["doc_id"] == SWIM[0] and notice["prev"]["step"] == "上一年" and notice["next"] is None


def test_series_passages_follow_one_query_through_every_version(sreader, sclient):
    found = series_passages(sreader, Y2024, "防溺水")
    assert [v.version.doc_id for v in found.versions] == [Y2023, Y2024, Y2025]
    assert [[h.section_id for h in v.hits] for v in found.versions] == [["s2-2"], ["s2-2"], ["s2-2"]]
    assert "开展<mark>防溺水</mark>专题教育，暑假前家访全覆盖" in found.versions[2].hits[0].snippet_html
    none = series_passages(sreader, Y2024, "智慧校园")
    assert [len(v.hits) for v in none.versions] == [1, 0, 0]
    alone = series_passages(sreader, PARTY, "防溺水")
    assert [v.version.doc_id for v in alone.versions] == [PARTY]
    assert series_passages(sreader, Y2024, "-防溺水").notice
    body = sclient.get(f"/series?doc={quote(Y2024)}&q=智慧校园").get_data(as_text=True)
    assert body.count("这一版没有提到“智慧校园”。") == 2 and "<mark>智慧校园</mark>" in body
    assert sclient.get(f"/api/series?doc={quote(Y2024)}&q=防溺水").get_json()["versions"][0]["doc_id"] == Y2023


def test_cli_compare_and_series(series_index, capsys):
    assert main(["compare", "--index", str(series_index), Y2023, Y2024]) == 0
    out = capsys.readouterr().out
    assert {line[2:] for line in out.splitlines() if line.startswith("+ ")} == ADDED
    assert {line[2:] for line in out.splitlines() if line.startswith("- ")} == REMOVED
    assert "新增 7 句，删去 4 句" in out and "== （三）提升教师素质 → （三）建设高素质教师队伍" in out
    assert main(["compare", "--index", str(series_index), Y2023, Y2024, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 7
    assert main(["compare", "--index", str(series_index), Y2023, "nope.md"]) == 1
    assert "索引中没有这份报告：nope.md" in capsys.readouterr().err
    assert main(["series", "--index", str(series_index), Y2024, "防溺水"]) == 0
    out = capsys.readouterr().out
    assert out.index("2023-02-10") < out.index("2024-02-08") < out.index("2025-02-12")
    assert out.count("[防溺水]") == 5


def test_cli_takes_a_query_that_starts_with_an_exclusion(series_index, capsys):
    """`edusearch series DOC -防溺水` was an argparse error (unrecognized arguments)."""
    assert main(["series", "--index", str(series_index), Y2024, "-防溺水"]) == 0
    assert "[防溺水]" not in capsys.readouterr().out
    assert main(["search", "-防溺水 教育", "--index", str(series_index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] > 0
    with pytest.raises(SystemExit):  # an ASCII word is taken for an option: the error says to use --
        main(["search", "--index", str(series_index), "-pm25"])
    assert "请放在 -- 之后" in capsys.readouterr().err
    assert main(["search", "--index", str(series_index), "--", "-pm25 教育"]) == 0
