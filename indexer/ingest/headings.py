"""Recognise one line as a heading of a Chinese official document.

Numbering styles: 一、 / （一） / 1. 1、 / （1） / ① / 第一章 第一节 第一条 / Markdown #.
A line that runs on into its body (一、立足重点，着力……。今年我们……) keeps only
its first clause as the heading; the rest is body text (a heading is never cut
at the semicolon of an entity such as &quot;). An article cited by number and
item (第二十条 第（一）项, a table's caption in a 年报) is no heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千"
PAGE_MARK = "\f"  # a line "\f5": page 5 starts here (from PDFs); blank to everything but the section builder
HEADING_MARK = "\v"  # a line "\v总体要求": a heading its type shows (bold in a PDF), though it has no numbering
LEAD = " \t\v\u3000\u00a0\u200b\u200c\u200d\u2060\ufeff>＞"  # indentation, invisible marks (HEADING_MARK too), the scraper's quotes
_TRAIL = LEAD.replace(">", "").replace("＞", "")  # a line's end: the quotes only lead a line, > ending one is text

_PATTERNS = [
    ("part", re.compile(rf"^第([{_CN}\d]+)([编章节])(?:[\s\u3000]+(.*))?$")),
    ("article", re.compile(rf"^第([{_CN}\d]+)条(?:之[{_CN}]+)?(?:[\s\u3000]+(.*))?$")),
    ("cn", re.compile(rf"^([{_CN}]+)[、．]\s*(.*)$")),
    ("paren_cn", re.compile(rf"^[（(]([{_CN}]+)[）)]\s*(.*)$")),
    ("arabic", re.compile(r"^(\d{1,3})(?:[、．]|\.(?!\d))\s*(.*)$")),
    ("paren_arabic", re.compile(r"^[（(](\d{1,3})[）)]\s*(.*)$")),
    ("circled", re.compile(r"^([\u2460-\u2473])\s*(.*)$")),
]
TABLE_CELLS = " | "  # between the cells of a table row, one row a line (web pages, Word files, PDFs)
TOOL_NUMBER = re.compile(r"^(\d{1,3})\s+\S")  # how antiword shows Word's heading numbers: 1 推进……
_CITED_ITEM = re.compile(rf"^第[（(]?[{_CN}\d]+[）)]?[款项目]")  # 第二十条 第（一）项: an article cited, not one's own
_MD = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_ENTITY_END = re.compile(r"&#?[a-zA-Z0-9]{2,31};$")  # the ; of &quot; ends no sentence
_CLAUSE_END = re.compile(r"[，,：:]")
MAX_HEADING = 40


@dataclass
class Heading:
    style: str  # numbering style; "md1".."md6" for Markdown headings
    number: int | None  # the heading's own number, None for unnumbered Markdown
    heading: str  # as displayed, numbering included
    body: str  # text that followed on the same line


def cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105, 12 → 12."""
    if s.isdecimal():
        return int(s)
    if len(s) == 1 and "\u2460" <= s <= "\u2473":
        return ord(s) - 0x2460 + 1
    total, digit = 0, 0
    for ch in s:
        if ch in CN_UNITS:
            total += (digit or 1) * CN_UNITS[ch]
            digit = 0
        else:
            digit = CN_DIGITS.get(ch, 0)
    return total + digit


def is_page_mark(line: str) -> bool:
    return line[:1] == PAGE_MARK and line[1:].isdigit()


def table_row(cells: list[str]) -> str:
    """A table row as every reader writes it, one row a line: | 项目 | 2020年 | 2021年 |. Bars stand
    between the cells and at both ends, so that no match runs from one cell into another: the line
    break between two rows is folded away for matching (as a wrapped line's is), a bar is not."""
    return "| " + TABLE_CELLS.join(cells) + " |"


def row_cells(line: str) -> list[str] | None:
    """The cells of a line table_row wrote, else None."""
    if len(line) < 7 or not (line.startswith("| ") and line.endswith(" |")):
        return None
    inner = line[2:-2]
    return inner.split(TABLE_CELLS) if TABLE_CELLS in inner else None


def clean_line(line: str) -> str:
    if is_page_mark(line):
        return ""
    return line.lstrip(LEAD).rstrip(_TRAIL)


def parse_heading(line: str, markdown: bool = False) -> Heading | None:
    """The heading on this line, or None if the line is body text."""
    if line[:1] == HEADING_MARK:
        text = clean_line(line[1:])
        m = TOOL_NUMBER.match(text)  # 1 推进……: antiword's own rendering of Word's numbering
        if not text:
            return None
        return Heading("typeset_arabic", int(m.group(1)), text, "") if m else Heading("typeset", None, text, "")
    s = clean_line(line)
    if not s:
        return None
    if markdown:
        m = _MD.match(s)
        if m:
            text = m.group(2).strip()
            inner = parse_heading(text) if text else None
            number = inner.number if inner and inner.style != "article" else None
            return Heading("md" + str(len(m.group(1))), number, text, "")
    if TABLE_CELLS in s:
        return None  # a table row whose first cell is numbered (一、本年新收申请数量 | 5 | 0), as readers write rows
    for style, rx in _PATTERNS:
        m = rx.match(s)
        if not m:
            continue
        if style == "part":
            kind = m.group(2)
            return _split(f"part{kind}", cn_number(m.group(1)), s, len(s) - len(m.group(3) or ""))
        if style == "article":
            rest = m.group(2) or ""
            if _CITED_ITEM.match(rest.strip()):
                return None
            return Heading("article", cn_number(m.group(1)), s[: len(s) - len(rest)].strip(), rest.strip())
        return _split(style, cn_number(m.group(1)), s, len(s) - len(m.group(2)))
    return None


def _split(style: str, number: int, s: str, prefix_len: int) -> Heading:
    """Keep the first clause of a heading that runs on into its body."""
    rest = s[prefix_len:]
    m = next((m for m in _SENTENCE_END.finditer(rest) if not _ENTITY_END.search(rest, 0, m.end())), None)
    head, body = (rest[: m.start()], rest[m.end():]) if m else (rest, "")
    if len(head) > MAX_HEADING and (body or len(head) > 2 * MAX_HEADING):
        c = _CLAUSE_END.search(head)
        if c and c.start() > 0:
            head, body = head[: c.start()], rest[c.end():]
    heading = (s[:prefix_len] + head).rstrip("，,：: \u3000")
    return Heading(style, number, heading, body.strip())
