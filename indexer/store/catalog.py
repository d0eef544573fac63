"""Reports and per-section facts kept beside the exact index: which report a
section belongs to and that report's year, date, type, region level, place and province, as arrays,
so that facets, filters and sorts over tens of thousands of matches are numpy operations."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.ingest.model import ReportMeta
from indexer.text.fingerprint import NUM_PERM
from indexer.text.normalize import fold_text

UNKNOWN_YEAR = 0
UNKNOWN_DATE = 0


@dataclass
class ReportRow(ReportMeta):
    file_key: str = ""
    first_sid: int = 0
    n_sections: int = 0
    parts: dict = field(default_factory=dict)  # the DocParts fields that are set, for the report's page
    digest: str = ""  # of its compact folded text (fingerprint.digest): equal texts, equal digests
    chars: int = 0  # characters of that compact text

    @property
    def title_folded(self) -> str:
        return fold_text(self.title)


_YEAR_BRACKETS = re.compile(r"[(\[〔【﹝]\s*(\d{4})\s*[)\]〕】﹞]")


def fold_doc_no(text: str) -> str:
    """A 文号 as matching sees it: folded, the year's brackets 〔〕 [] ［］ 【】 （） () all one form."""
    return _YEAR_BRACKETS.sub(r"[\1]", fold_text(text).replace(" ", ""))


# the brackets text writes a 文号's year in, folded (［］ and （） fold to [] and (), ﹝﹞ to 〔〕)
_BRACKET_FORMS = ("〔〕", "[]", "【】", "()")


def doc_no_forms(text: str) -> list[str]:
    """A 文号's folded text with its year in each bracket form, the form given first (教体艺[2014]1号,
    教体艺〔2014〕1号, 教体艺【2014】1号, 教体艺(2014)1号): what finds it in a text however that text writes it."""
    folded = fold_text(text)
    m = _YEAR_BRACKETS.search(folded)
    if m is None:
        return [folded]
    forms = [f"{folded[:m.start()]}{a}{m.group(1)}{b}{folded[m.end():]}" for a, b in _BRACKET_FORMS]
    return list(dict.fromkeys([folded, *forms]))


def date_span(date: str | None, year: int | None) -> tuple[int, int]:
    """The first and last day a report's date may be, as YYYYMMDD numbers: 2016-06 is 20160601..20160631,
    a report with only a year spans that year; (UNKNOWN_DATE, UNKNOWN_DATE) when neither is known."""
    parts = [int(x) for x in (date or "").split("-") if x.isdigit()][:3]
    if not parts and year:
        parts = [year]
    if not parts:
        return UNKNOWN_DATE, UNKNOWN_DATE
    y, m, d = (parts + [0, 0])[:3]
    return y * 10000 + (m or 1) * 100 + (d or 1), y * 10000 + (m or 12) * 100 + (d or 31)


def no_signatures(n: int = 0) -> np.ndarray:
    return np.zeros((n, NUM_PERM), dtype=np.uint32)


@dataclass
class Catalog:
    """Report rows plus, for each sid, the row index of its report, and each report's MinHash
    signature (fingerprint.signature), from which a build finds the copies of one document."""

    reports: list[ReportRow] = field(default_factory=list)
    section_report: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    signatures: np.ndarray | None = field(default_factory=no_signatures)  # (reports, NUM_PERM) uint32; None: not read

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        rows = [r.__dict__ for r in self.reports]
        (folder / "reports.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        np.save(folder / "section_report.npy", self.section_report.astype(np.int32), allow_pickle=False)
        sigs = self.signatures if self.signatures is not None else no_signatures(len(self.reports))
        np.save(folder / "signatures.npy", sigs.astype(np.uint32).reshape(-1, NUM_PERM), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, signatures: bool = False) -> Catalog:
        """A segment's catalog; its signatures only when asked (a search never reads them: None)."""
        rows = json.loads((folder / "reports.json").read_text(encoding="utf-8"))
        sigs = np.load(folder / "signatures.npy", allow_pickle=False) if signatures else None
        return cls([ReportRow(**r) for r in rows], np.load(folder / "section_report.npy", allow_pickle=False), sigs)

    def live_reports(self, live: np.ndarray) -> np.ndarray:
        """Per report: does one of its sections live (live: a mask over sids, or any other question
        asked of sections)?"""
        return self.reports_holding(np.flatnonzero(live[: len(self.section_report)]))

    def reports_holding(self, sids: np.ndarray) -> np.ndarray:
        """Per report: is one of these sections (sids) its own? By marking, not sorting hundreds of
        thousands (a common term's matches)."""
        out = np.zeros(len(self.reports), dtype=bool)
        out[self.section_report[sids]] = True
        return out

    @classmethod
    def concat(cls, parts: list[Catalog]) -> Catalog:
        reports: list[ReportRow] = []
        arrays = []
        for p in parts:
            arrays.append(np.asarray(p.section_report, dtype=np.int32) + len(reports))
            reports.extend(p.reports)
        sr = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int32)
        read = [p.signatures for p in parts if p.signatures is not None]
        sigs = np.concatenate(read) if len(read) == len(parts) and parts else None if parts else no_signatures()
        return cls(reports, sr, sigs)


@dataclass
class Facts:
    """Per-report facet codes, built once when an index is opened."""

    year: np.ndarray  # int32 per report, UNKNOWN_YEAR when unknown
    date_lo: np.ndarray  # int32 YYYYMMDD per report: the first day its date (else its year) may be; UNKNOWN_DATE
    date_hi: np.ndarray  # … and the last
    doc_type: np.ndarray  # int32 code into doc_types
    region: np.ndarray  # int32 code into regions
    doc_types: list[str]
    regions: list[str]  # "" for unknown
    place: np.ndarray  # int32 code into places
    places: list[str]  # "" for none (central bodies, unknown)
    province: np.ndarray  # int32 code into provinces
    provinces: list[str]  # "" for none
    group: np.ndarray  # int32 per report: its document, the report index of the document's preferred copy
    prefer: np.ndarray  # int32 per report: lower is the copy shown first of its document (copies.py)
    issuers: list[str]  # per report, its issuer folded ("" for none): what issuer filters look in
    doc_nos: list[str]  # per report, its 文号 as fold_doc_no gives it ("" for none)

    @classmethod
    def of(cls, reports: list[ReportRow], copies: np.ndarray) -> Facts:
        """copies: (group, prefer) per report as copies.find_copies stores them (copies.load)."""
        doc_types, dt = _codes(r.doc_type for r in reports)
        regions, rg = _codes(r.region or "" for r in reports)
        places, pl = _codes(r.place or "" for r in reports)
        provinces, pv = _codes(r.province or "" for r in reports)
        spans = np.array([date_span(r.date, r.year) for r in reports], dtype=np.int32).reshape(-1, 2)
        return cls(
            year=np.array([r.year or UNKNOWN_YEAR for r in reports], dtype=np.int32),
            date_lo=spans[:, 0],
            date_hi=spans[:, 1],
            doc_type=np.array([dt[r.doc_type] for r in reports], dtype=np.int32),
            region=np.array([rg[r.region or ""] for r in reports], dtype=np.int32),
            doc_types=doc_types,
            regions=regions,
            place=np.array([pl[r.place or ""] for r in reports], dtype=np.int32),
            places=places,
            province=np.array([pv[r.province or ""] for r in reports], dtype=np.int32),
            provinces=provinces,
            group=np.asarray(copies[:, 0], dtype=np.int32),
            prefer=np.asarray(copies[:, 1], dtype=np.int32),
            issuers=[fold_text(r.issuer or "") for r in reports],
            doc_nos=[fold_doc_no(r.doc_no or "") for r in reports],
        )


def _codes(values) -> tuple[list[str], dict[str, int]]:
    """The sorted distinct values and each one's code."""
    vocab = sorted(set(values))
    return vocab, {v: i for i, v in enumerate(vocab)}
