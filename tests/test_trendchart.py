"""The trend chart's geometry (webapp/trendchart.py), the year timeline's bars (webapp/timeline.py) and the
trend page they are drawn on, through Flask's test client on the real index."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from indexer.search.facets import Filters
from indexer.search.trend import Trend, TrendPoint, TrendSeries, trend
from webapp import timeline, trendchart
from webapp.trendchart import DODGE, DODGE_STEP

THREE = ["防溺水", "校园欺凌", "双减"]


def point(year, reports=0, indexed=1, sections=0, mentions=0) -> TrendPoint:
    return TrendPoint(year=year, indexed=indexed, reports=reports, sections=sections, mentions=mentions,
                      share=round(reports / indexed, 6) if indexed else None)


def made_up(measure: str, rows: dict[str, list[int]], indexed: list[int], unknown: dict[str, int] | None = None) -> Trend:
    """A trend over 2019.. with the given reports per year per query (share = reports / indexed)."""
    years = list(range(2019, 2019 + len(indexed)))
    series = [TrendSeries(query=q, points=[point(y, r, n, r, r) for y, r, n in zip(years, counts, indexed, strict=True)],
                          unknown=point(None, (unknown or {}).get(q, 0), 2)) for q, counts in rows.items()]
    return Trend(years=years, indexed=indexed, unknown_indexed=2, measure=measure, default_measure=measure, series=series)


@pytest.mark.parametrize(("high", "measure", "top", "labels"), [
    (3, "reports", 3, ["0", "1", "2", "3"]),
    (7, "sections", 8, ["0", "2", "4", "6", "8"]),
    (0, "reports", 1, ["0", "1"]),  # nothing at all still has an axis, 0 labelled
    (1, "mentions", 1, ["0", "1"]),  # counts step by whole numbers
    (12345, "mentions", 12500, ["0", "2500", "5000", "7500", "1万", "1.25万"]),
    (0.25, "share", 0.25, ["0%", "5%", "10%", "15%", "20%", "25%"]),
    (0.03, "share", 0.03, ["0%", "1%", "2%", "3%"]),
    (0.97, "share", 1.0, ["0%", "20%", "40%", "60%", "80%", "100%"]),
    (0, "share", 1.0, ["0%", "20%", "40%", "60%", "80%", "100%"]),
])
def test_value_ticks_are_round_steps_from_0(high, measure, top, labels):
    got_top, ticks = trendchart.value_ticks(high, measure)
    assert got_top == pytest.approx(top)
    assert [t.label for t in ticks] == labels
    assert ticks[0].at == 1 and ticks[-1].at == pytest.approx(0)  # 0 at the bottom, the top at the top
    assert [t.at for t in ticks] == sorted((t.at for t in ticks), reverse=True)


@pytest.mark.parametrize(("rough", "whole", "step"), [(0.2, True, 1), (0.2, False, 0.2), (0.6, False, 1), (1.4, True, 2),
                                                      (2.1, False, 2.5), (2.1, True, 5), (19.4, False, 20), (2469, True, 2500)])
def test_nice_step(rough, whole, step):
    assert trendchart.nice_step(rough, whole) == pytest.approx(step)


def test_year_ticks_fewer_on_a_phone():
    ticks = trendchart.year_ticks(list(range(1954, 2026)))
    assert [t.label for t in ticks] == ["1960", "1970", "1980", "1990", "2000", "2010", "2020"]
    assert [t.label for t in ticks if t.narrow] == ["1960", "1980", "2000", "2020"]
    assert all(0 < t.at < 1 for t in ticks)
    assert [t.label for t in trendchart.year_ticks([2021])] == ["2021"]
    assert trendchart.year_ticks([2021])[0].at == 0.5  # one year: in the middle
    assert [(t.label, t.narrow) for t in trendchart.year_ticks([2021, 2022, 2023])] == [("2021", True), ("2022", True), ("2023", True)]
    assert [t.label for t in trendchart.year_ticks([2011, 2012, 2013, 2014, 2015, 2016, 2017])] == [str(y) for y in range(2011, 2018)]
    assert [t.label for t in trendchart.year_ticks(list(range(2011, 2018))) if t.narrow] == ["2012", "2014", "2016"]
    assert [t.label for t in trendchart.year_ticks([2013, 2014, 2015, 2016, 2017])] == ["2013", "2014", "2015", "2016", "2017"]


def test_dodge_sets_tied_points_apart_around_their_value():
    out = trendchart.dodge([[0, 0, 1], [0, None, 1], [0, 5, 2]])
    assert out[0][0] < out[1][0] < out[2][0] and out[1][0] == 0 and out[2][0] - out[0][0] == pytest.approx(2 * DODGE_STEP)
    assert out[0][1] == out[2][1] == 0  # 0 and 5 do not tie; None is no point
    assert out[0][2] == -out[1][2] != 0 and out[2][2] == 0
    six = trendchart.dodge([[0]] * 6)
    assert max(r[0] for r in six) - min(r[0] for r in six) == pytest.approx(DODGE)  # many ties stay close to the value
    assert trendchart.dodge([[1, 2]]) == [[0.0, 0.0]] and trendchart.dodge([]) == []


def test_label_width():
    assert trendchart.label_width(["0", "25", "100"]) == "s"
    assert trendchart.label_width(["0%", "100%"]) == "m"
    assert trendchart.label_width(["0", "1.25万"]) == "m"
    assert trendchart.label_width(["0", "1002.5万"]) == "l"


def test_absent_says_when_a_query_is_in_no_year_shown():
    tr = made_up("reports", {"防溺水": [0, 0, 0], "校园欺凌": [0, 0, 0], "双减": [0, 1, 0]}, [1, 1, 1], unknown={"防溺水": 1})
    notes = [trendchart.absent(s) for s in tr.series]
    assert notes == ["防溺水：所选年份内没有出现；年份不详的报告中有 1 篇提到", "校园欺凌：所选年份内没有出现", None]


def test_absent_is_not_said_of_what_was_not_counted(reader, client):
    tr = trend(reader, ["-学校", "校园欺凌"])
    assert [s.counted for s in tr.series] == [False, True]
    assert [trendchart.absent(s) for s in tr.series] == [None, "校园欺凌：所选年份内没有出现"]
    assert [s["counted"] for s in client.get("/api/trend?q=-学校&q=校园欺凌").get_json()["series"]] == [False, True]
    nothing = trend(reader, ["学校"], Filters.for_year("1800-1810"))
    assert trendchart.build(nothing) is None and nothing.years == []
    assert re.fullmatch(r"所选年份（1800–1810）内没有收录任何报告；收录的报告在 \d{4}–\d{4} 年。", nothing.notices[0])
    assert "所选年份（1800–1810）内没有收录任何报告" in client.get("/trend?q=学校&year=1800-1810").get_data(as_text=True)


def test_value_text_has_the_unit():
    p = point(2021, reports=1, indexed=4, sections=3, mentions=7)
    assert trendchart.value_text(p, "share") == "25.0%（4 篇中的 1 篇）"
    assert trendchart.value_text(p, "reports") == "1 篇报告"
    assert trendchart.value_text(p, "sections") == "3 个章节"
    assert trendchart.value_text(p, "mentions") == "7 次提及"


def test_build_places_every_point_of_every_series():
    tr = made_up("share", {"a": [0, 0, 0, 0], "b": [0, 0, 0, 0], "c": [0, 1, 0, 2]}, [1, 2, 0, 4])
    chart = trendchart.build(tr)
    assert [line.query for line in chart.lines] == ["a", "b", "c"]
    for line in chart.lines:
        assert [p.year for p in line.points] == [2019, 2020, 2022]  # 2021 holds no report: no share, the line breaks
        assert line.path.count("M") == 2 and line.path.count("L") == 1
        xs = [p.x for p in line.points]
        assert xs == [0.125, 0.375, 0.875]
    a, b, c = chart.lines
    assert a.points[0].y < b.points[0].y < c.points[0].y and b.points[0].y == 1  # three at 0: set apart around 0
    assert c.points[1].y == pytest.approx(0) and c.points[1].text == "50.0%（2 篇中的 1 篇）"  # 50 % is the top
    assert a.points[1].y == pytest.approx(1 - DODGE_STEP / 2) and b.points[1].y == pytest.approx(1 + DODGE_STEP / 2)
    assert a.absent == "a：所选年份内没有出现" and c.absent is None
    assert chart.dodged and chart.axis_title == "占当年报告的比例（%）"
    assert chart.y_ticks[0].label == "0%" and chart.y_ticks[-1].label == "50%"
    assert [s.indexed for s in chart.slots] == [1, 2, 0, 4] and chart.slots[3].height == 1 and chart.slots[2].height == 0
    assert trendchart.build(Trend(years=[], indexed=[], unknown_indexed=3, measure="reports", default_measure="reports")) is None


def test_bands_give_each_point_the_part_of_its_year_nearest_it():
    tr = made_up("reports", {"a": [1, 4, 0], "b": [3, 4, 2], "c": [2, 0, 4]}, [4, 4, 4])
    chart = trendchart.build(tr)
    for k in range(3):
        col = sorted((line.points[k] for line in chart.lines), key=lambda p: p.y)
        assert all(p.left == pytest.approx(k / 3) and p.width == pytest.approx(1 / 3) for p in col)
        assert col[0].top < 0 and col[-1].bottom > 1  # the column is covered, past the plot's edges
        assert all(p.top < p.y < p.bottom for p in col)  # each marker's centre in its own area
        for upper, lower in zip(col, col[1:], strict=False):  # touching halfway, never overlapping
            assert upper.bottom == pytest.approx(lower.top) == pytest.approx((upper.y + lower.y) / 2)
    alone = trendchart.build(made_up("reports", {"a": [1, 2]}, [2, 2])).lines[0].points
    assert [(p.top, p.bottom) for p in alone] == [(-trendchart.EDGE, 1 + trendchart.EDGE)] * 2


def test_build_on_the_index(reader):
    tr = trend(reader, THREE, measure="reports")
    chart = trendchart.build(tr)
    assert [line.query for line in chart.lines] == THREE
    for line, s in zip(chart.lines, tr.series, strict=True):
        assert [(p.year, p.value) for p in line.points] == [(p.year, p.reports) for p in s.points]
        assert all(0 < p.x < 1 and -DODGE <= p.y <= 1 + DODGE for p in line.points)
    assert chart.axis_title == "涉及报告数（篇）" and chart.y_ticks[0].label == "0"
    assert chart.lines[1].absent == "校园欺凌：所选年份内没有出现"
    assert chart.lines[2].absent is None
    assert {t.label for t in chart.x_ticks} <= {str(y) for y in tr.years}


def test_one_year_timeline_is_a_bar_not_a_wall():
    one = timeline.build([{"value": 2021, "count": 3}, {"value": None, "count": 1}])
    (bar,) = one.bars
    assert bar.width <= timeline.MAX_SLOT and bar.x + bar.width / 2 == pytest.approx(one.width / 2)
    assert one.ticks == [(2021, pytest.approx(one.width / 2))]
    two = timeline.build([{"value": 2020, "count": 1}, {"value": 2021, "count": 2}])
    left, right = two.bars
    assert left.width == right.width <= timeline.MAX_SLOT
    assert (left.x + right.x + right.width) / 2 == pytest.approx(two.width / 2)  # centred together
    many = timeline.build([{"value": y, "count": 1} for y in range(1954, 2026)])
    assert many.bars[0].x < timeline.MIN_SLOT and many.bars[-1].x + many.bars[-1].width > many.width - timeline.MIN_SLOT


class Forms(HTMLParser):
    """Every form's action and the (name, value) pairs it would submit."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action", ""), []))
        elif tag == "input" and self.forms and a.get("name"):
            self.forms[-1][1].append((a["name"], a.get("value") or ""))


def forms(body: str) -> list[tuple[str, list[tuple[str, str]]]]:
    parser = Forms()
    parser.feed(body)
    return parser.forms


@pytest.mark.parametrize("queries", [THREE, ["防溺水 OR 溺水", "“双减” -培训", "a&b=c；d", "year:2020 学校", "校车"]])
def test_trend_header_box_holds_every_query_and_comes_back_to_the_same_page(client, queries):
    """On /trend the box at the top showed only the first query."""
    url = "/trend?" + urlencode([("q", q) for q in queries] + [("year", "2010-2025"), ("by", "reports")])
    action, fields = forms(client.get(url).get_data(as_text=True))[0]  # the header's
    assert action == "/trend"
    assert [v for k, v in fields if k == "q"] == queries
    again = action + "?" + urlencode([(k, v) for k, v in fields if v])
    assert parse_qs(urlsplit(again).query) == parse_qs(urlsplit(url).query)
    assert client.get(again).status_code == 200


def test_trend_page_without_script(client):
    body = client.get("/trend?" + urlencode([("q", q) for q in THREE] + [("by", "reports")])).get_data(as_text=True)
    assert body.count('<g class="series') == 3 and body.count('class="line s') == 3
    assert len(set(re.findall(r'href="#(tmk\d)" x="[\d.]+%"', body))) == 3  # a marker of its own per line
    assert re.search(r'<text [^>]*class="ylabel">0</text>', body)
    assert '<p class="axis-title">涉及报告数（篇）</p>' in body
    assert body.count('aria-pressed="true" disabled') == 3  # the keys act only once the script enables them
    assert '<span class="js-only" hidden>点按图例' in body  # and only then does the caption offer them
    assert "校园欺凌：所选年份内没有出现。" in body and "防溺水：所选年份内没有出现；年份不详的报告中有 1 篇提到。" in body
    assert "双减：所选年份内没有出现" not in body
    data = client.get("/api/trend?" + urlencode([("q", q) for q in THREE] + [("by", "reports")])).get_json()
    shown = dict(re.findall(r'class="pt" data-year="(\d+)" data-value="(\d+) 篇报告"', body.split('<g class="series s2"')[1]))
    assert shown == {str(p["year"]): str(p["reports"]) for p in data["series"][2]["points"]} and "1" in shown.values()
