"""A real browser against the real server: `edusearch serve` driven by Debian's Chromium via Playwright."""

from __future__ import annotations

import pytest
from helpers import running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    with running_server(index_dir, tmp_path_factory.mktemp("browser") / "serve.log") as (url, _proc):
        yield url


def test_search_click_through_lands_on_section(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    page.goto(server + "/")
    page.fill("input[name=q]", "防溺水")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector(".hit")
    first = page.locator(".hit").first
    assert first.locator(".snippet mark").count() > 0
    assert first.locator(".snippet mark").first.inner_text() == "防溺水"
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)
    with page.expect_navigation():
        first.locator("h3 a").click()
    target = page.locator(":target")
    assert target.count() == 1
    section_id = page.evaluate("location.hash.slice(1)")
    assert target.get_attribute("id") == section_id == "s3-2"
    assert target.is_visible()
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900  # scrolled into the viewport
    assert target.locator("mark").count() > 0  # the term is marked in the report too
    assert not errors


def test_timeline_bar_filters_by_year(server, browser):
    page = browser.new_page()
    page.goto(server + "/search?q=教育公平")
    bars = page.locator("svg a.bar")
    assert bars.count() > 1
    year = bars.first.locator("title").text_content()[:4]
    with page.expect_navigation():
        bars.first.click()
    assert f"year={year}" in page.url
    metas = page.locator(".hit .meta").all_inner_texts()
    assert metas and all(m.startswith(year) for m in metas)


def test_copy_link_button(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server + "/doc/000_d895e07126d09c4a.txt~1")
    page.on("dialog", lambda d: d.accept())  # http://127.0.0.1 may not expose the clipboard: falls back to a prompt
    button = page.locator("#s3-2 button.copy")
    href = button.get_attribute("data-href")
    assert href.endswith("#s3-2")
    button.click()
    page.goto(server + href)
    assert page.evaluate("document.querySelector(':target').id") == "s3-2"
    context.close()


def test_phone_layout_has_no_horizontal_scroll(server, browser):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    page.goto(server + "/search?q=防溺水")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.locator(".hit").first.is_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_year_the_box_cannot_read_is_explained_beside_it(server, browser, width):
    """The reason is read out and seen beside the box, at phone width too (the filters start folded there)."""
    page = browser.new_page(viewport={"width": width, "height": 740})
    page.goto(server + "/search?q=安全&year=去年以前")
    box, error = page.locator(".year-range input[name=year]"), page.locator("#year-error")
    assert box.input_value() == "去年以前" and page.locator(".searchbox input[name=q]").input_value() == "安全"
    assert error.is_visible() and "看不懂" in error.inner_text()
    b, e = box.bounding_box(), error.bounding_box()
    assert 0 <= e["y"] - (b["y"] + b["height"]) < 40  # right under the box
    assert page.locator(".hit").first.is_visible() or width < 760
    page.close()


LONG_CODE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" * 3
LONG_NAME = "report-" + "x" * 90 + ".txt"


def test_long_unbroken_latin_does_not_widen_the_phone_page(browser, tmp_path):
    """A document number, a URL or a long file name is one unbroken string: at 375 px it wrapped
    nowhere and pushed the page sideways (snippet, source file line, trend links)."""
    from indexer.store.build import reindex

    src = tmp_path / "src"
    src.mkdir()
    (src / LONG_NAME).write_text(
        f"2022年青山县教育局工作总结\n一、信息公开 {LONG_CODE}\n详见 https://www.example.gov.cn/zwgk/{LONG_CODE.lower()}.html"
        f" 以及编号{LONG_CODE}的文件，防溺水安全教育。\n", encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    with running_server(tmp_path / "ix", tmp_path / "serve.log") as (url, _proc):
        page = browser.new_page(viewport={"width": 375, "height": 740})
        for path in (f"/search?q={LONG_CODE}", "/search?q=防溺水&group=report", f"/doc/{LONG_NAME}?q={LONG_CODE}",
                     f"/trend?q={LONG_CODE}&q=防溺水"):
            page.goto(url + path)
            assert page.locator("mark").count() > 0 or "trend" in path
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 376, f"{path}: page is {width} px wide"
        page.close()
