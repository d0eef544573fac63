"""File → text. Decoding, front matter and HTML are dealt with here, so that
everything downstream sees plain lines of text with Markdown-style headings.
Text files copied out of web pages keep HTML entities (&quot; &amp;); they are
decoded here, so that a heading is not cut at the entity's semicolon.

A file is opened without blocking and used only if it is a regular file once open (a FIFO
swapped in mid-run would hang the reindex), read up to MAX_BYTES, and PDF and Word files are
turned into text under a budget of time and memory in a child process of their own (budget.py).
A UTF-8 file with a few bad bytes is read with them replaced, and says how many."""

from __future__ import annotations

import codecs
import functools
import hashlib
import html
import importlib
import os
import re
import stat
from pathlib import Path

import yaml

from indexer.ingest.budget import FILE_BUDGET, Budget, within
from indexer.ingest.errors import Unreadable, mib
from indexer.ingest.model import SourceText
from indexer.ingest.webpage import page_to_text
from indexer.text.normalize import t2s_chars

SUPPORTED = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
    ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".wps": "doc",
}
# What `parse` and `reindex` say they read.
FORMATS = "文本 .txt .text · Markdown .md .markdown · 网页 .html .htm · PDF .pdf · Word .docx .doc .wps"
BINARY = {"pdf", "docx", "doc"}  # formats with their own reader (pdf.py, word.py)
# what a Markdown file may declare of itself; parse.py reads them (issuer and attachments may be lists)
META_KEYS = ("title", "year", "region", "doc_type", "issuer", "source_url", "doc_no", "date", "place", "province",
             "parent", "addressee", "attachments", "signature", "signed")
MAX_BYTES = 16 * 1024 * 1024  # a report is never this big; a bigger file is most likely not a report


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED and not path.name.startswith(".")


def read_file(path: Path, rel: str, budget: Budget | None = None) -> SourceText:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO opens at once, unread
    except FileNotFoundError:
        raise Unreadable("vanished", "file vanished before it could be read") from None
    except OSError as e:
        raise Unreadable("cannot_read", f"cannot read: {e.strerror or e}") from None
    try:
        st = os.fstat(fd)  # the file opened, not whatever the name pointed at when it was scanned
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("not_regular_file", "not a regular file (a FIFO, device or folder)")
        if st.st_size > MAX_BYTES:  # say so without reading it
            raise _too_large(st.st_size)
        data = _read_at_most(fd, MAX_BYTES + 1)
    except OSError as e:
        raise Unreadable("cannot_read", f"cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    return read_bytes(data, rel, SUPPORTED.get(path.suffix.lower(), "txt"), budget)


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to `limit` bytes: a file growing while it is read is still read only so far."""
    chunks, left = [], limit
    while left > 0 and (chunk := os.read(fd, min(left, 1 << 20))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_bytes(data: bytes, rel: str, fmt: str, budget: Budget | None = None) -> SourceText:
    """The file's text; a PDF or Word file is read under `budget` (FILE_BUDGET unless given)."""
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    if fmt in BINARY:
        return _read_document(data, rel, fmt, budget)
    text, encoding, warnings = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta: dict = {}
    if fmt == "md":
        text, meta, w = split_front_matter(text)
        warnings += w
    elif fmt == "html":
        text, meta = page_to_text(text)
    elif fmt == "txt":
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    if not text.strip():
        raise Unreadable("no_text", "no text") if data.strip() else Unreadable("empty", "empty file")
    return SourceText(rel, text, encoding, fmt, meta, warnings, hashlib.sha256(data).hexdigest())


_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")  # with its ; only


def _too_large(size: int) -> Unreadable:
    mb, limit = mib(size), mib(MAX_BYTES)
    return Unreadable("too_large", f"too large: {mb} MiB, the limit is {limit} MiB (split it into reports)",
                      {"size": mb, "limit": limit})


def _read_document(data: bytes, rel: str, fmt: str, budget: Budget | None) -> SourceText:
    if not data.strip():
        raise Unreadable("empty", "empty file")
    if fmt == "doc" and _is_web_page(data):
        return read_bytes(data, rel, "html")  # sites serve HTML saved as .doc
    for library in _LIBRARIES[fmt]:  # loaded once, here, rather than in each file's child and on its budget
        importlib.import_module(library)
    (text, meta, warnings, layout), _ = within(budget or FILE_BUDGET, document_to_text, data, fmt)
    if not text.strip():
        raise Unreadable("no_text", "no text")
    return SourceText(rel, text, fmt, layout, meta, warnings, hashlib.sha256(data).hexdigest())


_LIBRARIES = {"pdf": ("pypdfium2",), "docx": ("docx",), "doc": ("docx",)}


def document_to_text(data: bytes, fmt: str) -> tuple[str, dict, list[str], str]:
    """A PDF or Word file's (text, metadata, warnings, layout), layout being how its text is laid out."""
    if fmt == "pdf":
        from indexer.ingest.pdf import pdf_to_text

        return (*pdf_to_text(data), fmt)
    if fmt == "docx":
        from indexer.ingest.word import docx_to_text

        return (*docx_to_text(data), fmt)
    from indexer.ingest.word import doc_to_text

    return doc_to_text(data)  # through LibreOffice, laid out as a .docx


def _is_web_page(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<html", b"<!doctype html", b"<?xml", b"<meta")) or b"<html" in head


# --- decoding ---------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]")


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Bytes → (text, encoding, warnings); raises Unreadable for binary data."""
    if not data.strip():
        raise Unreadable("empty", "empty file")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc, []
            except UnicodeDecodeError as e:
                raise Unreadable("bad_bom", f"starts with a {enc} byte-order mark but is not valid {enc}: {e.reason}",
                                 {"encoding": enc}) from None
    if b"\x00" in data[:8192]:
        raise Unreadable("binary", "binary file (NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3:
            text = data[: e.start].decode("utf-8")
            return text, "utf-8", [f"truncated UTF-8: the last {len(data) - e.start} byte(s) were dropped"]
    decoded = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            decoded.append((_common_share(text), enc, text))
    if decoded:  # Big5 bytes decode as GB18030 too, as rare characters: keep the reading made of common ones
        _, enc, text = max(decoded, key=lambda d: d[0])  # first (gb18030) on a tie
        return text, enc, []
    return _mended_utf8(data) or _decode_detected(data)


MAX_REPLACED = 0.01  # share of a file's bytes that may be neither UTF-8 nor GB18030 for it to be read


def _mended_utf8(data: bytes) -> tuple[str, str, list[str]] | None:
    """Nearly all UTF-8: a line in GB18030 (a file pasted together from both) is read as such, other
    bytes that are not UTF-8 become U+FFFD, and the warnings say how many; None unless nearly all
    of the file is read."""
    out, replaced, gb_lines = [], 0, 0
    for line in data.split(b"\n"):
        try:
            out.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        try:
            gb = line.decode("gb18030")
        except UnicodeDecodeError:
            gb = None
        if gb is not None and _common_share(gb) >= 0.8:  # UTF-8 read as GB18030 is mostly rare characters
            out.append(gb)
            gb_lines += 1
            continue
        mended = line.decode("utf-8", "replace")
        replaced += len(line) - len(mended.replace("\ufffd", "").encode("utf-8"))
        out.append(mended)
    text = "\n".join(out)
    if replaced > len(data) * MAX_REPLACED or not _looks_like_text(text):
        return None
    warnings = []
    if gb_lines:
        warnings.append(f"{gb_lines} line(s) in GB18030 among the UTF-8 were read as GB18030")
    if replaced:
        warnings.append(f"{replaced} byte(s) that are not UTF-8 were replaced with U+FFFD")
    return text, "utf-8", warnings


@functools.cache
def _common_hanzi() -> frozenset[str]:
    """GB2312's 3,755 level-1 characters (the common ones) and their traditional forms."""
    level1 = {bytes([hi, lo]).decode("gb2312", "ignore") for hi in range(0xB0, 0xD8) for lo in range(0xA1, 0xFF)}
    level1.discard("")
    return frozenset(level1 | {t for t, s in t2s_chars().items() if s in level1})


def _common_share(text: str) -> float:
    han = [c for c in text[:20000] if "\u4e00" <= c <= "\u9fff" or "\ue000" <= c <= "\uf8ff"]
    common = _common_hanzi()
    return sum(c in common for c in han) / len(han) if han else 0.0


def _decode_detected(data: bytes) -> tuple[str, str, list[str]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise Unreadable("undecodable", "not text in any known encoding (binary or corrupt)")
    return str(best), best.encoding, []


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    return control / len(sample) < 0.01


# --- Markdown front matter ----------------------------------------------------

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[str, dict, list[str]]:
    text = text.lstrip("\ufeff")
    m = _FRONT.match(text)
    if not m:
        return text, {}, []
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError as e:
        return text, {}, [f"front matter ignored: not valid YAML ({str(e).splitlines()[0]})"]
    if not isinstance(data, dict):
        return text, {}, ["front matter ignored: not a mapping"]
    meta = {k: data[k] for k in META_KEYS if data.get(k) not in (None, "")}
    # keep line numbers meaningful: the front matter becomes blank lines
    return "\n" * m.group(0).count("\n") + text[m.end():], meta, []
