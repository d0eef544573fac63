"""Text of one file → the reports in it.

Scraped pages bundle several reports (【篇一】…【篇三】, or a title line such as
2024年县教育局工作总结 starting the next one) behind a teaser line and site
boilerplate, neither of which is report text.

An official notice that issues (印发/转发) a document carries it below its own
signature and date: the document's title line (sometimes wrapped over two
lines, sometimes under an 附件 label), then its own 一、二、…. Each such
document is a report of its own, marked as attached to the notice, so that its
headings never nest under the notice's last heading.

A 政府工作报告 without numbered parts (no 一、) heads them with short lines
standing alone between paragraphs (“十四五”时期工作回顾, 2026年重点工作); those
lines are marked as headings (HEADING_MARK), as a PDF's bold lines are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.headings import HEADING_MARK, clean_line, parse_heading
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
    attached: bool = False  # a document issued inside the report before it that is not attached itself
    issuing: bool = False  # documents issued inside it were cut out of it: it is a notice, not one of several reports


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
    if fmt == "txt":
        reports = [part for r in reports for part in _attached_documents(r)]
        for r in reports:
            if _bare_headed_work_report(r):
                r.lines = _mark_bare_headings(r.lines)
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


_SIGNED = re.compile(r"^(?:[12]\d{3}|[一二][〇○零一二三四五六七八九]{3})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日$")
_ATTACHMENT_LABEL = re.compile(r"^附件\s*[\d一二三四五六七八九十]*\s*[：:]?\s*$")
_ISSUING = re.compile(r"(?:印发|转发|印送)给你们|现予印发|现予转发|^附件\s*[\d一二三四五六七八九十]*\s*[：:]")
_NOT_TITLE = re.compile(r"[。；;：:，,！!？?]")
_OWN_LIST = ("cn", "part", "article")  # how an attached document's own numbering starts: 一、 第一章 第一条
_TITLE_WRAP = 2  # lines a title printed over two or three lines adds above its last line
_INTRO = 3  # lines of preamble an attached document may have between its title and its 一、


def _attached_documents(report: RawReport) -> list[RawReport]:
    """The report, and each document issued inside it as a report of its own. A document starts at
    a title line followed, after at most a short preamble, by its own 一、: right after the notice's
    date, an 附件 label or the sentence that issues it, or later as the next of several documents."""
    lines = report.lines
    starts: list[tuple[int, int, str]] = []  # (where the text before it ends, where its text begins, title)
    armed, i = False, 0
    while i < len(lines):
        s = clean_line(lines[i])
        title_end = _own_title(lines, i, armed) if s and (armed or starts) else None
        if title_end is None:
            armed = armed or bool(s and (_SIGNED.match(s) or _ISSUING.search(s) or _ATTACHMENT_LABEL.match(s)))
            i += 1
            continue
        first = _title_start(lines, i, starts[-1][1] if starts else 0)
        label = _previous(lines, first)
        cut = label if label is not None and _ATTACHMENT_LABEL.match(clean_line(lines[label])) else first
        title = "".join(clean_line(x) for x in lines[first:title_end] if clean_line(x))
        starts.append((cut, title_end, title))  # an 附件 label goes with neither document
        armed, i = False, title_end
    if not starts:
        return [report]
    out = [RawReport(report.title, lines[: starts[0][0]], report.title_from_page, report.attached, issuing=True)]
    for k, (_, begin, title) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        out.append(RawReport(title, lines[begin:end], attached=True))
    return out


def _own_title(lines: list[str], i: int, armed: bool) -> int | None:
    """Where the title starting at line i ends, when it is an attached document's title: a short line
    without a sentence's punctuation (any such line when armed, else one that names a kind of
    document), followed by its own list numbered from one. None otherwise."""
    s = clean_line(lines[i])
    if not _title_like(s):
        return None
    if not armed and not is_title_line(s):
        return None
    seen = 0
    for j in range(i + 1, len(lines)):
        x = clean_line(lines[j])
        if not x:
            continue
        h = parse_heading(x)
        if h is not None:
            # 1. only right under a title right after the notice or a label (a form's 1.学生信息 is no document)
            own = _OWN_LIST + ("arabic",) if armed and not seen else _OWN_LIST
            return i + 1 if h.number == 1 and h.style in own else None
        seen += 1
        if seen > _INTRO or _title_like(x):
            return None  # a preamble is sentences; a line more like a title is where the title is
    return None


def _title_like(s: str) -> bool:
    return (len(s) <= 60 and not _NOT_TITLE.search(s) and not _SIGNED.match(s) and not _ATTACHMENT_LABEL.match(s)
            and not _ISSUING.search(s) and parse_heading(s) is None)


def _title_start(lines: list[str], i: int, start: int) -> int:
    """The first line of a title whose last line is line i: a line above it that the title was
    wrapped from is at least as long as the rest (山西省全面加强和改进学校美育 / 工作实施方案)."""
    first = i
    for _ in range(_TITLE_WRAP):
        p = _previous(lines, first)
        if p is None or p < start:
            break
        above = clean_line(lines[p])
        if len(above) < len(clean_line(lines[i])) or not _title_like(above):
            break
        first = p
    return first


def _previous(lines: list[str], i: int) -> int | None:
    """The last line before i that is not blank."""
    return next((j for j in range(i - 1, -1, -1) if clean_line(lines[j])), None)


_WORK_REPORT = "政府工作报告"
_BARE_HEADING = 25  # characters: a part's heading standing alone is short
_PARAGRAPH = 40  # characters: what follows such a heading is a paragraph
_PARAGRAPH_END = tuple("。！？!?”")


def _bare_headed_work_report(report: RawReport) -> bool:
    """A 政府工作报告 (by its title or its first lines) whose parts carry no 一、 numbering."""
    head = [clean_line(x) for x in report.lines[:40]]
    if _WORK_REPORT not in (report.title or "") and not any(_WORK_REPORT in x for x in head if len(x) < 40):
        return False
    return not any((h := parse_heading(x)) is not None and h.style == "cn" for x in report.lines)


def _mark_bare_headings(lines: list[str]) -> list[str]:
    """Short lines standing alone between paragraphs (after a finished sentence, before a paragraph
    or a numbered heading), marked as headings."""
    out = list(lines)
    filled = [i for i, x in enumerate(lines) if clean_line(x)]
    for k, i in enumerate(filled[1:-1], start=1):
        s = clean_line(lines[i])
        prev, nxt = clean_line(lines[filled[k - 1]]), clean_line(lines[filled[k + 1]])
        if (2 <= len(s) <= _BARE_HEADING and not _NOT_TITLE.search(s) and not any(c.isspace() for c in s)
                and parse_heading(s) is None and not _SIGNED.match(s) and not _ATTACHMENT_LABEL.match(s)
                and prev.endswith(_PARAGRAPH_END) and (len(nxt) >= _PARAGRAPH or parse_heading(nxt) is not None)):
            out[i] = HEADING_MARK + s
    return out
