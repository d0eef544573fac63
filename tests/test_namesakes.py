"""Reports that share a title are told apart: in results, grouped results, their JSON and the CLI, each
carries what distinguishes it from the others of its title (place, year, issuer; the file, and its number
in the file, as the last resort). The seeds hold two such sets of three."""

from __future__ import annotations

import html
import re
from collections import defaultdict

import pytest
from helpers import SEED_000, SEED_003

from indexer.cli import main
from indexer.ingest.parse import parse_path
from indexer.search.engine import search
from indexer.search.namesakes import _labels, distinctions
from indexer.store.catalog import ReportRow

YEAR_END = "教育局年终工作总结"  # the three reports of seed 000
COUNTY = "2024年县教育局工作总结"  # the three of seed 003


def seed_reports():
    return {r.doc_id: r for seed in (SEED_000, SEED_003) for r in parse_path(seed, seed.parent).reports}


def test_every_report_is_told_apart_from_the_others_of_its_title(reader):
    told = distinctions(reader, range(len(reader.catalog.reports)))
    by_title = defaultdict(list)
    for i, row in enumerate(reader.catalog.reports):
        if reader.report_live[i]:
            by_title[row.title_folded].append(i)
    for group in by_title.values():
        labels = [told[i] for i in group]
        if len(group) == 1:
            assert labels == [None]  # a title of its own needs nothing
        else:
            assert all(labels) and len(set(labels)) == len(labels), labels


def test_the_seeds_are_told_by_place_issuer_and_last_by_file(reader):
    """What the labels say comes from the parsed seeds: a field is shown where it is known and tells apart."""
    parsed = seed_reports()
    assert sorted(r.title for r in parsed.values()) == [COUNTY] * 3 + [YEAR_END] * 3
    told = {reader.catalog.reports[i].doc_id: label
            for i, label in distinctions(reader, range(len(reader.catalog.reports))).items()}
    second = parsed[f"{SEED_000.name}~2"]
    assert second.place and told[second.doc_id] == second.place  # the only one of the three whose place is known
    for n in (1, 3):  # nothing known sets these two apart: their file, and their number in it
        assert told[f"{SEED_000.name}~{n}"] == f"{SEED_000.name} 第{n}篇"
    county = [parsed[f"{SEED_003.name}~{n}"] for n in (1, 2, 3)]
    assert len({r.issuer for r in county}) == 2 and len({r.year for r in county}) == 2
    for r in county:  # each shows its issuer, and the year and place where they are known
        assert told[r.doc_id].split(" · ") == [x for x in (r.place, f"{r.year}年" if r.year else None, r.issuer) if x]


def _row(doc_id: str, **kw) -> ReportRow:
    base = {"title": "工作总结", "year": None, "doc_type": "工作总结", "region": None, "issuer": None,
            "source": doc_id.split("~")[0]}
    return ReportRow(doc_id=doc_id, **(base | kw))


@pytest.mark.parametrize(("rows", "labels"), [
    # the year alone tells them apart: the issuer they share is not shown
    ([_row("a.txt", year=2019, issuer="县教育局"), _row("b.txt", year=2020, issuer="县教育局")], ["2019年", "2020年"]),
    # nothing known: the file's name; several in one file: their number in it
    ([_row("a.txt"), _row("b.txt")], ["a.txt", "b.txt"]),
    ([_row("x.txt~1"), _row("x.txt~2"), _row("y.txt")], ["x.txt 第1篇", "x.txt 第2篇", "y.txt"]),
    # a file's folders only when another file has its name
    ([_row("a/总结.md"), _row("b/总结.md"), _row("c/其他.md")], ["a/总结.md", "b/总结.md", "其他.md"]),
    # the place where one is known, the others by file
    ([_row("a.txt", place="江南省青川市"), _row("b.txt"), _row("c.txt")], ["江南省青川市", "b.txt", "c.txt"]),
    # place and year both needed
    ([_row("a.txt", place="甲县", year=2019), _row("b.txt", place="甲县", year=2020), _row("c.txt", place="乙县", year=2019)],
     ["甲县 · 2019年", "甲县 · 2020年", "乙县 · 2019年"]),
])
def test_labels_show_only_what_tells_apart(rows, labels):
    assert list(_labels(rows, list(range(len(rows)))).values()) == labels


def test_results_groups_and_their_json_carry_the_distinction(client, reader):
    told = {reader.catalog.reports[i].doc_id: label
            for i, label in distinctions(reader, range(len(reader.catalog.reports))).items()}
    data = client.get(f"/api/search?q=title:{YEAR_END}&group=report").get_json()
    assert sorted((g["doc_id"], g["distinguish"]) for g in data["groups"]) == sorted(
        (f"{SEED_000.name}~{n}", told[f"{SEED_000.name}~{n}"]) for n in (1, 2, 3))
    hits = client.get("/api/search?q=安全&per_page=100").get_json()["hits"]
    assert {h["doc_id"]: h["distinguish"] for h in hits} == {h["doc_id"]: told[h["doc_id"]] for h in hits}
    assert any(h["distinguish"] for h in hits) and any(h["distinguish"] is None for h in hits)
    for path in (f"/search?q=title:{YEAR_END}&group=report", f"/search?q=title:{YEAR_END}"):
        page = client.get(path).get_data(as_text=True)
        shown = [html.unescape(x) for x in re.findall(r'<span class="distinguish">([^<]*)</span>', page)]
        assert sorted(shown) == sorted(told[f"{SEED_000.name}~{n}"] for n in (1, 2, 3)), path


def test_a_report_reads_the_same_on_every_page(reader):
    whole = {h.doc_id: h.distinguish for h in search(reader, f"title:{COUNTY}", per_page=10).hits}
    paged = {}
    for page in (1, 2, 3):
        [h] = search(reader, f"title:{COUNTY}", per_page=1, page=page).hits
        paged[h.doc_id] = h.distinguish
    assert paged == whole and len(set(whole.values())) == 3


def test_the_cli_shows_the_distinction(index_dir, capsys):
    assert main(["search", f"title:{YEAR_END}", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert f"{YEAR_END}（{SEED_000.name} 第1篇）" in out
