"""Reindexing does only the work a change needs, and a reader never sees half an index."""

from __future__ import annotations

import gc
import json
import os
import shutil
from dataclasses import replace

import pytest
from helpers import FIXTURES, GOV, SEED_000, SEED_003, SEEDS, brute_hits, county_reports

from indexer.cli import main
from indexer.search.engine import search
from indexer.search.report import get_report
from indexer.store import generations as store
from indexer.store.build import SourceMissing, reindex
from indexer.store.reader import IndexReader, Library


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "corpus"
    (src / "gov").mkdir(parents=True)
    shutil.copy(SEED_000, src)
    shutil.copy(SEED_003, src)
    for name in ("2019_2019年白石县人民政府工作报告.txt", "2020_白石县第十七届人民代表大会第四次会议关于政府工作报告的决议.txt"):
        shutil.copy(GOV / name, src / "gov" / name)
    shutil.copy(FIXTURES / "laws" / "白石县学生营养午餐管理办法(2017-09-01).md", src)
    return src


def hits(root, q):
    return search(Library(root).reader(), q, per_page=1000)


def exact(root, q) -> int:
    """Exact matches only (a word-level fallback answer counts as none)."""
    res = hits(root, q)
    return res.total if res.mode == "exact" else 0


def test_unchanged_corpus_reindexes_nothing(tmp_path, corpus):
    root = tmp_path / "index"
    first = reindex(root, [corpus], progress=False)
    assert first.full and first.indexed == 5
    again = reindex(root, progress=False)  # sources remembered
    assert not again.full
    assert (again.indexed, again.unchanged, again.removed) == (0, 5, 0)
    assert again.sections == first.sections


def test_touch_without_change_is_skipped_by_hash(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    f = corpus / SEED_003.name
    os.utime(f, (f.stat().st_atime + 100, f.stat().st_mtime + 100))
    assert reindex(root, progress=False).indexed == 0


def test_one_changed_file_is_the_only_one_reindexed(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    assert exact(root, "暑期防溺水家访") == 0
    f = corpus / SEED_003.name
    f.write_text(f.read_text(encoding="utf-8") + "\n　　四、暑期防溺水家访\n　　全县教师开展暑期防溺水家访。\n", encoding="utf-8")
    s = reindex(root, progress=False)
    assert (s.indexed, s.unchanged, s.removed) == (1, 4, 0)
    res = hits(root, "暑期防溺水家访")
    assert res.total == 1 and res.hits[0].heading_path == ["四、暑期防溺水家访"]
    # the file's old sections were replaced, not duplicated
    assert hits(root, "2024年工作思路").total == 1


def test_deleted_file_sections_are_gone(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    assert hits(root, "陪餐").total > 0
    (corpus / "白石县学生营养午餐管理办法(2017-09-01).md").unlink()
    s = reindex(root, progress=False)
    assert s.removed == 1 and s.indexed == 0
    assert exact(root, "陪餐") == 0
    assert all("营养午餐管理办法" not in h.doc_id for h in hits(root, "第一条").hits)


def test_a_file_emptied_since_the_last_run_is_counted_as_removed(tmp_path, corpus):
    """Its sections leave the index, so the summary must not say `removed 0`."""
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    (corpus / "白石县学生营养午餐管理办法(2017-09-01).md").write_bytes(b"")
    s = reindex(root, progress=False)
    assert exact(root, "陪餐") == 0
    assert (s.indexed, s.unchanged, s.removed) == (0, 4, 1)
    assert "empty file" in s.line()


def test_new_file_is_added(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    shutil.copy(GOV / "1999_1999年白石县人民政府工作报告.txt", corpus / "gov")
    s = reindex(root, progress=False)
    assert (s.indexed, s.unchanged) == (1, 5)
    assert {h.year for h in hits(root, "1998年工作回顾").hits} == {1999}


def test_many_incremental_runs_stay_correct(tmp_path, corpus):
    """Enough small changes to trigger compaction of the exact index."""
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    f = corpus / "gov" / "2019_2019年白石县人民政府工作报告.txt"
    base = f.read_text(encoding="utf-8")
    for n in range(10):
        f.write_text(base + f"\n十一、第{n}次补充说明\n补充内容编号{n}号。\n", encoding="utf-8")
        reindex(root, progress=False)
        assert hits(root, f"补充内容编号{n}号").total == 1
        if n:
            assert exact(root, f"补充内容编号{n - 1}号") == 0
    assert hits(root, "陪餐").total > 0


def test_dictionary_change_rebuilds_everything(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    words = tmp_path / "words.txt"
    words.write_text("应急疏散演练 100 n\n", encoding="utf-8")
    s = reindex(root, userdicts=[words], progress=False)
    assert s.full and s.reason == "dictionary changed"
    reader = Library(root).reader()
    assert reader.dict_hash != IndexReader.__name__  # opened with the new dictionary
    from indexer.text.analysis import query_words

    assert "应急疏散演练" in query_words("应急疏散演练", reader.dict_hash)
    assert reindex(root, progress=False).indexed == 0  # remembered


def test_a_new_parser_version_reads_every_file_again_and_says_so(tmp_path, corpus, monkeypatch, capsys):
    """Unchanged files keep their parse through incremental runs: after an upgrade that parses them
    otherwise, `edusearch reindex` kept the old parse ("unchanged 131") until someone ran --full."""
    from indexer.ingest import parse
    from indexer.store import build

    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    assert store.read_manifest(store.current(root))["parser"] == parse.PARSER
    assert reindex(root, progress=False).indexed == 0
    assert hits(root, "回望2018年").total == 0
    parsed = parse.build_sections

    def new_parser(lines, *args, **kw):  # what an upgrade does: an unchanged file parses otherwise
        return [replace(s, heading="一、回望2018年") if s.heading == "一、2018年工作回顾" else s
                for s in parsed(lines, *args, **kw)]

    monkeypatch.setattr(parse, "build_sections", new_parser)
    monkeypatch.setattr(build, "PARSER", parse.PARSER + 1)
    assert main(["reindex", "--index", str(root)]) == 0
    assert f"full rebuild (parser changed: version {parse.PARSER} → {parse.PARSER + 1}, every file read again)" \
        in capsys.readouterr().out
    assert hits(root, "回望2018年").total == 1
    assert store.read_manifest(store.current(root))["parser"] == parse.PARSER + 1
    assert reindex(root, progress=False).indexed == 0  # once: the files are now parsed by this version
    gen = store.current(root)
    manifest = store.read_manifest(gen)
    del manifest["parser"]  # as an edusearch from before the number was recorded left it
    store.write_json(gen / store.MANIFEST, manifest)
    assert reindex(root, progress=False).reason == f"parser changed: version 1 → {parse.PARSER + 1}, every file read again"


def test_reader_keeps_its_generation_until_it_switches(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    lib = Library(root)
    old = lib.reader()
    before = len(brute_hits("防溺水", corpus))
    (corpus / SEED_000.name).unlink()
    reindex(root, progress=False)
    # a reader opened before the switch still answers from its complete generation
    assert search(old, "防溺水").total == before
    # the library moves to the new generation on its next request, without a restart
    res = search(lib.reader(), "防溺水")
    assert res.mode != "exact" or res.total == 0


def test_a_servers_reader_is_frozen_and_the_last_one_given_back(tmp_path, corpus):
    """A server's Library takes each reader out of the garbage collector's passes; when a reindex
    replaces it, the last one is given back and collected, even when it holds a cycle."""
    import weakref

    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    lib = Library(root, freeze=True)
    try:
        old = lib.reader()
        assert gc.get_freeze_count() > 0
        old.cycle = old  # what a pass is needed for: its count never drops to nothing
        gone = weakref.ref(old)
        del old
        gc.collect()
        assert gone() is not None  # frozen: no pass looks at it
        (corpus / SEED_000.name).unlink()
        reindex(root, progress=False)
        lib.reader()
        assert gone() is None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_stored_fields_without_html_are_the_same_fields(tmp_path, corpus):
    """stored(html=False), what snippets and concordances read: every field but the HTML of a Markdown
    section, which stored() gives beside its text."""
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    reader = Library(root).reader()
    sids = list(range(reader.n))
    full, plain = reader.stored(sids), reader.stored(sids, html=False)
    assert any("html" in f for f in full) and not any("html" in f for f in plain)
    assert [{k: v for k, v in f.items() if k != "html"} for f in full] == plain


def test_missing_source_changes_nothing(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    before = store.current(root)
    with pytest.raises(SourceMissing):
        reindex(root, [tmp_path / "nope"], progress=False)
    assert store.current(root) == before


def test_unreadable_files_are_listed_and_skipped(tmp_path, corpus, capsys):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    root = tmp_path / "index"
    assert main(["reindex", str(corpus), "--index", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "skipped 2" in out
    assert "empty.txt: empty file" in err and "image.txt: binary file" in err
    assert hits(root, "防溺水").total == len(brute_hits("防溺水", corpus))


def test_reindex_cli_summary_line(tmp_path, corpus, capsys):
    root = tmp_path / "index"
    assert main(["reindex", str(corpus), "--index", str(root)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("full rebuild (new index): 5 files, 9 reports")
    assert " s" in line
    assert main(["reindex", "--index", str(root)]) == 0
    assert "indexed 0, unchanged 5" in capsys.readouterr().out


@pytest.mark.parametrize("stop", [KeyboardInterrupt, "worker"])
def test_an_interrupted_or_failed_cli_reindex_says_the_index_is_unchanged(tmp_path, corpus, capsys, monkeypatch, stop):
    """Ctrl-C (or a worker that died) in the middle of `edusearch reindex`: one line that says what
    happened and that nothing changed, not silence or a traceback, and the index answers as before."""
    from indexer.store import build as builder
    from indexer.store import checkpoints

    root = tmp_path / "index"
    assert main(["reindex", str(corpus), "--index", str(root)]) == 0
    before, found = store.current(root), hits(root, "防溺水").total
    (corpus / "new.txt").write_text("某县教育局工作总结\n一、防溺水\n开展防溺水教育。\n", encoding="utf-8")
    capsys.readouterr()

    def stops(point):
        if point == "index":
            raise KeyboardInterrupt if stop is KeyboardInterrupt else builder.IndexWorkerFailed("a worker process exited")
    monkeypatch.setattr(checkpoints, "reached", stops)
    code = main(["reindex", "--index", str(root), "--full"])
    err = capsys.readouterr().err
    assert code == (130 if stop is KeyboardInterrupt else 1)
    assert "索引未改动" in err and "the index is unchanged" in err and "Traceback" not in err
    assert store.current(root) == before and hits(root, "防溺水").total == found
    assert [p.name for p in root.glob("gen-*")] == [before.name]


def test_a_generation_a_reader_holds_outlives_cleanups(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    held = IndexReader(store.current(root))
    for n in range(3):  # each run keeps the live generation and KEEP_OLD more; this one is older than those
        (corpus / f"added{n}.txt").write_text(f"某县教育局工作总结\n一、第{n}项\n开展防溺水教育。\n", encoding="utf-8")
        reindex(root, progress=False)
    assert held.gen.is_dir() and search(held, "防溺水").total > 0 and held.stored([0])[0]["text"]
    held.close()
    store.cleanup(root)
    assert not held.gen.exists() and len(list(root.glob("gen-*"))) == 1 + store.KEEP_OLD
    with pytest.raises(store.GenerationGone):
        store.pin(held.gen)


def test_a_process_forked_while_a_reader_pins_a_generation_does_not_keep_it(tmp_path, corpus):
    """A reindex forks its workers from a process that may hold readers (the Python API, a test): a
    flock belongs to the open file a fork shares, so a worker must drop its copy of every pin, or a
    replaced generation would stay on disk for as long as the worker lives."""
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    held = IndexReader(store.current(root))
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    child = os.fork()
    if child == 0:  # the worker: says it started, then waits until told to go
        os.write(ready_w, b"1")
        os.read(go_r, 1)
        os._exit(0)
    try:
        os.read(ready_r, 1)
        held.close()
        with store._unpinned(held.gen) as free:  # what cleanup asks before it removes a generation
            assert free
    finally:
        os.write(go_w, b"1")
        os.waitpid(child, 0)
        for fd in (ready_r, ready_w, go_r, go_w):
            os.close(fd)


def test_docmap_matches_whoosh_column(tmp_path, corpus):
    """The sid column read in one go equals Whoosh's own per-document reader, after deletions too."""
    import numpy as np
    from whoosh import index as whoosh_index

    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    (corpus / "白石县学生营养午餐管理办法(2017-09-01).md").unlink()  # a few sections: Whoosh keeps them as deleted documents
    reindex(root, progress=False)
    gen = store.current(root)
    doc_to_sid = np.load(gen / "doc_to_sid.npy")
    with whoosh_index.open_dir(gen / "whoosh").reader() as r:
        col = r.column_reader("sid")
        expected = [col[d] if not r.is_deleted(d) else -1 for d in range(r.doc_count_all())]
    assert doc_to_sid.tolist() == expected
    assert (doc_to_sid == -1).sum() > 0


def test_a_dead_indexing_worker_fails_the_run_instead_of_hanging(tmp_path, monkeypatch):
    """A worker process that dies while analysing a batch must stop the run with a message, not
    hang it or drop the batch's sections, and publish nothing."""
    from indexer.store import batches
    from indexer.store.batches import IndexWorkerFailed
    from indexer.text import analysis

    src = tmp_path / "src"
    src.mkdir()
    for f in (SEED_000, SEED_003, *sorted(GOV.glob("*.txt"))[-8:]):
        shutil.copy(f, src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    before = store.current(root)
    found = hits(root, "防溺水").total
    monkeypatch.setattr(batches, "PARALLEL_MIN_BYTES", 1)  # one batch per worker, however little text
    real = analysis.TokenPositionChineseTokenizer._jieba

    def dies_in_a_worker(self):
        if os.getpid() != parent:
            os._exit(3)  # the worker process dies abruptly
        return real(self)

    parent = os.getpid()
    monkeypatch.setattr(analysis.TokenPositionChineseTokenizer, "_jieba", dies_in_a_worker)
    monkeypatch.setattr(analysis, "_block_cache", {})  # what the workers inherit: nothing analysed yet
    with pytest.raises(IndexWorkerFailed):
        reindex(root, [src], full=True, progress=False, workers=2)
    assert store.current(root) == before
    assert hits(root, "防溺水").total == found > 0


def test_search_after_removing_a_folder_and_adding_a_report(tmp_path):
    """A word whose Whoosh postings are all in removed sections, while a new report holds the
    string in its heading only: search used to raise IndexError (500 on the web)."""
    from webapp import create_app

    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    shutil.copytree(GOV, src / GOV.name)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    shutil.rmtree(src / GOV.name)
    reindex(root, progress=False)
    (src / "2022双减.txt").write_text("一、双减工作\n我县全面落实减负政策。\n", encoding="utf-8")
    reindex(root, progress=False)
    res = hits(root, "双减")
    assert [(h.doc_id, h.section_id) for h in res.hits] == [("2022双减.txt", "s1")]
    client = create_app(root).test_client()
    for q in ("双减", "学前教育", "营养改善计划"):
        assert client.get("/search", query_string={"q": q}).status_code == 200


def test_a_new_source_is_added_not_swapped_in(tmp_path, corpus, capsys):
    root = tmp_path / "index"
    assert main(["reindex", str(corpus), "--index", str(root)]) == 0
    more = tmp_path / "reports"
    more.mkdir()
    shutil.copy(GOV / "1999_1999年白石县人民政府工作报告.txt", more)
    capsys.readouterr()
    assert main(["reindex", str(more), "--index", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"added {more.resolve()}" in out
    assert "indexed 1, unchanged 5, removed 0" in out
    assert out.rstrip().endswith(f"→ {root.resolve()}")  # the summary names the index it wrote
    assert hits(root, "防溺水").total == len(brute_hits("防溺水", corpus, more)) and hits(root, "1998年工作回顾").total >= 1
    assert main(["sources", "--index", str(root), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["path"] for r in listed] == [str(corpus.resolve()), str(more.resolve())]
    assert [r["files"] for r in listed] == [5, 1]
    # --replace (or --only) is the explicit way to drop the others
    assert main(["reindex", str(more), "--replace", "--index", str(root)]) == 0
    assert "removed 5" in capsys.readouterr().out
    assert exact(root, "防溺水") == 0


@pytest.fixture
def two_sources(tmp_path, corpus):
    """An index of `corpus` to which a second folder with one report was added."""
    root = tmp_path / "index"
    more = tmp_path / "reports"
    more.mkdir()
    shutil.copy(GOV / "1999_1999年白石县人民政府工作报告.txt", more)
    reindex(root, [corpus], progress=False)
    reindex(root, [more], progress=False)
    return root, corpus, more


def test_sources_remove_drops_its_documents(two_sources, tmp_path, capsys):
    root, corpus, more = two_sources
    assert main(["sources", "remove", str(more), "--index", str(root)]) == 0
    assert "removed 1" in capsys.readouterr().out
    assert exact(root, "1998年工作回顾") == 0 and hits(root, "防溺水").total == len(brute_hits("防溺水", corpus))
    assert main(["sources", "remove", str(tmp_path / "never"), "--index", str(root)]) == 2
    assert "not a source of this index" in capsys.readouterr().err
    assert main(["sources", "remove", str(corpus), "--index", str(root)]) == 2  # the last one
    assert hits(root, "防溺水").total == len(brute_hits("防溺水", corpus))


def test_a_folder_inside_a_source_is_not_indexed_twice(tmp_path, corpus, capsys):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    s = reindex(root, [corpus / "gov"], progress=False)
    assert (s.indexed, s.unchanged, s.files) == (0, 5, 5)
    assert "already indexed as part of" in s.sources.notes[0]


def test_a_missing_source_keeps_its_documents(two_sources, capsys):
    root, corpus, more = two_sources
    shutil.rmtree(more)
    (corpus / SEED_000.name).unlink()
    s = reindex(root, progress=False)
    assert (s.indexed, s.removed) == (0, 1)  # the deleted file goes, the missing folder's file stays
    assert any("source folder not found" in w for w in s.warnings)
    assert hits(root, "1998年工作回顾").total >= 1
    before = store.current(root)
    with pytest.raises(SourceMissing, match="would drop its documents"):
        reindex(root, full=True, progress=False)
    assert store.current(root) == before
    assert main(["sources", "--index", str(root)]) == 0
    assert "missing" in capsys.readouterr().out


def test_an_index_from_another_version_is_refused_then_rebuilt(tmp_path, corpus, capsys):
    from webapp import create_app

    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    gen = store.current(root)
    manifest = store.read_manifest(gen)
    manifest["format"] = store.FORMAT - 1  # as an older edusearch left it
    store.write_json(gen / store.MANIFEST, manifest)
    assert main(["search", "防溺水", "--index", str(root)]) == 2
    assert "another version of edusearch" in capsys.readouterr().err
    r = create_app(root).test_client().get("/search?q=防溺水")
    assert r.status_code == 503 and "旧版本" in r.get_data(as_text=True)
    s = reindex(root, progress=False)
    assert s.full and s.reason == "index format changed"
    assert hits(root, "防溺水").total == len(brute_hits("防溺水", corpus))


def test_same_named_files_in_same_named_source_folders_keep_their_own_links(tmp_path):
    """Three counties' folders all called `reports`, each holding `r.txt`: every report gets its own
    doc id, so each hit's link opens that county's report and not another's."""
    root = tmp_path / "index"
    text = (GOV / "2019_2019年白石县人民政府工作报告.txt").read_text(encoding="utf-8")
    folders = []
    for county in ("甲县", "乙县", "丙县"):
        folder = tmp_path / county / "reports"
        folder.mkdir(parents=True)
        (folder / "r.txt").write_text(f"{county}标记行\n{text}", encoding="utf-8")
        folders.append(folder)
    reindex(root, folders, progress=False)
    rd = Library(root).reader()
    doc_ids = {}
    for county in ("甲县", "乙县", "丙县"):
        (hit,) = search(rd, f"{county}标记行").hits
        doc_ids[county] = hit.doc_id
        assert county in get_report(rd, hit.doc_id).sections[0].text  # the link opens this county's report
    assert len(set(doc_ids.values())) == 3, doc_ids


def test_a_report_link_survives_when_a_same_named_file_elsewhere_goes(tmp_path):
    """Two counties each have 2023年工作总结.txt. When county A's file is deleted, county B's link
    must keep opening B's report, and A's old link must not silently open B's report instead."""
    root = tmp_path / "index"
    text = (GOV / "2019_2019年白石县人民政府工作报告.txt").read_text(encoding="utf-8")
    a, b = tmp_path / "甲县", tmp_path / "乙县"
    for folder in (a, b):
        folder.mkdir()
        (folder / "2023年工作总结.txt").write_text(f"{folder.name}标记行\n{text}", encoding="utf-8")
    reindex(root, [a, b], progress=False)
    before = {c: search(Library(root).reader(), f"{c}标记行").hits[0].doc_id for c in ("甲县", "乙县")}
    assert before["甲县"] != before["乙县"]
    (a / "2023年工作总结.txt").unlink()
    for full in (False, True):
        reindex(root, full=full, progress=False)
        rd = Library(root).reader()
        assert search(rd, "乙县标记行").hits[0].doc_id == before["乙县"]  # shared links keep working
        assert get_report(rd, before["甲县"]) is None  # the deleted report's link is gone, not someone else's


def test_removing_most_documents_rewrites_their_whoosh_segments(tmp_path):
    # many counties' government reports, then a bureau's two pages beside them; dropping the reports
    # must free their postings (not keep them as deleted documents) and answer like a fresh build
    root, bureau = tmp_path / "index", tmp_path / "bureau"
    bureau.mkdir()
    shutil.copy(SEED_000, bureau)
    shutil.copy(SEED_003, bureau)
    reports = county_reports(tmp_path / "reports", 16)
    reindex(root, [reports], progress=False, workers=1)
    reindex(root, [bureau], progress=False, workers=1)
    before = sum(f.stat().st_size for f in (store.current(root) / "whoosh").iterdir())
    reindex(root, remove=[reports], progress=False, workers=1)
    gen = store.current(root)
    reader = IndexReader(gen)
    try:
        with reader.whoosh.reader() as r:
            assert r.doc_count_all() == r.doc_count()  # no deleted documents left behind
        after = sum(f.stat().st_size for f in (gen / "whoosh").iterdir())
        fresh = tmp_path / "fresh"
        reindex(fresh, [bureau], progress=False, workers=1)
        fresh_size = sum(f.stat().st_size for f in (store.current(fresh) / "whoosh").iterdir())
        assert after < before / 2 and after < fresh_size * 1.1
        for q in ("防溺水", "安全教育", "学校 安全"):
            got = search(reader, q, per_page=1000)
            assert got.total > 0
            assert [(h.doc_id, h.section_id) for h in got.hits] == [(h.doc_id, h.section_id) for h in hits(fresh, q).hits]
    finally:
        reader.close()


def test_links_are_followed_inside_the_named_folders_and_a_link_loop_ends(tmp_path):
    """Reports gathered into a source folder by symlinks are read while the links stay inside the
    folders the user named; a link out of them is reported and not followed (a link to /etc must
    publish nothing); a file reached twice is read once, and a link back up does not loop."""
    src, elsewhere = tmp_path / "src", tmp_path / "elsewhere"
    src.mkdir()
    elsewhere.mkdir()
    shutil.copy(SEED_000, elsewhere)
    shutil.copy(SEED_003, src)
    (src / "linked").symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "back").symlink_to(src, target_is_directory=True)
    root = tmp_path / "index"
    s = reindex(root, [src], progress=False)
    assert s.files == 1 and [(x.path, x.code) for x in s.skipped] == [("linked", "link_outside")]
    assert hits(root, "防溺水").total == len(brute_hits("防溺水", SEED_003))
    s = reindex(root, [elsewhere], progress=False)  # named now: the link leads inside, each file read once
    assert s.files == 2 and not s.skipped and not s.other_types
    assert hits(root, "防溺水").total == len(brute_hits("防溺水", SEED_000, SEED_003)) > 0
    (elsewhere / SEED_000.name).write_text("一、新的标题\n双减工作全面落实。\n", encoding="utf-8")
    s = reindex(root, progress=False)
    assert s.indexed == 1 and hits(root, "双减").total == 1 and hits(root, "防溺水").total == len(brute_hits("防溺水", SEED_003))


def test_the_collector_runs_less_often_during_a_build_only(tmp_path, corpus, monkeypatch):
    """A build raises Python's young-generation threshold while it runs (its workers fork with it)
    and puts it back afterwards, also when the build fails, so a server in the same process keeps
    the usual collector."""
    from indexer.store import build as builder
    from indexer.store import checkpoints

    before = gc.get_threshold()
    seen = []
    monkeypatch.setattr(checkpoints, "reached", lambda point: seen.append((point, gc.get_threshold())))
    reindex(tmp_path / "ix", [corpus], progress=False)
    during = dict(seen)
    assert during["index"][0] == builder.GC_THRESHOLD > before[0]
    assert during["index"][1:] == before[1:]
    assert gc.get_threshold() == before

    def fail(point):
        if point == "commit":
            raise RuntimeError("stop")
    monkeypatch.setattr(checkpoints, "reached", fail)
    with pytest.raises(RuntimeError):
        reindex(tmp_path / "ix", [corpus], full=True, progress=False)
    assert gc.get_threshold() == before


def test_a_full_disk_is_one_line_and_the_index_is_unchanged(tmp_path, corpus, monkeypatch, capsys):
    import errno

    from indexer.store import texts

    root = tmp_path / "index"
    assert main(["reindex", str(corpus), "--index", str(root)]) == 0
    before = store.current(root)
    (corpus / "new.txt").write_text("一、新增\n暑期防溺水家访全覆盖。\n", encoding="utf-8")
    capsys.readouterr()

    def full(folder, *args):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "texts.utf8"))

    monkeypatch.setattr(texts, "save", full)
    assert main(["reindex", "--index", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "磁盘已满" in err and "disk is full" in err and "unchanged" in err, err
    assert store.current(root) == before


def test_a_refused_reindex_leaves_no_index_folder(tmp_path, capsys):
    """`edusearch reindex /nonexistent --index X` said why and exited 2, but left X/ holding a LOCK file."""
    root = tmp_path / "X"
    assert main(["reindex", str(tmp_path / "nonexistent"), "--index", str(root)]) == 2
    assert "not found" in capsys.readouterr().err
    assert not root.exists()
