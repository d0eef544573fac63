"""An opened index reads its files with os.pread and keeps no index pages in the process: what a
query reads is copied out, and the exact text that verification maps is dropped again once the
process's file-backed memory passes the reader's budget. Answers are the same either way."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index

from indexer.search.engine import search
from indexer.search.matching import Evaluator
from indexer.search.parser import Term
from indexer.store.columns import Column, FileBytes
from indexer.store.exact import SEP, ExactSegment, gram_keys
from indexer.store.generations import require_current
from indexer.store.reader import IndexReader
from indexer.store.whoosh_io import mapped
from indexer.text.wholeword import term_pattern

QUERIES = ["教育", "义务教育", "学前教育 安全", "防溺水", "人民群众 -农村", "2008年", "title:政府工作报告 改革",
           "素质教育 year:1990-2010", "家庭经济困难学生资助", "义务教肓"]


def scan_for_variants(reader: IndexReader) -> dict[str, int]:
    """What a typo's suggestions scan the text for when its variants at a place are many (人民法阮):
    义务教 followed by each of these characters, in one scan of each segment's sections holding it."""
    ev = Evaluator(reader)
    ev.variants("义务教肓", 3, ["育", "师", "学"])
    return {c: ev.term(Term("义务教" + c, "义务教" + c)).df for c in "育师学"}
_MAPPING = re.compile(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+ *(.*)$")


def resident_kb_by_file() -> dict[str, int]:
    """Resident kB of each file mapped into this process, from /proc/self/smaps."""
    out: dict[str, int] = {}
    current = ""
    with open("/proc/self/smaps", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            m = _MAPPING.match(line)
            if m:
                current = m.group(1)
            elif line.startswith("Rss:"):
                out[current] = out.get(current, 0) + int(line.split()[1])
    return out


def index_resident_kb(gen: Path) -> dict[str, int]:
    return {path: kb for path, kb in resident_kb_by_file().items() if path.startswith(str(gen)) and kb}


def answers(reader: IndexReader) -> list[tuple]:
    out = []
    for q in QUERIES:
        res = search(reader, q, per_page=20)
        out.append((q, res.total, res.results.sids.tolist(), [(h.section_id, h.snippet_html) for h in res.hits]))
    return out


@pytest.fixture(scope="module")
def gen(index_dir, tmp_path_factory) -> Path:
    """A copy of the test index's generation: no other reader in this process maps its files."""
    copy = tmp_path_factory.mktemp("resident") / "gen"
    shutil.copytree(require_current(index_dir), copy)
    return copy


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads /proc/self/smaps (Linux)")
def test_searching_leaves_no_index_pages_in_the_process_with_no_budget(gen):
    reader = IndexReader(gen)
    reader.map_budget = 0
    got = answers(reader)
    assert all(total for q, total, *_ in got[:-1]) and not got[-1][1]  # the last one a typo
    counts = scan_for_variants(reader)
    assert counts["育"] and index_resident_kb(gen) == {}
    # with a budget the text scanned stays mapped between queries (and only the text)
    kept = IndexReader(gen, kept_bytes=0)
    assert answers(kept) == got
    assert scan_for_variants(kept) == counts
    resident = index_resident_kb(gen)
    assert resident and all(path.endswith("text.utf8") for path in resident), resident
    kept.map_budget = 0
    scan_for_variants(kept)  # the next scan past the budget drops them
    assert index_resident_kb(gen) == {}


def test_whoosh_read_with_pread_answers_like_its_memory_map(gen):
    by_pread = mapped.open_index(gen / "whoosh").searcher()
    by_map = whoosh_index.open_dir(gen / "whoosh").searcher()
    try:
        n = by_map.doc_count_all()
        assert by_pread.doc_count_all() == n > 100
        for doc in range(0, n, 7):
            assert by_pread.stored_fields(doc) == by_map.stored_fields(doc)
        for word in ("教育", "学校", "改革", "农村"):
            assert list(by_pread.documents(body=word)) == list(by_map.documents(body=word))
    finally:
        by_pread.close()
        by_map.close()


def test_a_loaded_segment_answers_like_the_one_built_in_memory(gen, reader):
    loaded = max((ExactSegment.load(gen / d) for d in reader.manifest["segments"]), key=lambda seg: seg.size)
    parts = loaded.text_between(0, len(loaded.data)).split(SEP)  # heading, body, heading, body, …, ""
    headings, bodies = parts[0:-1:2], parts[1:-1:2]
    assert len(headings) == len(bodies) == loaded.size and parts[-1] == ""
    built = ExactSegment.build(loaded.base, headings, bodies)
    assert [loaded.section_text(i) for i in range(0, loaded.size, 5)] == [
        (headings[i], bodies[i]) for i in range(0, loaded.size, 5)]
    words = {w for b in bodies[::4] for w in re.findall(r"[\u4e00-\u9fff]{2,6}", b)[:3]}
    words |= {"教育", "义", "2008年", "2008", "gdp", "人民群众", "没有这个词语"}
    assert len(words) > 100
    for w in sorted(words):
        a, b = loaded.candidates(w), built.candidates(w)
        assert [x.tolist() for x in (a.head, a.body, a.body_tf)] == [x.tolist() for x in (b.head, b.body, b.body_tf)], w
        got, want = loaded.occurrences(w), built.occurrences(w)
        assert [x.tolist() for x in got] == [x.tolist() for x in want], w
        pattern = term_pattern(w)
        truth = [i for i, body in enumerate(bodies) if (pattern.search(body) if pattern else w in body)]
        assert got[1].tolist() == truth, w


def test_a_column_reads_like_the_saved_array(tmp_path):
    keys = np.unique(np.random.default_rng(7).integers(0, 1 << 40, 5000, dtype=np.uint64))
    np.save(tmp_path / "keys.npy", keys)
    np.save(tmp_path / "empty.npy", np.zeros(0, dtype=np.uint32))
    col = Column(tmp_path / "keys.npy", sorted_=True)
    assert len(col) == len(keys)
    assert np.array_equal(np.asarray(col), keys)
    assert np.array_equal(col[100:1600], keys[100:1600]) and len(col[4990:7000]) == len(keys) - 4990
    assert col[0] == keys[0] and col[-1] == keys[-1] and len(col[3:3]) == 0
    for i in (0, 1, 511, 512, 513, 1024, len(keys) - 1):
        assert col.find(int(keys[i])) == i
    present = set(keys.tolist())
    for missing in (int(keys[0]) - 1, int(keys[10]) + 1, int(keys[600]) - 1, int(keys[-1]) + 1):
        assert missing in present or col.find(missing) == -1
    assert len(Column(tmp_path / "empty.npy")) == 0 and len(np.asarray(Column(tmp_path / "empty.npy"))) == 0
    (tmp_path / "text").write_bytes("教育公平".encode())
    text = FileBytes(tmp_path / "text")
    assert text[3:9] == "育公".encode() and text[9:100] == "平".encode() and len(text) == 12


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads /proc/self/smaps (Linux)")
def test_the_first_segments_within_the_budget_stay_mapped_the_others_are_dropped(tmp_path, monkeypatch):
    """Three segments (one source folder added at a time); a budget holding the first one's text: a
    typo's variants looked for in all three leave the first one's text mapped, and none of the others'."""
    from helpers import ALT, GOV, SEEDS

    from indexer.store import merging
    from indexer.store.build import reindex

    monkeypatch.setattr(merging, "MERGED_BYTES", 0)  # one segment per run, as a larger collection has
    root = tmp_path / "index"
    for folder in (SEEDS, GOV, ALT):
        reindex(root, [folder], progress=False)
    gen = require_current(root)
    reader = IndexReader(gen, kept_bytes=0)  # each scan looks again (nothing kept from the last)
    assert len(reader.segments) == 3
    sizes = [len(seg.data) for seg in reader.segments]
    reader.map_budget = sizes[0]
    assert all(len(seg.holding(gram_keys("义务教"))[1]) for seg in reader.segments)  # each is scanned
    counts = scan_for_variants(reader)
    resident = index_resident_kb(gen)
    first = str(gen / reader.manifest["segments"][0] / "text.utf8")
    assert list(resident) == [first], resident
    reader.map_budget = 0  # a lower budget drops what it no longer holds at the next scan
    assert scan_for_variants(reader) == counts
    assert index_resident_kb(gen) == {}
