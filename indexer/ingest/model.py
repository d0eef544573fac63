"""Plain data passed between the pipeline steps (read → split → sections → index)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from indexer.ingest.errors import Unreadable, message


@dataclass
class SourceText:
    """A file decoded to text, with whatever metadata the file itself declared."""

    path: str  # relative to the corpus root, POSIX separators
    text: str
    encoding: str
    fmt: str  # "txt" | "md" | "html" | "pdf" | "docx" | "doc"
    meta: dict = field(default_factory=dict)  # front matter / <title>
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""  # of the bytes read: what reindexing compares


@dataclass
class Section:
    section_id: str
    level: int
    heading: str
    heading_path: list[str]
    text: str
    markdown: str | None = None  # the Markdown source, where the file was Markdown
    page: int | None = None  # the page it starts on, where the file has pages (PDF)
    html: str | None = None  # the Markdown rendered and sanitised, for display (rendered once, at index time)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("markdown")
        d.pop("html")
        if d["page"] is None:
            d.pop("page")
        return d


@dataclass
class ReportMeta:
    """What is known of a report as a whole; shared by the parser's Report and the index's rows."""

    doc_id: str
    title: str
    year: int | None
    doc_type: str
    region: str | None
    issuer: str | None
    source: str
    source_url: str | None = None
    doc_no: str | None = None  # its own 发文字号 (沪府办发〔2016〕24号), never one it cites
    date: str | None = None  # 成文日期 as ISO YYYY-MM-DD, or YYYY-MM / YYYY when that is all that is stated
    issuers: list[str] = field(default_factory=list)  # every 发文机关 of a joint document; issuer joins them with 、
    place: str | None = None  # the issuer's place from province down (江苏省淮安市洪泽区); None for central bodies
    province: str | None = None  # the province-level division of place (江苏省), what region:江苏 asks for
    parent: str | None = None  # doc_id of the notice that issues (印发/转发) this document, when it came inside one


@dataclass
class DocParts:
    """The parts of an official document (GB/T 9704) around its body: shown on the report's page
    (the signature and date under the text, as printed), never sections of their own."""

    addressee: str | None = None  # 主送机关
    attachments: list[str] = field(default_factory=list)  # 附件说明: the attached documents' names
    signature: str | None = None  # 发文机关署名
    signed: str | None = None  # 成文日期 as printed (二〇一六年六月七日)
    notes: str | None = None  # 附注
    record: str | None = None  # 版记: 抄送, 印发机关和印发日期


@dataclass
class Report(ReportMeta):
    number: int = 1  # position of the report within its file
    sections: list[Section] = field(default_factory=list)
    parts: DocParts = field(default_factory=DocParts)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("number")
        d["sections"] = [s.to_dict() for s in self.sections]
        return d


@dataclass
class ParsedFile:
    source: str
    reports: list[Report]
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""

    def to_dict(self) -> dict:
        return {"source": self.source, "reports": [r.to_dict() for r in self.reports]}


@dataclass
class Skipped:
    """A file that could not be used, and why (a code of ingest.errors.MESSAGES and the English
    detail); reported, never fatal."""

    path: str
    code: str
    detail: str
    params: dict = field(default_factory=dict)  # the numbers the Chinese message quotes

    @classmethod
    def of(cls, path: str, e: Unreadable) -> Skipped:
        return cls(path=path, code=e.code, detail=e.detail, params=e.params)

    @classmethod
    def from_dict(cls, d: dict) -> Skipped:
        """A manifest entry; one written before codes (only "reason") reads as an unknown reason."""
        return cls(path=d["path"], code=d.get("code", "unknown"), detail=d.get("detail", d.get("reason", "")),
                   params=d.get("params", {}))

    @property
    def message(self) -> str:
        return message(self.code, self.params)

    def to_dict(self) -> dict:
        """The manifest entry."""
        return asdict(self)

    def shown(self) -> dict:
        """What `stats` and the web pages show: the code, the Chinese message and the English detail."""
        return {"path": self.path, "code": self.code, "message": self.message, "detail": self.detail}
