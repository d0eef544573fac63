"""Any sequence of incremental reindexes answers exactly like a full rebuild of the same files.

Random add / edit / delete / rename / delete-a-whole-folder steps over ten incremental runs; after
each run every query of a fixed list must give the same sections, in the same order, with the same
facets and notices, as a full rebuild of the same folder — and never raise. The pool holds copies
of one document (reposted, and the same file added twice) and a draft that is not one: each report
must belong to the same document, and show the same other sources, as in the full rebuild.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from helpers import FIXTURES, GOV, SEED_000, SEED_003, documents

from indexer.search.engine import search
from indexer.store.build import reindex
from indexer.store.generations import require_current
from indexer.store.reader import IndexReader
from webapp import create_app

POOL = [
    SEED_000,
    SEED_003,
    GOV / "1999_1999年白石县人民政府工作报告.txt",
    GOV / "2019_2019年白石县人民政府工作报告.txt",
    GOV / "2024_2024年白石县人民政府工作报告.txt",
    GOV / "2025_2025年白石县人民政府工作报告.txt",
    GOV / "2020_白石县第十七届人民代表大会第四次会议关于政府工作报告的决议.txt",
    FIXTURES / "reports-alt" / "2009政府工作报告_吴晓明.txt",
    FIXTURES / "reports-alt" / "1985政府工作报告_孙立群.txt",
    FIXTURES / "laws" / "白石县学生营养午餐管理办法(2017-09-01).md",
    FIXTURES / "formats" / "县教育局信息公开年报.md",
    FIXTURES / "dups" / "绿水县教育局关于加强校园食品安全管理的通知.txt",
    FIXTURES / "dups" / "绿水县教育局关于加强校园食品安全管理的通知 - 绿水县人民政府.html",
    FIXTURES / "dups" / "食品安全管理通知（繁體）.txt",
    FIXTURES / "dups" / "绿水县教育局关于加强校园食品安全管理的通知（征求意见稿）.txt",
]
FOLDERS = ["", "gov", "gov/old", "laws"]
QUERIES = [
    "双减", "学前教育", "营养改善计划", "防溺水", "教育", "学校", "安全教育 -交通", "农村 教师 待遇",
    "title:工作总结", "title:政府工作报告", "year:2019 教育", "year:unknown 学校", "校车 OR 营养午餐",
    '"义务教育 均衡"', "陪餐", "第一条", "教育信息化建设工程", "2008年", "减负 提质", "covid", "PM2.5",
    "type:政府工作报告 科技", "region:县 安全", "补充说明", "留样", "食品安全 OR 双减",
]


def _answer(root: Path, q: str) -> tuple:
    reader = IndexReader(require_current(root))
    try:
        res = search(reader, q, per_page=10000)
        return (res.total, res.total_documents, res.mode, res.notice, res.facets,
                [(h.doc_id, h.section_id) for h in res.hits], [h.snippet_html for h in res.hits[:5]],
                [[(s.doc_id, [x.section_id for x in s.sections]) for s in h.sources] for h in res.hits])
    finally:
        reader.close()


def _documents(root: Path) -> dict[str, str]:
    """Each report's document: the doc id of the copy shown for it."""
    reader = IndexReader(require_current(root))
    try:
        return documents(reader)
    finally:
        reader.close()


class Folder:
    """A source folder that random steps change, with a log of what they did."""

    def __init__(self, path: Path, rng: random.Random):
        self.path, self.rng, self.log = path, rng, []

    def files(self) -> list[Path]:
        return sorted(p for p in self.path.rglob("*") if p.is_file())

    def step(self) -> None:
        files = self.files()
        ops = ["add", "add"] + (["edit", "delete", "rename", "drop_folder", "copy", "copy"] if files else [])
        getattr(self, "_" + self.rng.choice(ops))(files)

    def _add(self, files) -> None:
        src = self.rng.choice(POOL)
        dest = self.path / self.rng.choice(FOLDERS) / f"{self.rng.randrange(1000):03d}-{src.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, dest)
        self.log.append(f"add {dest.relative_to(self.path)}")

    def _copy(self, files) -> None:
        """The same file again elsewhere: one document, two sources (until one of them is edited)."""
        f = self.rng.choice(files)
        dest = self.path / self.rng.choice(FOLDERS) / f"c{self.rng.randrange(1000):03d}-{f.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(f, dest)
        self.log.append(f"copy {f.relative_to(self.path)} -> {dest.relative_to(self.path)}")

    def _edit(self, files) -> None:
        f = self.rng.choice(files)
        n = self.rng.randrange(100)
        extra = f"\n十九、补充说明{n}\n今年落实双减工作，学前教育普及，补充说明第{n}条。\n"
        f.write_text(f.read_text(encoding="utf-8") + extra, encoding="utf-8")
        self.log.append(f"edit {f.relative_to(self.path)}")

    def _delete(self, files) -> None:
        f = self.rng.choice(files)
        f.unlink()
        self.log.append(f"delete {f.relative_to(self.path)}")

    def _rename(self, files) -> None:
        f = self.rng.choice(files)
        dest = self.path / self.rng.choice(FOLDERS) / ("r-" + f.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        f.rename(dest)
        self.log.append(f"rename {f.relative_to(self.path)} -> {dest.relative_to(self.path)}")

    def _drop_folder(self, files) -> None:
        folders = sorted({f.parent for f in files if f.parent != self.path})
        if not folders:
            return self._delete(files)
        d = self.rng.choice(folders)
        shutil.rmtree(d)
        self.log.append(f"rmtree {d.relative_to(self.path)}")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_runs_answer_like_a_full_rebuild(tmp_path, seed):
    rng = random.Random(seed)
    folder = Folder(tmp_path / "src", rng)
    folder.path.mkdir()
    for _ in range(4):
        folder._add([])
    inc = tmp_path / "inc"
    reindex(inc, [folder.path], progress=False)
    for run in range(10):
        for _ in range(rng.randint(1, 3)):
            folder.step()
        reindex(inc, progress=False)
        full = tmp_path / f"full-{run}"
        reindex(full, [folder.path], full=True, progress=False)
        client = create_app(inc).test_client()
        assert _documents(inc) == _documents(full), f"run {run}, after: {folder.log}"
        for q in QUERIES:
            assert _answer(inc, q) == _answer(full, q), f"run {run}, query {q!r}, after: {folder.log}"
            assert client.get("/search", query_string={"q": q}).status_code == 200, (q, folder.log)
        shutil.rmtree(full)
