"""Facets: how many matching reports per year, document type, region level and province, and the
filters they drive (those, the date, and the report's issuer and 文号). A region filter is a level (县)
or a division (江苏, 淮安市, 廣東)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from indexer.ingest.places import LEVELS, divisions_named
from indexer.store.catalog import UNKNOWN_DATE, UNKNOWN_YEAR, Facts, fold_doc_no
from indexer.text.normalize import fold_text
from indexer.text.wholeword import term_pattern

_YEAR_RANGE = re.compile(r"^(\d{4})?\s*(?:-|–|—|~|～|到|至)\s*(\d{4})?$")
_UNKNOWN = ("unknown", "未知", "不详", "null", "none")
YEAR_HELP = "2019, 2015-2020, 2015-, -2020 or unknown"
DATE_HELP = "2016, 2016-06, 2016-06-07 or a range such as 2016-01..2016-06"
_DATE = re.compile(r"^(\d{4})(?:[-./年](\d{1,2})月?(?:[-./](\d{1,2})日?|月(\d{1,2})日)?)?$")
_DATE_RANGE = re.compile(r"\s*(?:\.\.|~|～|到|至)\s*")


def parse_year(value: str) -> tuple[int | None, int | None, bool] | None:
    """A year or year range as people write it → (lo, hi, unknown); None if unreadable.

    The one reading of years for the query language (year:…), the URL (?year=…) and the CLI (--year)."""
    v = fold_text(value or "").strip()
    if v in _UNKNOWN:
        return None, None, True
    v = re.sub(r"(?<=\d{4})年", "", v).replace(" ", "")  # 2015年, 2015年至2020年: years as people write them
    if not v:
        return None, None, False
    if v in _UNKNOWN:
        return None, None, True
    if v.isdigit() and len(v) == 4:
        return int(v), int(v), False
    m = _YEAR_RANGE.match(v)
    if not m or not (m.group(1) or m.group(2)):
        return None
    lo, hi = (int(m.group(1)) if m.group(1) else None), (int(m.group(2)) if m.group(2) else None)
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return lo, hi, False


def parse_date(value: str) -> tuple[int | None, int | None] | None:
    """A date, month, year or a range of them (2016-01..2016-06, 2016-03..) → the first and last day
    as YYYYMMDD numbers, None for an open end; None if unreadable.

    The one reading of dates for the query language (date:…), the URL (?date=…) and the CLI (--date)."""
    v = fold_text(value or "").replace(" ", "")
    if not v:
        return None, None
    ends = _DATE_RANGE.split(v)
    if len(ends) == 1:
        day = _day(v)
        return None if day is None else day
    if len(ends) != 2 or not any(ends):
        return None
    lo, hi = (_day(e) if e else (None, None) for e in ends)
    if lo is None or hi is None:
        return None
    first, last = lo[0], hi[1]
    if first is not None and last is not None and first > last:
        first, last = hi[0], lo[1]
    return first, last


def _day(v: str) -> tuple[int, int] | None:
    """2016 / 2016-06 / 2016-06-07 (also 2016年6月7日, 2016.6.7) → its first and last day."""
    m = _DATE.match(v)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or m.group(4) or 0)
    if mo > 12 or d > 31 or (d and not mo):
        return None
    return y * 10000 + (mo or 1) * 100 + (d or 1), y * 10000 + (mo or 12) * 100 + (d or 31)


@dataclass
class Filters:
    """Facet filters from the URL, the CLI or the Python API: year range (or unknown), date range, doc_type,
    region (a level or a division), province; issuer and doc_no as the issuer: and docno: fields read them."""

    year_lo: int | None = None
    year_hi: int | None = None
    year_unknown: bool = False
    doc_type: str | None = None
    region: str | None = None
    date_lo: int | None = None  # YYYYMMDD: the report's date (else year) lies within
    date_hi: int | None = None
    province: str | None = None
    issuer: str | None = None  # the report's issuer holds it
    doc_no: str | None = None  # the report's 文号 holds it

    def active(self) -> bool:
        """Does any filter narrow the reports?"""
        return self.year_active() or any(v is not None for v in (
            self.doc_type, self.region, self.province, self.date_lo, self.date_hi, self.issuer, self.doc_no))

    @classmethod
    def for_year(cls, value: str | None) -> Filters:
        """Filters for a year or range; ValueError saying what is accepted when unreadable."""
        parsed = parse_year(value or "")
        if parsed is None:
            raise ValueError(f"year must look like {YEAR_HELP}, not {value!r}")
        lo, hi, unknown = parsed
        return cls(lo, hi, unknown)

    def year_active(self) -> bool:
        return self.year_unknown or self.year_lo is not None or self.year_hi is not None

    def set_date(self, value: str | None) -> None:
        """Filter by a date or date range; ValueError saying what is accepted when unreadable."""
        parsed = parse_date(value or "")
        if parsed is None:
            raise ValueError(f"date must look like {DATE_HELP}, not {value!r}")
        self.date_lo, self.date_hi = parsed


def year_mask(facts: Facts, lo: int | None, hi: int | None, unknown: bool) -> np.ndarray:
    """Per report: does its year pass?"""
    if unknown:
        return facts.year == UNKNOWN_YEAR
    m = facts.year != UNKNOWN_YEAR
    if lo is not None:
        m &= facts.year >= lo
    if hi is not None:
        m &= facts.year <= hi
    return m


def date_mask(facts: Facts, lo: int | None, hi: int | None) -> np.ndarray:
    """Per report: does all its date (else its year) lie within lo..hi? A report dated only 2016
    is not in 2016-06: it may be of any month."""
    m = facts.date_lo != UNKNOWN_DATE
    if lo is not None:
        m &= facts.date_lo >= lo
    if hi is not None:
        m &= facts.date_hi <= hi
    return m


def value_mask(codes: np.ndarray, vocab: list[str], value: str | None) -> np.ndarray:
    if value is None:
        return np.ones(len(codes), dtype=bool)
    return np.isin(codes, [i for i, v in enumerate(vocab) if same_value(v, value)])


def same_value(known: str, asked: str) -> bool:
    """A type or region typed as it is written in traditional or full-width characters is the same one."""
    asked = "" if asked in ("unknown", "未知") else asked
    return known == asked or fold_text(known) == fold_text(asked)


def report_filter(facts: Facts, f: Filters, skip: str | None = None) -> np.ndarray:
    """Per report: does it pass every filter except the one named by skip?"""
    m = np.ones(len(facts.year), dtype=bool)
    if skip != "year" and f.year_active():
        m &= year_mask(facts, f.year_lo, f.year_hi, f.year_unknown)
    if f.date_lo is not None or f.date_hi is not None:
        m &= date_mask(facts, f.date_lo, f.date_hi)
    if skip != "doc_type":
        m &= value_mask(facts.doc_type, facts.doc_types, f.doc_type)
    if skip != "region":
        m &= region_mask(facts, f.region)
    if skip != "province":
        m &= value_mask(facts.province, facts.provinces, f.province)
    if f.issuer is not None:
        m &= issuer_mask(facts, f.issuer)
    if f.doc_no is not None:
        m &= doc_no_mask(facts, f.doc_no)
    return m


def issuer_mask(facts: Facts, value: str) -> np.ndarray:
    """Per report: does its issuer hold the value (people type 教育局 for 某某县教育局)?"""
    v = fold_text(value)
    return np.fromiter((bool(v) and v in x for x in facts.issuers), dtype=bool, count=len(facts.issuers))


def doc_no_mask(facts: Facts, value: str) -> np.ndarray:
    """Per report: does its 文号 hold the value, whatever brackets either uses around the year
    (〔2016〕24号 finds 沪府办发[2016]24号), its numbers whole (4号 is not 24号)?"""
    v = fold_doc_no(value)
    pattern = term_pattern(v, False)
    found = (lambda x: pattern.search(x) is not None) if pattern is not None else (lambda x: v in x)
    return np.fromiter((bool(v) and bool(x) and found(x) for x in facts.doc_nos), dtype=bool, count=len(facts.doc_nos))


def region_mask(facts: Facts, value: str | None) -> np.ndarray:
    """Per report: is it of that level (县), or is its place in that division (江苏 → 江苏省淮安市洪泽区)?"""
    named = [] if value is None or fold_text(value) in LEVELS else divisions_named(value)
    if not named:
        return value_mask(facts.region, facts.regions, value)
    within = [i for i, p in enumerate(facts.places) if p and any(p.startswith(d.path) for d in named)]
    return np.isin(facts.place, within)


def is_division(value: str | None) -> bool:
    """Does a region filter name a division rather than a level?"""
    return bool(value) and fold_text(value) not in LEVELS and bool(divisions_named(value))


FACETS = ("year", "doc_type", "region", "province")


def counts(facts: Facts, reports: np.ndarray, only: str | None = None) -> dict[str, list[dict]]:
    """Matching reports per facet value; reports is a bool mask over reports. only: that facet alone."""
    idx = np.flatnonzero(reports)
    out: dict[str, list[dict]] = {}
    if only in (None, "year"):
        years = np.bincount(facts.year[idx]) if len(idx) else np.zeros(1, dtype=np.int64)
        seen = np.flatnonzero(years)  # ascending; UNKNOWN_YEAR (0) first, and listed last
        out["year"] = [{"value": int(y), "count": int(years[y])} for y in seen.tolist() if y != UNKNOWN_YEAR]
        if years[UNKNOWN_YEAR]:
            out["year"].append({"value": None, "count": int(years[UNKNOWN_YEAR])})
    for name, codes, vocab in (("doc_type", facts.doc_type, facts.doc_types), ("region", facts.region, facts.regions),
                               ("province", facts.province, facts.provinces)):
        if only in (None, name):
            out[name] = _named(codes[idx], vocab)
    return out


def _named(codes: np.ndarray, vocab: list[str]) -> list[dict]:
    c = np.bincount(codes, minlength=len(vocab)) if len(codes) else np.zeros(len(vocab), dtype=np.int64)
    rows = [{"value": vocab[i] or None, "count": int(c[i])} for i in np.flatnonzero(c).tolist()]
    rows.sort(key=lambda r: (-r["count"], r["value"] is None, r["value"] or ""))
    return rows
