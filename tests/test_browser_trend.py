"""The trend view, grouped and sorted results, downloads, shared links and the phone layout in a real
Chromium against `edusearch serve`."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from helpers import CORPUS, brute_hits
from test_browser import server  # noqa: F401  (the fixture: one server for this module)

pytestmark = pytest.mark.browser
THREE = "/trend?q=防溺水&q=教育公平&q=2008年"


def api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + quote(path, safe="/?&=")) as r:
        return json.loads(r.read())


def strict_page(browser, **kw):  # noqa: F811
    page = browser.new_page(**kw)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    return page, errors


def test_trend_with_three_terms(server, browser):  # noqa: F811
    page, errors = strict_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(server + THREE)
    assert page.locator("svg g.series").count() == 3
    assert page.locator(".legend li").count() == 3
    assert page.locator(".trend-table thead th").all_inner_texts() == ["年份", "收录报告数", "防溺水", "教育公平", "2008年"]
    data = api(server, "/api/trend?q=防溺水&q=教育公平&q=2008年")
    assert page.locator(".measures [aria-current]").get_attribute("data-measure") == data["measure"] == "share"
    first = page.locator(".trend-table tbody tr").first.locator("td").all_inner_texts()
    assert first[0] == str(data["indexed"][0])
    assert page.locator(".trend-table tbody tr.unknown th").inner_text() == "年份不详"
    assert not errors


def test_switching_the_measure(server, browser):  # noqa: F811
    page, errors = strict_page(browser)
    page.goto(server + THREE)
    with page.expect_navigation():
        page.click(".measures a[data-measure=mentions]")
    assert parse_qs(urlsplit(page.url).query)["by"] == ["mentions"]
    assert page.locator(".measures [aria-current]").get_attribute("data-measure") == "mentions"
    data = api(server, "/api/trend?q=防溺水&q=教育公平&q=2008年&by=mentions")
    cells = page.locator(".trend-table tbody tr").nth(data["years"].index(2010)).locator("td").all_inner_texts()
    want = [str(s["points"][data["years"].index(2010)]["mentions"]) for s in data["series"]]
    assert cells[1:] == want
    assert not errors


def test_clicking_a_point_lists_that_years_results(server, browser):  # noqa: F811
    page, errors = strict_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(server + THREE + "&by=reports")
    data = api(server, "/api/trend?q=防溺水&q=教育公平&q=2008年&by=reports")
    k, point = next((k, p) for k, p in enumerate(data["series"][1]["points"]) if p["reports"])
    dot = page.locator(f"svg g.s1 a.pt[data-year='{point['year']}']")
    with page.expect_navigation():
        dot.click()
    args = parse_qs(urlsplit(page.url).query)
    assert urlsplit(page.url).path == "/search" and args["q"] == ["教育公平"] and args["year"] == [str(point["year"])]
    summary = page.locator(".summary").inner_text()
    assert re.search(rf"分布在 {point['reports']} 篇报告", summary) and re.search(rf"找到 {point['sections']} 个章节", summary)
    assert all(m.startswith(str(point["year"])) for m in page.locator(".hit .meta").all_inner_texts())
    assert not errors


def test_chart_is_one_tab_stop_with_arrow_keys(server, browser):  # noqa: F811
    page, _ = strict_page(browser)
    page.goto(server + THREE)
    assert page.locator("svg a[tabindex='0']").count() == 1
    page.focus("svg a[tabindex='0']")
    first = page.evaluate("document.activeElement.dataset.year")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert int(page.evaluate("document.activeElement.dataset.year")) > int(first)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('[data-series]').dataset.series") == "1"
    assert page.locator("svg a[tabindex='0']").count() == 1
    page.keyboard.press("Tab")  # one more Tab leaves the chart
    assert page.evaluate("document.activeElement.closest('svg') === null")


def test_grouped_results_and_sort(server, browser):  # noqa: F811
    page, errors = strict_page(browser, viewport={"width": 1280, "height": 900})
    page.goto(server + "/search?q=安全")
    with page.expect_navigation():
        page.click(".tools a[data-group=report]")
    assert "group=report" in page.url
    groups = page.locator("li.group")
    assert groups.count() == 10
    card = page.locator("li.group").filter(has=page.locator("details.more")).first
    more = card.locator("details.more")
    summary = more.locator("summary").inner_text()
    n = int(re.search(r"另有 (\d+) 个章节", summary).group(1))
    total = int(re.search(r"(\d+) 个章节", card.locator(".meta").inner_text()).group(1))
    assert n == total - 3
    assert card.locator(":scope > .group-hits > li").count() == 3
    hidden = more.locator(".group-hits > li").first
    assert not hidden.is_visible()
    more.locator("summary").click()
    assert hidden.is_visible()
    with page.expect_navigation():
        page.click(".tools a[data-sort=newest]")
    assert "sort=newest" in page.url and "group=report" in page.url
    years = [int(m[:4]) for m in page.locator("li.group .meta").all_inner_texts() if m[:4].isdigit()]
    assert years and years == sorted(years, reverse=True)
    with page.expect_navigation():
        page.click(".tools a[data-group=section]")
    with page.expect_navigation():
        page.click(".tools a[data-sort=oldest]")
    years = [int(m[:4]) for m in page.locator(".hit .meta").all_inner_texts()]
    assert years == sorted(years) and "group=" not in page.url
    assert not errors


def test_csv_download_opens_and_parses(server, browser, tmp_path):  # noqa: F811
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/search?q=防溺水")
    with page.expect_download() as info:
        page.click("a.export.csv")
    path = tmp_path / "hits.csv"
    info.value.save_as(path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    want = brute_hits("防溺水", *CORPUS)
    assert len(rows) == len(want)
    assert rows[0]["章节链接"].endswith("#s3-2") and "?q=" in rows[0]["章节链接"]
    doc_id = unquote(urlsplit(rows[0]["章节链接"]).path.removeprefix("/doc/"))
    assert int(rows[0]["出现次数"]) == want[(doc_id, "s3-2")] and "防溺水" in rows[0]["摘要"]
    page.goto(server + THREE)
    with page.expect_download() as info:
        page.click("a.csv")
    table = list(csv.reader(io.StringIO(info.value.path().read_text(encoding="utf-8-sig"))))
    assert table[0][0] == "年份" and len(table[0]) == 5
    context.close()


def test_copied_link_carries_the_query_and_lands_marked(server, browser):  # noqa: F811
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], viewport={"width": 1280, "height": 800})
    page = context.new_page()
    prompted: list[str] = []
    page.on("dialog", lambda d: (prompted.append(d.default_value), d.accept()))
    page.goto(server + "/doc/000_d895e07126d09c4a.txt~1?q=防溺水")
    page.click("#s3-2 button.copy")
    page.wait_for_function("document.getElementById('live').textContent.length > 0 || document.querySelector('#s3-2 button.copy').textContent === '复制链接'")
    copied = prompted[0] if prompted else page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(server + "/doc/") and "?q=" in copied and copied.endswith("#s3-2")
    if not prompted:
        assert page.locator("#live").inner_text() == "已复制链接"  # announced through aria-live
        assert page.locator("#live").get_attribute("aria-live") == "polite"
    fresh = context.new_page()
    fresh.goto(copied)
    target = fresh.locator(":target")
    assert target.get_attribute("id") == "s3-2"
    assert target.locator("mark").first.inner_text() == "防溺水"
    bar = fresh.locator(".doc-bar")
    box, tbox = bar.bounding_box(), target.bounding_box()
    assert box["y"] == 0 and "年份不详" in bar.inner_text()  # the report's title and year stay in view
    assert tbox["y"] >= box["y"] + box["height"] - 1  # the section is not hidden under it
    context.close()


def test_phone_layout(server, browser):  # noqa: F811
    page, errors = strict_page(browser, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(server + "/search?q=教育公平")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.keyboard.press("Tab")  # the first Tab stop skips to the results
    skip = page.locator("a.skip")
    assert page.evaluate("document.activeElement.className") == "skip" and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#results"
    facets, chart = page.locator(".facets summary"), page.locator(".timeline summary")
    first_hit = page.locator(".hit").first
    assert facets.bounding_box()["y"] < chart.bounding_box()["y"] < first_hit.bounding_box()["y"]
    assert page.locator(".facets details").get_attribute("open") is None  # folded on a phone
    chart.click()
    bar = page.locator("svg a.bar").first.bounding_box()
    scroller = page.locator(".timeline .chart-scroll")
    wide = scroller.evaluate("e => e.scrollWidth > e.clientWidth")
    assert bar["width"] >= 16 or wide  # bars a finger can hit, or the chart scrolls sideways
    page.goto(server + THREE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    plot, figure = page.locator("svg.plot").bounding_box(), page.locator("figure.trend-chart").bounding_box()
    assert plot["x"] >= figure["x"] and plot["x"] + plot["width"] <= figure["x"] + figure["width"]  # fits, no sideways scroll
    assert plot["width"] >= 0.7 * figure["width"] and plot["height"] >= 200
    # a year's column is a few pixels wide on a phone: a point's area is its part of the column (at least
    # a finger high), and a tap shows the year's values as links first (test_browser_chart)
    dot = page.locator("svg g.s0 a.pt .hitarea").first.bounding_box()
    assert dot["height"] >= 16
    assert not errors


@pytest.mark.parametrize("path", ["/trend?q=学校&year=1980-2024", "/search?q=学校", "/trend?q=学校"])
def test_year_labels_are_not_cut_at_the_chart_edges(server, browser, path):  # noqa: F811
    """The first or last year label sat half outside the chart: 1980 read as “l980”, 2025 as “202”."""
    for width in (375, 1280):
        page, errors = strict_page(browser, viewport={"width": width, "height": 900})
        page.goto(server + path)
        # the year timeline is drawn in its viewBox; the trend chart's labels in pixels, within its frame
        boxes = page.evaluate("""[...document.querySelectorAll('svg text.tick')].filter(t => t.getClientRects().length).map(t => {
            const svg = t.ownerSVGElement, b = t.getBBox(), r = t.getBoundingClientRect();
            if (svg.viewBox.baseVal.width) return [t.textContent, b.x, b.x + b.width, svg.viewBox.baseVal.width];
            const frame = t.closest('figure').getBoundingClientRect();
            return [t.textContent, r.left - frame.left, r.right - frame.left, frame.width]; })""")
        assert boxes
        for label, left, right, chart_width in boxes:
            assert left >= 0 and right <= chart_width, f"{path} at {width} px: {label} spans {left:.1f}–{right:.1f} of {chart_width}"
        spans = sorted((left, right) for _, left, right, _ in boxes)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), f"{path} at {width} px: year labels overlap"
        assert not errors
        page.close()


def test_trend_page_on_a_phone_keeps_the_screen_for_the_chart(server, browser):  # noqa: F811
    """At 390 px the sticky header with four query boxes took a fifth of the screen and cut the queries
    (劳动教…), and the table's 收录报告数 stood one character a line."""
    queries = ["防溺水", "教育公平", "义务教育法", "学前教育普及"]
    page, errors = strict_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(server + "/trend?" + "&".join(f"q={q}" for q in queries))
    boxes = page.locator("header.site input[name=q]")
    assert boxes.evaluate_all("es => es.map(e => e.value)") == queries
    assert boxes.evaluate_all("es => es.every(e => e.scrollWidth <= e.clientWidth)")  # every query whole
    page.locator(".trend-table").scroll_into_view_if_needed()
    header = page.locator("header.site").bounding_box()
    assert header["y"] + header["height"] <= 0  # scrolled away with the page, not over the table
    heads = page.locator(".trend-table thead th")
    one_line = page.locator(".trend-table tbody th").first.bounding_box()["height"]
    assert heads.count() == 6 and all(heads.nth(i).bounding_box()["height"] <= one_line + 1 for i in range(6))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # the table scrolls, not the page
    assert not errors
