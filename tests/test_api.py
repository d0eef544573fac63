"""The Python API (indexer/api.py): the README's session run as written, and each public method against
the search-layer function it stands on (hits in find()'s order, trend, report, stats), the filters as the
URL reads them, an index missing, being built, of another version, reindexed and closed."""

from __future__ import annotations

import dataclasses
import pickle
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import GONGWEN, GOV, ROOT, SEEDS, brute_hits

import indexer
from indexer import api
from indexer.api import Hit, Hits, IndexUnavailable, ReportNotFound, TrendResult, open_index
from indexer.search.collocates import collocates
from indexer.search.compare import compare
from indexer.search.engine import find, search
from indexer.search.export import plain
from indexer.search.facets import Filters
from indexer.search.kwic import kwic_lines
from indexer.search.mentions import count_mentions
from indexer.search.report import get_report
from indexer.search.trend import trend
from indexer.search.versions import series_passages
from indexer.store import generations
from indexer.store.build import reindex
from indexer.store.reader import Library

SOURCES = (SEEDS, GOV, GONGWEN)  # the bundled seeds, our county's reports and our official documents
QUERIES = ["防溺水", "教育", "校车 OR 营养", "义务教育 -均衡", "title:工作报告", "防弱水", "pm2.5"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder holding `index`, built from SOURCES: where the README's session is run."""
    work = tmp_path_factory.mktemp("api")
    reindex(work / "index", list(SOURCES), progress=False)
    return work


@pytest.fixture(scope="module")
def ix(workdir):
    with open_index(workdir / "index") as opened:
        yield opened


@pytest.fixture(scope="module")
def reader(ix):
    return ix._reader()


def keys(items) -> list[tuple[str, str]]:
    return [(h.doc_id, h.section_id) for h in items]


# -- the README --------------------------------------------------------------------------------------


def readme_session() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## From Python\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the From Python section holds one session"
    return blocks[0]


@pytest.fixture(scope="module")
def seeds_workdir(tmp_path_factory):
    """A folder holding `index`, built from the seeds alone: what a reader has after Set-up."""
    work = tmp_path_factory.mktemp("api-seeds")
    reindex(work / "index", [SEEDS], progress=False)
    return work


@pytest.mark.parametrize("folder", ["seeds_workdir", "workdir"])
def test_readme_session_runs_as_written(folder, request, monkeypatch, capsys):
    pytest.importorskip("pandas")
    work = request.getfixturevalue(folder)
    monkeypatch.chdir(work)  # where its open_index("index") finds the index
    monkeypatch.delenv("EDUSEARCH_INDEX", raising=False)
    exec(compile(readme_session(), "README.md", "exec"), {})
    out = capsys.readouterr().out
    with open_index(work / "index") as ix:
        r = ix._reader()
        res = find(r, "防溺水")
        first = res.hits(r, 0, 1)[0]
        notices = find(r, "防溺水", api.make_filters(year="2015-2020", type="通知"), "newest")
        report = get_report(r, first.doc_id)
    assert res.total > 0  # the session shows something on these documents
    assert f"{res.total} 个章节， {res.total_documents} 篇报告" in out
    assert first.title in out and plain(first.snippet_html) in out
    assert f"\n{notices.total} 个章节在 2015–2020 年的通知里" in out
    assert "校车" in out and "query" in out  # the trend's pivot table
    assert all(f"{s.section_id} {s.heading}" in out for s in report.sections)
    with open_index(work / "index") as ix:
        lines = kwic_lines(ix._reader(), "防溺水", width=10, sort="left")
        first_line = next(lines)
    assert f"{first_line.left:>10}【{first_line.match}】{first_line.right}" in out


# -- search ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_search_lists_every_hit_in_find_order(ix, reader, q, sort, monkeypatch):
    monkeypatch.setattr(api, "EXPORT_BATCH", 7)  # many batches, and their edges
    res = find(reader, q, Filters(), sort)
    hits = ix.search(q, sort=sort)
    listed = list(hits)
    assert len(hits) == len(listed) == res.total
    assert keys(listed) == keys(res.hits(reader, 0, res.total))
    assert [h.score for h in listed] == [round(float(s), 4) for s in res.scores]
    assert [h.rank for h in listed] == list(range(1, res.total + 1))
    assert hits.total_documents == res.total_documents and hits.mode == res.mode
    assert hits.notices == res.notices and hits.suggestions == res.suggestions and hits.facets == res.facets


def test_hits_carry_the_fields_of_the_search_page(ix, reader):
    page = search(reader, "教育", per_page=100)
    for h, shown in zip(ix.search("教育"), page.hits, strict=False):
        for name in ("doc_id", "section_id", "title", "year", "date", "doc_type", "doc_no", "issuer", "issuers",
                     "place", "region", "province", "heading_path", "url", "score", "page", "source"):
            assert getattr(h, name) == getattr(shown, name), name
        assert h.snippet_html() == shown.snippet_html and h.snippet() == plain(shown.snippet_html)
        assert "<mark>" in h.snippet_html()


def test_mentions_heading_and_text_agree_with_the_files(ix, reader):
    hits = list(ix.search("防溺水"))
    assert {(h.doc_id, h.section_id): h.mentions for h in hits} == brute_hits("防溺水", *SOURCES)
    for h in hits:
        section = next(s for s in ix.report(h.doc_id).sections if s.section_id == h.section_id)
        assert h.heading == section.heading and h.text() == section.text
    res = find(reader, "教育")
    assert [h.mentions for h in ix.search("教育")] == count_mentions(reader, res.sids, res.needles).tolist()


def test_hits_index_and_slice_like_a_list(ix):
    hits = ix.search("教育")
    listed = list(hits)
    assert len(listed) > 20
    assert hits[0] == listed[0] and hits[-1] == listed[-1] and hits[5] == listed[5]
    assert hits[3:11] == listed[3:11] and hits[::7] == listed[::7] and hits[-4:] == listed[-4:]
    assert hits[len(listed):] == []
    with pytest.raises(IndexError, match=f"hit {len(listed)} out of range: there are {len(listed)}"):
        hits[len(listed)]
    with pytest.raises(IndexError):
        hits[-len(listed) - 1]
    assert bool(hits) and not ix.search("一个不存在的词语组合甲乙丙")
    assert re.fullmatch(r"<Hits '教育': \d+ sections in \d+ reports>", repr(hits))


def test_a_query_that_finds_nothing_says_why(ix):
    hits = ix.search("")
    assert len(hits) == 0 and list(hits) == [] and hits.mode == "empty" and hits.notices
    assert "请输入检索词" in repr(hits)
    tip = ix.search("防弱水")  # one character off: the page's tips
    assert len(tip) == 0 and tip.suggestions == ["防溺水"] and repr(tip).endswith("试试：防溺水>")


# -- filters -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("asked, typed", [
    ({"year": "2015-2020"}, "year:2015-2020"),
    ({"year": "2015年至2020年"}, "year:2015-2020"),
    ({"year": (2015, 2020)}, "year:2015-2020"),
    ({"year": 2019}, "year:2019"),
    ({"year": "2015年"}, "year:2015"),
    ({"year": (2012, None)}, "year:2012-"),
    ({"year": "unknown"}, "year:unknown"),
    ({"date": "2015-07"}, "date:2015-07"),
    ({"date": ("2015-01", "2015-12")}, "date:2015-01..2015-12"),
    ({"type": "通知"}, "type:通知"),
    ({"region": "县"}, "region:县"),
    ({"issuer": "教育局"}, "issuer:教育局"),
    ({"docno": "〔2015〕4号"}, "docno:〔2015〕4号"),
    ({"year": "2010-2024", "type": "政府工作报告"}, "year:2010-2024 type:政府工作报告"),
])
@pytest.mark.parametrize("q", ["教育", "防溺水"])
def test_filters_as_keywords_find_what_the_query_fields_find(ix, reader, asked, typed, q):
    got = keys(ix.search(q, **asked))
    if q == "教育":  # on these documents every filter keeps some of its hits and leaves out others
        assert 0 < len(got) < len(ix.search(q))
    assert sorted(got) == sorted(keys(ix.search(f"{q} {typed}")))
    assert got == keys(find(reader, q, api.make_filters(**asked)).hits(reader, 0, 10_000))


def test_filters_narrow_to_what_they_say(ix):
    assert all(2015 <= h.year <= 2020 for h in ix.search("教育", year="2015-2020"))
    assert all(h.year is None for h in ix.search("教育", year="unknown"))
    notice = ix.search("防溺水", issuer="教育局", docno="[2015]4号", date="2015")
    assert len(notice) and all("教育局" in h.issuer and h.doc_no == "白教发[2015]4号" for h in notice)
    assert not ix.search("防溺水", docno="〔2015〕14号")  # numbers whole
    assert len(ix.search("教育", issuer="")) == len(ix.search("教育"))  # an empty box filters nothing


@pytest.mark.parametrize("asked, said", [
    ({"year": "20x"}, "年份“20x”看不懂"),
    ({"year": (2015, "x")}, "年份"),
    ({"date": "2016-13"}, "日期“2016-13”看不懂"),
])
def test_unreadable_filters_say_what_is_accepted(ix, asked, said):
    with pytest.raises(ValueError, match=said) as e:
        ix.search("教育", **asked)
    assert " / " in str(e.value) and "must look like" in str(e.value)  # Chinese, then English
    assert e.value.__suppress_context__


def test_bad_sort_measure_or_filter_name_raise(ix):
    with pytest.raises(ValueError, match="relevance, newest, oldest"):
        ix.search("教育", sort="best")
    with pytest.raises(ValueError, match="reports, sections, mentions, share"):
        ix.trend(["教育"], by="count")
    for method in (ix.search, ix.kwic, ix.collocates, ix.trend):
        with pytest.raises(ValueError, match="没有“yaer”这个筛选条件：是不是 year=？.* did you mean year=") as e:
            method("教育", yaer="2015")
        assert isinstance(e.value, TypeError)  # as Python says an unexpected keyword
    with pytest.raises(ValueError, match="没有“colour”这个筛选条件：可用的有 year="):
        ix.search("教育", colour="red")


@pytest.mark.parametrize("q", [2016, ["教育"], None, b"\xe6\x95\x99"])
def test_a_query_that_is_not_text_is_refused_saying_so(ix, q):
    with pytest.raises(TypeError, match=f"检索式须是字符串，而不是 {type(q).__name__}") as e:
        ix.search(q)
    assert ("year=2016" in str(e.value)) == (q == 2016)
    with pytest.raises(TypeError, match="检索式须是字符串"):
        ix.trend(["教育", q])


def test_hits_are_indexed_by_position_only(ix):
    import numpy as np

    hits = ix.search("教育")
    assert hits[np.int64(1)] == hits[1]
    for key in ("a", 1.5, None):
        with pytest.raises(TypeError, match="结果按位置（整数）或切片取.* hits are indexed by an int or a slice"):
            hits[key]


def test_a_file_is_not_an_index(tmp_path):
    f = tmp_path / "passwd"
    f.write_text("root:x:0:0\n", encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="是一个文件，不是索引文件夹"):
        open_index(f)


# -- to_pandas ---------------------------------------------------------------------------------------


def test_hits_to_pandas_holds_every_hit_and_field(ix):
    pd = pytest.importorskip("pandas")
    hits = ix.search("教育", year="2010-")
    listed = list(hits)
    df = hits.to_pandas()
    assert list(df.columns) == [f.name for f in dataclasses.fields(Hit)]
    assert len(df) == len(listed)
    for row, h in zip(df.itertuples(index=False), listed, strict=True):
        for name, value in zip(df.columns, row, strict=True):
            expected = getattr(h, name)
            assert (pd.isna(value) if expected is None else value == expected), name
    assert str(df["year"].dtype) == "Int64" and df["mentions"].sum() == sum(h.mentions for h in listed)
    with_snippets = hits.to_pandas(snippets=True)
    assert list(with_snippets["snippet"]) == [h.snippet() for h in listed]
    assert ix.search("一个不存在的词语组合甲乙丙").to_pandas().shape == (0, len(df.columns))


def test_to_pandas_without_pandas_says_how_to_install(ix, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if not installed
    with pytest.raises(ImportError, match=r"pip install -e '\.\[pandas\]'") as e:
        ix.search("教育").to_pandas()
    assert "需要 pandas" in str(e.value) and e.value.__suppress_context__
    with pytest.raises(ImportError, match="pip install pandas"):
        ix.trend(["教育"]).to_pandas()


# -- trend, report, stats ----------------------------------------------------------------------------


@pytest.mark.parametrize("by", [None, "reports", "mentions", "share"])
def test_trend_is_the_search_layers(ix, reader, by):
    tr = ix.trend(["防溺水", "校车", "营养"], by=by, year="2010-2024", region="县")
    expected = trend(reader, ["防溺水", "校车", "营养"], api.make_filters(year="2010-2024", region="县"), by)
    assert isinstance(tr, TrendResult) and tr.to_dict() == expected.to_dict()
    assert ix.trend("校车").to_dict() == trend(reader, ["校车"]).to_dict()  # one query as a string


def test_trend_to_pandas_one_row_per_query_and_year(ix):
    pd = pytest.importorskip("pandas")
    tr = ix.trend(["防溺水", "校车"])
    df = tr.to_pandas()
    assert list(df.columns) == ["query", "year", "indexed", "reports", "sections", "mentions", "share"]
    expected = []
    for s in tr.series:
        for p in s.points + [s.unknown]:
            expected.append((s.query, p.year, p.indexed, p.reports, p.sections, p.mentions, p.share))
    got = [tuple(None if pd.isna(v) else v for v in row) for row in df.itertuples(index=False)]
    assert got == expected  # the unknown year too: these documents have reports without one
    table = df.pivot(index="year", columns="query", values="reports")
    assert table.loc[2019, "校车"] == tr.series[1].points[tr.years.index(2019)].reports


def test_report_is_the_report_page(ix, reader):
    h = ix.search("防溺水", type="通知")[0]
    view = ix.report(h.doc_id, q="防溺水")
    assert view.to_dict() == get_report(reader, h.doc_id, "防溺水").to_dict()
    assert view.marks == view.mark_window.total > 0 and any("<mark>防溺水</mark>" in s.body_html for s in view.sections)
    assert all(s.text for s in view.sections[1:]) and view.doc_no == h.doc_no
    with pytest.raises(ReportNotFound) as e:
        ix.report("no/such/report.txt")
    assert isinstance(e.value, KeyError) and str(e.value).startswith("索引中没有这份报告：no/such/report.txt")


def test_stats_are_the_readers(ix, reader):
    assert ix.stats().__dict__ == reader.stats().__dict__


# -- an index that cannot be opened, changes, or is closed -------------------------------------------


def test_no_index_is_said_in_chinese_and_english(tmp_path):
    for path in (tmp_path / "missing", tmp_path):
        with pytest.raises(IndexUnavailable) as e:
            open_index(path)
        assert str(e.value).startswith(f"{path} 里还没有索引") and "run `edusearch reindex` first" in str(e.value)
        assert e.value.__cause__ is None and e.value.__suppress_context__


def test_an_index_being_built_says_so(tmp_path):
    root = tmp_path / "index"
    assert not generations.reindex_running(root)
    with generations.locked(root):  # what a first reindex holds while it builds
        assert generations.reindex_running(root)
        with pytest.raises(IndexUnavailable, match="正在建立.*being built by a reindex"):
            open_index(root)
    assert not generations.reindex_running(root)


def test_an_index_of_another_version_says_so(tmp_path):
    gen = tmp_path / "gen-old"
    gen.mkdir()
    (gen / generations.MANIFEST).write_text('{"format": 1}', encoding="utf-8")
    (tmp_path / generations.CURRENT).write_text("gen-old\n", encoding="utf-8")
    with pytest.raises(IndexUnavailable, match="另一版本.*another version of edusearch"):
        open_index(tmp_path)


def test_default_folder_is_the_clis(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("EDUSEARCH_INDEX", raising=False)
    assert open_index().root.name == "index"
    monkeypatch.setenv("EDUSEARCH_INDEX", str(workdir / "elsewhere"))
    with pytest.raises(IndexUnavailable, match="elsewhere"):
        open_index()


def test_a_reindex_is_seen_by_the_next_call_and_hits_keep_their_generation(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    files = sorted(GOV.glob("*.txt"))
    for f in files[:3]:
        shutil.copy(f, src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    with open_index(root) as ix:
        before = ix.search("教育")
        listed = list(before)
        for f in files[3:5]:  # two reindexes: the first generation's folder is then removed
            shutil.copy(f, src)
            reindex(root, progress=False)
        after = ix.search("教育")
        assert after.total_documents == 5 and before.total_documents == 3
        assert list(before) == listed and before[0].text() and before[0].snippet()
        assert {h.doc_id for h in after} > {h.doc_id for h in listed}


def test_hits_unread_before_several_reindexes_still_read_their_generation(tmp_path):
    """The first read of a search's hits may come after the generation it ran on has been replaced twice:
    the generation stays on disk while they hold it (its removal once released: the cleanup tests in test_reindex)."""
    src = tmp_path / "src"
    src.mkdir()
    files = sorted(GOV.glob("*.txt"))
    shutil.copy(files[0], src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    first = generations.current(root)
    with open_index(root) as ix:
        kept = ix.search("教育")  # nothing read from it yet
        for f in files[1:4]:
            shutil.copy(f, src)
            reindex(root, progress=False)
        assert first.is_dir() and generations.current(root) != first
        listed = list(kept)
        assert kept.total_documents == 1 and listed and listed[0].text() and listed[0].snippet()
        assert {h.doc_id for h in listed} == {h.doc_id for h in ix.search("教育") if h.source == files[0].name}


def test_library_close_lets_the_next_reader_open_again(workdir):
    lib = Library(workdir / "index")
    first = lib.reader()
    assert lib.reader() is first
    lib.close()
    again = lib.reader()
    assert again is not first and find(again, "教育").total == find(first, "教育").total > 0


def test_closed_index_and_its_hits_refuse(workdir):
    with open_index(workdir / "index") as ix:
        hits = ix.search("教育")
        first = hits[0]
    assert ix.closed and "closed" in repr(ix)
    for call in (lambda: ix.search("教育"), lambda: ix.report(first.doc_id), lambda: list(hits), first.snippet,
                 first.text):
        with pytest.raises(ValueError, match="索引已关闭。 / the index .* is closed"):
            call()


def test_a_hit_copied_out_keeps_its_fields_not_its_search(ix):
    h = ix.search("防溺水")[0]
    for copy in (pickle.loads(pickle.dumps(h)), dataclasses.replace(h)):
        assert copy == h and dataclasses.asdict(copy) == dataclasses.asdict(h)
        with pytest.raises(ValueError, match="search again"):
            copy.snippet()
    assert "_of" not in dataclasses.asdict(h) and "_of" not in repr(h)


def test_threads_share_one_index(ix):
    queries = QUERIES * 4
    alone = [keys(ix.search(q)) for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda q: keys(ix.search(q)), queries))
    assert together == alone


# -- the package ----------------------------------------------------------------------------------------


def test_import_indexer_stays_cheap_and_exports_the_api():
    code = ("import sys, indexer; print('indexer.api' in sys.modules, 'indexer.search.engine' in sys.modules); "
            "f = indexer.open_index; print('indexer.api' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.split() == ["False", "False", "True", "False"]
    assert indexer.open_index is open_index and indexer.Hits is Hits and "open_index" in dir(indexer)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        indexer.nothing  # noqa: B018


# -- concordance, collocates, versions ---------------------------------------------------------------


@pytest.mark.parametrize("sort", ["year", "left", "right", "report"])
def test_kwic_lists_every_line_of_the_concordance(ix, reader, sort):
    lines = ix.kwic("防溺水", width=12, sort=sort, year="2000-")
    expected = list(kwic_lines(reader, "防溺水", Filters.for_year("2000-"), width=12, sort=sort))
    assert lines == expected and len(lines) > 1
    assert all(line.match == "防溺水" and len(line.left) <= 12 and len(line.right) <= 12 for line in lines)


def test_kwic_to_pandas_has_a_row_per_line(ix):
    pytest.importorskip("pandas")
    lines = ix.kwic("教育", width=5)
    df = lines.to_pandas()
    assert len(df) == len(lines) and list(df["match"]) == [line.match for line in lines]
    assert list(df["heading_path"]) == [" › ".join(line.heading_path) for line in lines]


def test_kwic_and_collocates_refuse_what_they_cannot_read(ix):
    for call in (lambda: ix.kwic("教育", sort="middle"), lambda: ix.kwic("教育", width=0),
                 lambda: ix.collocates("教育", window=99), lambda: ix.collocates("教育", by=0),
                 lambda: ix.kwic("教育", year="明年")):
        with pytest.raises(ValueError):
            call()


def test_collocates_are_the_search_layers(ix, reader):
    got = ix.collocates("防溺水", window=3, by=5, limit=7)
    want = collocates(reader, "防溺水", Filters(), window=3, by=5, limit=7)
    assert dataclasses.replace(got, took_ms=0) == dataclasses.replace(want, took_ms=0)
    assert got.periods and all(len(p.collocates) <= 7 for p in got.periods)


def test_compare_and_series_are_the_pages(ix, reader):
    a, b = reader.catalog.reports[0].doc_id, reader.catalog.reports[1].doc_id
    assert ix.compare(a, b).to_dict() == compare(reader, a, b).to_dict()
    assert ix.series(a, "教育").to_dict() == series_passages(reader, a, "教育").to_dict()
    with pytest.raises(ReportNotFound):
        ix.compare(a, "no-such-report")
    with pytest.raises(ReportNotFound):
        ix.series("no-such-report")


def test_within_is_the_forms_choice_and_proximity_the_query_languages(ix, reader):
    """ix.search("防溺水 /句 家长") and within= give what find gives; mentions count what is marked."""
    for q, within, typed in (("安全 教育", "sentence", "安全 /句 教育"), ("安全 教育", "paragraph", "安全 /段 教育")):
        hits = ix.search(q, within=within)
        assert keys(hits) == keys(ix.search(typed)) == keys(find(reader, typed).hits(reader, 0, 10000))
        assert 0 < len(hits) < len(ix.search(q))
        assert [h.mentions for h in hits] == count_mentions(reader, find(reader, typed).sids, find(reader, typed).needles).tolist()
        assert ix.trend(q, within=within).within == within
        doc = ix.report(hits[0].doc_id, q, within=within)
        assert doc.marks == get_report(reader, hits[0].doc_id, typed).marks < get_report(reader, hits[0].doc_id, q).marks
    with pytest.raises(ValueError, match="sentence, paragraph"):
        ix.search("教育", within="word")
