"""Per-year figures, sorting, grouping, filter-only queries and exports, against a brute-force
count over the parsed seeds and report fixtures (folded the same way, counted without the index)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from urllib.parse import unquote

import pytest
from helpers import CORPUS, FIXTURES, brute_hits, continues_word

from indexer.cli import main
from indexer.ingest.parse import parse_path
from indexer.search import results as results_mod
from indexer.search.engine import find, search
from indexer.search.facets import Filters, Years
from indexer.search.limits import GROUP_MAX
from indexer.search.trend import trend
from indexer.text.normalize import fold_text

QUERIES = ["防溺水", "教育公平", "2008年", "义务教育", "安全", "pm2.5", "教育"]


@pytest.fixture(scope="module")
def reports():
    out = []
    for root in CORPUS:
        for path in sorted(root.rglob("*.txt")):
            out.extend(parse_path(path, root).reports)
    return out


def count(hay: str, needle: str) -> int:
    """Non-overlapping occurrences; a needle that starts or ends in a Latin letter or digit must not
    continue a word there."""
    n, i = 0, hay.find(needle)
    while i >= 0:
        before = hay[i - 1] if i else ""
        after = hay[i + len(needle)] if i + len(needle) < len(hay) else ""
        if not (continues_word(needle[0], before) or continues_word(needle[-1], after)):
            n += 1
            i = hay.find(needle, i + len(needle))
        else:
            i = hay.find(needle, i + 1)
    return n


def brute_trend(reports, q: str, keep=lambda r: True) -> dict:
    """year → {indexed, reports, sections, mentions}, by scanning each section's folded text."""
    needle = fold_text(q)
    out: dict = defaultdict(lambda: {"indexed": 0, "reports": 0, "sections": 0, "mentions": 0})
    for r in reports:
        if not keep(r):
            continue
        row = out[r.year]
        row["indexed"] += 1
        hit = False
        for pos, s in enumerate(r.sections):
            n = count(fold_text(s.heading), needle) + count(fold_text(s.text), needle)
            n += count(fold_text(r.title), needle) if pos == 0 else 0
            if n:
                hit = True
                row["sections"] += 1
                row["mentions"] += n
        row["reports"] += hit
    return out


def got_by_year(tr, i: int = 0) -> dict:
    s = tr.series[i]
    pts = s.points + ([s.unknown] if s.unknown else [])
    return {p.year: {"indexed": p.indexed, "reports": p.reports, "sections": p.sections, "mentions": p.mentions}
            for p in pts if p.indexed}


@pytest.mark.parametrize("q", QUERIES)
def test_per_year_figures_equal_brute_force(reader, reports, q):
    tr = trend(reader, [q])
    truth = brute_trend(reports, q)
    assert got_by_year(tr) == dict(truth)
    assert sum(v["sections"] for v in truth.values()) == search(reader, q).total  # the hits a point links to
    for p in tr.series[0].points:
        assert p.share == (round(p.reports / p.indexed, 6) if p.indexed else None)
        assert p.mentions >= p.sections >= p.reports


def test_several_queries_year_range_and_type(reader, reports):
    qs = ["防溺水", "教育公平", "2008年"]
    tr = trend(reader, qs, Filters(Years.between(2000, 2012), doc_type="政府工作报告"), "mentions")
    held = sorted(r.year for r in reports if r.year and 2000 <= r.year <= 2012 and r.doc_type == "政府工作报告")
    assert tr.years == list(range(held[0], held[-1] + 1)) and tr.unknown_indexed is None and tr.measure == "mentions"
    for i, q in enumerate(qs):
        truth = brute_trend(reports, q, lambda r: r.year and 2000 <= r.year <= 2012 and r.doc_type == "政府工作报告")
        assert got_by_year(tr, i) == dict(truth)


def test_a_wide_year_range_draws_the_years_the_index_holds_and_counts_every_hit(reader, reports):
    years = sorted(r.year for r in reports if r.year)
    whole = trend(reader, ["教育"], Filters(Years.between(years[0], years[-1])))
    for lo, hi in ((1000, 3000), (1000, years[-1]), (years[0], 3000)):
        tr = trend(reader, ["教育"], Filters(Years.between(lo, hi)))
        assert tr.years == whole.years == list(range(years[0], years[-1] + 1))
        assert tr.series[0].total("sections") == search(reader, "教育", Filters(Years.between(lo, hi))).total > 0
    upper = trend(reader, ["教育"], Filters(Years.between(years[-1] - 1, 3000)))
    assert upper.years == [years[-1] - 1, years[-1]]
    assert trend(reader, ["教育"], Filters(Years.between(2990, 3000))).years == []


def test_default_measure_follows_the_years(reader, tmp_path):
    """Years holding different numbers of reports make share the default; even years make it reports."""
    from indexer.store.build import reindex
    from indexer.store.reader import Library

    assert trend(reader, ["教育"]).default_measure == "share"  # 2024 holds a report and its 决议, most years one
    even = tmp_path / "even"
    even.mkdir()
    for name in ("1980政府工作报告_赵德明.txt", "2009政府工作报告_吴晓明.txt"):
        (even / name).write_bytes((FIXTURES / "reports-alt" / name).read_bytes())
    reindex(tmp_path / "ix", [even], progress=False)
    tr = trend(Library(tmp_path / "ix").reader(), ["教育"])
    assert tr.default_measure == tr.measure == "reports"
    assert tr.years == list(range(1980, 2010)) and tr.indexed[0] == tr.indexed[-1] == 1 and tr.indexed[1] == 0
    assert tr.series[0].points[1].share is None  # nothing indexed in 1981


def test_too_many_queries_and_blank_ones(reader):
    tr = trend(reader, ["", "  ", *[f"教育{c}" for c in "一二三四五六七"]])
    assert len(tr.series) == 6 and tr.notices


def test_cli_trend_csv_and_table(index_dir, reader, reports, capsys):
    assert main(["trend", "防溺水", "教育公平", "--index", str(index_dir), "--by", "sections", "--year", "2010-2024",
                 "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:2] == ["年份", "收录报告数"] and "教育公平" in rows[0][3]
    truth = brute_trend(reports, "教育公平")
    assert [[int(c) for c in r] for r in rows[1:]] == [
        [y, truth[y]["indexed"], brute_trend(reports, "防溺水")[y]["sections"], truth[y]["sections"]]
        for y in range(2010, 2025)]
    assert main(["trend", "防溺水", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "占当年报告的比例" in out and "年份不详" in out
    assert main(["trend", "防溺水", "--index", str(index_dir), "--year", "20x0"]) == 2


# -- filters alone, sort, group -----------------------------------------------------


@pytest.mark.parametrize("q, keep", [("type:工作总结", lambda r: r.doc_type == "工作总结"),
                                     ("year:2019", lambda r: r.year == 2019),
                                     ("region:县", lambda r: r.region == "县"),
                                     ("type:政府工作报告 year:2009-2010", lambda r: r.doc_type == "政府工作报告" and r.year in (2009, 2010))])
def test_a_filter_alone_lists_the_reports(reader, reports, q, keep):
    res = search(reader, q, per_page=1000)
    want = sorted(r.doc_id for r in reports if keep(r))
    assert want and res.notice is None
    assert sorted(h.doc_id for h in res.hits) == want  # one hit per report
    assert res.total == res.total_documents == len(want)


@pytest.mark.parametrize("q", ["-教育", "NOT 教育", "-year:2019"])
def test_exclusions_alone_are_still_refused(reader, q):
    res = search(reader, q)
    assert res.total == 0 and res.mode == "empty" and "排除" in res.notice


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_sort_by_date(reader, sort):
    base = search(reader, "教育", per_page=10000)
    res = search(reader, "教育", per_page=10000, sort=sort)
    assert sorted((h.doc_id, h.section_id) for h in res.hits) == sorted((h.doc_id, h.section_id) for h in base.hits)
    years = [h.year for h in res.hits]
    known = [y for y in years if y is not None]
    assert known == sorted(known, reverse=sort == "newest")
    assert None in years and years.index(None) == len(known)  # unknown years last either way
    page2 = search(reader, "教育", page=2, per_page=7, sort=sort)
    assert [(h.doc_id, h.section_id) for h in page2.hits] == [(h.doc_id, h.section_id) for h in res.hits[7:14]]


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_grouped_by_report(reader, sort):
    flat = search(reader, "安全", per_page=10000, sort=sort)
    res = search(reader, "安全", per_page=10000, sort=sort, group="report")
    assert res.hits == [] and len(res.groups) == res.total_documents == flat.total_documents
    assert sum(g.total for g in res.groups) == flat.total
    first_seen = list(dict.fromkeys(h.doc_id for h in flat.hits))
    assert [g.doc_id for g in res.groups] == first_seen  # best (or newest) first
    for g in res.groups:
        mine = [h.section_id for h in flat.hits if h.doc_id == g.doc_id]
        assert [h.section_id for h in g.hits] == mine[:GROUP_MAX] and g.total == len(mine)
    page = search(reader, "安全", per_page=3, page=2, sort=sort, group="report")
    assert [g.doc_id for g in page.groups] == first_seen[3:6]
    assert "groups" in page.to_dict() and "groups" not in flat.to_dict()


# -- exports -------------------------------------------------------------------------


def test_csv_export_is_every_hit_with_bom(app, reader, reports):
    app.config["BASE_URL"] = "https://edu.example.org/es"
    try:
        r = app.test_client().get("/export.csv?q=安全&sort=oldest")
    finally:
        app.config["BASE_URL"] = ""
    assert r.status_code == 200 and r.is_streamed and "attachment" in r.headers["Content-Disposition"]
    body = r.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    res = search(reader, "安全", per_page=10000, sort="oldest")
    assert len(rows) == res.total > search(reader, "安全").per_page  # all hits, not one page
    by_id = {r.doc_id: r for r in reports}
    for row, h in zip(rows, res.hits, strict=True):
        assert row["章节链接"] == f"https://edu.example.org/es/doc/{h.url.split('#')[0][5:]}?q=%E5%AE%89%E5%85%A8#{h.section_id}"
        assert row["报告标题"] == h.title and row["年份"] == (str(h.year) if h.year else "")
        assert row["地区"] == (by_id[h.doc_id].region or "") and row["发文机关"] == (by_id[h.doc_id].issuer or "")
        assert "<" not in row["摘要"] and "安全" in fold_text(row["摘要"]) or "安全" in row["章节位置"] + row["报告标题"]
        sec = next(s for k, s in enumerate(by_id[h.doc_id].sections) if s.section_id == h.section_id)
        first = by_id[h.doc_id].sections[0] is sec
        want = count(fold_text(sec.heading), "安全") + count(fold_text(sec.text), "安全")
        want += count(fold_text(h.title), "安全") if first else 0
        assert int(row["出现次数"]) == want >= 1


def test_jsonl_export_and_relative_links(client):
    r = client.get("/export.jsonl?q=防溺水")
    assert r.status_code == 200 and r.is_streamed
    rows = [json.loads(line) for line in r.get_data(as_text=True).splitlines()]
    want = brute_hits("防溺水", *CORPUS)
    assert len(rows) == len(want)
    assert set(rows[0]) == {"title", "doc_no", "date", "year", "doc_type", "issuer", "issuers", "place", "region",
                            "province", "heading_path", "url", "occurrences", "snippet"}
    assert rows[0]["url"].startswith("/doc/") and rows[0]["url"].endswith("?q=%E9%98%B2%E6%BA%BA%E6%B0%B4#s3-2")
    doc_id = unquote(rows[0]["url"].removeprefix("/doc/").split("?")[0])
    assert rows[0]["heading_path"][-1] == "（二）深入开展防溺水专项治理" and rows[0]["occurrences"] == want[(doc_id, "s3-2")]


def test_export_cuts_snippets_a_batch_at_a_time(reader, monkeypatch):
    """Streaming: the first row is out before the second batch of snippets is cut."""
    from indexer.search import export

    asked: list[int] = []
    real = results_mod._hits
    monkeypatch.setattr(results_mod, "_hits", lambda r, sids, *a: asked.append(len(sids)) or real(r, sids, *a))
    batch = 20  # smaller than EXPORT_BATCH, so the small fixtures make several batches
    whole = results_mod.SearchResults.iter_hits
    monkeypatch.setattr(results_mod.SearchResults, "iter_hits", lambda self, r, b=batch: whole(self, r, b))
    res = find(reader, "教育")
    assert asked == []  # the whole result cuts no snippet
    rows = export.rows(reader, res)
    next(rows)
    assert asked == [batch] and res.total > batch
    assert sum(1 for _ in rows) == res.total - 1


def test_trend_api_page_and_csv(client, reader):
    qs = "q=防溺水&q=教育公平&q=2008年"
    api = client.get(f"/api/trend?{qs}&by=mentions").get_json()
    assert [s["query"] for s in api["series"]] == ["防溺水", "教育公平", "2008年"] and api["measure"] == "mentions"
    body = client.get(f"/trend?{qs}").get_data(as_text=True)
    assert body.count('<g class="series') == 3
    links = re.findall(r'<a href="(/search\?[^"]+)" class="pt" data-year="(\d{4})"', body)
    assert len(links) == 3 * sum(1 for n in api["indexed"] if n)
    assert all(f"year={y}" in href for href, y in links)
    assert body.count('tabindex="0"') == 1  # the chart is one Tab stop
    rows = list(csv.reader(io.StringIO(client.get(f"/trend.csv?{qs}&by=sections").get_data(as_text=True)[1:])))
    tr = trend(reader, ["防溺水", "教育公平", "2008年"], measure="sections")
    assert [int(x) for x in rows[1][2:]] == [s.points[0].sections for s in tr.series]
    assert rows[-1][0] == "年份不详"
    assert client.get("/trend?q=教育&by=nope").status_code == 400
    assert client.get("/api/trend").get_json()["series"] == []


def test_search_page_links_to_trend_exports_group_and_sort(client):
    body = client.get("/search?q=防溺水&doc_type=工作总结").get_data(as_text=True)
    assert 'href="/trend?q=%E9%98%B2%E6%BA%BA%E6%B0%B4&amp;doc_type=' in body
    assert 'href="/export.csv?q=%E9%98%B2%E6%BA%BA%E6%B0%B4&amp;doc_type=' in body and "/export.jsonl?" in body
    assert "group=report" in body and "sort=newest" in body
    chart = re.search(r"<svg.*?</svg>", client.get("/search?q=教育").get_data(as_text=True), re.S).group(0)
    years = [row["value"] for row in client.get("/api/search?q=教育").get_json()["facets"]["year"] if row["value"]]
    assert chart.count('tabindex="0"') == 1 and chart.count('tabindex="-1"') == len(years) - 1  # one Tab stop, arrow keys within
    grouped = client.get("/search?q=安全&group=report").get_data(as_text=True)
    assert '<li class="group">' in grouped and re.search(r"另有 \d+ 个章节", grouped)
    assert client.get("/search?q=安全&sort=bad").status_code == 400
    assert client.get("/api/search?q=type:工作总结").get_json()["total"] > 0


@pytest.mark.parametrize("path", ["/trend?q=<script>alert(1)</script>", '/trend?q="&q=(&q=OR', "/trend?q=" + "教" * 3000,
                                  "/trend?" + "&".join(f"q=x{i}" for i in range(40)), "/trend?q=教育&year=2030-2010",
                                  "/trend?q=教育&year=unknown", "/trend?q=-教育", "/export.csv?q=OR", "/export.jsonl?q=(",
                                  "/export.csv?q=<b>&sort=newest", "/trend.csv", "/api/trend?q=\x00"])
def test_odd_trend_and_export_requests_are_answered(client, path):
    r = client.get(path)
    assert r.status_code == 200, path
    body = r.get_data(as_text=True)
    assert "<script>alert" not in body and "Traceback" not in body


def test_serve_refuses_a_base_url_that_is_not_http(tmp_path, capsys):
    assert main(["serve", "--index", str(tmp_path / "none"), "--base-url", "javascript:alert(1)"]) == 2
    assert "--base-url" in capsys.readouterr().err
