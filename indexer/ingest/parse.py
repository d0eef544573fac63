"""One file → its reports and sections: read → split → sections → metadata."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from indexer.ingest.files import read_file
from indexer.ingest.headings import is_page_mark
from indexer.ingest.markup import md_to_text
from indexer.ingest.metadata import (
    doc_type_of,
    issuer_of,
    meta_year,
    opening_year,
    region_of,
    year_in,
)
from indexer.ingest.model import ParsedFile, Report, Section, SourceText
from indexer.ingest.sections import build_sections
from indexer.ingest.splitter import RawReport, split_reports
from indexer.text.normalize import simplified

_YEAR_PREFIX = re.compile(r"^\d{4}[_\-\s]+(?=\S)")


def parse_path(path: Path, root: Path | None = None) -> ParsedFile:
    """Read and parse one file; raises reader.Unreadable with the reason."""
    rel = path.relative_to(root).as_posix() if root else path.name
    return parse_source(read_file(path, rel))


# How each format's text is laid out: Markdown-style headings, or plain lines as in a .txt file.
_LAYOUT = {"md": "md", "html": "md", "docx": "md", "txt": "txt", "pdf": "txt", "doc": "txt"}


def parse_source(src: SourceText) -> ParsedFile:
    layout = _LAYOUT.get(src.fmt, "txt")
    markdown = layout == "md"
    raws = split_reports(src.text, layout)
    many = len(raws) > 1
    reports = []
    page = 1 if src.fmt == "pdf" else None
    notice: Report | None = None  # the report the next attached document came inside
    for n, raw in enumerate(raws, start=1):
        report = _report(src, raw, n, many, markdown, page)
        if raw.attached and notice is not None:
            _attach(notice, report)
        else:
            notice = report
        reports.append(report)
        page = _last_page(raw.lines, page)
    return ParsedFile(src.path, reports, list(src.warnings), src.sha256)


def _attach(notice: Report, document: Report) -> None:
    """Link a document to the notice it was issued in; the notice names it among its attachments
    unless its 附件说明 already does."""
    document.parent = notice.doc_id
    if document.year is None:  # issued with the notice, in its year
        document.year, document.date = notice.year, document.date or notice.date
    name = document.title.strip("《》")
    if not any(name in a or a.strip("《》") in name for a in notice.parts.attachments):
        notice.parts.attachments.append(document.title)


def file_title(rel: str) -> str:
    stem = PurePosixPath(rel).stem
    return _YEAR_PREFIX.sub("", stem)


def _last_page(lines: list[str], page: int | None) -> int | None:
    """The page a PDF's next report starts on: the last page mark before it."""
    if page is None:
        return None
    return next((int(x[1:]) for x in reversed(lines) if is_page_mark(x)), page)


def _report(src: SourceText, raw: RawReport, n: int, many: bool, markdown: bool, page: int | None) -> Report:
    sections = build_sections(raw.lines, markdown, first_page=page)
    if markdown:
        sections = [_plain(s) for s in sections]
    title = _title(src, raw, many, n)
    opening = sections[0].text if sections and sections[0].level == 0 else ""
    full_text = "\n".join(s.text for s in sections)
    is_law = any(s.heading.startswith("第") and s.heading.endswith("条") for s in sections[:50])
    meta = src.meta
    return Report(
        doc_id=f"{src.path}~{n}" if many else src.path,
        title=title,
        year=_year(src, raw, title, opening),
        # declared labels in simplified, as the derived ones are: 工作總結 and 工作总结 are one facet
        doc_type=simplified(str(meta["doc_type"])) if meta.get("doc_type") else doc_type_of(title, is_law),
        region=simplified(str(meta["region"])) if meta.get("region") else region_of(title, title + "\n" + full_text[:3000]),
        issuer=str(meta["issuer"]) if meta.get("issuer") else issuer_of(title, opening),
        source=src.path,
        number=n,
        source_url=str(meta["source_url"]) if meta.get("source_url") else None,
        sections=sections,
    )


def _plain(s: Section) -> Section:
    s.text = md_to_text(s.markdown or "")
    return s


def _title(src: SourceText, raw: RawReport, many: bool, n: int) -> str:
    many = many and not raw.issuing  # a notice and the documents it issues are not several reports
    if src.meta.get("title") and not many:
        return str(src.meta["title"]).strip()
    from_file = file_title(src.path)
    if raw.title:
        # a bare 政府工作报告 says less than the file name 2024年…政府工作报告
        generic = year_in(raw.title) is None and from_file.endswith(raw.title) and year_in(from_file)
        if generic and not many and not raw.title_from_page:
            return from_file
        return raw.title
    return f"{from_file}（第{n}篇）" if many else from_file


def _year(src: SourceText, raw: RawReport, title: str, opening: str) -> int | None:
    if "year" in src.meta:
        return meta_year(src.meta["year"])
    y = year_in(PurePosixPath(src.path).stem)
    if y is None and not raw.title_from_page:
        y = year_in(title)
    return y if y is not None else opening_year(opening)
