"""Links to a report whose file was renamed or moved: the reindex records old path → new path
(store.moves), /doc/<old id> and /api/doc/<old id> redirect there with the query kept (the browser
keeps the #section), commands given an old id follow it, and a deleted file's id is a plain 404."""

from __future__ import annotations

import re
import shutil
from urllib.parse import quote

import pytest
from helpers import GOV

from indexer.cli import main
from indexer.store import generations as store
from indexer.store.build import reindex
from indexer.store.moves import follow, record

REPORT = "2019_2019年白石县人民政府工作报告.txt"
OTHER = "2020_白石县第十七届人民代表大会第四次会议关于政府工作报告的决议.txt"


def entry(rel: str, digest: str) -> dict:
    return {"doc_rel": rel, "sha256": digest}


def test_a_path_gone_whose_content_is_at_a_new_path_is_a_move():
    before = {"files": {"k1": entry("a.txt", "1"), "k2": entry("b.txt", "2"), "k3": entry("c.txt", "3")}}
    now = {"k4": entry("x/a.txt", "1"), "k2": entry("b.txt", "2"), "k5": entry("d.txt", "3")}
    # a.txt moved; b.txt unchanged; c.txt deleted and d.txt is a copy of it under a new name: moved too
    assert record(before, now) == {"a.txt": "x/a.txt", "c.txt": "d.txt"}


def test_a_copy_or_an_edited_rename_is_no_move():
    before = {"files": {"k1": entry("a.txt", "1"), "k2": entry("b.txt", "2")}}
    now = {"k1": entry("a.txt", "1"), "k3": entry("copy.txt", "1"), "k4": entry("b2.txt", "2-edited")}
    assert record(before, now) == {}


def test_earlier_moves_follow_the_file_and_end_when_its_path_is_taken_or_it_is_gone():
    before = {"files": {"k1": entry("b.txt", "1"), "k2": entry("q.txt", "2")},
              "moved": {"a.txt": "b.txt", "p.txt": "q.txt", "r.txt": "s.txt"}}
    now = {"k3": entry("c.txt", "1"), "k4": entry("p.txt", "9")}  # b→c; q.txt deleted, p.txt a new file
    assert record(before, now) == {"b.txt": "c.txt", "a.txt": "c.txt"}


def test_follow_keeps_the_report_number():
    moved = {"a.txt": "x/a.txt", "b~c.txt": "d.txt"}
    assert follow(moved, "a.txt") == "x/a.txt" and follow(moved, "a.txt~2") == "x/a.txt~2"
    assert follow(moved, "b~c.txt") == "d.txt" and follow(moved, "a.txt~x") is None and follow(moved, "z.txt") is None


@pytest.fixture
def renamed(tmp_path):
    """An index of two reports, one of them then renamed into a folder and indexed again (incremental)."""
    src, root = tmp_path / "corpus", tmp_path / "index"
    src.mkdir()
    for name in (REPORT, OTHER):
        shutil.copy(GOV / name, src / name)
    reindex(root, [src], progress=False)
    (src / "2019").mkdir()
    (src / REPORT).rename(src / "2019" / "政府工作报告.txt")
    summary = reindex(root, progress=False)
    assert not summary.full
    return src, root


@pytest.fixture
def client(renamed):
    from webapp import create_app

    app = create_app(renamed[1])
    app.config.update(TESTING=True)
    return app.test_client()


def test_the_old_link_of_a_renamed_file_lands_on_the_same_section(client):
    new = "2019/政府工作报告.txt"
    assert client.get("/api/doc/" + quote(new)).status_code == 200
    old_page = client.get(f"/doc/{quote(REPORT)}?q=%E6%A0%A1%E8%BD%A6&sort=newest")
    assert old_page.status_code == 301
    assert old_page.headers["Location"] == f"/doc/{quote(new)}?q=%E6%A0%A1%E8%BD%A6&sort=newest"
    landed = client.get(old_page.headers["Location"])
    sections = client.get("/api/doc/" + quote(new)).get_json()["sections"]
    anchor = sections[-1]["section_id"]  # a shared link's #fragment: the browser carries it over the redirect
    assert landed.status_code == 200 and f'<section id="{anchor}"' in landed.get_data(as_text=True)
    assert "<mark>校车</mark>" in landed.get_data(as_text=True)
    api = client.get(f"/api/doc/{quote(REPORT)}?q=校车")
    assert api.status_code == 301 and api.headers["Location"] == f"/api/doc/{quote(new)}?q=%E6%A0%A1%E8%BD%A6"
    assert client.get(api.headers["Location"]).get_json()["doc_id"] == new


def test_a_file_renamed_twice_is_followed_to_where_it_is_now(renamed):
    from webapp import create_app

    src, root = renamed
    (src / "2019" / "政府工作报告.txt").rename(src / "最新.txt")
    reindex(root, progress=False)
    assert store.read_manifest(store.current(root))["moved"] == {REPORT: "最新.txt", "2019/政府工作报告.txt": "最新.txt"}
    client = create_app(root).test_client()
    for old in (REPORT, "2019/政府工作报告.txt"):
        r = client.get("/doc/" + quote(old))
        assert r.status_code == 301 and r.headers["Location"] == "/doc/" + quote("最新.txt")


def test_a_deleted_files_id_is_a_plain_404(renamed):
    from webapp import create_app

    src, root = renamed
    (src / "2019" / "政府工作报告.txt").unlink()
    (src / OTHER).unlink()
    reindex(root, progress=False)
    assert store.read_manifest(store.current(root))["moved"] == {}
    client = create_app(root).test_client()
    for gone in (REPORT, OTHER):
        page = client.get("/doc/" + quote(gone))
        body = page.get_data(as_text=True)
        assert page.status_code == 404 and f"没有编号为“{gone}”的报告" in body and "Traceback" not in body
        api = client.get("/api/doc/" + quote(gone))
        assert api.status_code == 404 and api.get_json()["message"] == f"没有编号为“{gone}”的报告。"


def test_a_new_file_at_the_old_path_owns_the_link(renamed):
    from webapp import create_app

    src, root = renamed
    (src / REPORT).write_text("白石县教育局工作总结\n一、校车安全\n开展校车安全检查。\n", encoding="utf-8")
    reindex(root, progress=False)
    assert store.read_manifest(store.current(root))["moved"] == {}
    r = create_app(root).test_client().get("/api/doc/" + quote(REPORT))
    assert r.status_code == 200 and "校车" in r.get_json()["sections"][-1]["text"]


def test_cli_commands_given_an_old_id_follow_the_move(renamed, capsys):
    _src, root = renamed
    assert main(["series", REPORT, "--index", str(root), "--json"]) == 0
    captured = capsys.readouterr()
    assert re.search(r'"doc_id": "2019/政府工作报告\.txt"', captured.out)
    assert "2019/政府工作报告.txt" in captured.err
    assert main(["compare", REPORT, OTHER, "--index", str(root), "--json"]) == 0


def test_compare_series_and_the_python_api_follow_an_old_id(renamed, client):
    from indexer import open_index

    new = "2019/政府工作报告.txt"
    for url, want in ((f"/compare?a={quote(REPORT)}&b={quote(OTHER)}", f"/compare?a={quote(new)}&b="),
                      (f"/api/compare?a={quote(REPORT)}&b={quote(OTHER)}", f"/api/compare?a={quote(new)}&b="),
                      (f"/series?doc={quote(REPORT)}&q=%E6%A0%A1%E8%BD%A6", f"/series?doc={quote(new)}&q="),
                      (f"/api/series?doc={quote(REPORT)}", f"/api/series?doc={quote(new)}")):
        r = client.get(url)
        assert r.status_code == 301 and r.headers["Location"].startswith(want), (url, r.headers.get("Location"))
        assert client.get(r.headers["Location"]).status_code == 200
    assert client.get(f"/compare?a=gone.txt&b={quote(OTHER)}").status_code == 404
    with open_index(renamed[1]) as ix:
        assert ix.report(REPORT).doc_id == new
        assert ix.series(REPORT).to_dict() == ix.series(new).to_dict()
        assert ix.compare(REPORT, OTHER).to_dict() == ix.compare(new, OTHER).to_dict()
