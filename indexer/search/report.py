"""One report as a reader opens it: metadata (文号, issuer, date, place), table of contents, sections
with the query marked, the parts of an official document around them (signature, 成文日期, 附件, the
notice it was issued in), for the report page and its JSON twin."""

from __future__ import annotations

import html
import re
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser

from indexer.ingest.headings import TABLE_CELLS, row_cells
from indexer.ingest.model import DocParts
from indexer.search.limits import REPORT_MARKS
from indexer.search.mentions import mention_needles
from indexer.search.occurrences import parse_at
from indexer.search.parser import parse_query
from indexer.search.proximity import line_breaks
from indexer.search.results import doc_url, report_fields
from indexer.search.snippet import Needle, in_text, mark, merge_spans, nth_span, query_marks, window_spans
from indexer.search.versions import SeriesLinks, series_links
from indexer.store.reader import IndexReader
from indexer.text.normalize import fold, fold_text


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
class Linked:
    """A document named on the page (the notice it came in, an attachment), linked when it is indexed."""

    title: str
    url: str | None = None


@dataclass
class Marks:
    """Which occurrences of the query a report page marks: at most `per_page`, from the `first` on (counted
    from 1 in reading order: the title, then each section's heading and text), and how many it holds in all,
    so a report with 100,000 says so and links to the next ones instead of "500 marked"."""

    first: int = 1
    per_page: int = REPORT_MARKS
    marked: int = 0
    total: int = 0

    @property
    def last(self) -> int:
        return self.first + self.marked - 1

    @property
    def next(self) -> int | None:
        """Where the next page of marks starts, when there are more."""
        start = self.first + self.per_page
        return start if start <= self.total else None

    @property
    def previous(self) -> int | None:
        return max(1, self.first - self.per_page) if self.first > 1 else None

    def spans(self, text: str, needles: list[Needle], more: list[tuple[int, int]] = ()
              ) -> tuple[list[tuple[int, int]], tuple[int, str] | None]:
        """The spans of a piece of text (read next in order) that this page marks, counting all it holds;
        and, past the first page, where its first marked one starts with its id (anchor(first))."""
        seen = self.total
        skip = max(0, self.first - 1 - seen)
        room = max(0, self.first - 1 + self.per_page - max(seen, self.first - 1))
        spans, n = window_spans(text, needles, skip, room, more)
        self.total += n
        self.marked += len(spans)
        first = spans and seen < self.first and self.first > 1
        return spans, (spans[0][0], anchor(self.first)) if first else None


def anchor(n: int) -> str:
    """Where a link to the page of marks starting at the n-th occurrence lands: its mark (#m501), or the
    top of the report for the first page."""
    return f"m{n}" if n > 1 else "top-of-report"


@dataclass
class ReportView:
    doc_id: str
    title: str
    title_html: str
    year: int | None
    doc_type: str
    doc_no: str | None
    date: str | None
    issuer: str | None
    issuers: list[str]
    place: str | None
    region: str | None
    province: str | None
    source: str
    source_url: str | None
    parts: DocParts = field(default_factory=DocParts)
    parent: Linked | None = None  # the notice that issued this document (印发通知)
    attachments: list[Linked] = field(default_factory=list)  # 附件: those named and those issued inside it
    sections: list[SectionView] = field(default_factory=list)
    marks: int = 0  # how many query occurrences were marked
    mark_window: Marks = field(default_factory=Marks)  # which of the query's occurrences are marked, of how many
    series: SeriesLinks | None = None  # its versions in other years (the year before and after), if any
    q: str | None = None  # the query marked, if any

    @property
    def date_shown(self) -> str | None:
        """The date as a reader writes it: 2016年6月7日, 2016年6月."""
        if not self.date:
            return None
        parts = [int(x) for x in self.date.split("-") if x.isdigit()]
        return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日", strict=False))

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id, "title": self.title, "year": self.year, "doc_type": self.doc_type,
            "doc_no": self.doc_no, "date": self.date, "issuer": self.issuer, "issuers": self.issuers,
            "place": self.place, "region": self.region, "province": self.province,
            "source": self.source, "source_url": self.source_url, "url": doc_url(self.doc_id),
            "parts": asdict(self.parts), "parent": asdict(self.parent) if self.parent else None,
            "attachments": [asdict(a) for a in self.attachments],
            "series": self.series.to_dict() if self.series else None,
            "sections": [{"section_id": s.section_id, "level": s.level, "heading": s.heading,
                          "heading_path": s.heading_path, "text": s.text, "url": s.url,
                          **({"heading_html": s.heading_html, "body_html": s.body_html} if self.q else {})}
                         for s in self.sections],
            "q": self.q, "marks": self.marks,  # with a query, the HTML the page shows, occurrences in <mark>
            **({"title_html": self.title_html, "occurrences": self.mark_window.total,
                "marks_from": self.mark_window.first} if self.q else {}),  # marks: those from marks_from on, 500 at most
        }


# the mark a link points to: (section id, part, needle, ordinal), see occurrences.parse_at
_Target = tuple[str, str, Needle, int]
AT_ANCHOR = '<span id="at"></span>'  # where a link to an occurrence lands when the text no longer holds it


def get_report(reader: IndexReader, doc_id: str, q: str | None = None, at: str | None = None,
               within: str | None = None, marks_from: int = 1) -> ReportView | None:
    """The report with the query marked (and the search form's 同句/同段, within): REPORT_MARKS of its
    occurrences, from the marks_from-th on; `at` (from a concordance line: s3-2.b0.4) names one
    occurrence, marked apart with id "at" so that the page opens on it."""
    i = reader.report_index(doc_id)
    if i is None:
        return None
    row = reader.catalog.reports[i]
    parsed = parse_query(q, within) if q else None
    title_needles = query_marks(parsed) if parsed else []  # title: strings marked in the title only
    needles = in_text(title_needles)
    target = _target(parsed, at)
    view = ReportView(doc_id=row.doc_id, title=row.title, title_html="", year=row.year, doc_type=row.doc_type,
                      **report_fields(row), source=row.source, source_url=row.source_url,
                      parts=DocParts(**row.parts), parent=_parent(reader, row.parent),
                      attachments=_attachments(reader, row.doc_id, row.parts.get("attachments") or []),
                      series=series_links(reader, i), q=q or None, mark_window=Marks(first=max(1, marks_from)))
    marks = view.mark_window
    sections = reader.report_sections(i)
    first = sections[0]["section_id"] if sections else None
    view.title_html, found = _marked(row.title, title_needles, marks, _pick(target, first, "title"))
    if target and target[1] == "title" and not found:
        view.title_html = AT_ANCHOR + view.title_html
    for s in sections:
        heading = s.get("heading") or ""
        heading_html, in_heading = _marked(heading, needles, marks, _pick(target, s["section_id"], "heading"))
        body_html, in_body = _body(s, needles, marks, _pick(target, s["section_id"], "body"))
        if target and target[0] == s["section_id"] and target[1] != "title" and not (in_heading or in_body):
            body_html = AT_ANCHOR + body_html
        view.sections.append(SectionView(section_id=s["section_id"], level=s["level"], heading=heading,
                                         heading_path=list(s.get("heading_path") or []), text=s.get("text") or "",
                                         heading_html=heading_html, body_html=body_html,
                                         url=doc_url(row.doc_id, s["section_id"])))
    view.marks = marks.marked
    return view


def _parent(reader: IndexReader, doc_id: str | None) -> Linked | None:
    if not doc_id:
        return None
    i = reader.report_index(doc_id)
    return Linked(doc_id) if i is None else Linked(reader.catalog.reports[i].title, doc_url(doc_id))


def _attachments(reader: IndexReader, doc_id: str, named: list[str]) -> list[Linked]:
    """The 附件 the notice names, each linked to the indexed report issued inside it that bears its name,
    then any other report issued inside it."""
    children = [r for i, r in enumerate(reader.catalog.reports) if r.parent == doc_id and reader.report_live[i]]
    out = []
    for name in named:
        key = _bare(name)
        child = next((c for c in children if key and _bare(c.title) and (key in _bare(c.title) or _bare(c.title) in key)),
                     None)
        if child is not None:
            children.remove(child)
        out.append(Linked(name, doc_url(child.doc_id) if child else None))
    return out + [Linked(c.title, doc_url(c.doc_id)) for c in children]


def _bare(title: str) -> str:
    """A title to compare with an attachment's name: folded, without spaces, quotes or 附件1．"""
    return re.sub(r"^附件\s*\d*\s*[:：.．、]?|[\s《》“”\"]", "", fold_text(title))


def _target(parsed, at: str | None) -> _Target | None:
    ref = parse_at(at) if parsed is not None else None
    if ref is None:
        return None
    needles = mention_needles(parsed)
    section_id, part, needle, ordinal = ref
    return (section_id, part, needles[needle], ordinal) if needle < len(needles) else None


def _pick(target: _Target | None, section_id: str | None, part: str) -> tuple[Needle, int] | None:
    """The (needle, ordinal) to mark apart in this part of this section, if the link names it."""
    if target is None or target[1] != part or (part != "title" and target[0] != section_id):
        return None
    return target[2], target[3]


def _spans(text: str, needles: list[Needle], marks: Marks, pick: tuple[Needle, int] | None,
           more: list[tuple[int, int]] = ()):
    """(spans to mark, where the picked occurrence starts or None, where the page's first mark starts and
    its id or None); more: spans found otherwise."""
    spans, first = marks.spans(text, needles, more)
    found = nth_span(text, *pick) if pick else None
    if found:
        spans = merge_spans(spans + [found])
    return spans, found[0] if found else None, first


def _marked(text: str, needles: list[Needle], marks: Marks, pick: tuple[Needle, int] | None = None
            ) -> tuple[str, bool]:
    spans, at, first = _spans(text, needles, marks, pick)
    return mark(text, spans, at=at, anchor=first), at is not None


def _body(stored: dict, needles: list[Needle], marks: Marks, pick: tuple[Needle, int] | None = None
          ) -> tuple[str, bool]:
    if stored.get("html") is not None:  # Markdown, rendered and sanitised when the file was indexed
        out, at = _mark_html(stored["html"], needles, marks, pick, stored.get("text"))
        return out, at
    # spans found on the whole text: an occurrence wrapped over two lines (防⏎溺水) is marked in both
    text = stored.get("text") or ""
    spans, at, first = _spans(text, needles, marks, pick)
    parts: list[str] = []
    rows: list[str] = []  # a table's rows so far: the lines a reader wrote as | 项目 | 2020年 |
    pos = 0
    for para in text.split("\n"):
        cells = row_cells(para)
        if cells is not None:
            rows.append("<tr>" + "".join(f"<td>{mark(text, spans, a, b, at, first)}</td>"
                                         for a, b in _cell_spans(pos, cells)) + "</tr>")
        else:
            if rows:
                parts.append(f"<table><tbody>{''.join(rows)}</tbody></table>")
                rows = []
            if para.strip():
                parts.append(f"<p>{mark(text, spans, pos, pos + len(para), at, first)}</p>")
        pos += len(para) + 1
    if rows:
        parts.append(f"<table><tbody>{''.join(rows)}</tbody></table>")
    return "".join(parts), at is not None


def _cell_spans(start: int, cells: list[str]) -> list[tuple[int, int]]:
    """Where each cell of a row line starting at start lies in the text (table_row's layout)."""
    out, pos = [], start + 2
    for cell in cells:
        out.append((pos, pos + len(cell)))
        pos += len(cell) + len(TABLE_CELLS)
    return out


def mark_html(markup: str, needles: list[Needle], written: str | None = None) -> tuple[str, int]:
    """Mark needles in the text nodes of already-sanitised HTML, parsed as HTML: tags and attributes
    are written back from the parse, every text node escaped, so text can never become markup.
    written: the section's text, whose lines decide where a proximity condition holds. Returns the
    HTML and how many it marked (a page's worth at most)."""
    marks = Marks()
    out, _ = _mark_html(markup, needles, marks, None, written)
    return out, marks.marked


def _mark_html(markup: str, needles: list[Needle], marks: Marks, pick: tuple[Needle, int] | None,
               written: str | None = None) -> tuple[str, bool]:
    """mark_html, and the picked occurrence marked apart: (HTML, whether it was found)."""
    if not needles and not pick:
        return markup, False
    nodes = _Nodes()
    nodes.feed(markup)
    nodes.close()
    # 防**溺水** is one occurrence, marked on both sides; a table's cells are apart, as in the text matched
    whole = "".join(t if kind == "text" else _CELL_EDGE for kind, t in nodes.out if kind != "tag")
    held = [n for n in needles if n.near] if written is not None else []
    spans, at, first = _spans(whole, [n for n in needles if n not in held], marks, pick,
                              [s for h in held for s in _carried_over(h, written, whole)])
    out, pos = [], 0
    for kind, piece in nodes.out:
        if kind == "text":
            out.append(mark(whole, spans, pos, pos + len(piece), at, first))
            pos += len(piece)
        else:
            out.append(piece)
            pos += len(_CELL_EDGE) if kind == "cell" else 0
    return "".join(out), at is not None


def _carried_over(needle: Needle, written: str, shown: str) -> list[tuple[int, int]]:
    """Where a string of proximity conditions is marked in `shown`, the text of a Markdown section's HTML,
    decided on `written`, its text, whose lines the conditions were matched on: the string's k-th
    occurrence in one is its k-th in the other. Where it occurs a different number of times in the
    two, it is decided on `shown` itself (its line breaks are the markup's)."""
    fw, fs = fold(written), fold(shown)
    in_written = [m.span() for m in needle.pattern().finditer(fw.text)]
    in_shown = [m.span() for m in needle.pattern().finditer(fs.text)]
    if len(in_written) != len(in_shown):
        return [fs.orig_span(a, b) for a, b in sorted(needle.held(fs.text, lambda: line_breaks(fs, shown)))]
    wanted = needle.held(fw.text, lambda: line_breaks(fw, written))
    return [fs.orig_span(*s) for s, w in zip(in_shown, in_written, strict=True) if w in wanted]


_CELL_EDGE = "\x00"  # where a cell starts or ends, in the text marks are found on: nothing a query holds


_CELLS = ("td", "th")


class _Nodes(HTMLParser):
    """HTML as ("tag" or "cell", markup written back from the parse) and ("text", unescaped text) in
    order; "cell" for the tags that open and close a table's cell."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(("cell" if tag in _CELLS else "tag", f"<{tag}{_attrs(attrs)}>"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(("tag", f"<{tag}{_attrs(attrs)} />"))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(("cell" if tag in _CELLS else "tag", f"</{tag}>"))

    def handle_data(self, data: str) -> None:
        self.out.append(("text", data))


def _attrs(attrs: list[tuple[str, str | None]]) -> str:
    return "".join(f" {k}" if v is None else f' {k}="{html.escape(v)}"' for k, v in attrs)
