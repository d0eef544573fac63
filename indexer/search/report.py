"""One report as a reader opens it: metadata, table of contents, sections with
the query marked, for the report page and its JSON twin."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from indexer.ingest.markup import md_to_html
from indexer.search.parser import parse_query
from indexer.search.results import doc_url
from indexer.search.snippet import Needle, find_spans, mark
from indexer.store.reader import IndexReader


@dataclass
class SectionView:
    section_id: str
    level: int
    heading: str
    heading_path: list[str]
    text: str
    heading_html: str  # escaped, query marked
    body_html: str  # paragraphs (or sanitised Markdown), query marked
    url: str


@dataclass
class ReportView:
    doc_id: str
    title: str
    title_html: str
    year: int | None
    doc_type: str
    region: str | None
    issuer: str | None
    source: str
    source_url: str | None
    sections: list[SectionView] = field(default_factory=list)
    marks: int = 0  # how many query occurrences were marked

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id, "title": self.title, "year": self.year, "doc_type": self.doc_type,
            "region": self.region, "issuer": self.issuer, "source": self.source, "source_url": self.source_url,
            "url": doc_url(self.doc_id),
            "sections": [{"section_id": s.section_id, "level": s.level, "heading": s.heading,
                          "heading_path": s.heading_path, "text": s.text, "url": s.url} for s in self.sections],
        }


def get_report(reader: IndexReader, doc_id: str, q: str | None = None) -> ReportView | None:
    i = reader.report_index(doc_id)
    if i is None:
        return None
    row = reader.catalog.reports[i]
    parsed = parse_query(q) if q else None
    needles = [Needle(t.text, t.prefix) for t in parsed.positive_terms()] if parsed else []
    title_needles = needles + [Needle(t.text, t.prefix) for t in parsed.title_terms()] if parsed else []
    view = ReportView(doc_id=row.doc_id, title=row.title, title_html="", year=row.year, doc_type=row.doc_type,
                      region=row.region, issuer=row.issuer, source=row.source, source_url=row.source_url)
    view.title_html, n = _marked(row.title, title_needles)  # title:… terms are marked where they matched
    view.marks += n
    for s in reader.report_sections(i):
        heading = s.get("heading") or ""
        heading_html, nh = _marked(heading, needles)
        body_html, nb = _body(s, needles)
        view.marks += nh + nb
        view.sections.append(SectionView(section_id=s["section_id"], level=s["level"], heading=heading,
                                         heading_path=list(s.get("heading_path") or []), text=s.get("text") or "",
                                         heading_html=heading_html, body_html=body_html,
                                         url=doc_url(row.doc_id, s["section_id"])))
    return view


def _marked(text: str, needles: list[Needle]) -> tuple[str, int]:
    spans = find_spans(text, needles)
    return mark(text, spans), len(spans)


def _body(stored: dict, needles: list[Needle]) -> tuple[str, int]:
    if stored.get("markdown"):
        return mark_html(md_to_html(stored["markdown"]), needles)
    # spans found on the whole text: an occurrence wrapped over two lines (防⏎溺水) is marked in both
    text = stored.get("text") or ""
    spans = find_spans(text, needles)
    parts, pos = [], 0
    for para in text.split("\n"):
        if para.strip():
            parts.append(f"<p>{mark(text, spans, pos, pos + len(para))}</p>")
        pos += len(para) + 1
    return "".join(parts), len(spans)


_TAG = re.compile(r"(<[^>]*>)")


def mark_html(markup: str, needles: list[Needle]) -> tuple[str, int]:
    """Mark needles in the text between tags of already-sanitised HTML."""
    if not needles:
        return markup, 0
    pieces = _TAG.split(markup)
    texts = ["" if p.startswith("<") else html.unescape(p) for p in pieces]
    whole = "".join(texts)  # as matching sees it: 防**溺水** is one occurrence, marked on both sides of the tag
    spans = find_spans(whole, needles)
    out, pos = [], 0
    for piece, text in zip(pieces, texts, strict=True):
        out.append(piece if piece.startswith("<") else mark(whole, spans, pos, pos + len(text)))
        pos += len(text)
    return "".join(out), len(spans)
