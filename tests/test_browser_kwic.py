"""The concordance in a real browser (Chromium via Playwright), at desktop and phone width: the terms
line up in one column with the left context right-aligned against them and clipped on its far side,
the page never scrolls sideways, and a line's link opens the report on that very occurrence, marked
apart and in view."""

from __future__ import annotations

import pytest
from helpers import running_server

pytestmark = pytest.mark.browser

SIZES = [(1280, 900), (375, 740)]


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    with running_server(index_dir, tmp_path_factory.mktemp("browser-kwic") / "serve.log") as (url, _proc):
        yield url


def _boxes(page, selector: str) -> list[dict]:
    return page.eval_on_selector_all(selector, "els => els.map(e => { const r = e.getBoundingClientRect(); "
                                               "return {x: r.x, y: r.y, w: r.width, h: r.height}; })")


@pytest.mark.parametrize("width, height", SIZES)
def test_terms_line_up_and_the_page_fits(server, browser, tmp_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    page.goto(server + "/kwic?q=教育&per_page=40")
    assert page.locator(".kwic-line").count() == 40
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    terms, lefts, rights = _boxes(page, ".kwic-line .kw"), _boxes(page, ".kwic-line .kl"), _boxes(page, ".kwic-line .kr")
    centres = {round(b["x"] + b["w"] / 2) for b in terms}
    assert max(centres) - min(centres) <= 1  # one column, the term centred in it
    assert len({round(b["x"] + b["w"]) for b in lefts}) == 1  # the left contexts end where the term column starts
    assert len({round(b["x"]) for b in rights}) == 1
    for t, lft in zip(terms, lefts, strict=True):
        assert lft["x"] + lft["w"] <= t["x"] + 1 and lft["x"] >= 0
    # a context too long for its cell is clipped on its far side: the characters next to the term stay
    clipped = page.evaluate("""() => [...document.querySelectorAll('.kwic-line .kl')].map(c => {
        const s = c.firstElementChild.getBoundingClientRect(), r = c.getBoundingClientRect();
        return {over: s.width > r.width + 1, endsAtTerm: Math.abs(s.right - r.right) < 1.5}; })""")
    assert all(c["endsAtTerm"] for c in clipped)
    if width < 500:
        assert any(c["over"] for c in clipped)  # a phone shows the nearest characters only
    assert page.locator(".kwic-line .src a").first.is_visible()
    page.screenshot(path=str(tmp_path / f"kwic-{width}.png"), full_page=True)
    assert not errors


@pytest.mark.parametrize("width, height", SIZES)
def test_a_line_opens_the_report_on_its_occurrence(server, browser, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/kwic?q=安全&sort=right&per_page=200")
    lines = page.locator(".kwic-line")
    n = lines.count()
    assert n > 20
    for i in (n - 1, n // 2):  # occurrences deep in long reports, not at the top of a page
        line = lines.nth(i)
        term = line.locator(".kw").inner_text()
        left = line.locator(".kl").inner_text().replace(" ", "")
        with page.expect_navigation():
            line.locator(".kw").click()
        assert page.evaluate("location.hash") == "#at"
        at = page.locator("mark#at")
        assert at.count() == 1 and at.inner_text() == term and "at" in (at.get_attribute("class") or "")
        assert page.locator(":target").get_attribute("id") == "at"
        box = at.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height  # scrolled into view
        assert page.evaluate("window.scrollY") > 0 or box["y"] < height / 2
        before = page.evaluate("""() => { const m = document.getElementById('at'); const r = document.createRange();
            r.setStart(m.closest('.body, h1, h2, h3, h4, h5, h6'), 0); r.setEndBefore(m);
            return r.toString().replace(/\\s/g, ''); }""")
        assert before.endswith(left[-4:])  # this occurrence, not another of the same term
        colour = page.evaluate("getComputedStyle(document.getElementById('at')).backgroundColor")
        plain = page.evaluate("(() => { const m = document.querySelector('mark:not(#at)'); "
                              "return m ? getComputedStyle(m).backgroundColor : null; })()")
        assert colour != plain  # marked apart from the other marks
        page.go_back()
        page.wait_for_selector(".kwic-line")
    assert not errors


def test_collocates_page_fits_a_phone(server, browser):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(server + "/collocates?q=教育&by=10")
    assert page.locator(".colloc table").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
