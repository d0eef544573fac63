"""A Word report's table on the report page in a real browser (Chromium via Playwright), at desktop and
phone width: ruled cells with room around their text, the hit marked in its cell, the link landing on
its section, and at phone width the table scrolling sideways inside the page, never the page itself."""

from __future__ import annotations

import pytest
from documents import make_table_docx
from helpers import running_server

from indexer.store.build import reindex

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    src = tmp_path_factory.mktemp("browser-tables-src")
    make_table_docx(src / "stats.docx")
    ix = tmp_path_factory.mktemp("browser-tables-ix")
    reindex(ix, [src], progress=False)
    with running_server(ix, tmp_path_factory.mktemp("browser-tables") / "serve.log") as (url, _proc):
        yield url


@pytest.mark.parametrize("width, height", [(1280, 900), (375, 740)])
def test_a_word_table_is_a_ruled_table_with_the_hit_in_its_cell(server, browser, tmp_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/search?q=小学净入学率")
    with page.expect_navigation():
        page.locator(".hit h3 a, .hit a").first.click()
    assert page.url.endswith("#s1")
    assert page.evaluate("document.querySelector(':target').id") == "s1"  # the link lands on its section
    table = page.locator("#s1 table")
    assert table.count() == 1 and page.locator("#s1 th").count() == 6
    mark = page.locator("#s1 td mark")
    assert mark.count() == 1 and mark.inner_text() == "小学净入学率"
    assert page.locator("#s1 mark").count() == 1  # the only mark on the page, inside its cell
    cell = page.locator("#s1 td", has_text="小学净入学率")
    style = cell.evaluate("e => { const s = getComputedStyle(e); return [s.borderLeftWidth, s.borderTopStyle, "
                          "parseFloat(s.paddingLeft), parseFloat(s.paddingTop)]; }")
    assert style[0] != "0px" and style[1] == "solid" and style[2] >= 4 and style[3] >= 2
    mark_box, cell_box = mark.bounding_box(), cell.bounding_box()
    assert cell_box["x"] <= mark_box["x"] and mark_box["x"] + mark_box["width"] <= cell_box["x"] + cell_box["width"] + 1
    scroll = table.evaluate("e => [e.scrollWidth, e.clientWidth]")
    if width < 500:
        assert scroll[0] > scroll[1]  # six columns do not fit a phone: the table scrolls sideways …
    else:
        assert scroll[0] <= scroll[1]
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # … the page does not
    assert table.bounding_box()["x"] + table.bounding_box()["width"] <= width + 1
    page.screenshot(path=str(tmp_path / f"table-{width}.png"), full_page=True)
    assert errors == []
    page.close()
