"""Reports and per-section facts kept beside the exact index: which report a
section belongs to and that report's year, type, region level, place and province, as arrays, so that
facets and filters over tens of thousands of matches are numpy operations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.ingest.model import ReportMeta
from indexer.text.normalize import fold_text

UNKNOWN_YEAR = 0


@dataclass
class ReportRow(ReportMeta):
    file_key: str = ""
    first_sid: int = 0
    n_sections: int = 0

    @property
    def title_folded(self) -> str:
        return fold_text(self.title)


@dataclass
class Catalog:
    """Report rows plus, for each sid, the row index of its report."""

    reports: list[ReportRow] = field(default_factory=list)
    section_report: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        rows = [r.__dict__ for r in self.reports]
        (folder / "reports.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        np.save(folder / "section_report.npy", self.section_report.astype(np.int32), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> Catalog:
        rows = json.loads((folder / "reports.json").read_text(encoding="utf-8"))
        return cls([ReportRow(**r) for r in rows], np.load(folder / "section_report.npy", allow_pickle=False))

    @classmethod
    def concat(cls, parts: list[Catalog]) -> Catalog:
        reports: list[ReportRow] = []
        arrays = []
        for p in parts:
            arrays.append(np.asarray(p.section_report, dtype=np.int32) + len(reports))
            reports.extend(p.reports)
        sr = np.concatenate(arrays) if arrays else np.empty(0, dtype=np.int32)
        return cls(reports, sr)


@dataclass
class Facts:
    """Per-report facet codes, built once when an index is opened."""

    year: np.ndarray  # int32 per report, UNKNOWN_YEAR when unknown
    doc_type: np.ndarray  # int32 code into doc_types
    region: np.ndarray  # int32 code into regions
    doc_types: list[str]
    regions: list[str]  # "" for unknown
    place: np.ndarray  # int32 code into places
    places: list[str]  # "" for none (central bodies, unknown)
    province: np.ndarray  # int32 code into provinces
    provinces: list[str]  # "" for none

    @classmethod
    def of(cls, reports: list[ReportRow]) -> Facts:
        doc_types, dt = _codes(r.doc_type for r in reports)
        regions, rg = _codes(r.region or "" for r in reports)
        places, pl = _codes(r.place or "" for r in reports)
        provinces, pv = _codes(r.province or "" for r in reports)
        return cls(
            year=np.array([r.year or UNKNOWN_YEAR for r in reports], dtype=np.int32),
            doc_type=np.array([dt[r.doc_type] for r in reports], dtype=np.int32),
            region=np.array([rg[r.region or ""] for r in reports], dtype=np.int32),
            doc_types=doc_types,
            regions=regions,
            place=np.array([pl[r.place or ""] for r in reports], dtype=np.int32),
            places=places,
            province=np.array([pv[r.province or ""] for r in reports], dtype=np.int32),
            provinces=provinces,
        )


def _codes(values) -> tuple[list[str], dict[str, int]]:
    """The sorted distinct values and each one's code."""
    vocab = sorted(set(values))
    return vocab, {v: i for i, v in enumerate(vocab)}
