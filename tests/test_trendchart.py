"""The trend chart's geometry (webapp/trendchart.py), the year timeline's bars (webapp/timeline.py) and the
trend page they are drawn on, through Flask's test client on the real index."""

from __future__ import annotations

import pytest

from webapp import timeline


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
