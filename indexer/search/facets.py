"""Facets: how many matching reports per year, document type, region level and province, and the
filters they drive (those, the date, and the report's issuer and 文号). A region filter is a level (县)
or a division (江苏, 淮安市, 廣東)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from indexer.ingest.headings import cn_number
from indexer.ingest.places import LEVELS, divisions_named
from indexer.store.catalog import UNKNOWN_DATE, UNKNOWN_YEAR, Facts, fold_doc_no
from indexer.text.normalize import fold_text
from indexer.text.wholeword import term_pattern

_YEAR_RANGE = re.compile(r"^(\d{4})?(?:-|–|—|~|～|到|至)(\d{4})?$")
_YEAR_LIST = re.compile(r"[,，、;；\s]+")  # 2015,2018、2020；2022 (spaces around a range's dash are gone by then)
_N = "[一二两三四五六七八九]"
_RECENT = re.compile(rf"^(?:最)?近(\d{{1,2}}|{_N}|{_N}?十{_N}?)年$")  # 近五年, 近 3 年, 最近十年, 近十五年
_UNKNOWN = ("unknown", "未知", "不详", "null", "none")
YEAR_HELP = "2019, 2015-2020, 2015-, -2020, 2015,2018,2020, 近五年 (this year and the four before) or unknown"
DATE_HELP = "2016, 2016-06, 2016-06-07 or a range such as 2016-01..2016-06"
_DATE = re.compile(r"^(\d{4})(?:[-./年](\d{1,2})月?(?:[-./](\d{1,2})日?|月(\d{1,2})日)?)?$")
_DATE_RANGE = re.compile(r"\s*(?:\.\.|~|～|到|至)\s*")


@dataclass(frozen=True)
class Years:
    """The years a filter lets through: ranges of years (an end may be open) and reports of unknown year;
    none of either is no filter. relative: written as 近五年, so the years move with the calendar."""

    ranges: tuple[tuple[int | None, int | None], ...] = ()
    unknown: bool = False
    relative: bool = False

    @classmethod
    def between(cls, lo: int | None, hi: int | None) -> Years:
        return cls(((lo, hi),)) if lo is not None or hi is not None else cls()

    def active(self) -> bool:
        return self.unknown or bool(self.ranges)

    def __contains__(self, year: int | None) -> bool:
        if year is None:
            return self.unknown
        return any((lo is None or lo <= year) and (hi is None or year <= hi) for lo, hi in self.ranges)

    def mask(self, facts: Facts) -> np.ndarray:
        """Per report: does its year pass?"""
        m = (facts.year == UNKNOWN_YEAR) if self.unknown else np.zeros(len(facts.year), dtype=bool)
        for lo, hi in self.ranges:
            r = facts.year != UNKNOWN_YEAR
            if lo is not None:
                r &= facts.year >= lo
            if hi is not None:
                r &= facts.year <= hi
            m |= r
        return m

    def shown(self) -> str:
        """The years as a reader writes them: 2015–2020、2023, for a label beside what was typed."""
        parts = [str(lo) if lo == hi else f"{lo or ''}–{hi or ''}" for lo, hi in self.ranges]
        return "、".join(parts + (["年份不详"] if self.unknown else []))


def parse_year(value: str, this_year: int | None = None) -> Years | None:
    """Years as people write them → Years; None if unreadable: a year (2015, 2015年), a range (2015-2020,
    2015年至2020年, 2015-, -2020), a list of either (2015,2018,2020 also with 、，；), unknown, or 近N年
    (近五年: this_year, by default the current one, and the four before it).

    The one reading of years for the query language (year:…), the URL (?year=…) and the CLI (--year)."""
    v = fold_text(value or "").strip()
    v = re.sub(r"(?<=\d{4})\s*年", "", v)  # 2015年, 2015年至2020年: years as people write them
    v = re.sub(r"\s*([-–—~～到至])\s*", r"\1", v)  # 2015 - 2020 is one range
    v = re.sub(r"近\s*(\w{1,3}?)\s*年", r"近\1年", v)  # 近 5 年
    ranges, unknown, relative = [], False, False
    for item in (x for x in _YEAR_LIST.split(v) if x):
        m = _YEAR_RANGE.match(item)
        recent = _RECENT.match(item)
        if item in _UNKNOWN:
            unknown = True
        elif item.isdigit() and len(item) == 4:
            ranges.append((int(item), int(item)))
        elif m and (m.group(1) or m.group(2)):
            lo, hi = (int(m.group(1)) if m.group(1) else None), (int(m.group(2)) if m.group(2) else None)
            ranges.append((lo, hi) if lo is None or hi is None or lo <= hi else (hi, lo))
        elif recent and 1 <= cn_number(recent.group(1)) <= 99:
            now = this_year or date.today().year
            ranges.append((now - cn_number(recent.group(1)) + 1, now))
            relative = True
        else:
            return None
    return Years(tuple(ranges), unknown, relative)


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


def missing_day(value: str) -> str | None:
    """For a date that names a day its month does not have (2016-02-30, 2015年2月29日): which, in Chinese;
    else None. Such a date is unreadable, and this says why rather than what the forms are."""
    for v in _DATE_RANGE.split(fold_text(value or "").replace(" ", "")):
        m = _DATE.match(v)
        d, mo = (int(m.group(3) or m.group(4) or 0), int(m.group(2) or 0)) if m else (0, 0)
        if d and 1 <= mo <= 12 and d > calendar.monthrange(int(m.group(1)), mo)[1]:
            return f"{m.group(1)}年{mo}月没有{d}日"
    return None


def _day(v: str) -> tuple[int, int] | None:
    """2016 / 2016-06 / 2016-06-07 (also 2016年6月7日, 2016.6.7) → its first and last day."""
    m = _DATE.match(v)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or m.group(4) or 0)
    if mo > 12 or d > 31 or (d and not mo) or (d and d > calendar.monthrange(y, mo)[1]):
        return None
    return y * 10000 + (mo or 1) * 100 + (d or 1), y * 10000 + (mo or 12) * 100 + (d or 31)


@dataclass
class Filters:
    """Facet filters from the URL, the CLI or the Python API: years (ranges, a list, unknown), date range,
    doc_type, region (a level or a division), province; issuer and doc_no as the issuer: and docno: fields read them."""

    years: Years = Years()
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
        years = parse_year(value or "")
        if years is None:
            raise ValueError(f"year must look like {YEAR_HELP}, not {value!r}")
        return cls(years)

    def year_active(self) -> bool:
        return self.years.active()

    def set_date(self, value: str | None) -> None:
        """Filter by a date or date range; ValueError saying what is accepted when unreadable."""
        parsed = parse_date(value or "")
        if parsed is None:
            if missing_day(value or ""):
                raise ValueError(f"there is no such day as {value!r}")
            raise ValueError(f"date must look like {DATE_HELP}, not {value!r}")
        self.date_lo, self.date_hi = parsed


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
        m &= f.years.mask(facts)
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


def own_doc_no_mask(facts: Facts, value: str) -> np.ndarray:
    """Per report: is the value its 文号, whatever brackets either uses around the year (教体艺[2014]1号
    is 教体艺〔2014〕1号, not 鲁教体艺〔2014〕1号, which holds it)?"""
    v = fold_doc_no(value)
    return np.fromiter((bool(v) and x == v for x in facts.doc_nos), dtype=bool, count=len(facts.doc_nos))


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


def one_per_document(facts: Facts, reports: np.ndarray) -> np.ndarray:
    """Of each document among `reports` (a mask over reports), its preferred copy alone: what counts a
    document once however many sources hold it."""
    idx = np.flatnonzero(reports)
    out = np.zeros(len(reports), dtype=bool)
    if len(idx):
        order = idx[np.argsort(facts.prefer[idx], kind="stable")]
        _, first = np.unique(facts.group[order], return_index=True)
        out[order[first]] = True
    return out


def preferred_sections(facts: Facts, section_report: np.ndarray, sids: np.ndarray) -> np.ndarray:
    """Which of these matching sections belong to their document's preferred matching copy (a mask over
    sids): what search, trend, concordance and collocates count when a document has several sources."""
    of = section_report[sids]
    hit = np.zeros(len(facts.group), dtype=bool)
    hit[of] = True
    return one_per_document(facts, hit)[of]
