"""The trend chart: one line per query over the years, as inline SVG geometry.

Computed here and drawn by the template, so the chart needs no script and every point is a
plain link to that year's results. Positions are fractions of the plot (0..1, y from the top):
the template places markers and labels in percent of a plot whose size CSS sets, so the chart
fills the width at any screen size while its text and markers keep their size in pixels; only
the lines are stretched (in a 1000 × 1000 viewBox, their strokes and dashes not scaled).

A reader must see every series, also where several lie on one another (three queries at 0): each
has its own colour, dash and marker, and points of equal value in one year are set a few pixels
apart (DODGE), which the caption says.

A point's link is the point nearest the pointer: each point owns a band of its year's column, from
halfway to the point above to halfway to the point below (bands), so no point's hit area covers
another's marker, however narrow the years on a phone and whichever line is drawn last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from indexer.search.trend import Trend, TrendPoint, TrendSeries

VIEW = 1000  # the lines' viewBox side; stretched to the plot
DODGE_STEP = 0.014  # of the plot's height (3-5 px): how far apart two tied points are set
DODGE = 0.03  # and how far apart the highest and lowest of several may be at most
Y_TICKS = 5  # at most this many steps up the value axis
WIDE_TICKS, NARROW_TICKS = 12, 5  # year labels at most, wide and phone screens
AXIS_TITLES = {"reports": "涉及报告数（篇）", "sections": "章节数（个）", "mentions": "提及次数（次）",
               "share": "占当年报告的比例（%）"}


@dataclass
class Point:
    year: int
    value: float | int
    x: float  # 0..1 from the left: the middle of the year's slot
    y: float  # 0..1 from the top, nudged where series tie
    text: str  # the value with its unit: what the readout shows
    label: str  # everything known about the point: its title and accessible name
    left: float = 0.0  # its hit area: its year's column, 0..1 from the left
    width: float = 0.0
    top: float = 0.0  # and its band of it, 0..1 from the top (see bands)
    bottom: float = 1.0


@dataclass
class Line:
    index: int
    query: str
    path: str  # in the VIEW × VIEW box; a year with nothing indexed breaks the line
    points: list[Point] = field(default_factory=list)
    absent: str | None = None  # the note under the chart when the query is found in no year shown


@dataclass
class Slot:
    """One year on the axis and the reports indexed in it (the grey strip under the plot)."""
    year: int
    x: float  # left edge, 0..1
    width: float
    indexed: int
    height: float  # of the strip, 0..1


@dataclass
class Tick:
    at: float  # 0..1: x for a year, y from the top for a value
    label: str
    narrow: bool = True  # also shown on a phone


@dataclass
class Chart:
    lines: list[Line]
    slots: list[Slot]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    axis_title: str
    label_width: str  # "s" | "m" | "l": room the value labels need left of the plot
    dodged: bool  # some points were set apart: the caption says so


def build(tr: Trend) -> Chart | None:
    """The chart of a trend, or None when it has no year to draw."""
    if not tr.years:
        return None
    n, m = len(tr.years), tr.measure
    values = [v for s in tr.series for p in s.points if (v := p.value(m)) is not None]
    top, y_ticks = value_ticks(max(values, default=0), m)
    nudges = dodge([[p.value(m) for p in s.points] for s in tr.series])
    lines = [_line(i, s, tr, top, nudges[i]) for i, s in enumerate(tr.series)]
    bands([line.points for line in lines], n)
    most = max(tr.indexed, default=0) or 1
    slots = [Slot(year=y, x=k / n, width=1 / n, indexed=c, height=c / most)
             for k, (y, c) in enumerate(zip(tr.years, tr.indexed, strict=True))]
    return Chart(lines=lines, slots=slots, x_ticks=year_ticks(tr.years), y_ticks=y_ticks,
                 axis_title=AXIS_TITLES[m], label_width=label_width([t.label for t in y_ticks]),
                 dodged=any(any(row) for row in nudges))


def _line(index: int, s: TrendSeries, tr: Trend, top: float, nudge: list[float]) -> Line:
    n, m = len(tr.years), tr.measure
    points, path, pen = [], [], "M"
    for k, p in enumerate(s.points):
        v = p.value(m)
        if v is None:
            pen = "M"
            continue
        x, y = (k + 0.5) / n, 1 - v / top + nudge[k]
        points.append(Point(year=p.year, value=v, x=x, y=y, text=value_text(p, m), label=label(p.year, s.query, p)))
        path.append(f"{pen}{x * VIEW:.1f},{y * VIEW:.1f}")
        pen = "L"
    return Line(index=index, query=s.query, path=" ".join(path), points=points, absent=absent(s))


def value_ticks(high: float, measure: str) -> tuple[float, list[Tick]]:
    """The top of the value axis and its labelled steps from 0: round steps (1, 2, 2.5 or 5 × 10ⁿ,
    whole numbers for counts) up to the first at or above the highest value. A share is in percent
    and never above 100 %; nothing at all still draws an axis (0 to 1, or to 100 %)."""
    share = measure == "share"
    high = high * 100 if share else high
    if high <= 0:
        high = 100 if share else 1
    step = nice_step(high / Y_TICKS, whole=not share)
    count = math.ceil(high / step - 1e-9)
    top = step * count
    if share and top > 100:
        top, count = 100.0, math.ceil(100 / step - 1e-9)
    ticks = [Tick(at=1 - min(i * step, top) / top, label=_number(min(i * step, top), share)) for i in range(count + 1)]
    return (top / 100 if share else top), ticks


def nice_step(rough: float, whole: bool) -> float:
    """The smallest round step (1, 2, 2.5, 5 × 10ⁿ) at least rough; counts step by whole numbers."""
    exp = 10 ** math.floor(math.log10(rough)) if rough > 0 else 1
    for f in (1, 2, 2.5, 5, 10):
        step = f * exp
        if step >= rough - 1e-12 and (not whole or step == int(step)):
            return step
    return 10 * exp


def _number(v: float, share: bool) -> str:
    if share:
        return f"{v:g}%"
    if v >= 10000:
        return f"{v / 10000:g}万"
    return f"{v:g}"


def label_width(labels: list[str]) -> str:
    """How much room the value labels need left of the plot: s, m or l (style.css sizes them)."""
    ems = max((sum({"万": 1.0, "%": 0.9, ".": 0.3}.get(ch, 0.6) for ch in t) for t in labels), default=0)
    return "s" if ems <= 2.5 else "m" if ems <= 3.8 else "l"


def year_ticks(years: list[int]) -> list[Tick]:
    """Labelled years: round years (every 1, 2, 5, 10… years) so that at most WIDE_TICKS fit a wide
    screen; those on a coarser step, at most NARROW_TICKS, stay on a phone. Few years: all of them."""
    n = len(years)

    def step(most: int) -> int:
        return next(s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if n / s <= most)

    wide, narrow = step(WIDE_TICKS), step(NARROW_TICKS)
    ticks = [Tick(at=(k + 0.5) / n, label=str(y), narrow=y % narrow == 0 or n <= 3)
             for k, y in enumerate(years) if y % wide == 0 or n <= 3]
    return ticks or [Tick(at=0.5 / n, label=str(years[0]))]


EDGE = 0.03  # how far the outermost bands reach past the plot's top and bottom (a marker at 0 sits on the edge)


def bands(lines: list[list[Point]], n: int) -> None:
    """Give each point its hit area: its year's column (of n), from halfway to the point above to halfway
    to the point below in that year (past the plot's edge for the highest and lowest): a tap or click
    anywhere in a column opens the point nearest it, and each marker's centre lies in its own area."""
    column: dict[int, list[Point]] = {}
    for points in lines:
        for pt in points:
            column.setdefault(round(pt.x * n - 0.5), []).append(pt)
    for k, points in column.items():
        points.sort(key=lambda pt: pt.y)
        ys = [pt.y for pt in points]
        cuts = [-EDGE, *[(a + b) / 2 for a, b in zip(ys, ys[1:], strict=False)], 1 + EDGE]
        for pt, top, bottom in zip(points, cuts, cuts[1:], strict=False):
            pt.left, pt.width, pt.top, pt.bottom = k / n, 1 / n, min(top, pt.y - 0.001), max(bottom, pt.y + 0.001)


def dodge(rows: list[list[float | int | None]]) -> list[list[float]]:
    """Per series and year, how far (in plot heights) to move a point off its value so that series
    equal in that year do not hide one another: spread evenly around the true value, in series order."""
    out = [[0.0] * len(r) for r in rows]
    for k in range(len(rows[0]) if rows else 0):
        groups: dict[float, list[int]] = {}
        for i, r in enumerate(rows):
            if r[k] is not None:
                groups.setdefault(r[k], []).append(i)
        for members in groups.values():
            for rank, i in enumerate(members):
                gap = min(DODGE_STEP, DODGE / max(1, len(members) - 1))
                out[i][k] = (rank - (len(members) - 1) / 2) * gap
    return out


def absent(s: TrendSeries) -> str | None:
    """The honest note for a query found in no year shown (it may still be in reports of unknown year)."""
    if not s.counted or not s.points or any(p.reports for p in s.points):
        return None
    elsewhere = f"；年份不详的报告中有 {s.unknown.reports} 篇提到" if s.unknown and s.unknown.reports else ""
    return f"{s.query}：所选年份内没有出现{elsewhere}"


def value_text(p: TrendPoint, measure: str) -> str:
    """A point's value in the chart's measure, with its unit."""
    if measure == "share":
        return f"{p.share * 100:.1f}%（{p.indexed} 篇中的 {p.reports} 篇）"
    return f"{p.value(measure)} {dict(reports='篇报告', sections='个章节', mentions='次提及')[measure]}"


def label(year: int, query: str, p: TrendPoint) -> str:
    share = f"，占 {p.share * 100:.1f}%" if p.share is not None else ""
    return f"{year} 年 · {query}：{p.reports} 篇报告、{p.sections} 个章节、{p.mentions} 次提及（当年收录 {p.indexed} 篇{share}）"
