"""The near-duplicate set made from our fixtures (benchmarks/dupset.py) and how grouping is scored on
it (benchmarks/dups.py): the set's versions differ from their original as they say, the scoring
counts pairs, and the grouping keeps the precision and recall docs/benchmarks.md reports."""

from __future__ import annotations

import random
from types import SimpleNamespace

import numpy as np
import pytest
from helpers import FIXTURES

from benchmarks import dupset
from benchmarks.dups import against_original, score
from indexer.store.build import reindex
from indexer.store.reader import Library


def test_versions_change_one_paragraph_and_renumber_their_document():
    docs = dupset.originals(FIXTURES)
    assert len(docs) >= 20 and all(len(d.lines) >= 3 for d in docs)
    doc = next(d for d in docs if any(dupset._DOC_NO.search(ln) for ln in d.lines))
    rng = random.Random(1)
    changed = dupset.changed(doc, rng, [d for d in docs if d is not doc])
    differ = [i for i, (a, b) in enumerate(zip(doc.lines, changed.lines, strict=True)) if a != b]
    paragraph = [i for i in differ if not dupset._DOC_NO.search(doc.lines[i])]
    assert len(paragraph) == 1 and len(doc.lines[paragraph[0]]) >= dupset.MIN_PARAGRAPH
    numbered = [i for i in differ if dupset._DOC_NO.search(doc.lines[i])]
    assert numbered and all(dupset._DOC_NO.search(changed.lines[i]).group(2) !=
                            dupset._DOC_NO.search(doc.lines[i]).group(2) for i in numbered)
    assert len(dupset.dropped(doc, rng, docs).lines) == len(doc.lines) - 1
    assert len(dupset.added(doc, rng, docs).lines) == len(doc.lines) + 1


def fake_reader(doc_ids: list[str], groups: list[int]):
    rows = [SimpleNamespace(doc_id=d) for d in doc_ids]
    return SimpleNamespace(catalog=SimpleNamespace(reports=rows), report_live=np.ones(len(rows), dtype=bool),
                           facts=SimpleNamespace(group=np.array(groups)))


def test_scoring_counts_pairs_of_reports():
    reader = fake_reader(["a.txt", "a.pdf", "a.html", "v.txt", "x.txt~1", "x.txt~2"], [0, 0, 3, 0, 4, 4])
    truth = {"a.txt": "a", "a.pdf": "a", "a.html": "a", "v.txt": "a~changed", "x.txt": "x"}
    got = score(reader, truth)
    # true pairs: a.txt-a.pdf, a.txt-a.html, a.pdf-a.html (x~1 and x~2 are two reports of one file)
    assert got["pairs_true"] == 3 and got["pairs_grouped"] == 4
    assert got["precision"] == pytest.approx(1 / 4) and got["recall"] == pytest.approx(1 / 3)
    kinds = {"a.txt": "original", "a.pdf": "pdf", "a.html": "web", "v.txt": "changed"}
    assert against_original(reader, truth, kinds) == {
        "changed": {"files": 1, "grouped_with_original": 1}, "pdf": {"files": 1, "grouped_with_original": 1},
        "web": {"files": 1, "grouped_with_original": 0}}


@pytest.mark.slow
def test_grouping_on_the_generated_set(tmp_path):
    made = dupset.build(FIXTURES, tmp_path / "set")
    reindex(tmp_path / "index", [tmp_path / "set"], progress=False)
    got = score(Library(tmp_path / "index").reader(), {f: v["document"] for f, v in made.items()})
    assert got["precision"] >= 0.99 and got["recall"] >= 0.95, got
