"""region:江苏 and the province facet, in the query language, the URL, the API and the CLI, over our own
notices from 淮安市洪泽区, 苏州市, 广州市 (in traditional characters) and 教育部."""

from __future__ import annotations

import json

import pytest
from helpers import FIXTURES

from indexer.cli import main
from indexer.search.engine import search
from indexer.search.facets import Filters

PLACES = FIXTURES / "places"


@pytest.fixture(scope="module")
def places_index(tmp_path_factory):
    from indexer.store.build import reindex

    root = tmp_path_factory.mktemp("places-index")
    reindex(root, [PLACES], progress=False)
    return root


@pytest.fixture(scope="module")
def places_reader(places_index):
    from indexer.store.reader import Library

    return Library(places_index).reader()


def _places(reader, q: str, filters: Filters | None = None) -> set[str | None]:
    place = {r.doc_id: r.place for r in reader.catalog.reports}
    return {place[h.doc_id] for h in search(reader, q, filters, per_page=100).hits}


@pytest.mark.parametrize(("query", "places"), [
    ("防溺水 region:江苏", {"江苏省淮安市洪泽区", "江苏省苏州市"}),
    ("防溺水 region:江苏省", {"江苏省淮安市洪泽区", "江苏省苏州市"}),
    ("防溺水 region:江蘇", {"江苏省淮安市洪泽区", "江苏省苏州市"}),
    ("防溺水 region:淮安", {"江苏省淮安市洪泽区"}),
    ("防溺水 region:洪泽区", {"江苏省淮安市洪泽区"}),
    ("防溺水 region:广东", {"广东省广州市"}),
    ("防溺水 region:市", {"江苏省苏州市", "广东省广州市"}),  # a level still filters by level
    ("防溺水 region:全国", {None}),
    ("防溺水 -region:江苏", {"广东省广州市", None}),
])
def test_region_finds_every_report_placed_in_that_division(places_reader, query, places):
    assert _places(places_reader, query) == places


def test_a_division_with_no_report_finds_none_without_a_notice(places_reader):
    res = search(places_reader, "防溺水 region:四川")
    assert res.total == 0 and "地区层级" not in (res.notice or "")


def test_the_province_facet_counts_and_filters(places_reader):
    res = search(places_reader, "防溺水")
    assert {r["value"]: r["count"] for r in res.facets["province"]} == {"江苏省": 2, "广东省": 1, None: 1}
    only = search(places_reader, "防溺水", Filters(province="江苏省"), per_page=100)
    assert _places(places_reader, "防溺水", Filters(province="江苏省")) == {"江苏省淮安市洪泽区", "江苏省苏州市"}
    # the province facet still shows every province while one is chosen; the level facet counts within it
    assert {r["value"] for r in only.facets["province"]} == {"江苏省", "广东省", None}
    assert {r["value"]: r["count"] for r in only.facets["region"]} == {"区": 1, "市": 1}


def test_the_search_page_shows_the_province_facet_and_the_url_holds_it(places_index):
    from webapp import create_app

    app = create_app(places_index)
    app.config.update(TESTING=True)
    client = app.test_client()
    body = client.get("/search", query_string={"q": "防溺水"}).get_data(as_text=True)
    assert "省份" in body and "province=%E6%B1%9F%E8%8B%8F%E7%9C%81" in body  # a link to province=江苏省
    chosen = client.get("/search", query_string={"q": "防溺水", "province": "江苏省"}).get_data(as_text=True)
    assert 'name="province" value="江苏省"' in chosen and "广州" not in chosen.split('id="results"')[-1]
    api = client.get("/api/search", query_string={"q": "防溺水", "province": "江苏省"}).get_json()
    assert api["total_documents"] == 2 and "province" in api["facets"]
    assert client.get("/api/search", query_string={"q": "防溺水", "region": "淮安"}).get_json()["total_documents"] == 1


def test_the_cli_region_option_takes_a_division(places_index, capsys):
    assert main(["search", "防溺水", "--index", str(places_index), "--region", "江苏", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total_documents"] == 2 and {r["value"] for r in out["facets"]["province"]} >= {"江苏省"}
