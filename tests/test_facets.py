"""Years and dates as people type them into the year box, the query language and the CLI."""

from __future__ import annotations

import pytest

from indexer.search.facets import parse_date, parse_year


@pytest.mark.parametrize(("typed", "read"), [
    ("2015", (2015, 2015, False)),
    ("2015年", (2015, 2015, False)),
    ("２０１５年", (2015, 2015, False)),
    ("2015-2020", (2015, 2020, False)),
    ("2015年-2020年", (2015, 2020, False)),
    ("2015年至2020年", (2015, 2020, False)),
    ("2015 年 至 2020 年", (2015, 2020, False)),
    ("2020—2015", (2015, 2020, False)),
    ("2015-", (2015, None, False)),
    ("2015年以前", None),
    ("-2020年", (None, 2020, False)),
    ("unknown", (None, None, True)),
    ("", (None, None, False)),
    ("去年", None),
    ("20155", None),
])
def test_parse_year(typed, read):
    assert parse_year(typed) == read


@pytest.mark.parametrize(("typed", "read"), [
    ("2016", (20160101, 20161231)),
    ("2016-06", (20160601, 20160631)),
    ("2016年6月7日", (20160607, 20160607)),
    ("2016-01..2016-06", (20160101, 20160631)),
    ("2016-03..", (20160301, None)),
    ("六月", None),
])
def test_parse_date(typed, read):
    assert parse_date(typed) == read
