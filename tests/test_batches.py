"""A build done in bounded batches answers exactly like one done in a single batch.

The full reindex parses, indexes and builds the exact index a batch of files at a time so that its
memory does not grow with the corpus. Here the batch size is made small enough that the seeds and
the report fixtures (written out for several counties) take several batches; section numbering,
every answer, facet and snippet must be the same as with one batch, and incremental runs on top of
it (with compaction of its segments) must keep answering like a full rebuild.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import GOV, SEEDS, county_reports

from indexer.search.engine import search
from indexer.store import batches, compaction, merging, suffixes
from indexer.store import build as builder
from indexer.store.batches import cut_batches
from indexer.store.build import reindex
from indexer.store.generations import read_manifest, require_current
from indexer.store.reader import IndexReader
from indexer.store.scan import SourceFile

pytestmark = pytest.mark.slow  # several full builds of the bundled corpus

QUERIES = ["教育", "学前教育", "防溺水", "安全教育 -交通", "title:政府工作报告", "year:2019 教育", "2008年",
           "校车 OR 营养午餐", '"义务教育 均衡"', "region:县 安全", "科技 创新 人才", "补充说明"]


def _answers(root: Path) -> list[tuple]:
    reader = IndexReader(require_current(root))
    try:
        out = []
        for q in QUERIES:
            res = search(reader, q, per_page=10000)
            out.append((q, res.total, res.mode, res.notice, res.facets,
                        [(h.doc_id, h.section_id) for h in res.hits], [h.snippet_html for h in res.hits[:5]]))
        return out
    finally:
        reader.close()


def _texts(root: Path) -> dict[tuple[str, str], tuple]:
    """Every live section's stored fields, its text as written among them, by (doc_id, section_id)."""
    reader = IndexReader(require_current(root))
    try:
        return {(s["doc_id"], s["section_id"]): tuple(sorted(s.items()))
                for i in range(len(reader.catalog.reports)) if reader.report_live[i]
                for s in reader.report_sections(i)}
    finally:
        reader.close()


def _corpus(dest: Path) -> Path:
    """The seeds with the report fixtures in a subfolder, and the same reports for other counties."""
    shutil.copytree(SEEDS, dest)
    shutil.copytree(GOV, dest / GOV.name)
    county_reports(dest / "counties", 4)
    return dest


def _sids(root: Path) -> dict[str, list[int]]:
    files = read_manifest(require_current(root))["files"]
    return {e["doc_rel"]: e["sids"] for e in files.values()}


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(builder, "BATCH_BYTES", 20_000)
    monkeypatch.setattr(compaction, "BATCH_CHARS", 20_000)
    monkeypatch.setattr(merging, "MERGED_BYTES", 0)  # compaction alone folds the small segments


@pytest.mark.parametrize(("workers", "merged"), [(1, False), (2, False), (2, True)])
def test_batched_full_build_answers_like_one_batch(tmp_path, monkeypatch, workers, merged):
    """Batches of 20 kB, each its own segment or (merged) merged with its neighbours afterwards."""
    src = _corpus(tmp_path / "src")
    one = tmp_path / "one"
    reindex(one, [src], progress=False, workers=1)
    assert len(read_manifest(require_current(one))["segments"]) == 1
    monkeypatch.setattr(builder, "BATCH_BYTES", 20_000)
    monkeypatch.setattr(merging, "MERGED_BYTES", 60_000 if merged else 0)
    many = tmp_path / "many"
    reindex(many, [src], progress=False, workers=workers)
    segments = read_manifest(require_current(many))["segments"]
    if merged:
        assert len(segments) >= 2 and any("/seg-m" in s for s in segments)
    else:
        assert len(segments) >= 5
    assert all(suffixes.exists(require_current(many) / s) for s in segments)  # sorted by the workers, last
    assert _sids(many) == _sids(one)
    assert _answers(many) == _answers(one)


def test_incremental_on_a_batched_index_compacts_and_answers_like_a_full_rebuild(tmp_path, small_batches,
                                                                                  monkeypatch):
    src = _corpus(tmp_path / "src")
    root = tmp_path / "index"
    reindex(root, [src], progress=False, workers=2)
    before = read_manifest(require_current(root))["segments"]
    monkeypatch.setattr(compaction, "COMPACT_SEGMENTS", 2)
    for n, f in enumerate(sorted((src / GOV.name).glob("*.txt"))[:3]):
        f.write_text(f.read_text(encoding="utf-8") + f"\n十九、补充说明{n}\n学前教育普及，补充说明第{n}条。\n",
                     encoding="utf-8")
        reindex(root, progress=False, workers=2)
    sorted((src / GOV.name).glob("*.txt"))[-1].unlink()
    reindex(root, progress=False, workers=2)
    after = read_manifest(require_current(root))["segments"]
    assert after != before  # the small segments of the edits were folded together
    assert all(suffixes.exists(require_current(root) / s) for s in after)
    assert len(after) <= len(before) + 1
    full = tmp_path / "full"
    reindex(full, [src], progress=False, workers=2)
    assert _answers(root) == _answers(full)
    texts = _texts(root)
    assert texts == _texts(full) and len(texts) > 500
    assert sum("补充说明" in dict(fields)["text"] for fields in texts.values()) == 3


def test_batches_keep_file_order_and_size(tmp_path):
    files = []
    for n, size in enumerate([50, 50, 200, 10, 10, 10, 300, 5]):
        p = tmp_path / f"{n}.txt"
        p.write_bytes(b"x" * size)
        files.append(SourceFile(key=str(n), source=tmp_path, rel=p.name, doc_rel=p.name, path=p))
    cut = cut_batches(files, 100)
    assert [f for b in cut for f in b] == files
    assert [[f.key for f in b] for b in cut] == [["0", "1"], ["2"], ["3", "4", "5"], ["6"], ["7"]]


def test_batches_come_in_a_multiple_of_the_workers_of_even_size(tmp_path, monkeypatch):
    """The last batch must not be left to one worker while the other waits: 7 files of 100 bytes
    and a limit of 300 make 3 batches for one process, 4 of at most 2 files for two."""
    monkeypatch.setattr(batches, "PARALLEL_MIN_BYTES", 500)
    files = []
    for n in range(7):
        p = tmp_path / f"{n}.txt"
        p.write_bytes(b"x" * 100)
        files.append(SourceFile(key=str(n), source=tmp_path, rel=p.name, doc_rel=p.name, path=p))
    assert [len(b) for b in cut_batches(files, 300)] == [3, 2, 2]
    two = cut_batches(files, 300, workers=2)
    assert len(two) == 4 and [f for b in two for f in b] == files and max(map(len, two)) == 2
    assert len(cut_batches(files[:3], 300, workers=2)) == 1  # under PARALLEL_MIN_BYTES: as for one process
