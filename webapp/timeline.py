"""The year timeline: matching reports per year as an inline SVG bar chart.

Geometry is computed here and drawn by the template, so the chart needs no
JavaScript and every bar is a plain link that filters to its year.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.search.facets import Years

WIDTH, HEIGHT, BASE = 720, 120, 100  # viewBox units; bars grow up from BASE
MIN_BAR = 2
MIN_SLOT = 16  # viewBox units per year; a phone draws the chart 1:1 and scrolls it sideways
MAX_SLOT = 48  # nor more: one year or a few are bars of a bar's width in the middle, not a wall across the chart
LABEL_HALF = 14  # half a four-digit year label: its centre stays this far inside the chart


@dataclass
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    selected: bool


@dataclass
class Timeline:
    bars: list[Bar]
    unknown: int
    first: int | None
    last: int | None
    ticks: list[tuple[int, float]]
    max_count: int
    width: float = WIDTH
    height: int = HEIGHT
    base: int = BASE


def build(year_facet: list[dict], years: Years | None = None) -> Timeline:
    """The chart of the year facet, the bars of the years the filter lets through marked selected."""
    known = [(r["value"], r["count"]) for r in year_facet if r["value"] is not None]
    unknown = sum(r["count"] for r in year_facet if r["value"] is None)
    if not known:
        return Timeline([], unknown, None, None, [], 0)
    first, last = known[0][0], known[-1][0]
    span = last - first + 1
    width = max(WIDTH, span * MIN_SLOT)
    slot = min(width / span, MAX_SLOT)
    left = (width - slot * span) / 2  # the years' slots, centred
    top = max(c for _, c in known)
    bars = []
    for year, count in known:
        h = max(MIN_BAR, (BASE - 10) * count / top)
        selected = years is not None and bool(years.ranges) and year in years
        bars.append(Bar(year, count, left + (year - first) * slot + slot * 0.1, BASE - h, max(slot * 0.8, 1), h, selected))
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if span / s <= max(12, width / 60))
    ticks = [(y, tick_x(left + (y - first) * slot + slot / 2, width)) for y in range(first, last + 1)
             if y % step == 0 or span <= 3]
    return Timeline(bars, unknown, first, last, ticks, top, width)


def tick_x(x: float, width: float) -> float:
    """A year label centred under its bar, moved inward where it would be cut at an edge."""
    return min(max(x, LABEL_HALF), width - LABEL_HALF)
