"""One file → its reports and sections: read → split → sections → metadata."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from indexer.ingest.files import read_file
from indexer.ingest.gongwen import (
    Gongwen,
    Unwrapped,
    doc_no_year,
    iso_date,
    issuers_from_title,
    official_title,
    read_parts,
    strip_provider_code,
    strip_site_suffix,
    unwrap,
)
from indexer.ingest.headings import is_page_mark
from indexer.ingest.markup import RenderBudget, render_markdown
from indexer.ingest.metadata import (
    doc_type_of,
    issuer_of,
    meta_year,
    opening_year,
    year_in,
)
from indexer.ingest.model import DocParts, ParsedFile, Report, Section, SourceText
from indexer.ingest.places import place_of
from indexer.ingest.sections import build_sections
from indexer.ingest.splitter import RawReport, split_reports
from indexer.text.normalize import simplified

# What parse_source makes of a file, as a number: raise it with any change to a reader or to the
# parse that gives an unchanged file other reports, sections or fields. The index records it, and a
# reindex over an index parsed by another version reads every file again (unchanged files are
# otherwise kept as they were parsed, and an upgrade would never reach them).
# 1: every index from before the number was recorded (its manifest has none).
# 2: Word tables as tables; a report with no text keeps an empty opening; a PDF heading's line runs
#    on into its wrapped body; a plain report's closing signature is read.
# 3: a 全国人民代表大会 resolution is issued by its session, not by the 国务院 its opening names.
PARSER = 3

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
    wrapper = unwrap(src.text)
    raws = split_reports(wrapper.text, layout)
    many = len(raws) > 1
    reports = []
    page = 1 if src.fmt == "pdf" else None
    notice: Report | None = None  # the report the next attached document came inside
    budget = RenderBudget()  # Markdown is rendered here, once, in bounded time
    for n, raw in enumerate(raws, start=1):
        report = _report(src, wrapper, raw, n, many, markdown, page, budget)
        if raw.attached and notice is not None:
            _attach(notice, report)
        else:
            notice = report
        reports.append(report)
        page = _last_page(raw.lines, page)
    warnings = list(src.warnings) + ([budget.warning()] if budget.warning() else [])
    return ParsedFile(src.path, reports, warnings, src.sha256)


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
    """A file's name as a title: without a leading year, a site's name or a provider's code."""
    stem = PurePosixPath(rel).stem
    return strip_site_suffix(strip_provider_code(_YEAR_PREFIX.sub("", stem)))


def _last_page(lines: list[str], page: int | None) -> int | None:
    """The page a PDF's next report starts on: the last page mark before it."""
    if page is None:
        return None
    return next((int(x[1:]) for x in reversed(lines) if is_page_mark(x)), page)


def _report(src: SourceText, wrapper: Unwrapped, raw: RawReport, n: int, many: bool, markdown: bool,
            page: int | None, budget: RenderBudget) -> Report:
    gw = read_parts(raw.lines, raw.title, wrapper.page_date)
    sections = build_sections(gw.lines, markdown, first_page=page)
    if src.fmt == "html":  # a web page's text is text: only its headings came as # lines (a<b, x*y*z stay)
        for s in sections:
            s.markdown = None
    elif markdown:
        sections = [_rendered(s, budget) for s in sections]
    title = _title(src, raw, many, n, gw)
    opening = sections[0].text if sections and sections[0].level == 0 else ""
    full_text = "\n".join(s.text for s in sections)
    is_law = any(s.heading.startswith("第") and s.heading.endswith("条") for s in sections[:50])
    meta = src.meta
    # a law's title (国务院关于…的决定) does not make it a 公文; its 文号 or 主送 would
    official = gw.official or (
        not is_law and official_title(title) and issuer_of(title, opening) is None)
    doc_type = (simplified(str(meta["doc_type"])) if meta.get("doc_type")
                else doc_type_of(title, is_law, official=official))
    read = {
        "doc_no": gw.doc_no,
        "date": gw.date,
        "issuers": gw.issuers or (issuers_from_title(title) if official or doc_type == "信息公开年报" else []),
        "parts": gw.parts,
    }
    fields = read | _declared(meta)  # what the front matter states wins over what was read
    # a bare printed title (政府工作报告) leaves the file's name to say whose report it is
    issuer = (fields.pop("issuer", None) or "、".join(fields["issuers"])
              or issuer_of(f"{title}\n{file_title(src.path)}", opening))
    where = place_of(issuer, title, full_text)
    return Report(
        doc_id=f"{src.path}~{n}" if many else src.path,
        title=title,
        year=_year(src, raw, title, opening, fields, doc_type, official),
        # declared labels in simplified, as the derived ones are: 工作總結 and 工作总结 are one facet
        doc_type=doc_type,
        region=simplified(str(meta["region"])) if meta.get("region") else where.region,
        place=fields.pop("place", None) or where.place,
        province=fields.pop("province", None) or where.province,
        issuer=issuer,
        source=src.path,
        number=n,
        source_url=str(meta["source_url"]) if meta.get("source_url") else wrapper.source_url,
        sections=sections,
        **fields,
    )


_PART_KEYS = ("addressee", "signature", "signed")


def _declared(meta: dict) -> dict:
    """The official-document fields a Markdown file's front matter states, as Report arguments:
    users label their own files, and tests set the fields without the parser reading them."""
    out: dict = {}
    issuers = meta.get("issuer")
    if issuers:
        out["issuers"] = [str(x).strip() for x in issuers] if isinstance(issuers, list) else [str(issuers).strip()]
        out["issuer"] = "、".join(out["issuers"])
    for key in ("doc_no", "place", "province", "parent"):
        if meta.get(key):
            out[key] = str(meta[key]).strip()
    stated = str(meta.get("date") or "").strip()  # YAML reads 2016-06-07 as a date: str() gives it back
    date = stated if re.fullmatch(r"\d{4}", stated) else iso_date(stated)  # 2016 alone is a date in a label
    if date:
        out["date"] = date
    attachments = meta.get("attachments") or []
    parts = {k: str(meta[k]).strip() for k in _PART_KEYS if meta.get(k)}
    if attachments or parts:
        listed = attachments if isinstance(attachments, list) else [attachments]
        out["parts"] = DocParts(attachments=[str(a).strip() for a in listed], **parts)
    return out


def _rendered(s: Section, budget: RenderBudget) -> Section:
    """A Markdown section's text as a reader sees it, and the HTML its page shows."""
    r = render_markdown(s.markdown or "", budget)
    s.text, s.html = r.text, r.html
    return s


def _title(src: SourceText, raw: RawReport, many: bool, n: int, gw: Gongwen) -> str:
    """The title as printed; the file's name only when the document has none."""
    many = many and not raw.issuing  # a notice and the documents it issues are not several reports
    if src.meta.get("title") and not many:
        return strip_site_suffix(str(src.meta["title"]).strip())
    if gw.title and not raw.title_from_page:
        return gw.title
    if raw.title:
        return raw.title
    from_file = file_title(src.path)
    return f"{from_file}（第{n}篇）" if many else from_file


def _year(src: SourceText, raw: RawReport, title: str, opening: str, fields: dict, doc_type: str,
          official: bool) -> int | None:
    """The meta's year or its date's; for a 年报 or 工作总结 the year reported on (file name, title,
    opening); for an official document the 成文日期's, else its own 文号's (never a cited one's)."""
    if "year" in src.meta:
        return meta_year(src.meta["year"])
    date = fields.get("date")
    if date and src.meta.get("date"):  # a declared date says the year
        return int(date[:4])
    if official and doc_type not in _REPORTED_ON:
        y = int(date[:4]) if date else doc_no_year(fields.get("doc_no"))
        if y is not None:
            return y
    y = year_in(PurePosixPath(src.path).stem)
    if y is None and not raw.title_from_page:
        y = year_in(title)
    if y is None and date:
        y = int(date[:4])
    return y if y is not None else opening_year(opening)


# reports whose year is the year they report on, not the day they were written
_REPORTED_ON = frozenset({"信息公开年报", "工作总结"})
