"""Lines of one report → its sections, in reading order.

The level of a heading comes from its numbering style in the order the report
uses it (the first style seen is level 1, a new style below it level 2, …),
not from indentation. A list that restarts at 一 inside a deeper section is a
new, deeper level rather than a jump back to the top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.headings import Heading, clean_line, is_page_mark, parse_heading
from indexer.ingest.model import Section

_INFO_END = re.compile(r"^\s*<!--.*?-->\s*$")


@dataclass
class _Open:
    style: str
    number: int | None
    node: _Node


@dataclass
class _Node:
    heading: Heading | None
    level: int
    path: list[int]
    heading_path: list[str]
    lines: list[str] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)  # Markdown source lines, blank lines kept
    children: int = 0
    page: int | None = None  # where the section starts, for paged sources


def build_sections(lines: list[str], markdown: bool = False, first_page: int | None = None) -> list[Section]:
    """Never empty: a report with no text (a title and a 文号 alone) has its opening, empty, which
    its title is indexed with, so that it can be found and its page opens.
    first_page: the page the lines start on, for paged sources (PDF); None for the others."""
    paged, page = first_page is not None, first_page
    root = _Node(None, 0, [], [], page=page)
    nodes = [root]
    stack: list[_Open] = []
    for line in lines:
        if paged and is_page_mark(line):
            page = int(line[1:])
            if not any(root.lines) and len(nodes) == 1:
                root.page = page  # the opening starts on this page
            continue
        h = parse_heading(line, markdown)
        if h is not None and _inside_article(stack, h):
            h = None  # 项 and 目 of an article: list items, not sections
        if h is None:
            if not _INFO_END.match(line):
                nodes[-1].lines.append(clean_line(line))
                nodes[-1].raw.append(line)
            continue
        depth = _place(stack, h)
        del stack[depth:]
        parent = stack[-1].node if stack else root
        parent.children += 1
        number = h.number if h.number is not None else parent.children
        node = _Node(h, depth + 1, parent.path + [number], parent.heading_path + [h.heading], page=page)
        if h.body:
            node.lines.append(h.body)
            node.raw.append(h.body)
        stack.append(_Open(h.style, h.number, node))
        nodes.append(node)
    return _to_sections(nodes, markdown)


def _inside_article(stack: list[_Open], h: Heading) -> bool:
    """Lists inside an article are its items, unless the heading goes on a list the article
    itself sits in (an article quoted under 二、 does not swallow 三、)."""
    if not stack or stack[-1].style != "article" or h.style.startswith(("md", "part", "article")):
        return False
    return not any(o.style == h.style and o.number is not None and h.number == o.number + 1 for o in stack)


def _place(stack: list[_Open], h: Heading) -> int:
    """Index in the stack where heading h belongs (its level is that + 1)."""
    if h.style.startswith("md"):
        rank = int(h.style[2:])
        for i, o in enumerate(stack):
            if not o.style.startswith("md") or int(o.style[2:]) >= rank:
                return i
        return len(stack)
    same = [i for i, o in enumerate(stack) if o.style == h.style]
    for i in reversed(same):  # the list this heading continues
        if h.number is not None and stack[i].number is not None and h.number == stack[i].number + 1:
            return i
    if same and same[-1] == len(stack) - 1 and h.number == 1:
        return same[-1]  # a second list right after the first, at the same level
    if h.number == 1 or not same:  # a new list, one level deeper
        return len(stack)
    return same[-1]


def _to_sections(nodes: list[_Node], markdown: bool) -> list[Section]:
    sections: list[Section] = []
    seen: set[str] = set()
    repeats: dict[str, int] = {}  # how many times an id was wanted: 30,000 repeats of 一、 stay linear
    for n in nodes:
        text = "\n".join(x for x in n.lines if x)
        if n.heading is None and not text:
            continue  # no opening text before the first heading
        sid = "s" + "-".join(str(p) for p in n.path) if n.path else "s0"
        base = sid
        while sid in seen:
            repeats[base] = repeats.get(base, 1) + 1
            sid = f"{base}_{repeats[base]}"
        seen.add(sid)
        heading = n.heading.heading if n.heading else ""
        source = "\n".join(n.raw).strip("\n") if markdown else None
        sections.append(Section(sid, n.level, heading, n.heading_path, text, source, n.page))
    if not sections:  # a title and a 文号 alone: its title is indexed with its first section, so it needs one
        root = nodes[0]
        sections.append(Section("s0", 0, "", [], "", "" if markdown else None, root.page))
    return sections
