"""The concordance (KWIC): one line per mention, as many as the trend's mentions and the brute-force
scan count; contexts inside the part of the section they come from; the sort orders; exports equal
to the pages; a line's link opens the report marking that very occurrence."""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re
from dataclasses import asdict

import numpy as np
import pytest
from helpers import CORPUS, brute_hits

from indexer.search.facets import Filters, Years
from indexer.search.kwic import SORTS, kwic, kwic_lines
from indexer.search.matching import matching_sections
from indexer.search.mentions import count_mentions, mention_needles
from indexer.search.occurrences import (
    _chars_after,
    _chars_before,
    occurrence_at,
    occurrences_in,
    parse_at,
)
from indexer.search.parser import parse_query
from indexer.search.report import get_report
from indexer.search.snippet import Needle
from indexer.search.trend import trend
from indexer.text.normalize import fold_text

QUERIES = ["防溺水", "教育", "安全教育", "学校 安全", "营养午餐 OR 食堂供餐", '"义务教育 均衡"', "安全教育 -交通",
           "title:工作总结 安全", "2008年", "工作总结", "人民", "教育 教育局", "县"]


def _mentions(reader, q: str) -> int:
    return int(count_mentions(reader, matching_sections(reader, q), mention_needles(parse_query(q))).sum())


@pytest.mark.parametrize("q", QUERIES)
def test_lines_are_the_mentions(reader, q):
    page = kwic(reader, q, per_page=100000)
    assert page.total == len(page.lines) == _mentions(reader, q)
    series = trend(reader, [q]).series[0]
    assert page.total == series.total("mentions")
    assert page.sections == len(matching_sections(reader, q))  # every matching section holds a mention
    assert sum(y.count for y in page.by_year) == page.total
    for sort in SORTS:
        assert sum(1 for _ in kwic_lines(reader, q, sort=sort)) == page.total


@pytest.mark.parametrize("q", ["防溺水", "教育", "安全教育", "2008年", "工作总结", "学校"])
def test_one_string_counts_what_a_scan_of_the_files_counts(reader, q):
    assert kwic(reader, q).total == sum(brute_hits(q, *CORPUS).values()) > 0


def test_pages_cut_the_whole_in_order(reader):
    for sort in SORTS:
        every = [asdict(x) for x in kwic_lines(reader, "安全", sort=sort)]
        pages = []
        for n in range(1, 100):
            page = kwic(reader, "安全", sort=sort, page=n, per_page=7)
            if not page.lines:
                break
            pages += [asdict(x) for x in page.lines]
        assert pages == every and len(every) > 30
        first = kwic(reader, "安全", sort=sort, per_page=7)
        assert first.pages == -(-len(every) // 7)


def _parts(reader, line) -> dict[str, str]:
    view = get_report(reader, line.doc_id)
    sec = next(s for s in view.sections if s.section_id == line.section_id)
    return {"title": view.title, "heading": sec.heading, "body": sec.text}


def _flat(s: str) -> str:
    return re.sub(r"[\n\r\t\v\f]", " ", s)


@pytest.mark.parametrize("q", ["教育", "防溺水", "工作总结", "2008年", "学校 安全"])
def test_contexts_stay_inside_their_part_of_the_section(reader, q):
    for width in (5, 30, 200):
        lines = list(kwic_lines(reader, q, width=width))
        assert lines
        for line in lines:
            text = _flat(_parts(reader, line)[line.part])
            assert len(line.left) <= width and len(line.right) <= width
            assert line.left + line.match + line.right in text
            # a context shorter than the width ends at the part's edge, never runs on into another part
            assert len(line.left) == width or text.startswith(line.left + line.match)
            assert len(line.right) == width or text.endswith(line.match + line.right)
            assert any(fold_text(line.match) == n.text for n in mention_needles(parse_query(q)))


def _reversed_left(line, k=8) -> str:
    return fold_text(line.left)[::-1][:k]


def test_sort_orders(reader):
    by_year = list(kwic_lines(reader, "教育"))
    years = [x.year if x.year is not None else 10**6 for x in by_year]
    assert years == sorted(years) and len(set(years)) > 3  # oldest first, unknown last
    by_report = list(kwic_lines(reader, "教育", sort="report"))
    ids = [x.doc_id for x in by_report]
    assert ids == sorted(ids)
    left = list(kwic_lines(reader, "教育", sort="left", width=40))
    keys = [_reversed_left(x) for x in left]
    assert keys == sorted(keys) and len(set(keys)) > 50  # L1, then L2, …: read right to left
    right = list(kwic_lines(reader, "教育", sort="right", width=40))
    keys = [fold_text(x.right)[:8] for x in right]
    assert keys == sorted(keys)
    for lines in (left, right):  # each sort is the same lines in another order
        assert sorted(x.url for x in lines) == sorted(x.url for x in by_year)
    within = [x for x in by_year if x.doc_id == by_year[0].doc_id]
    assert [x.url for x in within] == [x.url for x in by_report if x.doc_id == by_year[0].doc_id]


def test_left_context_keys_read_the_bytes_as_python_decodes_them():
    rng = random.Random(7)
    alphabet = "教育a1，\u00e9\u4e00𠀀X。 "
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(200)]
    data = "\x00".join(texts).encode("utf-8")
    buf = np.frombuffer(data, dtype=np.uint8)
    starts, at = [], 0
    for t in texts:
        for i in range(len(t) + 1):
            starts.append((at + len(t[:i].encode()), t[:i], t[i:]))
        at += len(t.encode()) + 1
    pos = np.array([s for s, _, _ in starts], dtype=np.int64)
    before, after = _chars_before(buf, pos, 5), _chars_after(buf, pos, 5)
    for j, (_, left, right) in enumerate(starts):
        want_left = [ord(c) for c in left[::-1][:5]]
        want_right = [ord(c) for c in right[:5]]
        assert before[:, j].tolist() == want_left + [0] * (5 - len(want_left))
        assert after[:, j].tolist() == want_right + [0] * (5 - len(want_right))


def test_occurrences_in_the_title_heading_and_body():
    needles = [Needle("防溺水"), Needle("2008年")]
    occ = occurrences_in("白石县防溺水工作", "一、防 溺水", "２００８年防溺水\n防溺水", needles)
    assert [(o.part, o.start, o.end, o.needle, o.ordinal) for o in occ] == [
        ("title", 3, 6, 0, 0), ("heading", 2, 6, 0, 0), ("body", 0, 5, 1, 0), ("body", 5, 8, 0, 0),
        ("body", 9, 12, 0, 1)]
    assert [o.at for o in occ] == ["t0.0", "h0.0", "b1.0", "b0.0", "b0.1"]
    # not a report's first section: no title part
    assert [o.part for o in occurrences_in(None, "防溺水", "", needles)] == ["heading"]
    assert parse_at(occurrence_at("s3-2_2", occ[-1])) == ("s3-2_2", "body", 0, 1)
    for bad in (None, "", "s3.x0.1", "s3.b.1", "s3.b0", "s3.b0.-1"):
        assert parse_at(bad) is None


def _at_mark(page: str) -> tuple[str, str]:
    """(the section id or "title" holding the element with id="at", the marked text)."""
    assert page.count('id="at"') == 1
    i = page.index('id="at"')
    m = re.match(r'id="at">(.*?)</mark>', page[i:], re.S)
    marked = html.unescape(m.group(1)) if m else ""
    sec = re.findall(r'<section id="([^"]+)"', page[:i])
    in_title = page.rfind("<h1>", 0, i) > page.rfind("</h1>", 0, i)
    return ("title" if in_title else sec[-1] if sec else ""), marked


def _text_before_at(page: str) -> str:
    """The page's text up to the element with id="at", without tags or spaces."""
    i = page.rindex("<", 0, page.index('id="at"'))
    return re.sub(r"\s", "", html.unescape(re.sub(r"<[^>]+>", "", page[:i])))


@pytest.mark.parametrize("q", ["防溺水", "工作总结", "2008年", "学校 安全", "教育"])
def test_each_line_links_to_its_own_occurrence(reader, client, q):
    lines = list(kwic_lines(reader, q, width=12))
    assert lines
    for line in lines[:60]:
        path, _, fragment = line.url.partition("#")
        assert fragment == "at"
        page = client.get(path).get_data(as_text=True)
        where, marked = _at_mark(page)
        assert where == ("title" if line.part == "title" else line.section_id)
        assert fold_text(marked) == fold_text(line.match)
        left = re.sub(r"\s", "", line.left)
        assert _text_before_at(page).endswith(left[-6:])  # that occurrence, not another


MARKDOWN = """---
title: 白石县教育局关于做好防溺水工作的通知
year: 2021
---

为做好今年防溺水工作，通知如下。

# 一、防溺水的**重点**

各校要把**防溺**水放在首位，防溺水

- 家长：签订防溺水承诺书
- 学校：开展防溺水演练

| 事项 | 要求 |
|---|---|
| 防溺水 | 每周一次 |

# 二、其他

防溺水工作纳入考核。防　溺水，防溺水。
"""


def test_links_into_markdown_sections(tmp_path):
    """Rendered Markdown: an occurrence over bold, in a list, in a table cell, each link marks its own."""
    from indexer.store.build import reindex
    from indexer.store.reader import Library
    from webapp import create_app

    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "通知.md").write_text(MARKDOWN, encoding="utf-8")
    reindex(tmp_path / "index", [tmp_path / "src"], progress=False)
    reader = Library(tmp_path / "index").reader()
    client = create_app(tmp_path / "index").test_client()
    lines = list(kwic_lines(reader, "防溺水", width=6))
    assert len(lines) == _mentions(reader, "防溺水") == 11
    assert {x.part for x in lines} == {"title", "heading", "body"}
    for line in lines:
        page = client.get(line.url.partition("#")[0]).get_data(as_text=True)
        where, marked = _at_mark(page)
        assert where == ("title" if line.part == "title" else line.section_id)
        assert fold_text(marked) in ("防溺水", "防溺")  # 防**溺**水: the mark is cut by the bold tag
        assert _text_before_at(page).endswith(re.sub(r"[\s|]", "", line.left)[-3:])


def test_a_link_to_an_occurrence_no_longer_there_lands_on_its_section(reader, client):
    line = next(kwic_lines(reader, "防溺水"))
    path = line.url.partition("#")[0].replace(".b0.0", ".b0.999").replace(".h0.0", ".h0.999")
    page = client.get(path).get_data(as_text=True)
    assert page.count('id="at"') == 1 and '<span id="at"></span>' in page
    assert client.get(path.replace("at=", "at=nonsense")).status_code == 200


def test_exports_hold_every_line(reader, client):
    for sort in ("year", "left"):
        lines = list(kwic_lines(reader, "安全教育", sort=sort))
        body = client.get(f"/kwic.csv?q=安全教育&sort={sort}").get_data(as_text=True)
        assert body.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
        assert rows[0][:3] == ["左侧语境", "检索词", "右侧语境"] and len(rows) == len(lines) + 1
        for row, line in zip(rows[1:], lines, strict=True):
            assert row[:3] == [line.left, line.match, line.right] and row[3] == line.title
            assert row[-1].endswith(line.url)  # absolute when the server has a base URL
        got = [json.loads(x) for x in client.get(f"/kwic.jsonl?q=安全教育&sort={sort}").get_data(as_text=True).splitlines()]
        assert got == [asdict(x) for x in lines]


def test_filters_and_year_counts(reader):
    whole = kwic(reader, "教育")
    year = next(y for y in whole.by_year if y.year and y.count > 1)
    one = kwic(reader, "教育", Filters(Years.between(year.year, year.year)), per_page=1000)
    assert one.total == year.count and {x.year for x in one.lines} == {year.year}
    assert one.by_year == [year]


def test_odd_input_is_said_not_raised(reader, client):
    for q, said in [("", "请输入检索词"), ("-交通", "排除词"), ("year:2019", "只有筛选条件")]:
        page = kwic(reader, q)
        assert page.total == 0 and said in page.notice
    assert kwic(reader, "没有这个词组合").total == 0
    assert "不认识" in kwic(reader, "教育", sort="middle").notice
    assert kwic(reader, "教育", page=10**6).lines == []
    for url in ["/kwic?q=教育&sort=middle", "/kwic?q=教育&width=0", "/kwic?q=教育&page=x", "/api/kwic?q=教育&per_page=9999"]:
        r = client.get(url)
        assert r.status_code == 400 and "Traceback" not in r.get_data(as_text=True)
    for url in ["/kwic?q=教育&page=999", "/kwic?q=", "/kwic?q=(((", "/api/kwic?q=year:2019", "/kwic.csv?q="]:
        assert client.get(url).status_code == 200


def test_pages_and_api(client, reader):
    api = client.get("/api/kwic?q=防溺水&per_page=3&sort=right").get_json()
    want = kwic(reader, "防溺水", sort="right", per_page=3)
    assert api["total"] == want.total and [x["url"] for x in api["lines"]] == [x.url for x in want.lines]
    page = client.get("/kwic?q=防溺水&sort=right&per_page=3").get_data(as_text=True)
    assert page.count('class="kwic-line"') == 3 and "导出 CSV" in page
    assert 'href="/kwic.csv?q=%E9%98%B2%E6%BA%BA%E6%B0%B4&amp;sort=right"' in page
    results = client.get("/search?q=教育&year=1990-2024&page=2").get_data(as_text=True)  # the same query and filters
    assert 'href="/kwic?q=%E6%95%99%E8%82%B2&amp;year=1990-2024" class="kwic-link"' in results


def test_cli(index_dir, capsys, reader):
    from indexer.cli import display_width, main

    assert main(["kwic", "防溺水", "--index", str(index_dir), "--width", "10", "--limit", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{kwic(reader, '防溺水').total} 处")
    lines = [x for x in out if "【防溺水】" in x]
    assert len(lines) == 3 and len({display_width(x[:x.index("【")]) for x in lines}) == 1  # the terms line up
    assert main(["kwic", "防溺水", "--index", str(index_dir), "--csv", "--sort", "left"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert [r[:3] for r in rows[1:]] == [[x.left, x.match, x.right] for x in kwic_lines(reader, "防溺水", sort="left")]
    assert main(["kwic", "防溺水", "--index", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == kwic(reader, "防溺水").total
