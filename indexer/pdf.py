"""PDF bytes → lines of report text, as a text file would have them.

A PDF holds positioned lines, not paragraphs: a paragraph is hard-wrapped at the
page width, each page carries a running header and a page number, and a scan
holds pictures of text. Here the wrapped lines are joined back, the running
lines dropped, and a page marker line (PAGE_MARK + number) put where a new page
starts, so that each section can say on which page it begins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .headings import PAGE_MARK, clean_line, parse_heading
from .reader import Unreadable

MAX_PAGES = 3000  # a report is never this long; a longer PDF is a book, a scan or a trap
_RUNNING_LINES = 2  # lines at the top and bottom of a page that may be a running header or footer
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–−‐_·\s]*\d{1,4}[-—–−‐_·\s]*"  # - 3 -, —3—, 3
    r"|第\s*\d{1,4}\s*页(?:\s*[，,/／]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 共 10 页
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"  # 3 / 10
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",  # Page 3 of 10
    re.I,
)
_SENTENCE_FINAL = tuple("。！？；：!?;:”’」』）)…")
_DIGITS = re.compile(r"\d+")


@dataclass
class _Line:
    page: int
    text: str
    size: float = 0.0  # largest font size on the line (first page only)


def pdf_to_text(data: bytes) -> tuple[str, dict, list[str]]:
    """(text with page markers, metadata, warnings); Unreadable with the reason otherwise."""
    pages, sizes = _page_lines(data)
    kept = _drop_running_lines(pages, sizes)
    meta = {}
    title, kept = _large_title(kept)
    if title:
        meta["title"] = title
    paragraphs = _join_wrapped(kept)
    out: list[str] = []
    page = 1
    for p in paragraphs:
        if p.page != page:
            page = p.page
            out.append(f"{PAGE_MARK}{page}")
        out.append(p.text)
    return "\n".join(out), meta, []


def _page_lines(data: bytes) -> tuple[list[list[str]], list[float]]:
    """Each page's lines, and the font size of each line of the first page."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise Unreadable(_load_error(e)) from None
    try:
        n = len(doc)
        if n > MAX_PAGES:
            raise Unreadable(f"PDF has {n} pages, the limit is {MAX_PAGES} (split it into reports)")
        pages, images, sizes = [], 0, []
        for i in range(n):
            page = doc[i]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                if not text.strip():
                    images += _has_image(page)
                if i == 0:
                    sizes = _line_sizes(textpage, text)
            finally:
                page.close()
            pages.append([line.strip() for line in re.split(r"\r\n|\r|\n", text)])
    except pdfium.PdfiumError as e:
        raise Unreadable(f"corrupt PDF: {e}") from None
    finally:
        doc.close()
    if not any(line for lines in pages for line in lines):
        raise Unreadable("scanned PDF, no text layer" if images else "PDF without text")
    return pages, sizes


def _line_sizes(textpage, text: str) -> list[float]:
    """Largest font size per line; PDFium numbers the characters of get_text_range in order."""
    import pypdfium2.raw as raw

    if textpage.count_chars() != len(text):
        return []
    sizes, start = [], 0
    for m in re.finditer(r"\r\n|\r|\n|$", text):
        sizes.append(max((raw.FPDFText_GetFontSize(textpage.raw, i) for i in range(start, m.start())
                          if not text[i].isspace()), default=0.0))
        start = m.end()
        if m.end() == len(text):
            break
    return sizes


def _load_error(e) -> str:
    import pypdfium2.raw as raw

    code = getattr(e, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        return "encrypted PDF (needs a password)"
    if code == raw.FPDF_ERR_SECURITY:
        return "encrypted PDF (unsupported security handler)"
    if code == raw.FPDF_ERR_FORMAT:
        return "corrupt or truncated PDF (not a valid PDF file)"
    return f"corrupt or truncated PDF ({e})"


def _has_image(page) -> bool:
    import pypdfium2.raw as raw

    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _drop_running_lines(pages: list[list[str]], sizes: list[float]) -> list[_Line]:
    """Page numbers anywhere near a page's edge, and a line repeated at the top or
    bottom of most pages (digits ignored: 第3页 and 第4页 are the same line)."""
    edges = Counter()
    for lines in pages:
        body = [x for x in lines if x]
        for x in {_shape(x) for x in body[:_RUNNING_LINES] + body[-_RUNNING_LINES:]}:
            edges[x] += 1
    need = max(2, (len(pages) + 1) // 2)
    running = {x for x, c in edges.items() if c >= need} if len(pages) >= 2 else set()
    out: list[_Line] = []
    for no, lines in enumerate(pages, start=1):
        page_sizes = sizes if no == 1 and len(sizes) == len(lines) else [0.0] * len(lines)
        body = [(x, size) for x, size in zip(lines, page_sizes, strict=True) if x]
        edge = set(range(_RUNNING_LINES)) | set(range(len(body) - _RUNNING_LINES, len(body)))
        for i, (x, size) in enumerate(body):
            if i in edge and (_PAGE_NUMBER.match(x) or _shape(x) in running):
                continue
            out.append(_Line(no, x, size))
    return out


def _large_title(lines: list[_Line]) -> tuple[str, list[_Line]]:
    """The lines set larger than the text at the top of the first page are the title,
    however many lines (at most three) it was wrapped over."""
    first = [x.size for x in lines if x.page == 1 and x.size]
    if len(first) < 3:
        return "", lines
    body = sorted(first)[len(first) // 2]
    n = 0
    while n < min(3, len(lines)) and lines[n].page == 1 and lines[n].size >= 1.25 * body:
        n += 1
    title = "".join(x.text for x in lines[:n])
    if not n or parse_heading(title) is not None:
        return "", lines
    return title, lines[n:]


def _shape(line: str) -> str:
    return _DIGITS.sub("#", line.replace(" ", ""))


def _join_wrapped(lines: list[_Line]) -> list[_Line]:
    """A line that stops short of the sentence's end runs on into the next, unless
    either is a heading, or the line stops well short of the page's text width."""
    width = _text_width(lines)
    out: list[_Line] = []
    open_ = False  # whether the last paragraph runs on
    for line in lines:
        heading = parse_heading(line.text) is not None
        if open_ and not heading:
            out[-1].text += _glue(out[-1].text, line.text) + line.text
        else:
            out.append(_Line(line.page, line.text))
        last = out[-1].text
        open_ = (not heading and not last.endswith(_SENTENCE_FINAL)
                 and len(clean_line(line.text)) >= 0.8 * width)
    return out


def _text_width(lines: list[_Line]) -> int:
    """The length of a full line: what most wrapped lines reach."""
    lengths = sorted(len(x.text) for x in lines)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _glue(left: str, right: str) -> str:
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum() else ""
