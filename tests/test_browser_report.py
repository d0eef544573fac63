"""The report page of an official document in a real browser (Chromium via Playwright), at desktop and
phone width: 文号, issuer, date and place in its header, the signature block right-aligned under the
text as on paper, its attachment linked, and the attachment's link back to the notice it came in."""

from __future__ import annotations

import pytest
from helpers import running_server

from indexer.search.results import doc_url

pytestmark = pytest.mark.browser

NOTICE = "白石县教育局关于印发学校美育工作方案的通知.md"
PLAN = "白石县学校美育工作方案.md"


@pytest.fixture(scope="module")
def server(gongwen_index, tmp_path_factory):
    with running_server(gongwen_index, tmp_path_factory.mktemp("browser-report") / "serve.log") as (url, _proc):
        yield url


@pytest.mark.parametrize("width, height", [(1280, 900), (375, 740)])
def test_report_page_header_and_signature_block(server, browser, tmp_path, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + doc_url(NOTICE))
    info = page.locator("header .docinfo")
    assert info.is_visible()
    text = info.inner_text()
    for shown in ("白教发〔2016〕24号", "白石县教育局、白石县财政局", "2016年6月7日", "江南省青川市白石县"):
        assert shown in text
    body = page.locator(".sec .body").last.bounding_box()
    signer, signed = page.locator(".signature .signer"), page.locator(".signature .signed")
    assert signer.inner_text() == "白石县教育局　　白石县财政局" and signed.inner_text() == "二〇一六年六月七日"
    sig_box, date_box = signer.bounding_box(), signed.bounding_box()
    assert sig_box["y"] > body["y"] + body["height"] - 1  # under the text
    column_right = body["x"] + body["width"]
    for box in (sig_box, date_box):  # right-aligned, as on paper: the text ends near the column's right edge
        ends = page.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e); "
                             "return r.getBoundingClientRect().right; }", (signer if box is sig_box else signed)
                             .element_handle())
        assert column_right - 80 < ends <= column_right + 1
        assert box["x"] >= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing pushes the page sideways
    page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.locator(".attachments a", has_text="白石县学校美育工作方案").click()
    assert page.locator("h1").inner_text() == "白石县学校美育工作方案"
    parent = page.locator(".report .parent")
    assert parent.inner_text().startswith("印发通知：")
    with page.expect_navigation():
        parent.locator("a").click()
    assert page.locator(".docinfo").is_visible()
    assert not errors


def test_the_separators_stand_outside_the_json_badge(server, browser):
    """The " · " between the header's items was drawn by the links' own ::before, inside the JSON badge's border."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + doc_url(NOTICE))
    badge = page.locator("header .meta a.json")
    assert badge.inner_text() == "JSON"
    assert page.evaluate("e => getComputedStyle(e, '::before').content", badge.element_handle()) in ("none", "normal")
    seps = page.evaluate("""() => [...document.querySelectorAll('header .meta > *')]
        .map(e => getComputedStyle(e, '::before').content)""")
    assert seps[0] in ("none", "normal") and all(s == '" · "' for s in seps[1:])  # every item after the first
    page.close()
