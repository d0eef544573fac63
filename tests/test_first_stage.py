"""The first ranking stage picks the best without sorting every match (ranking._best_k, Ranked): the
result order is the one a full sort gives, ties included, whether a page reads the head or the tail;
and the counts a result page shows (facets, reports) come from one pass over the matching sections."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.search import facets as facet_mod
from indexer.search.engine import find, search
from indexer.search.facets import Filters, Years
from indexer.search.matching import matching_sections
from indexer.search.ranking import Ranked, _best_first, _best_k


def full_order(reader, sids, scores):
    return sids[_best_first(reader, sids, scores)]


@pytest.mark.parametrize("k", [1, 5, 100])
@pytest.mark.parametrize("levels", [3, 50, 100000])  # few distinct scores (many ties) to nearly none
def test_best_k_is_the_head_of_a_full_sort(counties, k, levels):
    reader = counties
    rng = np.random.default_rng(levels * 1000 + k)
    sids = np.flatnonzero(reader.live)
    scores = rng.integers(0, levels, len(sids)) / 7.0  # ties that rounding to 9 places keeps
    best, rest = _best_k(reader, sids, scores, k)
    want = full_order(reader, sids, scores)
    assert sids[best].tolist() == want[:k].tolist()
    assert sorted(sids[rest].tolist()) == sorted(want[k:].tolist())
    order = _best_first(reader, sids[rest], scores[rest])
    ranked = Ranked(sids[best], scores[best], sids[rest], scores[rest], reader.order_key)
    assert ranked.part(0, k)[0].tolist() == want[:k].tolist()
    assert ranked.sids.tolist() == want.tolist()
    assert ranked.scores.tolist() == np.concatenate([scores[best], scores[rest][order]]).tolist()


@pytest.mark.parametrize("shuffled", [False, True])
def test_a_reports_sections_in_result_order_without_sorting_the_rest(counties, shuffled):
    """in_range (a hit's document's other sections, for its sources) is the complete order cut to a
    run of sids, whether the tail is still unsorted or not, and leaves it unsorted."""
    reader = counties
    rng = np.random.default_rng(3)
    sids = np.flatnonzero(reader.live)
    scores = rng.integers(0, 40, len(sids)) / 7.0
    best, rest = _best_k(reader, sids, scores, 50)
    if shuffled:  # a tail given in any order
        rest = rng.permutation(rest)

    def made():
        return Ranked(sids[best], scores[best], sids[rest], scores[rest], reader.order_key)

    lazy, whole = made(), made().sids
    for row in reader.catalog.reports[:40]:
        lo, hi = row.first_sid, row.first_sid + row.n_sections
        want = [s for s in whole.tolist() if lo <= s < hi]
        assert lazy.in_range(lo, hi).tolist() == want
    assert lazy._sids is None
    complete = made()
    complete.sids  # noqa: B018 (orders the tail)
    assert all(complete.in_range(r.first_sid, r.first_sid + r.n_sections).tolist() ==
               [s for s in whole.tolist() if r.first_sid <= s < r.first_sid + r.n_sections]
               for r in reader.catalog.reports[:40])


@pytest.fixture(scope="module")
def counties(tmp_path_factory):
    """The report fixtures for twelve made-up counties: common words in hundreds of sections."""
    from helpers import county_reports

    from indexer.store.build import reindex
    from indexer.store.reader import Library

    root = tmp_path_factory.mktemp("counties")
    reindex(root / "index", [county_reports(root / "src", 12)], progress=False)
    return Library(root / "index").reader()


def test_a_first_page_leaves_the_rest_unsorted_and_a_deep_page_sorts_it(counties):
    reader, q = counties, "教育"
    res = find(reader, q, copies="all")  # these counties' reports differ only by their names: copies, by text
    assert res.total > 400  # more than the second stage reads and twice it, so the rest waits
    page1 = res.page(reader, 1, 10)
    assert res.ranked._sids is None  # not sorted for the first page
    deep = res.page(reader, 30, 10)  # hits 291-300: the rest is sorted now
    assert res.ranked._sids is not None
    again = find(reader, q, copies="all")
    whole = again.sids  # sorted at once
    assert [h.section_id for h in page1.hits] == [h.section_id for h in again.hits(reader, 0, 10)]
    assert [h.section_id for h in deep.hits] == [h.section_id for h in again.hits(reader, 290, 300)]
    assert sorted(whole.tolist()) == matching_sections(reader, q).tolist()


def test_reports_of_sections_is_the_reports_they_belong_to(reader):
    rng = np.random.default_rng(7)
    for share in (0.0, 0.001, 0.05, 0.5, 1.0):
        mask = rng.random(reader.n) < share
        want = np.zeros(len(reader.catalog.reports), dtype=bool)
        want[reader.catalog.section_report[np.flatnonzero(mask)]] = True
        assert reader.reports_of(mask).tolist() == want.tolist()


def test_facets_and_report_counts_are_those_of_the_matching_reports(reader):
    for q, f in [("教育", Filters()), ("学校", Filters(years=Years.between(2015, 2020))), ("安全", Filters(region="县")),
                 ("教育 year:2010-2025", Filters(doc_type="工作总结"))]:
        res = find(reader, q, f)
        unfiltered = matching_sections(reader, q)
        hit = np.zeros(len(reader.catalog.reports), dtype=bool)
        hit[reader.catalog.section_report[unfiltered]] = True
        for name in facet_mod.FACETS:  # each counted under every filter but its own
            passing = hit & facet_mod.report_filter(reader.facts, f, skip=name)
            assert res.facets[name] == facet_mod.counts(reader.facts, passing)[name], (q, name)
        assert res.total_documents == len(set(reader.catalog.section_report[res.sids].tolist()))
        assert search(reader, q, f).total_documents == res.total_documents
