"""The per-phase profile of a search (indexer/search/phases.py): each phase's own time, inner phases
left out, so a search's phases add up to its time; a search without Timings is unchanged."""

from __future__ import annotations

import contextlib
import itertools

import pytest

from indexer.search.engine import find, search
from indexer.search.phases import PHASES, Timings, phase
from indexer.store.reader import Library


@pytest.fixture(scope="module")
def reader(index_dir):
    """A reader of its own that keeps nothing between searches (store/kept.py): each search here does
    every phase's work, whatever other tests searched before."""
    return Library(index_dir, kept_bytes=0).reader()


class Ticks:
    """A clock that advances one second each time it is read: times become counts of readings."""

    def __init__(self) -> None:
        self.n = itertools.count()

    def __call__(self) -> float:
        return float(next(self.n))


def test_inner_phases_are_left_out_of_the_outer_one():
    t = Timings(clock=Ticks())
    with t.phase("match"):  # reads 0 ...
        with t.phase("candidates"):  # 1 .. 2
            pass
        with t.phase("verify"):  # 3 .. 4
            pass
    # ... and 5: 5 s in all, 1 s each inside, 3 s the outer phase's own
    assert t.ms == {"candidates": 1000.0, "verify": 1000.0, "match": 3000.0}


def test_a_phase_run_twice_is_summed():
    t = Timings(clock=Ticks())
    for _ in range(3):
        with t.phase("verify"):
            pass
    assert t.ms == {"verify": 3000.0}


def test_a_phase_is_timed_when_its_work_raises():
    t = Timings(clock=Ticks())
    try:
        with t.phase("parse"):
            raise ValueError
    except ValueError:
        pass
    assert t.ms == {"parse": 1000.0}


def test_no_timings_no_profile():
    assert isinstance(phase(None, "verify"), contextlib.nullcontext)  # nothing read, nothing kept


def test_a_search_reports_its_phases_and_they_add_up(reader):
    clock = Ticks()
    t = Timings(clock=clock)
    before = clock()
    res = search(reader, "防溺水 安全", timings=t)
    span = (clock() - before) * 1000  # every phase reads the clock in between
    assert res.total > 0
    assert set(t.ms) <= set(PHASES)
    for name in ("parse", "occurrences", "candidates", "match", "rank1", "rank2", "order", "facets", "snippets"):
        assert t.ms.get(name, 0) > 0, name
    # own times: counted once, so they add up to no more than the search (inner phases counted
    # in their outer one too would exceed it: occurrences run inside match, inside rank1 for words)
    assert sum(t.ms.values()) <= span


def test_words_and_suggestions_are_phases_of_their_own(reader):
    t = Timings()
    res = search(reader, "防弱水", timings=t)
    assert res.total == 0 and res.suggestions
    assert t.ms.get("words", 0) > 0 and t.ms.get("suggest", 0) > 0


def test_timings_change_nothing_found(reader):
    for q in ("防溺水", "学校 安全", "防弱水", '"义务教育 均衡"', "教育 year:2015-2020"):
        plain, timed = find(reader, q), find(reader, q, timings=Timings())
        assert plain.sids.tolist() == timed.sids.tolist(), q
        assert plain.facets == timed.facets and plain.suggestions == timed.suggestions, q
