"""Versions across the years in a real browser (Chromium via Playwright), at desktop and phone width: from
a report page, 对比 opens the comparison with the previous year, whose added and removed sentences are
the ones we wrote into the fixtures, marked so that they can be seen, and unchanged sections folded."""

from __future__ import annotations

import pytest
from helpers import running_server
from test_versions import ADDED, REMOVED, SERIES, UNCHANGED, Y2023, Y2024

from indexer.search.results import doc_url

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from indexer.store.build import reindex

    root = tmp_path_factory.mktemp("browser-series-index")
    reindex(root, [SERIES], progress=False)
    with running_server(root, tmp_path_factory.mktemp("browser-series") / "serve.log") as (url, _proc):
        yield url


@pytest.mark.parametrize("width, height", [(1280, 900), (375, 740)])
def test_compare_from_the_report_page_shows_the_marks(server, browser, tmp_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + doc_url(Y2024))
    nav = page.locator("nav.versions-nav")
    assert nav.is_visible() and "上一年（2023-02-10）" in nav.inner_text()
    with page.expect_navigation():
        nav.get_by_role("link", name="对比上一年").click()
    assert page.url.startswith(server + "/compare?a=")
    older, newer = page.locator(".versions .older a"), page.locator(".versions .newer a")
    assert (older.inner_text(), newer.inner_text()) == (Y2023.removesuffix(".md"), Y2024.removesuffix(".md"))

    def shown(selector: str) -> set[str]:
        marks = page.locator(f".diff-sec {selector}")
        texts = [marks.nth(k).inner_text() for k in range(marks.count()) if marks.nth(k).is_visible()]
        return {t.replace("［新增］", "").replace("［删去］", "").strip() for t in texts}  # the labels read aloud

    assert shown(".diff-body ins") == ADDED and shown(".diff-body del") == REMOVED
    ins, plain = page.locator(".diff-body ins").first, page.locator(".diff-sec.changed .diff-body p").first
    assert ins.evaluate("e => getComputedStyle(e).backgroundColor") != plain.evaluate(
        "e => getComputedStyle(e).backgroundColor")  # an added sentence stands out from the text around it
    assert page.locator(".diff-body del").first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    folded = page.locator("details.diff-sec.same")
    assert {folded.nth(k).locator("summary").inner_text().removesuffix(" 未改动") for k in range(folded.count())} == UNCHANGED
    assert not page.locator("details.diff-sec.same .diff-body").first.is_visible()  # folded away until opened
    folded.first.locator("summary").click()
    assert page.locator("details.diff-sec.same .diff-body").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing pushes the page sideways
    page.screenshot(path=str(tmp_path / f"compare-{width}.png"), full_page=True)
    assert not errors
