"""Years and dates as people type them into the year box, the query language and the CLI."""

from __future__ import annotations

import pytest

from indexer.search.facets import Years, parse_date, parse_year


@pytest.mark.parametrize(("typed", "read"), [
    ("2015", Years.between(2015, 2015)),
    ("2015年", Years.between(2015, 2015)),
    ("２０１５年", Years.between(2015, 2015)),
    ("2015-2020", Years.between(2015, 2020)),
    ("2015年-2020年", Years.between(2015, 2020)),
    ("2015年至2020年", Years.between(2015, 2020)),
    ("2015 年 至 2020 年", Years.between(2015, 2020)),
    ("2020—2015", Years.between(2015, 2020)),
    ("2015-", Years.between(2015, None)),
    ("2015年以前", None),
    ("-2020年", Years.between(None, 2020)),
    ("unknown", Years(unknown=True)),
    ("", Years()),
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


@pytest.mark.parametrize(("typed", "read"), [
    ("2015,2018,2020", Years(((2015, 2015), (2018, 2018), (2020, 2020)))),
    ("2015、2018，2020；2022", Years(((2015, 2015), (2018, 2018), (2020, 2020), (2022, 2022)))),
    ("2015年, 2018年", Years(((2015, 2015), (2018, 2018)))),
    ("2015 2018", Years(((2015, 2015), (2018, 2018)))),
    ("2010-2012,2015", Years(((2010, 2012), (2015, 2015)))),
    ("2015,unknown", Years(((2015, 2015),), unknown=True)),
    ("近五年", Years(((2022, 2026),), relative=True)),
    ("近 3 年", Years(((2024, 2026),), relative=True)),
    ("近3年", Years(((2024, 2026),), relative=True)),
    ("最近十年", Years(((2017, 2026),), relative=True)),
    ("近两年", Years(((2025, 2026),), relative=True)),
    ("近十五年", Years(((2012, 2026),), relative=True)),
    ("近二十年", Years(((2007, 2026),), relative=True)),
    ("2010,近三年", Years(((2010, 2010), (2024, 2026)), relative=True)),
    ("近0年", None),
    ("近一百年", None),
    ("2015,去年", None),
    ("2015,,", Years(((2015, 2015),))),
])
def test_parse_year_lists_and_recent_years(typed, read):
    """Lists as people write them, and 近N年: this year and the N-1 before it (the current year by default)."""
    assert parse_year(typed, this_year=2026) == read


def test_recent_years_count_back_from_the_current_year():
    from datetime import date

    now = date.today().year
    assert parse_year("近五年") == Years(((now - 4, now),), relative=True)


def test_years_mask_contains_and_shown(reader):
    from indexer.store.catalog import UNKNOWN_YEAR

    years = parse_year("2010-2012,2015,unknown")
    facts = reader.facts
    want = [(y == UNKNOWN_YEAR) or 2010 <= y <= 2012 or y == 2015 for y in facts.year.tolist()]
    assert years.mask(facts).tolist() == want and any(want)
    assert 2011 in years and 2013 not in years and None in years and None not in parse_year("2015")
    assert years.ranges == ((2010, 2012), (2015, 2015)) and parse_year("2015-").ranges == ((2015, None),)
    assert years.shown() == "2010–2012、2015、年份不详"
