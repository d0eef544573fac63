"""What one search verified, kept by the generation's reader for the next (store/kept.py): the next page,
facet or sort of a query answers exactly as without it, without searching the text again; a new
generation starts with nothing kept."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from helpers import GOV, SEEDS

from indexer.search.engine import search
from indexer.search.matching import Evaluator
from indexer.search.parser import Term
from indexer.search.phases import Timings
from indexer.store.build import reindex
from indexer.store.generations import require_current
from indexer.store.kept import Kept
from indexer.store.reader import IndexReader, Library

REQUESTS = [  # a user's clicks: a query, its next page, a year, a sort, a refinement
    ("防溺水", {}), ("防溺水", {"page": 2, "per_page": 5}), ("防溺水", {"sort": "newest"}),
    ("义务教育", {}), ("义务教育 year:2015-2024", {}), ("义务教育 均衡", {}), ("学前教育 普惠", {}),
    ('"学前教育 普惠"', {}), ("教育 -农村", {}), ("安全教育", {"page": 3, "per_page": 3}), ("安全教育", {}),
]


def test_kept_keeps_the_most_recently_used_within_its_bytes():
    kept = Kept(100)
    kept.put("a", "A", 40)
    kept.put("b", "B", 40)
    assert kept.get("a") == "A"  # a is now the more recently used
    kept.put("c", "C", 40)  # 120 bytes: b goes
    assert (kept.get("a"), kept.get("b"), kept.get("c")) == ("A", None, "C") and kept.nbytes == 80
    kept.put("d", "D", 101)  # more than the whole budget: not kept, nothing pushed out
    assert kept.get("d") is None and kept.nbytes == 80
    nothing = Kept(0)
    nothing.put("a", "A", 1)
    assert nothing.get("a") is None


def test_the_next_requests_answer_as_a_reader_that_keeps_nothing(index_dir):
    keeping, fresh = IndexReader(require_current(index_dir)), IndexReader(require_current(index_dir), kept_bytes=0)
    for q, kw in REQUESTS + REQUESTS:  # the second round finds every string kept
        a, b = search(keeping, q, **kw).to_dict(), search(fresh, q, **kw).to_dict()
        a.pop("took_ms"), b.pop("took_ms")
        assert a == b, (q, kw)
    assert keeping.kept.nbytes > 0 and fresh.kept.nbytes == 0


@pytest.mark.parametrize("q", ["义务教育", "2020年"])
def test_a_string_found_once_is_not_looked_up_again(index_dir, q):
    """A plain string, and a number that must be whole: their occurrences from the suffix arrays once."""
    reader = IndexReader(require_current(index_dir))
    first, again, page2 = Timings(), Timings(), Timings()
    search(reader, q, timings=first)
    search(reader, f"{q} year:2015-2024", timings=again)
    search(reader, q, page=2, per_page=3, timings=page2)
    assert "occurrences" in first.ms
    for t in (again, page2):
        assert not {"occurrences", "candidates", "verify"} & set(t.ms)


def test_kept_hits_cannot_be_changed_by_a_later_search(index_dir):
    reader = IndexReader(require_current(index_dir))
    hits = Evaluator(reader).term(Term("义务教育", "义务教育"))
    assert hits.df > 0 and Evaluator(reader).term(Term("义务教育", "义务教育")) is hits
    for a in (hits.head, hits.body, hits.body_tf, hits.mask):
        with pytest.raises(ValueError):
            a[:1] = 0
    assert np.count_nonzero(hits.mask) == hits.df


def test_a_new_generation_starts_with_nothing_kept(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src / "seeds")
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    library = Library(root)
    before = search(library.reader(), "防溺水演练").total  # verified and kept by this generation's reader
    shutil.copytree(GOV, src / "gov")
    (src / "gov" / "drill.md").write_text("# 防溺水演练通知\n\n## 一、安排\n\n各校开展防溺水演练。\n", encoding="utf-8")
    reindex(root, progress=False)
    assert search(library.reader(), "防溺水演练").total > before
