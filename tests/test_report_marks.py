"""A report page marks a bounded number of occurrences and says so: how many there are in all, which are
marked, and a link to the next ones (a report holding 100,000 said only "已标出 500 处")."""

from __future__ import annotations

import html
import re

import pytest

from indexer.search.limits import REPORT_MARKS
from indexer.search.snippet import Needle, window_spans

COUNTS = {"s1": 700, "s2": 10, "s3": 524}  # occurrences of 防溺水 per section: 1,234 in all


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A client on an index of one report whose three sections hold 防溺水 700, 10 and 524 times."""
    from indexer.store.build import reindex
    from webapp import create_app

    root = tmp_path_factory.mktemp("many-marks")
    src = root / "src"
    src.mkdir()
    headings = {"s1": "一、安全教育", "s2": "二、家校共育", "s3": "三、专项治理"}
    body = "".join(f"{headings[s]}\n" + "".join(f"第{k}次开展防溺水教育。\n" for k in range(n)) for s, n in COUNTS.items())
    (src / "青山县教育局2023年工作总结.txt").write_text("青山县教育局2023年工作总结\n" + body, encoding="utf-8")
    reindex(root / "ix", [src], progress=False)
    return create_app(root / "ix").test_client()


def page(client, marks_from: int | None = None) -> tuple[str, str, dict[str, int]]:
    """The report page's marks notice (as text), its HTML, and the marks in each section; the page's first mark
    is the one its links land on."""
    args = {"q": "防溺水", **({"marks_from": marks_from} if marks_from else {})}
    r = client.get("/doc/青山县教育局2023年工作总结.txt", query_string=args)
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    notice = re.search(r'<p class="notice marks">(.*?)</p>', body, re.S).group(1)
    per_section = {sid: len(re.findall(r"<mark[ >]", sec))
                   for sid, sec in re.findall(r'<section id="(s\d)"(.*?)</section>', body, re.S)}
    first = re.search(r"<mark[^>]*>", body)
    assert first is None or first.group() == (f'<mark id="m{marks_from}">' if marks_from else "<mark>")
    assert len(re.findall(r"<mark id=", body)) == (first is not None and bool(marks_from))
    return html.unescape(re.sub(r"<[^>]+>", "", notice)).strip(), notice, per_section


def links(notice_html: str) -> dict[str, str]:
    return {cls: html.unescape(href) for href, cls in re.findall(r'<a (?:class="([\w-]+)" )?href="([^"]+)"', notice_html)
            for href, cls in [(cls, href)] if cls}


def test_a_report_with_more_occurrences_than_a_page_marks_says_how_many_and_links_on(many):
    assert sum(COUNTS.values()) > 2 * REPORT_MARKS
    said, notice, marked = page(many)
    assert said.startswith("“防溺水”在这份报告中共出现 1,234 处，每页标出 500 处：已标出前 500 处。标出第 501–1,000 处")
    assert marked == {"s1": 500, "s2": 0, "s3": 0}
    nxt = links(notice)["marks-next"]
    assert nxt.endswith("marks_from=501#m501")  # lands on the 501st

    said, notice, marked = page(many, 501)
    assert "已标出第 501–1,000 处。" in said and "标出第 1,001–1,234 处" in said
    assert marked == {"s1": 200, "s2": 10, "s3": 290}
    assert links(notice)["marks-next"].endswith("marks_from=1001#m1001")
    assert links(notice)["marks-previous"].endswith("q=%E9%98%B2%E6%BA%BA%E6%B0%B4#top-of-report")  # the first 500

    said, notice, marked = page(many, 1001)
    assert "已标出第 1,001–1,234 处。" in said and "marks-next" not in notice
    assert marked == {"s1": 0, "s2": 0, "s3": 234}
    assert links(notice)["marks-previous"].endswith("marks_from=501#m501")


def test_the_json_twin_says_the_same(many):
    doc = "/api/doc/青山县教育局2023年工作总结.txt"
    first = many.get(doc, query_string={"q": "防溺水"}).get_json()
    assert (first["marks"], first["occurrences"], first["marks_from"]) == (500, 1234, 1)
    last = many.get(doc, query_string={"q": "防溺水", "marks_from": 1001}).get_json()
    assert (last["marks"], last["occurrences"], last["marks_from"]) == (234, 1234, 1001)
    assert sum(s["body_html"].count("<mark") for s in last["sections"]) == 234


def test_marks_past_the_last_occurrence_say_so(many):
    said, notice, marked = page(many, 5000)
    assert said.startswith("“防溺水”在这份报告中共出现 1,234 处，没有第 5,000 处。从第 1 处标起")
    assert sum(marked.values()) == 0
    assert many.get("/doc/青山县教育局2023年工作总结.txt?q=防溺水&marks_from=abc").status_code == 400


def test_a_report_within_one_page_of_marks_says_them_all(client):
    from helpers import SEED_000, brute_hits

    doc = f"{SEED_000.name}~1"
    body = client.get(f"/doc/{doc}", query_string={"q": "防溺水"}).get_data(as_text=True)
    n = sum(c for (d, _), c in brute_hits("防溺水", SEED_000).items() if d == doc)
    assert 0 < n <= REPORT_MARKS and f"已标出“防溺水”的 {n} 处。" in body and body.count("<mark>") == n


def test_window_spans_picks_a_window_and_counts_all():
    text = "防溺水、" * 10
    spans, total = window_spans(text, [Needle("防溺水")], 3, 4)
    assert total == 10 and spans == [(4 * k, 4 * k + 3) for k in range(3, 7)]
    assert window_spans(text, [Needle("防溺水")], 20, 5) == ([], 10)
    spans, total = window_spans("防溺水安全", [Needle("溺水安全"), Needle("防溺水")], 0, 5)  # overlapping: one
    assert (spans, total) == ([(0, 5)], 1)
