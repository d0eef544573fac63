"""HTML → lines of text with Markdown-style headings.

A government web page wraps its report in navigation, breadcrumbs (首页 > 政务公开),
share bars and a footer (版权所有…ICP备…): none of that is report text. Elements
that say what they are (nav, footer, class="breadcrumb"/"share"/"foot"…) are left
out, and so are the short lines that only a site's frame holds. Table cells stay
apart (主动公开 | 312), one row a line.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "br", "li", "tr", "section", "article", "blockquote", "pre", "table", "ul", "ol", "dd", "dt"}
_SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer", "iframe", "svg", "object"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CELLS = ("td", "th")
# class or id words that name a site's frame rather than its content
_FRAME_WORDS = {
    "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "position", "location", "dqwz",
    "footer", "foot", "copyright", "share", "bdsharebuttonbox", "sidebar", "toolbar", "topbar",
}
_FRAME_PARTS = ("breadcrumb", "copyright", "share", "footer")
_CELL_SEP = "\x1f"  # between cells while extracting; " | " in the text
_VOID = {"br", "img", "hr", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _TextExtractor(HTMLParser):
    def __init__(self, frames: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.frames = frames  # leave out elements whose class/id names a site's frame
        self.parts: list[str] = []
        self.title = ""
        self._in_title = False
        self._in_heading = False
        self._skip = 0
        self._frame: list[str] = []  # tag of a frame element being skipped, and its nested namesakes
        self._cell = 0  # cells seen in the current row
        self._in_cell = 0

    def handle_starttag(self, tag, attrs):
        if self._frame:
            if tag == self._frame[0] and tag not in _VOID:
                self._frame.append(tag)
            return
        if self.frames and tag not in _VOID and _is_frame(attrs):
            self._frame.append(tag)
        elif tag == "title":
            self._in_title = True
        elif tag in _SKIP:
            self._skip += 1
        elif tag in _HEADINGS:
            self.parts.append("\n\n" + "#" * int(tag[1]) + " ")
            self._in_heading = True
        elif tag in _CELLS:
            self.parts.append(_CELL_SEP if self._cell else "")
            self._cell += 1
            self._in_cell += 1
        elif tag in _BLOCK:
            if tag == "tr":
                self._cell = 0
            self.parts.append(" " if self._in_cell else "\n")

    def handle_endtag(self, tag):
        if self._frame:
            if tag == self._frame[0]:
                self._frame.pop()
            return
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _HEADINGS:
            self._in_heading = False
            self.parts.append("\n")
        elif tag in _CELLS:
            self._in_cell = max(0, self._in_cell - 1)
        elif tag in _BLOCK:
            self.parts.append(" " if self._in_cell else "\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip and not self._frame:
            # a heading and a table cell stay on one line
            self.parts.append(" ".join(data.split()) if self._in_heading or self._in_cell else data)


def _is_frame(attrs) -> bool:
    for name, value in attrs:
        if name in ("class", "id") and value:
            for word in value.lower().replace("_", "-").split():
                if word in _FRAME_WORDS or any(p in word for p in _FRAME_PARTS):
                    return True
    return False


def html_to_text(markup: str, frames: bool = False) -> tuple[str, dict]:
    """Text and <title> of an HTML fragment or page; frames=True also leaves out a site's frame."""
    p = _TextExtractor(frames)
    p.feed(markup)
    p.close()
    text = "".join(p.parts)
    text = re.sub(r"[ \t]*\n[ \t]*(?=\n)", "\n", text)
    text = re.sub(rf"[ \t]*{_CELL_SEP}[ \t]*", " | ", text)
    meta = {"title": html.unescape(p.title).strip()} if p.title.strip() else {}
    return text, meta


# Short lines that only a site's frame holds, wherever its markup put them.
_FRAME_LINE = re.compile(
    r"^(?:当前位置|您现在的位置|你现在的位置|您的位置|所在位置)"  # 当前位置：首页 > …
    r"|^首页\s*(?:[>＞»›/|]\s*[^>＞»›/|]{1,20}\s*){1,6}$"  # 首页 > 政务公开 > 年报
    r"|版权所有\s*(?:[©:：(（]|$)|copyright|©|ICP备|公网安备|网站标识码|(?:技术支持|主办单位|承办单位)[:：]"
    r"|^(?:网站地图|联系我们|返回首页)(?:\s*[|｜]\s*\S{2,6})*$"
    r"|^(?:分享到|分享至)|^[【\[]?(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏)[】\]]"
    r"|^字号[:：]|\[\s*大\s*中\s*小\s*\]|浏览次数[:：]|访问量[:：]",
    re.I,
)
_SITE_SUFFIX = re.compile(r"\s*[_|｜—–-]+\s*[^_|｜—–-]{2,30}(?:政府|门户网站|网站|网)\s*$")
_FRAME_LINE_MAX = 120  # a longer line is a sentence of the report, whatever words it holds


def page_to_text(markup: str) -> tuple[str, dict]:
    """A whole web page: its text without the site's frame."""
    text, meta = html_to_text(markup, frames=True)
    lines = [line for line in text.split("\n")
             if not (len(line.strip()) <= _FRAME_LINE_MAX and _FRAME_LINE.search(line.strip()))]
    lines = _from_title(lines)
    h1 = next((x[2:].strip() for x in lines if x.startswith("# ")), "")
    if "title" in meta and (h1 and h1 in meta["title"] or _SITE_SUFFIX.search(meta["title"])):
        # <title> is the heading plus the site's name: 报告标题_某某县人民政府
        meta["title"] = h1 if h1 and h1 in meta["title"] else _SITE_SUFFIX.sub("", meta["title"])
    return "\n".join(lines), meta


def _from_title(lines: list[str]) -> list[str]:
    """Before the page's first top heading stands the site's name and logo, when it is short."""
    first = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if first is None or sum(len(x.strip()) for x in lines[:first]) > _FRAME_LINE_MAX:
        return lines
    return [""] * first + lines[first:]
