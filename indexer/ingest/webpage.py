"""HTML → lines of text with Markdown-style headings.

A government web page wraps its report in navigation, breadcrumbs (首页 > 政务公开),
share bars and a footer (版权所有…ICP备…): none of that is report text. Elements
that say what they are (nav, footer, class="breadcrumb"/"share"/"foot"…) are left
out, and so are the short lines that only a site's frame holds and the lines that are
mostly links (menus, 上一篇/下一篇, 相关链接 lists). Table cells stay apart (| 主动公开 | 312 |),
one row a line; a cell that holds a page's layout (a nested table, or long text) keeps its
lines. docs/benchmarks.md compares these rules with trafilatura and readability-lxml.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from indexer.ingest.headings import table_row

_BLOCK = {"p", "div", "br", "li", "tr", "section", "article", "blockquote", "pre", "table", "ul", "ol", "dd", "dt"}
_SKIP = {"script", "style", "noscript", "template", "head", "nav", "footer", "aside", "iframe", "svg", "object"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CELLS = ("td", "th")
# class or id words that name a site's frame rather than its content
_FRAME_WORDS = {
    "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "position", "location", "dqwz",
    "footer", "foot", "copyright", "share", "bdsharebuttonbox", "sidebar", "toolbar", "topbar",
}
_FRAME_PARTS = ("breadcrumb", "copyright", "share", "footer")
_CELL_SEP = "\x1f"  # between cells while extracting; a row is written by headings.table_row
_CELL_BREAK = "\x1e"  # a block boundary inside a cell: a space in a data row, a new line in a page's layout
_LINK_OPEN, _LINK_CLOSE = "\x02", "\x03"  # around link text while extracting, to measure a line's links
_BREAKS = re.compile(f"[ {_CELL_BREAK}]*{_CELL_BREAK}[ {_CELL_BREAK}]*")
_LAYOUT_CELL = 150  # a cell of paragraphs with more text than this is a page's layout, not a table's datum
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
        self._tables: list[list[int]] = []  # per open table: [cells in the current row, open cells, row start]
        self._cells: list[int] = []  # where each open cell's text starts in parts
        self._link = 0

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
        elif tag == "a" and self.frames:
            self._link += 1
            self.parts.append(_LINK_OPEN)
        elif tag in _CELLS and self._tables:
            row = self._tables[-1]
            self._cells.append(len(self.parts))
            self.parts.append(_CELL_SEP if row[0] else "")
            row[0] += 1
            row[1] += 1
        elif tag in _BLOCK:
            if tag == "table":
                self._tables.append([0, 0, len(self.parts)])
            elif tag == "tr" and self._tables:
                self._end_row()
            self.parts.append(_CELL_BREAK if self._in_cell() else "\n")

    def _in_cell(self) -> bool:
        return bool(self._tables and self._tables[-1][1])

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
        elif tag == "a" and self.frames:
            if self._link:
                self._link -= 1
                self.parts.append(_LINK_CLOSE)
        elif tag in _CELLS and self._tables and self._tables[-1][1]:
            self._tables[-1][1] -= 1
            self._end_cell()
        elif tag in _BLOCK:
            if tag in ("table", "tr") and self._tables:
                while self._tables[-1][1]:  # cells left open
                    self._tables[-1][1] -= 1
                    self._end_cell()
                self._end_row()
                if tag == "table":
                    self._tables.pop()
            self.parts.append(_CELL_BREAK if self._in_cell() else "\n")

    def _end_cell(self) -> None:
        """A cell that holds a table or headings, or paragraphs of some length, is a page's
        layout: its blocks become lines of their own, apart from the cells beside it."""
        start = self._cells.pop()
        cell = "".join(self.parts[start:])
        if "\n" in cell or _CELL_BREAK in cell and len(re.sub(r"[\s\x01-\x1f]", "", cell)) > _LAYOUT_CELL:
            self.parts[start:] = ["\n" + cell.lstrip(_CELL_SEP).replace(_CELL_BREAK, "\n") + "\n"]

    def _end_row(self) -> None:
        """Cells side by side are a row of data, one line; a row of one cell is a page's layout."""
        table = self._tables[-1]
        if table[0] > 1:
            self.parts[table[2]:] = [_BREAKS.sub(" ", "".join(self.parts[table[2]:]))]
        table[0], table[2] = 0, len(self.parts)

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif self._tables and not self._in_cell() and not data.strip():
            return  # the white space between a table's rows and cells, which no browser shows
        elif not self._skip and not self._frame:
            # a heading and a table cell stay on one line
            self.parts.append(" ".join(data.split()) if self._in_heading or self._in_cell() else data)


def _is_frame(attrs) -> bool:
    for name, value in attrs:
        if name in ("class", "id") and value:
            for word in value.lower().replace("_", "-").split():
                if word in _FRAME_WORDS or any(p in word for p in _FRAME_PARTS):
                    return True
    return False


_LINK_MARKS = re.compile(f"[{_LINK_OPEN}{_LINK_CLOSE}]")
_LINK_TEXT = re.compile(f"{_LINK_OPEN}([^{_LINK_CLOSE}]*){_LINK_CLOSE}")
_NOT_COUNTED = re.compile(r"[\W_]")  # spaces, punctuation, bullets: neither link text nor text


def _mostly_links(line: str) -> bool:
    """A menu, a 上一篇 line, an item of a 相关链接 list; never a heading or a row of a table."""
    if line.lstrip().startswith("#") or _CELL_SEP in line or _LINK_OPEN not in line or "。" in line:
        return False  # a sentence that cites a linked document is the report's
    linked = len(_NOT_COUNTED.sub("", "".join(_LINK_TEXT.findall(line))))
    total = len(_NOT_COUNTED.sub("", _LINK_MARKS.sub("", line)))
    return total > 0 and linked / total >= 0.5


def html_to_text(markup: str, frames: bool = False) -> tuple[str, dict]:
    """Text and <title> of an HTML fragment or page; frames=True also leaves out a site's frame."""
    p = _TextExtractor(frames)
    p.feed(markup)
    p.close()
    text = "".join(p.parts).replace(_CELL_BREAK, "\n")
    if frames:
        text = _LINK_MARKS.sub("", "\n".join(line for line in text.split("\n") if not _mostly_links(line)))
    text = re.sub(r"[ \t]*\n[ \t]*(?=\n)", "\n", text)
    if _CELL_SEP in text:
        text = "\n".join(table_row([c.strip(" \t") for c in line.split(_CELL_SEP)]) if _CELL_SEP in line else line
                        for line in text.split("\n"))
    meta = {"title": html.unescape(p.title).strip()} if p.title.strip() else {}
    return text, meta


# Short lines that only a site's frame holds, wherever its markup put them.
_FRAME_LINE = re.compile(
    r"^(?:当前位置|您现在的位置|你现在的位置|您的位置|所在位置|您所在的位置)"  # 当前位置：首页 > …
    r"|(?:^|\|\s)首页\s*(?:[>＞»›/|]\s*[^>＞»›/|]{1,20}\s*){1,6}$"  # 首页 > 政务公开 > 年报, alone or in a cell
    r"|版权所有\s*(?:[©:：(（]|$)|copyright|©|ICP备|公网安备|网站标识码|(?:技术支持|主办单位|承办单位)[:：]"
    r"|^(?:网站地图|联系我们|返回首页)(?:\s*[|｜]\s*\S{2,6})*$"
    r"|^(?:分享到|分享至)|^[【\[]?(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏)[】\]]"
    r"|^字号[:：]|\[\s*大\s*中\s*小\s*\]|浏览次数[:：]|访问量[:：]"
    # what a page says about the article: when, from where, how often read
    r"|(?:发布时间|发布日期|更新时间|成文日期)[:：]\s*\d|(?:点击数|阅读次数|浏览量|阅读量|阅读)[:：]\s*[\d,]+"
    r"|^(?:来源|信息来源|文章来源|作者|索引号|信息索引|发布机构|发文机关|主题分类|发文字号|生成日期|公开方式|公开范围|日期)\s*[:：]"
    r"|转载(?:自|于)[:：]|^时间[:：].{0,30}来源[:：]|(?:阅读|浏览|点击)(?:量|数|次数)?(?:\s*[:：]\s*|\s+)[\d,]+\s*次?$"
    r"|^今天是|(?:晴|多云|阴|小雨|中雨|大雨|雪)\s*-?\d+\s*℃|^点赞\s*\d*\s*(?:收藏|转发|分享|$)|^联系电话[:：].*(?:地址|邮箱|邮编)"
    r"|^\d{4}年\d{1,2}月\d{1,2}日\s*星期[一二三四五六日天]$|^欢迎(?:访问|光临|您)|欢迎您[!！]"
    r"|(?:主办|承办)[:：]|\s(?:主办|承办)(?:\s|$)|^地址[:：].*(?:电话|邮编)"
    r"|^(?:上一篇|下一篇)[:：]|扫一扫|^建议(?:使用|采用).{0,30}(?:浏览|分辨率)|点击上方蓝字|^(?:文字|图片|编辑|责任编辑|责编|审核|校对)[:：]"
    r"|^(?:相关链接|相关阅读|相关文章|相关新闻|相关附件|热点信息|热点新闻|最新发布|最新信息|更多资讯|往期推荐|推荐阅读|专题专栏"
    r"|友情链接|栏目导航|信息公开目录)[:：]?$"
    r"|^(?:[【\[]?(?:加入收藏|打印本页|打印|关闭窗口|关闭|返回顶部|收藏)[】\]]?\s*)+$",
    re.I,
)
_SITE_SUFFIX = re.compile(r"\s*[_|｜—–-]+\s*[^_|｜—–-]{2,30}(?:政府|门户网站|网站|网)\s*$")
_FRAME_LINE_MAX = 120  # a longer line is a sentence of the report, whatever words it holds
_FOOTER = re.compile(r"ICP备|公网安备|版权所有")  # a footer's, even as a sentence


def _frame_line(line: str) -> bool:
    """A short line that only a site's frame holds; a finished sentence is the report's, unless a footer's."""
    s = line.strip().lstrip("#").strip().strip("| ")  # a table row's cells are read as one line
    if len(s) > _FRAME_LINE_MAX or s.endswith("。") and not _FOOTER.search(s):
        return False
    return _FRAME_LINE.search(s) is not None


def page_to_text(markup: str) -> tuple[str, dict]:
    """A whole web page: its text without the site's frame."""
    text, meta = html_to_text(markup, frames=True)
    lines = [line for line in text.split("\n") if not _frame_line(line)]
    lines = _from_title(lines)
    if "title" in meta:
        # <title> is the page's heading plus the site's name or column: 报告标题_某某县人民政府, 【教育动态】报告标题
        shown = [x.lstrip("#").strip() for x in lines]
        shown = [x for x in shown if len(x) >= 6 and x in meta["title"]]
        if shown:
            meta["title"] = max(shown, key=len)
        elif _SITE_SUFFIX.search(meta["title"]):
            meta["title"] = _SITE_SUFFIX.sub("", meta["title"])
    return "\n".join(lines), meta


def _from_title(lines: list[str]) -> list[str]:
    """Before the page's first top heading stands the site's name and logo, when it is short."""
    first = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if first is None or sum(len(x.strip()) for x in lines[:first]) > _FRAME_LINE_MAX:
        return lines
    return [""] * first + lines[first:]
