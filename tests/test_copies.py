"""One document, several sources: copies found when an index is built (fingerprint, copies), shown
once in searches with their other sources listed (results), counted once in facets and trends, and
every copy counted with copies=all, in the CLI, the pages and their JSON twins."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash
from helpers import FIXTURES, documents

from benchmarks.dups import hand_set
from indexer.cli import main
from indexer.search.collocates import collocates
from indexer.search.engine import find, search
from indexer.search.kwic import kwic, kwic_lines
from indexer.search.trend import trend
from indexer.store import copies
from indexer.store.build import Summary, reindex
from indexer.store.catalog import ReportRow
from indexer.store.reader import IndexReader, Library
from indexer.text import fingerprint as fp
from indexer.text.normalize import fold_text
from webapp import create_app

DUPS = FIXTURES / "dups"  # two documents we wrote, reposted; and a draft of each with a paragraph rewritten
NOTICE = "绿水县教育局关于加强校园食品安全管理的通知.txt"
SUMMARY = "绿水县教育局2022年工作总结.txt"


@pytest.fixture(scope="module")
def dups_build(tmp_path_factory) -> tuple[Path, Summary]:
    root = tmp_path_factory.mktemp("dups") / "index"
    return root, reindex(root, [DUPS], progress=False)


@pytest.fixture(scope="module")
def dups_index(dups_build) -> Path:
    return dups_build[0]


@pytest.fixture(scope="module")
def client(dups_index):
    return create_app(dups_index).test_client()


@pytest.fixture(scope="module")
def reader(dups_index) -> IndexReader:
    return Library(dups_index).reader()


# -- fingerprints -----------------------------------------------------------------------------


PARAGRAPHS = [
    "为切实保障在校师生饮食安全，落实学校食品安全校长负责制，现就有关事项通知如下。",
    "各学校校长是本校食品安全第一责任人，要建立三级责任体系，每周至少组织一次食堂自查，自查情况登记在册。",
    "食堂大宗食材由县教育局统一组织招标采购，学校不得自行向无资质的商户采购，做到索证索票和进货查验。",
    "每餐次的每种菜品留样不少于125克，在冷藏条件下保存48小时以上，留样记录由专人负责。",
    "县教育局会同县市场监督管理局每学期开展不少于两次联合检查，检查结果纳入学校年度考核。",
]


def test_the_signature_is_datasketchs_minhash_of_the_kept_shingles():
    text = fp.compact(fold_text("".join(PARAGRAPHS)))
    raw = fp.shingles(text)
    kept = raw[fp.fmix32(raw) % np.uint32(fp.SAMPLE) == 0]
    assert 0 < len(kept) < len(raw)
    m = MinHash(num_perm=fp.NUM_PERM, seed=fp.SEED, hashfunc=int)
    m.update_batch([int(x) for x in kept])
    assert (m.hashvalues == fp.signature(text)).all()
    assert (fp.signature("短") == np.uint32(0xFFFFFFFF)).all()  # shorter than a shingle


def test_compact_forms_ignore_wrapping_spacing_punctuation_and_traditional_forms():
    a = fp.compact(fold_text("落实学校食品安全校长负责制，每周组织一次自查。"))
    b = fp.compact(fold_text("落實學校食品安全校長\n負責制, 每週組織一次自查."))
    assert a == b and fp.digest(a) == fp.digest(b)
    assert fp.resemblance(fp.signature(a * 3), fp.signature(b * 3)) == 1.0


def test_resemblance_tells_alike_from_unrelated():
    a, b = fp.compact(fold_text("".join(PARAGRAPHS))), fp.compact(fold_text("".join(PARAGRAPHS[:4])))
    other = fp.compact(fold_text("二〇二三年全县新建公办幼儿园六所，新增学位一千余个，学前三年毛入园率达到百分之九十二。" * 2))
    assert fp.resemblance(fp.signature(a), fp.signature(b)) > 0.6
    assert fp.resemblance(fp.signature(a), fp.signature(other)) < 0.2


def test_a_header_page_numbers_and_closing_parts_are_not_changes():
    text = "\n".join(PARAGRAPHS)
    reposted = ("北大法宝【法宝引证码】 CLI.12.1\n原文链接：https://example.org/1.html\n" + "\n".join(PARAGRAPHS[:3])
                + "\n- 2 -\n" + "\n".join(PARAGRAPHS[3:]) + "\n附件：检查记录表\n绿水县教育局\n2022年9月5日")
    d = fp.difference(fold_text(text), fold_text(reposted))
    assert d.changed == 0 and d.ends > 20 and d.one_sided == 1  # the page number
    assert d.shared == len(fp.compact(fold_text(text)))


def test_a_rewritten_paragraph_is_a_change_wherever_it_is():
    for i in range(len(PARAGRAPHS)):
        lines = list(PARAGRAPHS)
        lines[i] = "全年引进研究生学历教师十二名，从城区学校选派骨干教师到农村学校支教一年，建成县级名师工作室八个。"
        d = fp.difference(fold_text("\n".join(PARAGRAPHS)), fold_text("\n".join(lines)))
        assert d.changed > copies.MAX_CHANGED, (i, d)


def test_a_paragraph_more_or_less_in_the_middle_or_at_the_end_is_a_change():
    whole = fold_text("\n".join(PARAGRAPHS))
    for i in (2, 4):
        d = fp.difference(whole, fold_text("\n".join(PARAGRAPHS[:i] + PARAGRAPHS[i + 1:])))
        assert d.changed >= len(fp.compact(fold_text(PARAGRAPHS[i]))), (i, d)


def test_a_few_changed_characters_are_counted_as_such():
    text = fold_text("\n".join(PARAGRAPHS))
    size = len(fp.compact(text))
    for old, new, changed in (("125克", "126克", 1), ("48小时", "72小时", 2)):  # a figure corrected: its digits
        assert text.count(old) == 1
        d = fp.difference(text, text.replace(old, new))
        assert (d.changed, d.one_sided, d.ends, d.shared) == (changed, 0, 0, size - changed), (old, d)
    d = fp.difference(text, text.replace("125克", "125千克"))  # a character put in: one-sided, nothing replaced
    assert (d.changed, d.one_sided, d.ends, d.shared) == (0, 1, 0, size)


# -- groups -----------------------------------------------------------------------------------


def row(doc_id: str, file_key: str, chars: int = 500, **kw) -> ReportRow:
    fields = {"year": 2022, "issuer": None, **kw}
    return ReportRow(doc_id=doc_id, title="t", doc_type="通知", region=None, source=doc_id, file_key=file_key,
                     chars=chars, **fields)


def test_groups_prefer_a_complete_copy_with_least_added_then_most_stated():
    reports = [row("a.txt", "a", 520), row("b.pdf", "b", 500), row("c.html", "c", 500, doc_no="绿教发〔2022〕15号"),
               row("d.txt", "d", 300), row("e.txt", "e")]
    out = copies.groups(reports, np.ones(5, dtype=bool), [(0, 1), (1, 2), (2, 3)])
    assert out[:4, 0].tolist() == [2, 2, 2, 2] and out[4, 0] == 4
    assert sorted(range(4), key=lambda i: out[i, 1]) == [2, 1, 0, 3]  # d is truncated: last


def test_groups_never_join_two_reports_of_one_file_and_do_not_depend_on_order():
    # the notice (n~1) and the plan it issues (n~2) are each alike to a file holding both as one report
    reports = [row("n.txt~1", "n"), row("n.txt~2", "n"), row("both.docx", "both"), row("n-copy.txt~2", "m")]
    pairs = [(0, 2), (1, 2), (1, 3)]
    first = copies.groups(reports, np.ones(4, dtype=bool), pairs)
    assert first[0, 0] != first[1, 0]
    for seed in range(5):
        order = list(range(4))
        random.Random(seed).shuffle(order)
        at = {old: new for new, old in enumerate(order)}
        shuffled = copies.groups([reports[i] for i in order], np.ones(4, dtype=bool),
                                 [(at[a], at[b]) for a, b in reversed(pairs)])
        same = {reports[i].doc_id: reports[order[shuffled[at[i], 0]]].doc_id for i in range(4)}
        assert same == {reports[i].doc_id: reports[first[i, 0]].doc_id for i in range(4)}


def test_a_copy_stating_nothing_does_not_join_two_numbered_documents():
    # a web page without its header is alike to the 2号 notice and to its 5号 revision
    reports = [row("n2.txt", "a", doc_no="教基〔2021〕2号"), row("web.html", "b", doc_no=None, year=None),
               row("n5.txt", "c", doc_no="教基〔2021〕5号"), row("n2-copy.pdf", "d", doc_no="教基[2021]2号")]
    out = copies.groups(reports, np.ones(4, dtype=bool), [(0, 1), (1, 2), (2, 3), (0, 3)])
    assert out[0, 0] == out[3, 0] != out[2, 0]
    assert out[1, 0] in (out[0, 0], out[2, 0])
    years = [row("a", "a", year=2021), row("b", "b", year=None), row("c", "c", year=2022)]
    out = copies.groups(years, np.ones(3, dtype=bool), [(0, 1), (1, 2)])
    assert out[0, 0] != out[2, 0]


def test_what_two_copies_state_may_contradict_them():
    a = row("a", "a", doc_no="绿教发〔2022〕15号", issuer="绿水县教育局")
    assert copies._contradiction(a, row("b", "b", doc_no="绿教发[2022]15号", issuer="县教育局")) is None
    assert "文号" in copies._contradiction(a, row("b", "b", doc_no="绿教发〔2022〕16号"))
    assert "years" in copies._contradiction(a, row("b", "b", year=2023))
    assert "issuers" in copies._contradiction(a, row("b", "b", issuer="青山县教育局"))


def test_the_written_set_groups_as_its_truth(reader):
    got, want = documents(reader), hand_set()[1]
    assert set(got) == set(want)
    for a in want:
        for b in want:
            assert (got[a] == got[b]) == (want[a] == want[b]), (a, b)


def test_a_build_reports_what_it_grouped(dups_build):
    stats = dups_build[1].copy_stats
    assert stats.groups == 3 and stats.copies == 9  # 4 + 3 + 2 copies; one draft alone
    assert any("征求意见稿" in a + b for a, b, _why in stats.rejected)


# -- searching --------------------------------------------------------------------------------


def test_a_document_is_one_result_with_its_other_sources(reader):
    res = search(reader, "留样", per_page=50)
    every = find(reader, "留样", copies="all")
    shown = {h.doc_id for h in res.hits}
    assert shown == {"绿水县教育局关于加强校园食品安全管理的通知 - 绿水县人民政府.html",
                     "绿水县教育局关于加强校园食品安全管理的通知（征求意见稿）.txt"}
    hit = next(h for h in res.hits if h.doc_id.endswith(".html"))
    assert sorted(s.doc_id for s in hit.sources) == sorted(
        [NOTICE, "绿水县教育局关于加强校园食品安全管理的通知(FBM-CLI-12-7000001).txt", "食品安全管理通知（繁體）.txt"])
    # no matching section is lost: each other copy's is listed under a result
    listed = {(h.doc_id, h.section_id) for h in res.hits}
    listed |= {(s.doc_id, sec.section_id) for h in res.hits for s in h.sources for sec in s.sections}
    assert listed == {(h.doc_id, h.section_id) for h in every.hits(reader, 0, every.total)}
    assert res.total + len(res.results.others) == every.total
    assert res.total_documents == 2 and every.total_documents == 5


def test_report_cards_list_each_source_with_its_sections(reader):
    res = search(reader, "教师", group="report", per_page=50)
    card = next(g for g in res.groups if g.doc_id == "绿水县教育局2022年工作总结.md")
    assert [s.doc_id for s in card.sources] == [SUMMARY, "县教育局2022年工作总结（转载）.txt"]
    assert all(s.sections for s in card.sources)
    assert len({g.doc_id for g in res.groups}) == res.total_documents == 2  # the summary and its draft


def test_facets_and_trends_count_a_document_once(reader):
    one, every = search(reader, "食品安全"), search(reader, "食品安全", copies="all")
    total = lambda rows: sum(r["count"] for r in rows)  # noqa: E731
    assert total(one.facets["doc_type"]) == one.total_documents == 2
    assert total(every.facets["doc_type"]) == every.total_documents == 5
    tr, tr_all = trend(reader, ["食品安全"]), trend(reader, ["食品安全"], copies="all")
    assert tr.series[0].total("reports") == 2 and tr_all.series[0].total("reports") == 5
    assert sum(tr.indexed) + (tr.unknown_indexed or 0) == 4  # documents indexed: two and two drafts
    assert sum(tr_all.indexed) + (tr_all.unknown_indexed or 0) == 10


def test_the_pages_and_their_json_twins(client):
    page = client.get("/search", query_string={"q": "留样"}).get_data(as_text=True)
    assert "另有 3 个来源" in page and "每个来源分别列出和计数" in page
    data = client.get("/api/search", query_string={"q": "留样"}).get_json()
    assert data["copies"] == "one" and data["copy_sections"] > 0
    assert [len(h["sources"]) for h in data["hits"]].count(3) >= 1
    for h in data["hits"]:
        for s in h["sources"]:
            assert client.get(s["url"]).status_code == 200
            for sec in s["sections"]:
                assert client.get(sec["url"].split("#")[0]).status_code == 200
    every = client.get("/api/search", query_string={"q": "留样", "copies": "all"}).get_json()
    assert every["copies"] == "all" and every["total"] == data["total"] + data["copy_sections"]
    assert all(not h["sources"] for h in every["hits"])
    assert "同一文件只算一次" in client.get("/search", query_string={"q": "留样", "copies": "all"}).get_data(as_text=True)
    bad = client.get("/search", query_string={"q": "留样", "copies": "some"})
    assert bad.status_code == 400 and "copies" in bad.get_data(as_text=True)
    tr = client.get("/api/trend", query_string={"q": "食品安全", "copies": "all"}).get_json()
    assert tr["copies"] == "all" and tr["series"][0]["points"]
    assert "每个来源分别计数" in client.get("/trend", query_string={"q": "食品安全"}).get_data(as_text=True)


def test_the_report_page_names_the_other_sources(client):
    doc = client.get(f"/api/doc/{NOTICE}").get_json()
    assert {o["title"] for o in doc["other_sources"]} == {
        "绿水县教育局关于加强校园食品安全管理的通知 - 绿水县人民政府.html",
        "绿水县教育局关于加强校园食品安全管理的通知(FBM-CLI-12-7000001).txt", "食品安全管理通知（繁體）.txt"}
    assert "同一文件的其他来源" in client.get(f"/doc/{NOTICE}", query_string={"q": "留样"}).get_data(as_text=True)


def test_exports_link_every_other_source(client, reader):
    rows = list(csv.DictReader(io.StringIO(client.get("/export.csv?q=留样").get_data(as_text=True).lstrip("\ufeff"))))
    linked = " ".join(r["其他来源"] for r in rows)
    shown = {r["章节链接"].split("?")[0] for r in rows}
    every = find(reader, "留样", copies="all")
    for h in every.hits(reader, 0, every.total):
        path = h.url.split("#")[0]
        assert path in shown or path in linked, h.doc_id  # every other copy is linked from a row
    assert len(client.get("/export.jsonl?q=留样&copies=all").get_data(as_text=True).splitlines()) == \
        find(reader, "留样", copies="all").total


def test_cli_copies_flag(dups_index, capsys):
    assert main(["search", "留样", "--index", str(dups_index), "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(["search", "留样", "--index", str(dups_index), "--json", "--copies", "all"]) == 0
    every = json.loads(capsys.readouterr().out)
    assert every["total"] == one["total"] + one["copy_sections"] and one["copies"] == "one"
    assert main(["search", "留样", "--index", str(dups_index)]) == 0
    out = capsys.readouterr().out
    assert "另有 3 个来源" in out and "--copies all" in out
    assert main(["trend", "留样", "--index", str(dups_index), "--copies", "all", "--csv"]) == 0
    assert "留样" in capsys.readouterr().out


def test_an_incremental_run_keeps_groups_as_a_full_rebuild_makes_them(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(DUPS, src)
    inc = tmp_path / "inc"
    reindex(inc, [src], progress=False)
    (src / NOTICE).unlink()  # the preferred copy goes: another copy is shown
    (src / "again").mkdir()
    shutil.copy(DUPS / SUMMARY, src / "again" / SUMMARY)  # a copy in another folder
    draft = src / "绿水县教育局2022年工作总结（征求意见稿）.txt"
    draft.write_text((DUPS / SUMMARY).read_text(encoding="utf-8"), encoding="utf-8")  # the draft becomes a copy
    reindex(inc, progress=False)
    full = tmp_path / "full"
    reindex(full, [src], full=True, progress=False)
    got, want = documents(Library(inc).reader()), documents(Library(full).reader())
    assert got == want
    assert got["again/" + SUMMARY] == got[SUMMARY] == got[draft.name]


def test_short_texts_are_copies_only_when_their_titles_are_the_same_too(tmp_path):
    src = tmp_path / "src"
    for folder, title in (("a", "绿水县校车安全条例"), ("b", "绿水县校车安全条例"), ("c", "绿水县食堂管理办法")):
        (src / folder).mkdir(parents=True)
        (src / folder / "x.md").write_text(f"# {title}\n\n本条例自公布之日起施行。\n", encoding="utf-8")
    reindex(tmp_path / "ix", [src], progress=False)
    got = documents(Library(tmp_path / "ix").reader())
    assert got["a/x.md"] == got["b/x.md"] != got["c/x.md"]


def test_the_concordance_and_collocates_read_a_document_once(dups_index, client, reader, capsys):
    shown = {h.doc_id for h in search(reader, "留样", per_page=50).hits}
    every = find(reader, "留样", copies="all")
    all_docs = {h.doc_id for h in every.hits(reader, 0, every.total)}
    assert len(all_docs) > len(shown)
    one_page, every_page = kwic(reader, "留样", per_page=500), kwic(reader, "留样", per_page=500, copies="all")
    assert {ln.doc_id for ln in one_page.lines} == shown and {ln.doc_id for ln in every_page.lines} == all_docs
    assert one_page.copies == "one" and every_page.copies == "all" and every_page.total > one_page.total
    assert len(list(kwic_lines(reader, "留样", copies="all"))) == every_page.total
    assert {ln.doc_id for ln in kwic_lines(reader, "留样")} == shown
    assert collocates(reader, "留样").occurrences == one_page.total
    assert collocates(reader, "留样", copies="all").occurrences == every_page.total
    assert client.get("/api/kwic?q=留样&copies=all").get_json()["total"] == every_page.total
    assert client.get("/api/collocates?q=留样").get_json()["occurrences"] == one_page.total
    page = client.get("/kwic?q=留样").get_data(as_text=True)
    assert "每个来源分别列出" in page and "copies=all" in page
    assert "同一文件只读一次" in client.get("/collocates?q=留样&copies=all").get_data(as_text=True)
    assert main(["kwic", "留样", "--index", str(dups_index), "--json", "--copies", "all"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == every_page.total


def test_a_title_shared_only_with_its_own_copies_needs_no_label(reader):
    summary = [h for h in search(reader, "教师", per_page=50).hits if h.doc_id == "绿水县教育局2022年工作总结.md"]
    assert summary and all(h.distinguish is None for h in summary)  # its namesakes are its own sources
    every = search(reader, "教师", per_page=100, copies="all").hits
    labels = {h.doc_id: h.distinguish for h in every if h.title == "绿水县教育局2022年工作总结"}
    assert len(labels) == 3 and None not in labels.values() and len(set(labels.values())) == 3
    notice = {h.doc_id: h.distinguish for h in search(reader, "留样", per_page=50).hits}
    assert None not in notice.values() and len(set(notice.values())) == 2  # the notice and its draft share a title


def test_identical_copies_pair_their_sections_by_place(tmp_path):
    """Two copies of one file (the same text, the same sections): each hit lists the other copy's section
    of its own id, the first hit also those no hit pairs with, and nothing is left out."""
    src = tmp_path / "src"
    for folder in ("a", "b"):
        (src / folder).mkdir(parents=True)
        shutil.copy(DUPS / NOTICE, src / folder / NOTICE)
    reindex(tmp_path / "index", [src], progress=False)
    reader = Library(tmp_path / "index").reader()
    for q in ("食品", "留样 OR 索证", "学校"):
        res, every = search(reader, q, per_page=50), find(reader, q, copies="all")
        assert res.total_documents == 1 and every.total_documents == 2 and len(res.hits) > 1, q
        listed = {(h.doc_id, h.section_id) for h in res.hits}
        for k, h in enumerate(res.hits):
            (other,) = h.sources
            ids = [sec.section_id for sec in other.sections]
            assert (ids == [h.section_id]) if k else (h.section_id in ids), (q, k, ids)
            listed |= {(other.doc_id, sid) for sid in ids}
        assert listed == {(h.doc_id, h.section_id) for h in every.hits(reader, 0, every.total)}, q


def test_a_server_does_not_load_datasketch(dups_index):
    """Grouping is a build's work: serving pages (searches, a report page, sources listed) never imports
    datasketch, which brings SciPy and some 56 MB of memory with it."""
    import subprocess
    import sys

    code = ("import sys; from webapp import create_app; c = create_app(sys.argv[1]).test_client(); "
            "assert c.get('/search?q=留样').status_code == 200; assert c.get('/api/doc/' + sys.argv[2]).status_code == 200; "
            "assert c.get('/kwic?q=留样').status_code == 200; "
            "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(dups_index), NOTICE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stderr
