"""The 词间关系 choice in a real browser: chosen on the home page, kept by the results page's form and
its links, carried to the report page's marks; the search box with it fits a phone's width."""

from __future__ import annotations

import shutil

import pytest
from helpers import running_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    with running_server(index_dir, tmp_path_factory.mktemp("browser-prox") / "serve.log") as (url, _proc):
        yield url


def _total(page) -> int:
    return int(page.locator(".summary strong").first.inner_text())


def test_choosing_same_sentence_narrows_the_results_and_stays_chosen(server, browser, reader):
    from indexer.search.matching import matching_sections

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/")
    page.fill("input[name=q]", "安全 教育")
    page.select_option("select[name=within]", "sentence")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert "within=sentence" in page.url
    assert _total(page) == len(matching_sections(reader, "安全 /句 教育"))
    assert page.locator("header select[name=within]").input_value() == "sentence"
    page.select_option("header select[name=within]", "paragraph")
    with page.expect_navigation():
        page.click("header .searchbox button")
    assert "within=paragraph" in page.url
    assert _total(page) == len(matching_sections(reader, "安全 /段 教育")) > len(matching_sections(reader, "安全 /句 教育"))
    page.select_option("header select[name=within]", "")
    with page.expect_navigation():
        page.click("header .searchbox button")
    assert "within=sentence" not in page.url and "within=paragraph" not in page.url
    assert _total(page) == len(matching_sections(reader, "安全 教育"))
    assert not errors


def test_a_hit_opens_its_report_with_the_satisfying_occurrences_marked(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/search?q=安全+教育&within=sentence")
    first = page.locator(".hit").first
    marks = first.locator(".snippet mark").all_inner_texts()
    assert marks and set(marks) <= {"安全", "教育"}
    with page.expect_navigation():
        first.locator("h3 a").click()
    assert "within=sentence" in page.url
    target = page.locator(":target")
    assert target.locator("mark").count() > 0
    assert page.locator("select[name=within]").input_value() == "sentence"


def test_the_search_box_with_its_choice_fits_a_phone(server, browser):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    for path in ("/", "/search?q=安全+教育&within=sentence", "/trend?q=安全+教育&within=paragraph"):
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        select = page.locator("select[name=within]").first
        assert select.is_visible()
        box = select.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 375, path
