"""Markdown is rendered once, when a file is read, within bounds; the report page renders nothing and
marks the query in the text of the stored HTML only (parsed, never split with a regular expression)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from indexer.ingest import markup
from indexer.ingest.markup import SCAN_FACTOR, RenderBudget, md_to_html, render_markdown, scan_cost
from indexer.ingest.model import SourceText
from indexer.ingest.parse import parse_source
from indexer.search.report import get_report, mark_html
from indexer.search.snippet import Needle
from indexer.store.build import reindex
from indexer.store.generations import require_current
from indexer.store.reader import IndexReader
from indexer.text.normalize import fold

NESTED = "[" * 4000 + "防溺水" + "](http://x)" * 4000  # 49 KB: 8 s per view, quadratic in its length


@pytest.fixture
def renders(monkeypatch):
    """The sources handed to Python-Markdown, in order."""
    seen: list[str] = []
    real = markup._markdown.markdown

    def counting(src, **kw):
        seen.append(src)
        return real(src, **kw)

    monkeypatch.setattr(markup._markdown, "markdown", counting)
    return seen


def test_nested_brackets_are_shown_as_written_without_rendering(renders):
    assert scan_cost(NESTED) > SCAN_FACTOR * len(NESTED)
    r = render_markdown(NESTED)
    assert renders == [] and r.as_text
    assert r.text == NESTED and r.html == f"<p>{NESTED}</p>"
    assert scan_cost("见[附件](http://x/a.pdf)和[通知](http://x/b.pdf)。") < 40  # ordinary links cost their length


def test_a_hostile_600_kb_file_is_indexed_with_every_rendering_bounded(renders):
    sections = [f"## 第{i}部分\n\n" + (NESTED if i % 2 else "[a" * 6000 + "\n\n" + "<http://" * 3000) for i in range(16)]
    sections.append("## 正常\n\n开展**防溺水**教育，见[通知](http://x/a)。")
    text = "\n\n".join(sections)
    assert len(text.encode()) > 600_000
    parsed = parse_source(SourceText("hostile.md", text, "utf-8", "md"))
    shown = {s.heading: s for r in parsed.reports for s in r.sections}
    assert shown["正常"].html == '<p>开展<strong>防溺水</strong>教育，见<a href="http://x/a" rel="noopener noreferrer nofollow">通知</a>。</p>'
    assert shown["第1部分"].text == NESTED  # indexed as the text it is
    assert all(scan_cost(src) <= SCAN_FACTOR * max(len(src), 512) for src in renders)
    assert sum(len(src) for src in renders) < 50_000  # nothing hostile reached the renderer
    assert any("shown as written" in w for w in parsed.warnings)


def test_a_spent_budget_renders_nothing_more(renders):
    ticks = iter(range(0, 1000, 10))  # each reading of the clock 10 s later
    budget = RenderBudget(seconds=5, clock=lambda: next(ticks))
    first, second = render_markdown("**一**", budget), render_markdown("**二**", budget)
    assert renders == ["**一**"]
    assert first.html == "<p><strong>一</strong></p>" and not first.as_text
    assert second.as_text and second.html == "<p>**二**</p>" and budget.as_text == 1
    assert render_markdown("**三**", RenderBudget(seconds=0)).as_text and renders == ["**一**"]


def test_the_deadline_interrupts_the_renderer(monkeypatch):
    """A tiny budget and raw tags the renderer takes seconds over (cubic in their number) are cut off."""
    slow = "<a " * 4000
    monkeypatch.setattr(markup, "scan_cost", lambda src: 0)  # let it past the counter
    r = render_markdown(slow, RenderBudget(seconds=0.001))
    assert r.as_text and r.text == slow


ORDINARY = """---
title: 2021年校园安全工作要点
year: 2021
---
# 2021年校园安全工作要点

## 一、防溺水

开展**防溺水**教育，见[通知](http://x.example/a?b=1&c=2 "省厅通知")。

- 第一条 防溺水
- 第二条 *防*溺水

1. 排查
2. 整改

| 项目 | 数量 |
|:--|--:|
| 防溺水 | 3 |

## 二、交通安全

普通段落，没有标记。
第二行。
"""


def test_report_page_shows_the_html_rendered_at_index_time_and_renders_nothing(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    (src / "note.md").write_text(ORDINARY, encoding="utf-8")
    (src / "hostile.md").write_text("# 恶意\n\n" + NESTED + "\n", encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    sources = {s.heading: s.markdown for s in parse_source(SourceText("note.md", ORDINARY, "utf-8", "md")).reports[0].sections}

    def no_rendering(*a, **kw):
        raise AssertionError("rendered at view time")

    monkeypatch.setattr(markup._markdown, "markdown", no_rendering)
    monkeypatch.setattr(markup.nh3, "clean", no_rendering)
    reader = IndexReader(require_current(tmp_path / "ix"))
    view = get_report(reader, "note.md")
    by_heading = {s.heading: s for s in view.sections}
    monkeypatch.undo()
    for heading in ("一、防溺水", "二、交通安全"):  # exactly what the page showed before: the source rendered
        assert by_heading[heading].body_html == md_to_html(sources[heading])
    body = "".join(s.body_html for s in view.sections)
    assert "<table>" in body and "<ul>" in body and 'href="http://x.example/a?b=1&amp;c=2"' in body

    monkeypatch.setattr(markup._markdown, "markdown", no_rendering)
    marked = get_report(reader, "note.md", "防溺水")
    assert marked.marks == marked.mark_window.total == 5  # heading, bold, two list items (one split by *…*), the table cell
    hostile = get_report(reader, "hostile.md", "防溺水")
    assert hostile.marks == 1 and "<mark>防溺水</mark>" in hostile.sections[-1].body_html
    reader.close()


class _Parsed(HTMLParser):
    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, sorted(attrs)))

    def handle_data(self, data):
        self.text.append(data)


@pytest.mark.parametrize("stored", [
    # as a sanitiser that leaves > unescaped in attribute values writes a link whose title holds the query
    '<p><a href="http://x" title="a>防溺水 onmouseover=alert(1) x" rel="nofollow">链接</a> '
    'text " onmouseover=alert(2) > 防溺水 <a href="http://y">y</a></p>',
    '<p><a title="&quot;>防溺水<b onmouseover=alert(1)>" href="http://x">&quot; onmouseover="alert(1)" 防溺水</a></p>',
])
def test_the_highlighter_never_makes_an_attribute_from_text(stored):
    out, n = mark_html(stored, [Needle("防溺水"), Needle("onmouseover")])
    before, after = _Parsed(stored), _Parsed(out)
    assert [t for t in after.tags if t[0] != "mark"] == before.tags  # the same elements with the same attributes
    assert not any(name.startswith("on") for _, attrs in after.tags for name, _ in attrs)
    whole = "".join(after.text)
    assert whole == "".join(before.text)
    # every mark is exactly an occurrence in the text
    marks = after.tags.count(("mark", []))
    assert n == marks == sum(fold(whole).text.count(w) for w in ("防溺水", "onmouseover"))


def test_the_sanitiser_escapes_angle_brackets_in_attribute_values():
    """The nh3 floor in pyproject.toml: an older one left > raw inside an attribute value."""
    assert 'title="a&gt;b' in markup.nh3.clean('<a title="a>b onmouseover=alert(1)">x</a>')


@pytest.mark.parametrize("src", [
    "第一条 为了规范学生营养午餐管理。\n第二条 本办法适用于全县中小学校。",
    "一段\n\n二段 续\n行",
    "　　全角缩进的段落。\n　　第二行也缩进。\n\n　　下一段",
    "2024年，全县投入 1200 万元，覆盖 35 所学校。",
])
def test_plain_sections_skip_the_renderer_and_look_the_same(src, monkeypatch):
    """Most sections hold nothing Markdown would change: they are not rendered (a law corpus's 170,000
    sections through Python-Markdown cost ten times the rest of parsing), and show as it would show them."""
    from indexer.ingest import markup

    expected = markup.md_to_html(src)
    monkeypatch.setattr(markup, "md_to_html", lambda s: pytest.fail("rendered a plain section"))
    got = markup.render_markdown(src)
    assert got.html == expected and got.text == src and not got.as_text
