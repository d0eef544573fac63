"""The trend chart: one line per query over the years, as inline SVG geometry.

Computed here and drawn by the template, so the chart needs no script and every point is a
plain link to that year's results. Years are at least SLOT units apart: on a phone the SVG is
drawn at its natural size and scrolls sideways instead of shrinking points below a finger.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.search.trend import Trend

from .timeline import tick_x

SLOT = 18  # viewBox units per year: drawn 1:1 on a phone
MIN_WIDTH = 720
TOP, BASE = 14, 160  # the plot grows up from BASE
STRIP = 26  # under the axis: reports indexed per year, as small grey bars
PAD = 16  # right of the last year, so its tick label is not cut
HEIGHT = BASE + STRIP + 26


@dataclass
class Point:
    year: int
    value: float | int
    x: float
    y: float
    label: str


@dataclass
class Line:
    index: int
    query: str
    path: str  # SVG path; a year with nothing indexed breaks the line
    points: list[Point] = field(default_factory=list)


@dataclass
class Chart:
    width: float
    height: int
    base: int
    lines: list[Line]
    strip: list[tuple[int, float, float, float, int]]  # year, x, y, h, indexed
    ticks: list[tuple[int, float]]
    grid: list[tuple[float, str]]  # y, label
    slot: float


def _fmt(value, measure: str) -> str:
    return f"{value * 100:.1f}%" if measure == "share" else str(value)


def label(year: int, query: str, p) -> str:
    share = f"，占 {p.share * 100:.1f}%" if p.share is not None else ""
    return f"{year} 年 · {query}：{p.reports} 篇报告、{p.sections} 个章节、{p.mentions} 次提及（当年收录 {p.indexed} 篇{share}）"


def build(tr: Trend) -> Chart | None:
    if not tr.years:
        return None
    n = len(tr.years)
    slot = max(SLOT, MIN_WIDTH / n)
    width = slot * n + PAD
    m = tr.measure
    values = [p.value(m) for s in tr.series for p in s.points if p.value(m) is not None]
    top = max(values, default=0) or 1
    lines = []
    for i, s in enumerate(tr.series):
        pts, path, pen = [], [], "M"
        for k, p in enumerate(s.points):
            v = p.value(m)
            if v is None:
                pen = "M"
                continue
            x, y = (k + 0.5) * slot, BASE - (BASE - TOP) * v / top
            pts.append(Point(p.year, v, x, y, label(p.year, s.query, p)))
            path.append(f"{pen}{x:.1f},{y:.1f}")
            pen = "L"
        lines.append(Line(i, s.query, " ".join(path), pts))
    most = max(tr.indexed, default=0) or 1
    strip = []
    for k, (y, c) in enumerate(zip(tr.years, tr.indexed, strict=True)):
        h = (STRIP - 6) * c / most
        strip.append((y, k * slot + slot * 0.2, BASE + STRIP - h, h, c))
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if n / s <= max(6, width / 60))
    ticks = [(y, tick_x((k + 0.5) * slot, width)) for k, y in enumerate(tr.years) if y % step == 0 or n <= 3]
    grid = [(BASE - (BASE - TOP) * f, _fmt(round(top * f, 4) if m == "share" else round(top * f), m))
            for f in (0.5, 1.0)]
    return Chart(width, HEIGHT, BASE, lines, strip, ticks, grid, slot)
