"""Word files → report text with Markdown-style headings.

.docx: python-docx gives paragraphs and tables in order. What Word shows but does
not store in the text — the numbering it generates (一、 （一） 1.) — is put back,
and heading styles (标题 1 / Heading 1) become Markdown headings, so the section
builder sees what a reader sees. .doc and .wps are turned into .docx by LibreOffice
when it is installed, which keeps their heading styles and numbering; else they go
through antiword or catdoc, which give the text without its numbering.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

from indexer.ingest.errors import Unreadable, mib
from indexer.ingest.headings import HEADING_MARK, TOOL_NUMBER, parse_heading, table_row
from indexer.ingest.splitter import is_title_line

MAX_UNPACKED = 128 << 20  # what a .docx may unpack to, pictures included; python-docx holds all of it in memory
MAX_XML = 16 << 20  # what its XML parts may unpack to: lxml's tree of it is many times as big
MAX_PARAGRAPHS = 100_000  # a report of a thousand pages has a few tens of thousands
CONVERT_SECONDS = 60
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-6])$", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|标题)$", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# --- .docx ---------------------------------------------------------------------


def _first_line(e: Exception) -> str:
    """A library's error as one short line for the skip reason's detail (lxml's run over lines)."""
    return (str(e).strip().splitlines() or [""])[0][:200]



def docx_to_text(data: bytes) -> tuple[str, dict, list[str]]:
    _check_zip(data)
    import docx
    from docx.table import Table, _Cell

    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many kinds for a broken package
        raise Unreadable("docx_corrupt", f"corrupt .docx ({type(e).__name__}: {_first_line(e)})") from None
    numbers = _Numbering(doc)
    lines: list[str] = []
    titled = False

    def add(container) -> None:
        nonlocal titled
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                if all(len(tr.tc_lst) <= 1 for tr in block._tbl.tr_lst):  # one column: a box around paragraphs
                    for tr in block._tbl.tr_lst:
                        for tc in tr.tc_lst:
                            add(_Cell(tc, block))
                else:
                    lines.extend(["", *_table_lines(block, numbers), ""])
                continue
            text = _paragraph_text(block._p).strip()
            if not text:
                continue
            style = block.style.name if block.style is not None else ""
            label = numbers.label(block)
            if _TITLE_STYLE.match(style) or (not titled and not lines and not label and _looks_like_title(block, text)):
                lines.append("# " + _escape(text))
                titled = True
            elif m := _HEADING_STYLE.match(style):
                lines.append("#" * (int(m.group(1)) + 1) + " " + label + _escape(text))
            else:
                lines.append(label + (_escape(text) if label else _escape_line(text)))

    add(doc)
    meta = {}
    core_title = (doc.core_properties.title or "").strip()
    if not titled and len(_CJK.findall(core_title)) >= 4 and is_title_line(core_title):
        meta["title"] = core_title  # the creation date is the file's, not the report's: not used
    return "\n".join(lines), meta, []


def _check_zip(data: bytes) -> None:
    """Refuse a .docx before python-docx reads it whole: each member inflated as a stream and
    counted by the bytes it truly gives (the sizes the zip declares can lie), the XML parts and
    the document's paragraphs counted too."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise Unreadable("docx_encrypted_or_doc", "not a .docx: an encrypted Word file or an old .doc renamed") from None
        raise Unreadable("docx_corrupt", "corrupt .docx (not a zip archive)") from None
    unpacked = xml = paragraphs = 0
    for info in members:
        is_xml = info.filename.endswith((".xml", ".rels"))
        counted = info.filename == "word/document.xml"
        tail = b""
        for chunk in _inflated(data, info):
            unpacked += len(chunk)
            xml += len(chunk) if is_xml else 0
            if unpacked > MAX_UNPACKED:
                raise _bomb(unpacked, MAX_UNPACKED, "")
            if xml > MAX_XML:
                raise _bomb(xml, MAX_XML, "its XML ")
            if counted:
                seen = tail + chunk
                paragraphs += seen.count(b"<w:p>") + seen.count(b"<w:p ") + seen.count(b"<w:p/>")
                tail = seen[-5:]  # a tag cut between chunks is counted in the next one, and not twice:
                paragraphs -= tail.count(b"<w:p>") + tail.count(b"<w:p ") + tail.count(b"<w:p/>")
                if paragraphs > MAX_PARAGRAPHS:
                    raise Unreadable("docx_too_many_paragraphs", f".docx has over {MAX_PARAGRAPHS} paragraphs "
                                     "(not a report, or a hostile file)",
                                     {"paragraphs": MAX_PARAGRAPHS, "limit": MAX_PARAGRAPHS})


def _inflated(data: bytes, info: zipfile.ZipInfo, chunk: int = 1 << 20):
    """A member's bytes as they inflate, a megabyte at a time, from its local header on: never
    more than its compressed bytes truly give, whatever sizes the zip declares."""
    start = info.header_offset
    header = data[start: start + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise Unreadable("docx_corrupt", "corrupt .docx (a member's header is missing)")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    body = start + 30 + name_len + extra_len
    raw = data[body: body + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        yield raw
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise Unreadable("docx_corrupt", f"corrupt .docx (a member compressed with method {info.compress_type})")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        while not inflater.eof:
            out = inflater.decompress(raw, chunk)
            raw = inflater.unconsumed_tail
            if not out and not raw:  # all of it given: a member cut short ends here
                break
            yield out
    except zlib.error as e:
        raise Unreadable("docx_corrupt", f"corrupt .docx (a member does not inflate: {e})") from None


def _bomb(size: int, limit: int, what: str) -> Unreadable:
    return Unreadable("docx_bomb", f".docx {what}unpacks to over {mib(size)} MiB, the limit is {mib(limit)} MiB "
                      "(a zip bomb, or not a report)", {"size": mib(size), "limit": mib(limit)})


def _looks_like_title(paragraph, text: str) -> bool:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    return is_title_line(text) or (paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER and len(text) <= 60)


def _table_lines(table, numbers: _Numbering) -> list[str]:
    """A table as a Markdown table, which the report page shows as one, its text one row a line with
    the cells apart (headings.table_row): the first row is the header, every row as wide as the
    widest, a merged cell's text once, in its first row and column."""
    grid = [row for row in (_row_texts(tr, table, numbers) for tr in table._tbl.tr_lst) if any(row)]
    if not grid:
        return []
    width = max(len(row) for row in grid)
    rows = ["| " + " | ".join(_escape(c).replace("|", "\\|") for c in row + [""] * (width - len(row))) + " |"
            for row in grid]
    return [rows[0], "|" + " --- |" * width, *rows[1:]]


def _row_texts(tr, table, numbers: _Numbering) -> list[str]:
    """One row's cells on the table's grid: empty where the row starts late, for the columns a cell
    spans after its first, and under a cell merged down from the row above."""
    from docx.table import _Cell

    texts = [""] * _grid(tr, "gridBefore")
    for tc in tr.tc_lst:
        texts += ["" if tc.vMerge == "continue" else _cell_text(_Cell(tc, table), numbers)] + [""] * (tc.grid_span - 1)
    return texts + [""] * _grid(tr, "gridAfter")


def _grid(tr, name: str) -> int:
    el = tr.find(f"{_W}trPr/{_W}{name}")
    return int(el.get(f"{_W}val", "0") or 0) if el is not None else 0


def _cell_text(cell, numbers: _Numbering) -> str:
    """A cell's paragraphs (with Word's numbering) and the cells of any table inside it, on one line."""
    from docx.text.paragraph import Paragraph

    parts = []
    for el in cell._tc.iter(f"{_W}p"):
        if not any(a.tag == f"{_W}p" for a in el.iterancestors()):  # a text box's paragraphs are not the cell's
            parts.append(numbers.label(Paragraph(el, cell)) + _paragraph_text(el))
    return " ".join(" ".join(parts).split())


# What a paragraph shows, as its runs hold it: field results and tracked insertions included (python-docx's
# Paragraph.text leaves out text inside w:fldSimple, w:ins, w:smartTag and content controls), the field
# codes themselves (w:instrText: HYPERLINK "…") and deleted text never, text boxes not in the line.
_CHARS = {f"{_W}tab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_NOT_SHOWN = {f"{_W}del", f"{_W}moveFrom", f"{_W}instrText", f"{_W}delText", f"{_W}txbxContent", f"{_W}rt", f"{_W}pPr",
              f"{_W}rPr", "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _paragraph_text(p) -> str:
    out: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag == f"{_W}t":
                out.append(child.text or "")
            elif tag == f"{_W}br":
                out.append("" if child.get(f"{_W}type") in ("page", "column") else "\n")
            elif tag in _CHARS:
                out.append(_CHARS[tag])
            elif tag not in _NOT_SHOWN and tag != f"{_W}p":  # a paragraph inside (a text box's) is not this one's
                walk(child)

    walk(p)
    return "".join(out)


_MD_INLINE = re.compile(r"([\\`*_\[\]])")
_MD_BLOCK = re.compile(r"^([#+-])")
_MD_LIST_NUMBER = re.compile(r"^(\d+)\.(?=\s)")


def _escape(text: str) -> str:
    """Text that Markdown renders back to the same characters."""
    return _MD_INLINE.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _escape_line(text: str) -> str:
    """A body paragraph: a numbered line typed by hand stays a heading, as in a text file."""
    if parse_heading(text) is not None:
        return text
    return _block(_escape(text))


def _block(line: str) -> str:
    """Keep a line's start from reading as a Markdown heading or list item."""
    return _MD_LIST_NUMBER.sub(r"\1\\.", _MD_BLOCK.sub(r"\\\1", line))


class _Numbering:
    """The labels Word generates for numbered paragraphs (一、 （一） 1. ①)."""

    def __init__(self, doc) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId → ilvl → (format, text, start)
        self.counters: dict[str, list[int]] = {}
        try:
            root = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract = {}
        for a in root.findall(f"{_W}abstractNum"):
            lvls = {}
            for lvl in a.findall(f"{_W}lvl"):
                lvls[int(lvl.get(f"{_W}ilvl", "0"))] = (_val(lvl, "numFmt", "decimal"), _val(lvl, "lvlText", ""),
                                                      int(_val(lvl, "start", "1") or 1))
            abstract[a.get(f"{_W}abstractNumId")] = lvls
        for num in root.findall(f"{_W}num"):
            lvls = dict(abstract.get(_val(num, "abstractNumId", ""), {}))
            for o in num.findall(f"{_W}lvlOverride"):
                start = o.find(f"{_W}startOverride")
                ilvl = int(o.get(f"{_W}ilvl", "0"))
                if start is not None and ilvl in lvls:
                    fmt, text, _ = lvls[ilvl]
                    lvls[ilvl] = (fmt, text, int(start.get(f"{_W}val", "1")))
            self.levels[num.get(f"{_W}numId")] = lvls

    def label(self, paragraph) -> str:
        num_id, ilvl = _num_pr(paragraph)
        lvls = self.levels.get(num_id or "")
        if not lvls or ilvl not in lvls:
            return ""
        counts = self.counters.setdefault(num_id, [0] * 9)
        counts[ilvl] = counts[ilvl] + 1 if counts[ilvl] else lvls[ilvl][2]
        for deeper in range(ilvl + 1, 9):
            counts[deeper] = 0
        fmt, text, _ = lvls[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def number(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            f = lvls.get(k, ("decimal", "", 1))[0]
            return _format(counts[k] or lvls.get(k, ("", "", 1))[2], f)

        return re.sub(r"%([1-9])", number, text)


def _val(el, tag: str, default: str) -> str:
    child = el.find(f"{_W}{tag}")
    return child.get(f"{_W}val", default) if child is not None else default


def _num_pr(paragraph) -> tuple[str | None, int]:
    """numId and level of a paragraph, from its own properties or its style's."""
    sources = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        sources.append(style.element.pPr)
        style = style.base_style
    for ppr in sources:
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = _val(num_pr, "numId", "")
            return (num_id if num_id != "0" else None), int(_val(num_pr, "ilvl", "0") or 0)
    return None, 0


_CN_DIGITS = "〇一二三四五六七八九"


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting",
               "taiwaneseCountingThousand"):  # the last is what LibreOffice writes for 一、
        return _chinese(n)
    if fmt == "ideographDigital":
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        s = _roman(n)
        return s if fmt == "upperRoman" else s.lower()
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    return str(n)


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + _chinese(rest) if rest < 10 else ("一" if rest < 20 else "") + _chinese(rest))
    return _CN_DIGITS[n // 100 % 10] + "百" + tail


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


# --- .doc and .wps -----------------------------------------------------------------

_TOOLS = (
    ("antiword", ["antiword", "-m", "UTF-8.txt", "-w", "0"]),
    ("catdoc", ["catdoc", "-d", "utf-8", "-w"]),
)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .wps


def doc_to_text(data: bytes) -> tuple[str, dict, list[str], str]:
    """Word 97-2003 and WPS files through the first Debian tool that reads them; the last item says
    how the text is laid out: "docx" (Markdown headings, from LibreOffice) or "doc" (plain lines)."""
    if not data.startswith(OLE_MAGIC):
        if data.lstrip().startswith(b"{\\rtf"):
            raise Unreadable("doc_rtf", "named .doc/.wps but an RTF file")
        raise Unreadable("doc_not_word", "named .doc/.wps but not a Word 97-2003/WPS file")
    tools = [(name, cmd) for name, cmd in _TOOLS if shutil.which(name)]
    office = _office()
    if not tools and not office:
        raise Unreadable("doc_no_tool", "Word 97-2003/WPS file: no converter installed (apt-get install antiword catdoc)")
    errors = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.doc"
        path.write_bytes(data)
        if office:
            docx, error = _office_to_docx(office, path)
            if docx is not None:
                try:
                    return (*docx_to_text(docx), "docx")
                except Unreadable as e:
                    error = f"{office}: {e}"
            errors.append(error)
        lost = [f"LibreOffice could not convert it ({errors[0]}): read without Word's numbering"] if errors else []
        for name, cmd in tools:
            try:
                done = subprocess.run([*cmd, str(path)], capture_output=True, timeout=CONVERT_SECONDS)
            except subprocess.TimeoutExpired:
                errors.append(f"{name} took over {CONVERT_SECONDS} s")
                continue
            text = done.stdout.decode("utf-8", "replace")
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            refused = any("not a Word Document" in e for e in err)  # catdoc then dumps the raw bytes
            if done.returncode == 0 and text.strip() and not refused:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
                text = _antiword_tables(_antiword_headings(text)) if name == "antiword" else _catdoc_text(text)
                return text, {}, lost, "doc"
            errors.append(f"{name}: {err[0] if err else 'no text'}")
        said = "; ".join(errors).replace(str(path), "the file")  # no temporary path in a reason readers see
    raise Unreadable("doc_failed", f"Word 97-2003/WPS file could not be converted ({said})")


def _office() -> str | None:
    """LibreOffice's command, when it is installed: it keeps a .doc's heading styles and numbering."""
    return next((name for name in ("soffice", "libreoffice") if shutil.which(name)), None)


def _office_to_docx(office: str, path: Path) -> tuple[bytes | None, str]:
    """The .docx LibreOffice makes of PATH, or None and why not.

    A profile of its own in the temporary folder, so that conversions never share or lock one
    (a user's open LibreOffice included); the whole process group is killed on timeout.
    """
    out = path.parent / "docx"
    cmd = [office, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
           f"-env:UserInstallation={(path.parent / 'profile').as_uri()}",
           "--infilter=MS Word 97", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(path)]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError as e:
        return None, f"{office}: {e.strerror or e}"
    try:
        _, err = proc.communicate(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, f"{office} took over {CONVERT_SECONDS} s"
    result = out / (path.stem + ".docx")
    if proc.returncode == 0 and result.is_file():
        return result.read_bytes(), ""
    lines = [x for x in err.decode("utf-8", "replace").splitlines() if x.strip() and "javaldx" not in x]
    return None, f"{office}: {lines[0] if lines else 'no .docx made'}"


_ANTIWORD_ROW = re.compile(r"^\|(.*)\|\s*$")
_PARAGRAPH_END = tuple("。！？；：，、!?;:,")
_SHORT = 30


def _antiword_headings(text: str) -> str:
    """Headings whose numbering Word generated come out of antiword as bare short lines
    (总体要求, 1 推进……). A short paragraph that does not end a sentence is taken for a
    heading when something is set under it: text or another heading, not a table (a
    caption) and not more short lines (a signature and its date). docs/benchmarks.md
    measures it on Word 97 files made from the web-page fixtures."""
    lines = text.split("\n")
    filled = [i for i, x in enumerate(lines) if x.strip()]
    for k, i in enumerate(filled[1:-1], start=1):  # never the title, never the last line
        s, after = lines[i].strip(), lines[filled[k + 1]].strip()
        spaced = filled[k - 1] < i - 1 and filled[k + 1] > i + 1  # antiword separates paragraphs by a blank line
        if spaced and _bare_short(s) and parse_heading(s) is None and not _ANTIWORD_ROW.match(after) and (
                not _bare_short(after) or TOOL_NUMBER.match(after) or parse_heading(after) is not None):
            lines[i] = HEADING_MARK + s
    return "\n".join(lines)


def _bare_short(line: str) -> bool:
    return len(line) <= _SHORT and not line.endswith(_PARAGRAPH_END) and not _ANTIWORD_ROW.match(line)


def _antiword_tables(text: str) -> str:
    """antiword draws table rows as |cell   |cell   |: cells apart, as every reader writes a row."""
    lines = []
    for line in text.split("\n"):
        m = _ANTIWORD_ROW.match(line)
        lines.append(table_row([c.strip() for c in m.group(1).split("|")]) if m else line)
    return "\n".join(lines)


def _catdoc_text(text: str) -> str:
    """catdoc writes a field's code before its result (HYPERLINK "http://…" 教育部网站), which Word
    never shows: the code is left out. It parts a table's cells by tabs: lines of as many tabs in a
    row are a table's rows, cells apart as every reader writes them."""
    lines = [_FIELD_CODE.sub(" ", line) for line in text.split("\n")]
    tabs = [line.count("\t") for line in lines]
    for i, line in enumerate(lines):
        if tabs[i] and ((i and tabs[i - 1] == tabs[i]) or (i + 1 < len(lines) and tabs[i + 1] == tabs[i])):
            lines[i] = table_row([c.strip() for c in line.split("\t")])
    return "\n".join(lines)


# A Word field's code: its name, then its arguments (quoted text, \switches, a bookmark, a URL).
_FIELD_CODE = re.compile(
    r"[ \t]*(?<![A-Za-z0-9])(?:HYPERLINK|INCLUDEPICTURE|INCLUDETEXT|PAGEREF|NOTEREF|REF|TOC|SEQ|MERGEFIELD|PAGE|NUMPAGES|EMBED)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|\\[a-zA-Z*@#!](?:[ \t]+(?:MERGEFORMAT|CHARFORMAT|ARABIC|\"[^\"\n]*\"))?"
    r"|_[A-Za-z0-9_]+|[A-Za-z][A-Za-z0-9+.-]*://\S+))+[ \t]*")
