"""The trend chart as a reader sees it, in a real Chromium at desktop and phone width: every line visible
(three queries at 0 included), readable labels, a legend that shows and hides lines by mouse and keyboard,
values on hover and focus, and a note for a query found in no year."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from test_browser import server  # noqa: F401  (the fixture: one server for this module)

pytestmark = pytest.mark.browser
QUERIES = ["防溺水", "校园欺凌", "双减"]
ZERO = "/trend?q=防溺水&q=校园欺凌&q=双减"  # share by default; two of them are 0 in every year shown
SIZES = [pytest.param({"viewport": {"width": 1280, "height": 900}}, id="desktop"),
         pytest.param({"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}, id="phone")]


def api(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + quote(path, safe="/?&=")) as r:
        return json.loads(r.read())


@pytest.fixture(params=SIZES)
def page(request, server, browser):  # noqa: F811
    page = browser.new_page(**request.param)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    page.goto(server + ZERO)
    yield page
    assert not errors
    page.close()


SERIES = """() => {
  const plot = document.querySelector('svg.plot').getBoundingClientRect();
  return [...document.querySelectorAll('svg.plot g.series')].map(g => {
    const path = document.querySelector(`path.line[data-line="${g.dataset.series}"]`), style = getComputedStyle(path);
    const marks = [...g.querySelectorAll('a.pt')].map(a => {
      const r = a.querySelector('use.mark').getBoundingClientRect(), c = a.querySelector('.hitarea').getBoundingClientRect();
      return {year: a.dataset.year, x: c.x + c.width / 2, y: c.y + c.height / 2, w: r.width, h: r.height}; });
    const p = path.getBoundingClientRect();
    return {query: g.dataset.query, marker: g.querySelector('use.mark').getAttribute('href'), dash: style.strokeDasharray,
            colour: style.stroke, path: [p.left, p.top, p.right, p.bottom], marks,
            plot: [plot.left, plot.top, plot.right, plot.bottom]};
  });
}"""


def visible(page, i: int) -> bool:
    return page.locator(f"svg g.series.s{i} use.mark").first.is_visible() and page.locator(f"path.line.s{i}").is_visible()


def test_every_series_is_visible_and_drawn_its_own_way(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # no sideways scroll
    series = page.evaluate(SERIES)
    assert [s["query"] for s in series] == QUERIES
    for s in series:
        left, top, right, bottom = s["plot"]
        assert bottom - top >= 200 and s["path"][2] - s["path"][0] > 0.5 * (right - left)  # a tall plot; the line spans it
        assert s["marks"] and all(m["w"] >= 6 and m["h"] >= 6 for m in s["marks"])
        assert all(left <= m["x"] <= right and top - 8 <= m["y"] <= bottom + 8 for m in s["marks"])
    for key in ("marker", "dash", "colour"):
        assert len({s[key] for s in series}) == 3, key
    # a year where all three are 0: their markers are set apart, not drawn on one another
    at = [{m["year"]: m for m in s["marks"]} for s in series]
    data = api(page.url.split("/trend")[0], "/api" + ZERO)
    k = next(k for k, y in enumerate(data["years"]) if all(s["points"][k]["share"] == 0 for s in data["series"]))
    ys = sorted(a[str(data["years"][k])]["y"] for a in at)
    assert ys[1] - ys[0] >= 3 and ys[2] - ys[1] >= 3


def test_labels_are_readable_and_say_the_unit(page):
    sizes = page.evaluate("""[...document.querySelectorAll('svg.plot text, .axis-title, .legend .key')]
        .filter(t => t.getClientRects().length)
        .map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM ? t.getScreenCTM().a : 1)])""")
    assert len(sizes) >= 8
    assert all(size >= 11 for _, size in sizes), [s for s in sizes if s[1] < 11]
    values = page.locator("svg.plot text.ylabel").all_text_contents()
    assert values[0] == "0%" and values[-1] == "100%"
    assert page.locator(".axis-title").inner_text() == "占当年报告的比例（%）"
    years = [t for t in page.locator("svg.plot text.tick").all_text_contents()]
    assert len([y for y in years if y.isdigit()]) >= 3


def test_legend_key_hides_and_shows_a_line_by_mouse(page):
    key = page.locator("button.key[data-series='2']")
    assert key.get_attribute("aria-pressed") == "true" and key.is_enabled()
    assert "点按图例可隐藏或显示一条线" in page.locator("figure.trend-chart figcaption").inner_text()
    key.click()
    assert key.get_attribute("aria-pressed") == "false"
    assert not visible(page, 2) and visible(page, 0) and visible(page, 1)
    key.click()
    assert key.get_attribute("aria-pressed") == "true" and visible(page, 2)


def test_legend_keys_work_from_the_keyboard(page):
    page.focus(".downloads a >> nth=-1")
    page.keyboard.press("Tab")  # the keys are real buttons in the tab order
    assert page.evaluate("document.activeElement.dataset.series") == "0"
    page.keyboard.press("Enter")
    assert page.locator("button.key[data-series='0']").get_attribute("aria-pressed") == "false" and not visible(page, 0)
    page.keyboard.press("Space")
    assert visible(page, 0)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.dataset.series") == "1" and not visible(page, 1)
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # line 0 hidden too: the chart's tab stop moves to a line still shown
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('g.series').dataset.series") == "2"
    assert page.locator(".tip").is_visible()


def test_hover_and_focus_show_the_value(page):
    data = api(page.url.split("/trend")[0], "/api" + ZERO)
    k = data["years"].index(2021)
    want = [f'{s["points"][k]["share"] * 100:.1f}%' for s in data["series"]]
    page.locator("svg.plot").scroll_into_view_if_needed()
    mark = page.locator("svg g.s2 a.pt[data-year='2021'] use.mark").bounding_box()
    page.mouse.move(mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
    tip = page.locator(".tip")
    assert tip.is_visible()
    lines = tip.locator("p").all_inner_texts()
    assert lines[0].startswith("2021 年")
    assert [line.split("：")[0] for line in lines[1:]] == QUERIES
    assert [line.split("：")[1].split("（")[0] for line in lines[1:]] == want == ["0.0%", "0.0%", "100.0%"]
    assert tip.locator("p.here").inner_text().startswith("双减：100.0%")
    tip_box, plot = tip.bounding_box(), page.locator("figure.trend-chart").bounding_box()
    assert plot["x"] <= tip_box["x"] and tip_box["x"] + tip_box["width"] <= plot["x"] + plot["width"] + 1
    page.mouse.move(1, 1)  # away: the readout goes
    assert not tip.is_visible()
    page.focus("svg.plot a.pt[tabindex='0']")
    page.keyboard.press("End")
    here = page.evaluate("[document.activeElement.dataset.year, document.activeElement.dataset.value]")
    assert tip.is_visible() and tip.locator("p.here").inner_text() == f"防溺水：{here[1]}"
    assert tip.locator("p").first.inner_text().startswith(f"{here[0]} 年")
    page.keyboard.press("Escape")
    assert not tip.is_visible()


def test_a_query_found_in_no_year_is_said_under_the_chart(page):
    notes = page.locator("figure.trend-chart .absent li").all_inner_texts()
    assert notes == ["防溺水：所选年份内没有出现；年份不详的报告中有 1 篇提到。", "校园欺凌：所选年份内没有出现。"]


def test_top_box_holds_every_query(page):
    boxes = page.locator("header form input[name=q]")
    assert boxes.evaluate_all("es => es.map(e => e.value)") == QUERIES
    with page.expect_navigation():
        boxes.nth(1).press("Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == QUERIES and urlsplit(page.url).path == "/trend"


FOUR = "/trend?q=教育&q=学校&q=安全&q=发展"  # 72 years, lines often tied: markers a few pixels apart on a phone
UNDER_MARKS = """() => [...document.querySelectorAll('svg.plot g.series:not(.off) a.pt')].map(a => {
  const r = a.querySelector('use.mark').getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
  const top = document.elementFromPoint(x, y), hit = top && top.closest('a.pt');
  return {own: a.getAttribute('href'), got: hit && hit.getAttribute('href'), x, y,
          shown: x >= 0 && y >= 0 && x < innerWidth && y < innerHeight};
})"""


@pytest.mark.parametrize("size", SIZES)
def test_the_link_under_each_marker_is_its_own_point(server, browser, size):  # noqa: F811
    """A point's hit area lay over its neighbours' markers (24 px against 4 px a year on a phone), and the
    line drawn last won: 美育 2017 opened 体育 2016. Now the link under a marker's centre is that point's."""
    page = browser.new_page(**size)
    page.goto(server + FOUR)
    page.locator("svg.plot").scroll_into_view_if_needed()
    marks = [m for m in page.evaluate(UNDER_MARKS) if m["shown"]]
    assert len(marks) >= 40
    wrong = [(m["own"], m["got"]) for m in marks if m["got"] != m["own"]]
    assert not wrong, wrong[:5]
    page.close()


def test_a_tap_shows_the_point_then_a_second_tap_opens_it(server, browser):  # noqa: F811
    page = browser.new_page(**SIZES[1].values[0])
    page.goto(server + FOUR)
    page.locator("svg.plot").scroll_into_view_if_needed()
    mark = next(m for m in page.evaluate(UNDER_MARKS) if m["shown"] and "%E5%AE%89%E5%85%A8" in m["own"])  # 安全
    page.touchscreen.tap(mark["x"], mark["y"])
    tip = page.locator(".tip")
    assert urlsplit(page.url).path == "/trend" and tip.is_visible()  # not followed: the values first
    year = mark["own"].rsplit("=", 1)[1]
    assert tip.locator("p.year").inner_text().startswith(f"{year} 年")  # the year under the finger
    # four lines at 100 % that year lie 3 px apart: which one a finger meant, it cannot say, so each of
    # the year's values is a link to its own results, and the one tapped is in bold
    rows = tip.locator("p a")
    assert rows.evaluate_all("es => es.map(e => e.textContent.split('：')[0])") == ["教育", "学校", "安全", "发展"]
    assert all(q in href and href.endswith(f"year={year}") for q, href in zip(
        ["%E6%95%99%E8%82%B2", "%E5%AD%A6%E6%A0%A1", "%E5%AE%89%E5%85%A8", "%E5%8F%91%E5%B1%95"],
        rows.evaluate_all("es => es.map(e => e.getAttribute('href'))"), strict=True))
    here = tip.locator("p.here a")
    target = here.get_attribute("href")
    assert all(box["height"] >= 24 and box["x"] >= 0 and box["x"] + box["width"] <= 390
               for box in (rows.nth(i).bounding_box() for i in range(4)))  # a finger can hit each
    with page.expect_navigation():
        page.touchscreen.tap(mark["x"], mark["y"])  # the same point again: its results
    assert page.url.endswith(target)
    page.go_back()
    page.locator("svg.plot").scroll_into_view_if_needed()
    page.touchscreen.tap(mark["x"], mark["y"])
    with page.expect_navigation():
        rows.nth(2).tap()  # or a line's value in the box: 安全's
    assert page.url.endswith(mark["own"])
    page.close()


def test_a_click_opens_the_point_at_once(server, browser):  # noqa: F811
    page = browser.new_page(**SIZES[0].values[0])
    page.goto(server + FOUR)
    page.locator("svg.plot").scroll_into_view_if_needed()
    mark = next(m for m in page.evaluate(UNDER_MARKS) if m["shown"])
    with page.expect_navigation():
        page.mouse.click(mark["x"], mark["y"])
    assert page.url.endswith(mark["own"])
    page.close()


COLUMNS = """() => {
  const plot = document.querySelector('svg.plot').getBoundingClientRect();
  const years = [...new Set([...document.querySelectorAll('svg.plot g.series:not(.off) a.pt')].map(a => a.dataset.year))];
  return years.map(year => {
    const r = document.querySelector(`svg.plot g.series:not(.off) a.pt[data-year="${year}"] rect.hitarea`).getBoundingClientRect();
    const x = r.x + r.width / 2, got = [];
    for (let f = 0.02; f < 1; f += 0.06) {
      const top = document.elementFromPoint(x, plot.top + f * plot.height), hit = top && top.closest('a.pt');
      got.push(hit && !hit.closest('.off') && hit.dataset.year === year);
    }
    return {year, shown: x >= 0 && x < innerWidth, got};
  });
}"""


@pytest.mark.parametrize("size", SIZES)
def test_a_hidden_line_gives_its_bands_to_the_lines_shown(server, browser, size):  # noqa: F811
    """Hiding a line left its points' bands of each year's column empty: a tap there opened nothing.
    With a line hidden, every height of a year's column still opens a shown point of that year."""
    page = browser.new_page(**size)
    page.goto(server + FOUR)
    page.locator("svg.plot").scroll_into_view_if_needed()
    for key in ("0", "2"):
        page.locator(f"button.key[data-series='{key}']").click()
        columns = [c for c in page.evaluate(COLUMNS) if c["shown"]]
        assert len(columns) >= 10
        empty = [c["year"] for c in columns if not all(c["got"])]
        assert not empty, empty[:5]
        wrong = [(m["own"], m["got"]) for m in page.evaluate(UNDER_MARKS) if m["shown"] and m["got"] != m["own"]]
        assert not wrong, wrong[:5]
    page.close()
