"""PDF bytes → lines of report text, as a text file would have them.

A PDF holds positioned lines, not paragraphs: a paragraph is hard-wrapped at the
page width, each page carries a running header and a page number, and a scan
holds pictures of text. Here the wrapped lines are joined back, the running
lines dropped, and a page marker line (PAGE_MARK + number) put where a new page
starts, so that each section can say on which page it begins. Where the words
alone do not say it, the type does: lines set larger or bold at the top of the
first page are the title, and a short bold line between paragraphs is a heading
(HEADING_MARK + text), numbered or not. Tables lose their grid: a row whose
cells end in columns of numbers is written as a table row (headings.table_row,
as the Word and web readers write them), and a cell set vertically,
one character a line (三 / 、 / 本 / 年 …), is put back together as a cell of the
row beside it, so that neither is taken for a heading.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from indexer.ingest.errors import Unreadable
from indexer.ingest.headings import HEADING_MARK, PAGE_MARK, clean_line, parse_heading, table_row

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
_BOLD_LINE = 60  # characters: only lines this short are looked at for bold (a heading, or one line of it)
_BOLD_NAME = re.compile(r"bold|black|heavy|demi|semibold", re.I)  # SimSun,Bold; Helvetica-Bold; NotoSerifCJK-Black
_FORCE_BOLD = 1 << 18  # font descriptor flag
_FILL_STROKE = 2  # text render mode: outlined as well as filled, how Word makes a CJK font bold
_NUMBER_CELL = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")  # 3119, 96171.6, 12%
_ROW_NUMBERS = 3  # a line ending in this many number cells is a table row: 一、本年新收申请数量 95 0 0 0 0 0 95
_VERTICAL_CELL = 3  # this many lines of one character (or a numbering like 三、) in a row: a cell set vertically


@dataclass
class _Line:
    page: int
    text: str
    size: float = 0.0  # largest font size on the line (first page only)
    bold: bool = False  # a short line set bold throughout
    heading: bool = False  # a heading by its type only: bold, unnumbered, between paragraphs
    table: bool = False  # a table row, written by table_row


def pdf_to_text(data: bytes) -> tuple[str, dict, list[str]]:
    """(text with page markers, metadata, warnings); Unreadable with the reason otherwise."""
    pages, styles = _page_lines(data)
    kept = _drop_running_lines(pages, styles)
    meta = {}
    title, kept = _large_title(kept)
    if title:
        meta["title"] = title
    paragraphs = _join_wrapped(_table_rows(kept))
    out: list[str] = []
    page = 1
    for p in paragraphs:
        if p.page != page:
            page = p.page
            out.append(f"{PAGE_MARK}{page}")
        out.append(HEADING_MARK + p.text if p.heading else p.text)
    return "\n".join(out), meta, []


def _page_lines(data: bytes) -> tuple[list[list[str]], list[list[tuple[float, bool]]]]:
    """Each page's lines, and each line's type: font size (first page only) and whether it is bold."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise _load_error(e) from None
    try:
        n = len(doc)
        if n > MAX_PAGES:
            raise Unreadable("pdf_too_many_pages", f"PDF has {n} pages, the limit is {MAX_PAGES} (split it into reports)",
                             {"pages": n, "limit": MAX_PAGES})
        pages, images, styles = [], 0, []
        for i in range(n):
            page = doc[i]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                if not text.strip():
                    images += _has_image(page)
                styles.append(_line_styles(textpage, text, sizes=i == 0))
            finally:
                page.close()
            pages.append([line.strip() for line in re.split(r"\r\n|\r|\n", text)])
    except pdfium.PdfiumError as e:
        raise Unreadable("pdf_corrupt", f"corrupt PDF: {e}") from None
    finally:
        doc.close()
    if not any(line for lines in pages for line in lines):
        if images:
            raise Unreadable("pdf_scanned", "scanned PDF, no text layer")
        raise Unreadable("pdf_no_text", "PDF without text")
    return pages, styles


def _line_styles(textpage, text: str, sizes: bool) -> list[tuple[float, bool]]:
    """Per line: its largest font size (when sizes is set) and whether a short line is bold throughout.
    PDFium numbers the characters of get_text_range in order."""
    import pypdfium2.raw as raw

    if textpage.count_chars() != len(text):
        return []
    out, start = [], 0
    for m in re.finditer(r"\r\n|\r|\n|$", text):
        chars = [i for i in range(start, m.start()) if not text[i].isspace()]
        size = max((raw.FPDFText_GetFontSize(textpage.raw, i) for i in chars), default=0.0) if sizes else 0.0
        bold = 0 < len(chars) <= _BOLD_LINE and all(_is_bold(textpage, i) for i in chars)
        out.append((size, bold))
        start = m.end()
        if m.end() == len(text):
            break
    return out


def _is_bold(textpage, i: int) -> bool:
    """A bold font (by weight, flag or name), or a regular one outlined as well as filled."""
    import ctypes

    import pypdfium2.raw as raw

    if raw.FPDFText_GetFontWeight(textpage.raw, i) >= 600:
        return True
    flags = ctypes.c_int(0)
    name = ctypes.create_string_buffer(128)
    raw.FPDFText_GetFontInfo(textpage.raw, i, name, len(name), ctypes.byref(flags))
    if flags.value & _FORCE_BOLD or _BOLD_NAME.search(name.value.decode("latin-1")):
        return True
    obj = raw.FPDFText_GetTextObject(textpage.raw, i) if hasattr(raw, "FPDFText_GetTextObject") else None
    if not obj or raw.FPDFTextObj_GetTextRenderMode(obj) != _FILL_STROKE:
        return False
    width = ctypes.c_float(0)
    return bool(raw.FPDFPageObj_GetStrokeWidth(obj, ctypes.byref(width))) and width.value > 0


def _load_error(e) -> Unreadable:
    import pypdfium2.raw as raw

    code = getattr(e, "err_code", None)
    if code == raw.FPDF_ERR_PASSWORD:
        return Unreadable("pdf_encrypted", "encrypted PDF (needs a password)")
    if code == raw.FPDF_ERR_SECURITY:
        return Unreadable("pdf_unsupported_security", "encrypted PDF (unsupported security handler)")
    if code == raw.FPDF_ERR_FORMAT:
        return Unreadable("pdf_corrupt", "corrupt or truncated PDF (not a valid PDF file)")
    return Unreadable("pdf_corrupt", f"corrupt or truncated PDF ({e})")


def _has_image(page) -> bool:
    import pypdfium2.raw as raw

    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))


def _drop_running_lines(pages: list[list[str]], styles: list[list[tuple[float, bool]]]) -> list[_Line]:
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
    for no, (lines, page_styles) in enumerate(zip(pages, styles, strict=True), start=1):
        if len(page_styles) != len(lines):
            page_styles = [(0.0, False)] * len(lines)
        body = [(x, style) for x, style in zip(lines, page_styles, strict=True) if x]
        edge = set(range(_RUNNING_LINES)) | set(range(len(body) - _RUNNING_LINES, len(body)))
        for i, (x, (size, bold)) in enumerate(body):
            if i in edge and (_PAGE_NUMBER.match(x) or _shape(x) in running):
                continue
            out.append(_Line(no, x, size, bold))
    return out


def _large_title(lines: list[_Line]) -> tuple[str, list[_Line]]:
    """The lines set larger than the text, or bold where the text is not, at the top of the
    first page are the title, however many lines (at most three) it was wrapped over."""
    first = [x.size for x in lines if x.page == 1 and x.size]
    if len(first) < 3:
        return "", lines
    body = sorted(first)[len(first) // 2]
    bold, width = _bold_stands_out(lines), _text_width(lines)
    n = 0
    while n < min(3, len(lines)) and lines[n].page == 1 and not (n and parse_heading(lines[n].text)):
        if lines[n].size >= 1.25 * body:
            n += 1
        elif bold and lines[n].bold and lines[n].size >= body and (not n or len(lines[n - 1].text) >= 0.8 * width):
            n += 1  # a bold title goes on to the next line only when it filled this one
        else:
            break
    title = "".join(x.text for x in lines[:n])
    if not n or parse_heading(title) is not None:
        return "", lines
    return title, lines[n:]


def _shape(line: str) -> str:
    return _DIGITS.sub("#", line.replace(" ", ""))


def _bold_stands_out(lines: list[_Line]) -> bool:
    """Bold says something only where most lines are not bold."""
    return sum(x.bold for x in lines) < len(lines) / 2


def _table_rows(lines: list[_Line]) -> list[_Line]:
    """Rows of a table that ends in columns of numbers, as table rows. The cells around them that
    hold no number are put at the front of the row they belong to: a vertical cell's characters
    (joined), a group label between two rows (（三）不予公开), a label wrapped above its numbers,
    and the header row above the first row."""
    out: list[_Line] = []
    pending: list[str] = []  # cells waiting for the row they start
    held: list[_Line] = []  # the lines they came from, given back as they were if no row follows
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].page == lines[i].page and _vertical_piece(lines[j].text):
            j += 1
        if j - i >= _VERTICAL_CELL and sum(len(x.text.strip()) == 1 for x in lines[i:j]) >= _VERTICAL_CELL - 1:
            pending.append("".join(x.text.strip() for x in lines[i:j]))
            held += lines[i:j]
            i = j
            continue
        line = lines[i]
        row = _row_cells(line.text)
        if row is None and i + 1 < len(lines) and _header_of(line.text, lines[i + 1].text):
            row = _row_cells(lines[i + 1].text, need=1)
            out.append(_Line(line.page, table_row(pending + line.text.split()), table=True))
            out.append(_Line(lines[i + 1].page, table_row(row) if row else "", table=True))
            pending, held = [], []
            i += 2
            continue
        if row is not None:
            label = [] if row[0][:1].isdigit() or row[0][:1] == "-" else [row.pop(0)]
            if not label and not pending:
                pending = _label_above(out)
            out.append(_Line(line.page, table_row(pending + label + row), table=True))
            pending, held = [], []
        elif _in_table(lines, i, out):
            if " " in line.text.strip() and _row_cells(lines[i + 1].text) is not None:
                out.append(_Line(line.page, table_row(pending + line.text.split()), table=True))
                pending, held = [], []
            else:
                pending.append(line.text.strip())
                held.append(line)
        else:
            out += held + [line]
            pending, held = [], []
        i += 1
    return out + held


def _in_table(lines: list[_Line], i: int, out: list[_Line]) -> bool:
    """A line without numbers that belongs to the table row after it: a short label between two rows,
    the start of a label whose numbers follow within three lines, or a header row (cells apart)."""
    text = lines[i].text.strip()
    if text.endswith(("。", "；")) or len(text) > 40 or _section(lines[i]):
        return False
    ahead = [_row_cells(x.text) for x in lines[i + 1:i + 4]]
    if not any(r is not None for r in ahead):
        return False
    if ahead[0] is not None and " " in text and not text[:1].isdigit():
        return True  # 信息内容 本年制发件数 本年废止件数 …: a header row
    after_row = bool(out) and out[-1].table
    numbers_only = next((r for r in ahead if r is not None), None)
    return after_row and (ahead[0] is not None or (numbers_only is not None and numbers_only[0][:1].isdigit()))


def _label_above(out: list[_Line]) -> list[str]:
    """The short lines between two table rows, taken back as the label of the later row, whose
    numbers the PDF put on a line of their own (（六）其 / 他处理 / 1、申请人… then 67 3 0 0 1 0 71)."""
    k = len(out)
    while k > 0 and len(out) - k < 6 and not out[k - 1].table and len(out[k - 1].text) <= 20 and not _section(out[k - 1]):
        k -= 1
    if k == len(out) or k == 0 or not out[k - 1].table:
        return []
    cells = [x.text for x in out[k:]]
    del out[k:]
    return cells


def _section(line: _Line) -> bool:
    """A heading numbered 一、: the next section of the text, never a label of the table before it."""
    h = parse_heading(line.text)
    return h is not None and h.style == "cn"


def _header_of(text: str, below: str) -> bool:
    """A header row (信息内容 本年处理决定数量) over a row of as many cells ending in a number (行政许可 9487)."""
    cells, row = text.split(), below.split()
    return (len(cells) >= 2 and len(cells) == len(row) and not any(_NUMBER_CELL.match(c) for c in cells)
            and not any(c in text for c in "。，；：,;") and bool(_NUMBER_CELL.match(row[-1]))
            and not any(_NUMBER_CELL.match(c) for c in row[:-1]))


def _vertical_piece(text: str) -> bool:
    s = text.strip()
    return 0 < len(s) <= 2 and not s.isascii() and (len(s) == 1 or s[-1] in "、．")


def _row_cells(text: str, need: int = _ROW_NUMBERS) -> list[str] | None:
    """The cells of a line that ends in columns of numbers (its label, then each number), else None."""
    words = text.split()
    n = 0
    while n < len(words) and _NUMBER_CELL.match(words[-1 - n]):
        n += 1
    if n < need:
        return None
    label = " ".join(words[: len(words) - n])
    return ([label] if label else []) + words[len(words) - n:]


def _join_wrapped(lines: list[_Line]) -> list[_Line]:
    """A line that stops short of the sentence's end runs on into the next, unless
    either is a heading (a heading's line that goes on into its body runs on as the body does),
    or the line stops well short of the page's text width.
    A bold line after text that is not bold starts a heading, numbered or not,
    and the bold lines that it runs on into belong to it."""
    width = _text_width([x for x in lines if not x.table])
    bold = _bold_stands_out(lines)
    out: list[_Line] = []
    open_ = False  # whether the last paragraph runs on
    previous_bold = False
    for line in lines:
        if line.table:  # a table row neither runs on nor is run into
            out.append(line)
            open_, previous_bold = False, False
            continue
        h = parse_heading(line.text)
        heading = h is not None
        typeset = (bold and line.bold and not heading and not (open_ and previous_bold)
                   and not line.text.endswith(_SENTENCE_FINAL))
        wrapped_heading = open_ and out[-1].heading  # a bold heading wrapped over two lines
        if open_ and not heading and (line.bold if wrapped_heading else not typeset):
            out[-1].text += _glue(out[-1].text, line.text) + line.text
        else:
            out.append(_Line(line.page, line.text, heading=typeset))
        last = out[-1].text
        # a heading that runs on into its body (（二）依申请公开情况。根据……关于依申) wraps as its body does
        open_ = ((h is None or bool(h.body)) and not last.endswith(_SENTENCE_FINAL)
                 and len(clean_line(line.text)) >= 0.8 * width)
        previous_bold = line.bold
    return out


def _text_width(lines: list[_Line]) -> int:
    """The length of a full line: what most wrapped lines reach."""
    lengths = sorted(len(x.text) for x in lines)
    return lengths[int(len(lengths) * 0.9)] if lengths else 0


def _glue(left: str, right: str) -> str:
    return " " if left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum() else ""
