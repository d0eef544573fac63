"""Finding the files of a reindex as users' folders hold them: names that are not UTF-8, folders that
cannot be listed, and links that lead out of the source folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import SEED_003, brute_hits

from indexer.search.engine import search
from indexer.store.build import SourceMissing, reindex
from indexer.store.reader import Library
from indexer.store.scan import Unlisted, scan

REPORT = "一、工作回顾\n全县开展防溺水安全教育，家长签订责任书。\n二、下一步打算\n继续推进校车安全管理。\n"


def test_a_gbk_file_name_is_read_and_shown_in_chinese(tmp_path):
    """Zip files made on Windows leave names in GBK; the file is read, its name shown decoded, the rest indexed."""
    src = tmp_path / "src"
    src.mkdir()
    name = "2023年青山县教育局工作总结.txt".encode("gbk")
    with open(os.fsencode(src) + b"/" + name, "wb") as fh:
        fh.write(REPORT.encode("utf-8"))
    shutil.copy(SEED_003, src)
    files, skipped = scan([src])
    assert sorted(f.rel for f in files) == sorted(["2023年青山县教育局工作总结.txt", SEED_003.name]) and not skipped
    root = tmp_path / "index"
    s = reindex(root, [src], progress=False)
    assert s.files == 2 and not s.skipped
    res = search(Library(root).reader(), "家长签订责任书")
    assert res.total == 1 and res.hits[0].doc_id == "2023年青山县教育局工作总结.txt"
    assert res.hits[0].title == "2023年青山县教育局工作总结" and res.hits[0].year == 2023
    assert reindex(root, progress=False).unchanged == 2  # the same key next time


def test_a_folder_that_cannot_be_listed_keeps_its_documents(tmp_path, monkeypatch):
    """`chmod 000` on a folder (simulated: the tests run as root, who reads anyway) must not read as
    "its files were deleted": a warning, the documents kept, and no full rebuild that would drop them."""
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "sub" / "a.txt").write_text(REPORT, encoding="utf-8")
    shutil.copy(SEED_003, src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    before = search(Library(root).reader(), "防溺水").total
    assert before == len(brute_hits("防溺水", src))

    real = os.scandir

    def denied(path="."):
        if os.fspath(path) == str(src / "sub"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", denied)
    unlisted: list[Unlisted] = []
    scan([src], unreadable=unlisted)
    assert [(u.rel, u.error) for u in unlisted] == [("sub", "Permission denied")]
    s = reindex(root, progress=False)
    assert s.removed == 0 and s.unchanged == 2
    assert any("cannot read folder" in w and "sub" in w for w in s.warnings), s.warnings
    assert search(Library(root).reader(), "防溺水").total == before
    with pytest.raises(SourceMissing, match="cannot read folder"):
        reindex(root, progress=False, full=True)
    monkeypatch.setattr(os, "scandir", real)
    (src / "sub" / "a.txt").unlink()  # readable again: now a deletion is a deletion
    assert reindex(root, progress=False).removed == 1


def test_the_whole_source_unlisted_is_kept_too(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_003, src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    real = os.scandir

    def denied(path="."):
        if os.fspath(path) == str(src):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", denied)
    s = reindex(root, progress=False)
    assert s.removed == 0 and s.unchanged == 1 and any(str(src) in w for w in s.warnings)


def test_links_out_of_the_source_folders_publish_nothing(tmp_path):
    """`ln -s /etc/passwd src/passwd.txt` and a link to a whole folder elsewhere: reported, not read."""
    src, outside = tmp_path / "src", tmp_path / "private"
    src.mkdir()
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:机密账号:/root:/bin/bash\n", encoding="utf-8")
    (outside / "notes.txt").write_text("内部资料，机密账号不得外传。\n", encoding="utf-8")
    shutil.copy(SEED_003, src)
    (src / "passwd.txt").symlink_to(outside / "passwd.txt")
    (src / "etc").symlink_to(outside, target_is_directory=True)
    (src / "same.txt").symlink_to(src / SEED_003.name)  # a link inside: the file is read once
    root = tmp_path / "index"
    s = reindex(root, [src], progress=False)
    assert s.files == 1
    assert sorted((x.path, x.code) for x in s.skipped) == [("etc", "link_outside"), ("passwd.txt", "link_outside")]
    reader = Library(root).reader()
    assert search(reader, "机密账号").total == 0 and search(reader, "root").total == 0
    assert search(reader, "2024年工作思路").total == len(brute_hits("2024年工作思路", SEED_003))


def test_unlisted_holds_the_files_below_it():
    u = Unlisted(source=Path("/data/src"), rel="2019", error="Permission denied")
    assert u.holds("/data/src", "2019/a.txt") and u.holds("/data/src", "2019/x/b.txt")
    assert not u.holds("/data/src", "2019a.txt") and not u.holds("/data/other", "2019/a.txt")
    assert Unlisted(source=u.source, rel="", error="").holds("/data/src", "a.txt")


def test_a_file_name_with_a_newline_gets_a_link_that_opens(tmp_path):
    from webapp import create_app

    src = tmp_path / "src"
    src.mkdir()
    (src / "总结\n第二版.txt").write_text(REPORT, encoding="utf-8")
    root = tmp_path / "index"
    assert reindex(root, [src], progress=False).files == 1
    hit = search(Library(root).reader(), "家长签订责任书").hits[0]
    assert "\n" not in hit.doc_id and hit.doc_id == "总结\ufffd第二版.txt"
    client = create_app(root).test_client()
    assert client.get(hit.url.split("#")[0]).status_code == 200
