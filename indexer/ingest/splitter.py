"""Text of one file → the reports in it.

Scraped pages bundle several reports (【篇一】…【篇三】, or a title line such as
2024年县教育局工作总结 starting the next one) behind a teaser line and site
boilerplate, neither of which is report text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.headings import clean_line, parse_heading
from indexer.text.normalize import simplified

_MARKER = re.compile(r"^【\s*(?:篇|第)?\s*([一二三四五六七八九十\d]+)\s*篇?\s*】\s*(.*)$")
_BOILERPLATE = re.compile(r"以下是.{0,12}为大家整理|欢迎品鉴|希望对大家有所帮助|为大家精心准备|欢迎阅读|仅供参考|欢迎大家阅读")
_TEASER_END = re.compile(r"(\.\.\.|…|。。。)\s*$")
_PAGE_TOPICS = (
    re.compile(r"关于([^，,。！!]{4,40}?)的(?:文章|范文|资料)"),
    re.compile(r"(?:准备了|整理了|分享了)([^，,。！!\s]{4,40}?)(?:[，,。！!\s]|$)"),
)
_TITLE_TYPES = r"(?:总结|计划|要点|报告|年报|决议|决定|意见|通知|方案|规划|纲要|条例|办法|规定|细则)"
_TITLE_LINE = re.compile(rf"^[^。，,；;！!？?：:《》“”\"]{{2,46}}{_TITLE_TYPES}(?:[（(][^）)]{{1,10}}[）)])?$")
_SENTENCE_FINAL = set("。！？!?”\"'」』")
_CONTINUATION = set("》〉”」』，,。、；;：:）)")
_DATED = re.compile(r"(?:[12][0-9１２][0-9０-９xX×ｘ_]{2}|[一二][九〇零][一二三四五六七八九〇零]{2})年")
_MD_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$")


@dataclass
class RawReport:
    title: str | None
    lines: list[str] = field(default_factory=list)
    title_from_page: bool = False  # title borrowed from the page's teaser, not the report's own


def is_title_line(line: str) -> bool:
    s = clean_line(line)
    return bool(_TITLE_LINE.match(simplified(s))) and parse_heading(s) is None


def page_topic(line: str) -> str | None:
    """What the scraper's boilerplate says the page is about."""
    for rx in _PAGE_TOPICS:
        m = rx.search(line)
        if m:
            return m.group(1).strip()
    return None


def split_reports(text: str, fmt: str) -> list[RawReport]:
    lines = text.split("\n")
    topic, start = _skip_preamble(lines)
    reports: list[RawReport] = []
    current: RawReport | None = None
    has_content = False
    body = lines[start:]
    for i, line in enumerate(body):
        s = clean_line(line)
        marker = _MARKER.match(s)
        title = None if marker else _title_of(s, fmt, first=current is None or not has_content)
        if title and has_content and not _starts_report(body, i, current):
            title = None
        if marker or (title and (current is None or (has_content and fmt == "txt"))):
            current = RawReport((marker.group(2).strip() or None) if marker else title)
            reports.append(current)
            has_content = False
        elif title and not has_content and current.title is None:
            current.title = title  # a title line right after a bare 【篇一】
        elif current is None and not s:
            continue
        else:
            if current is None:
                current = RawReport(None)
                reports.append(current)
            current.lines.append(line)
            has_content = has_content or bool(s)
    reports = [r for r in reports if any(clean_line(x) for x in r.lines) or r.title]
    for r in reports:
        if r.title is None and topic:
            r.title, r.title_from_page = topic, True
    return reports or [RawReport(None, lines)]


def _starts_report(lines: list[str], i: int, current: RawReport | None) -> bool:
    """A title line inside running text starts a new report only where a reader
    would see one: a dated title (2024年…总结) after a finished sentence, not link
    text broken out of a sentence (…审议了《 / 政府工作报告 / 》…)."""
    prev = next((clean_line(x) for x in reversed(lines[:i]) if clean_line(x)), "")
    nxt = next((clean_line(x) for x in lines[i + 1:] if clean_line(x)), "")
    if not prev or prev[-1] not in _SENTENCE_FINAL or (nxt and nxt[0] in _CONTINUATION):
        return False
    title = clean_line(lines[i])
    return bool(_DATED.search(title)) or (current is not None and title == current.title)


def _title_of(s: str, fmt: str, first: bool) -> str | None:
    if fmt in ("md", "html"):
        m = _MD_TITLE.match(s)
        return m.group(1).strip() if m and first else None
    return s if is_title_line(s) else None


def _skip_preamble(lines: list[str]) -> tuple[str | None, int]:
    """Drop the teaser line and boilerplate at the top; return the page topic."""
    topic = None
    i = 0
    seen = 0
    while i < len(lines) and seen < 3:
        s = lines[i].strip()
        if not s:
            i += 1
            continue
        teaser = seen == 0 and _TEASER_END.search(s) and len(s) > 30
        boiler = _BOILERPLATE.search(s) and not _MARKER.match(clean_line(s))
        if not (teaser or boiler):
            break
        topic = topic or page_topic(s)
        seen += 1
        i += 1
    return topic, i
