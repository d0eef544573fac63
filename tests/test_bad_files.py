"""A corpus of bad files: each is indexed or skipped with a clear reason, listed in the reindex
summary (and the CLI's summary line), and no good file's text is lost because of it."""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import shutil
from pathlib import Path

import pytest
from helpers import GOV, SEED_000, SEED_003, brute_hits

from indexer.cli import main
from indexer.ingest import files as reader
from indexer.ingest.errors import MESSAGES
from indexer.ingest.headings import parse_heading
from indexer.ingest.model import Skipped
from indexer.search.engine import search
from indexer.store import batches
from indexer.store import generations as store
from indexer.store.build import reindex
from indexer.store.reader import Library

GB_SOURCE = GOV / "1992_1992年白石县人民政府工作报告.txt"
TRUNC_SOURCE = GOV / "1995_1995年白石县人民政府工作报告.txt"
PLAIN_SOURCE = GOV / "2005_2005年白石县人民政府工作报告.txt"
BIG_SOURCE = GOV / "2019_2019年白石县人民政府工作报告.txt"
BIG_BYTES = max(50 * 1024 * 1024, reader.MAX_BYTES + 1)  # "a 50 MB file", and over whatever the limit is


def body_lines(path: Path, n: int, min_len: int = 30) -> list[str]:
    """Real sentences (not headings) from a seed report."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if len(s) >= min_len and parse_heading(s) is None and parse_heading(s, markdown=True) is None:
            out.append(s)
        if len(out) == n:
            break
    assert len(out) == n
    return out


def phrase(line: str, start: int = 5, length: int = 12) -> str:
    """A run of text from the middle of a line, without punctuation, to search for exactly."""
    run = re.split(r"[，。、；：！？“”（）《》\s,.;:!?()]", line[start:])
    best = max(run, key=len)
    return best[:length]


def unique_phrase(line: str) -> str:
    p = phrase(line)
    assert len(p) >= 6, line
    return p


LEVELS_TXT = ["第一编 {}", "第一章 {}", "第一节 {}", "一、{}", "（一）{}", "1. {}", "（1）{}", "① {}", "一、{}", "（一）{}",
              "1. {}"]
LEVELS_MD = ["## 一、{}", "### （一）{}", "#### 1. {}", "##### （1）{}", "###### ① {}", "一、{}", "（一）{}", "1. {}",
             "（1）{}", "① {}"]


def deep_file(title: str, levels: list[str], bodies: list[str]) -> str:
    lines = [title]
    for pattern, body in zip(levels, bodies, strict=True):
        label = re.sub(r"[^\u4e00-\u9fff]", "", body)[2:8]
        lines += [pattern.format(label), body]
    return "\n".join(lines) + "\n"


class Corpus:
    def __init__(self, src: Path):
        self.src = src
        self.expect_skipped: dict[str, tuple[str, ...]] = {}  # file → the codes one of which its reason must be
        self.expect_found: dict[str, str] = {}  # file → a phrase from it that must be an exact hit


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    src = tmp_path_factory.mktemp("bad") / "src"
    (src / "sub").mkdir(parents=True)
    c = Corpus(src)
    # good files
    shutil.copy(SEED_000, src)
    shutil.copy(SEED_003, src / "sub")
    c.expect_found[SEED_000.name] = "防溺水"
    c.expect_found["sub/" + SEED_003.name] = "2024年工作思路"

    # an empty file, a blank one
    (src / "empty.txt").write_bytes(b"")
    (src / "blank.md").write_bytes(" \n\t\r\n\u3000\n".encode("utf-8"))
    c.expect_skipped["empty.txt"] = ("empty",)
    c.expect_skipped["blank.md"] = ("empty", "no_text")
    # binary: with NUL bytes, and noise without any
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    rng = random.Random(7)
    (src / "noise.html").write_bytes(bytes(rng.randrange(1, 256) for _ in range(20000)))
    c.expect_skipped["image.txt"] = ("binary",)
    c.expect_skipped["noise.html"] = ("binary", "undecodable")

    # valid UTF-8 cut in the middle of a multi-byte character
    data = TRUNC_SOURCE.read_bytes()
    cut = len(data) * 2 // 3
    while data[cut] < 0xE0:  # stop on the lead byte of a 3-byte (CJK) character…
        cut += 1
    (src / "truncated.txt").write_bytes(data[: cut + 1])  # …and keep only that byte
    c.expect_found["truncated.txt"] = unique_phrase(body_lines(TRUNC_SOURCE, 3)[2])

    # GB18030
    gb_text = GB_SOURCE.read_text(encoding="utf-8")
    (src / "gb18030.txt").write_bytes(gb_text.encode("gb18030"))
    c.expect_found["gb18030.txt"] = unique_phrase(body_lines(GB_SOURCE, 4)[3])
    # UTF-16 with a byte-order mark
    (src / "utf16.txt").write_bytes(PLAIN_SOURCE.read_text(encoding="utf-8").encode("utf-16"))
    c.expect_found["utf16.txt"] = unique_phrase(body_lines(PLAIN_SOURCE, 5)[4])

    # a 50 MB file of real text (over the reader's limit)
    unit = BIG_SOURCE.read_bytes()
    with open(src / "big.txt", "wb") as fh:
        written = 0
        while written < BIG_BYTES:
            chunk = unit[: BIG_BYTES - written]
            fh.write(chunk)
            written += len(chunk)
    c.expect_skipped["big.txt"] = ("too_large",)

    # no headings at all: real sentences only
    plain = body_lines(GOV / "2001_2001年白石县人民政府工作报告.txt", 8)
    (src / "no-headings.txt").write_text("\n".join(plain) + "\n", encoding="utf-8")
    c.expect_found["no-headings.txt"] = unique_phrase(plain[5])

    # headings nested ten deep and more, text and Markdown
    deep_bodies = body_lines(GOV / "2003_2003年白石县人民政府工作报告.txt", 22, min_len=20)
    (src / "deep.txt").write_text(deep_file("2015年县教育局工作总结", LEVELS_TXT, deep_bodies[:11]), encoding="utf-8")
    (src / "deep.md").write_text(deep_file("# 2016年县教育局工作要点", LEVELS_MD, deep_bodies[11:21]), encoding="utf-8")
    c.deep_txt, c.deep_md = deep_bodies[:11], deep_bodies[11:21]

    # a broken symlink
    (src / "gone.txt").symlink_to(src / "nowhere.txt")
    c.expect_skipped["gone.txt"] = ("not_regular_file",)
    # valid UTF-8 with one corrupt byte in the middle: kept with a warning, or skipped with a reason
    good = SEED_003.read_bytes()
    mid = len(good) // 2
    while good[mid] & 0xC0 == 0x80:
        mid += 1
    (src / "one-bad-byte.txt").write_bytes(good[:mid] + b"\xff" + good[mid:])
    return c


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    """`edusearch reindex SRC --index DIR`, its exit code, stdout and stderr."""
    root = tmp_path_factory.mktemp("bad-index") / "index"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["reindex", str(corpus.src), "--index", str(root)])
    return root, rc, out.getvalue(), err.getvalue()


def skipped_of(root: Path) -> dict[str, dict]:
    """path → its manifest entry (code, detail, params)."""
    manifest = json.loads((store.current(root) / store.MANIFEST).read_text(encoding="utf-8"))
    return {s["path"]: s for s in manifest["skipped"]}


def test_run_completes(built):
    root, rc, out, err = built
    assert rc == 0, err
    assert "Traceback" not in err
    assert store.current(root) is not None


@pytest.mark.parametrize("name", ["empty.txt", "blank.md", "image.txt", "noise.html", "big.txt", "gone.txt"])
def test_bad_file_is_skipped_with_a_reason(corpus, built, name):
    root, _rc, _out, err = built
    skipped = skipped_of(root)
    assert name in skipped, f"{name} not listed as skipped: {skipped}"
    entry = skipped[name]
    assert entry["code"] in corpus.expect_skipped[name], f"{name}: unexpected reason {entry!r}"
    assert entry["detail"]
    assert f"edusearch: skipped {name}: {entry['detail']} ({entry['code']})" in err


def test_big_file_reason_names_size_and_limit(built):
    entry = skipped_of(built[0])["big.txt"]
    size, limit = entry["params"]["size"], entry["params"]["limit"]
    assert size == BIG_BYTES / 2**20 and size > limit == reader.MAX_BYTES / 2**20, entry  # in MiB, as the limit is
    assert f"{size} MiB" in entry["detail"] and f"{limit} MiB" in entry["detail"], entry
    message = Skipped.from_dict(entry).message
    assert f"{size} MiB" in message and f"上限 {limit} MiB" in message, message


def test_summary_line_lists_the_skipped(corpus, built):
    _root, _rc, out, _err = built
    line = out.strip().splitlines()[-1]
    n = len(skipped_of(built[0]))
    assert f"skipped {n}" in line
    shown = re.search(r"\[(.*)\]", line)
    assert shown, line
    listed = [part.split(": ", 1) for part in shown.group(1).split("; ")]
    assert len(listed) == min(n, 5) and (n <= 5 or f"(+{n - 5} more)" in line)
    for name, reason in listed:
        entry = skipped_of(built[0])[name.split(" (+")[0]]
        assert reason.startswith(f"{entry['code']} ("), (name, reason)  # the code, then the English detail


@pytest.mark.parametrize("name", ["000_d895e07126d09c4a.txt", "sub/003_b60ab74d721999db.txt", "truncated.txt",
                                  "gb18030.txt", "utf16.txt", "no-headings.txt"])
def test_good_and_recoverable_files_are_searchable(corpus, built, name):
    res = search(Library(built[0]).reader(), corpus.expect_found[name], per_page=100)
    assert res.mode == "exact" and res.total >= 1, (name, corpus.expect_found[name])
    # a file holding a copy of another's text is one of that document's sources
    assert any(name in [h.source] + [s.source for s in h.sources] for h in res.hits), [h.source for h in res.hits]


def test_truncated_file_has_a_warning(built):
    _root, _rc, _out, err = built
    assert re.search(r"edusearch: warning: truncated\.txt: truncated UTF-8.*dropped", err), err


def test_gb18030_text_is_not_mojibake(built):
    rd = Library(built[0]).reader()
    doc = next(r for r in rd.catalog.reports if r.source == "gb18030.txt")
    sections = rd.report_sections(rd.report_index(doc.doc_id))
    text = "".join(s["text"] for s in sections)
    assert "\ufffd" not in text and text.count("国务院") >= 1


def test_file_without_headings_is_one_section(corpus, built):
    rd = Library(built[0]).reader()
    rows = [r for r in rd.catalog.reports if r.source == "no-headings.txt"]
    assert len(rows) == 1 and rows[0].n_sections == 1


@pytest.mark.parametrize("kind", ["txt", "md"])
def test_deeply_nested_headings(corpus, built, kind):
    rd = Library(built[0]).reader()
    bodies = corpus.deep_txt if kind == "txt" else corpus.deep_md
    for depth, body in enumerate(bodies, start=1):
        res = search(rd, unique_phrase(body) if len(phrase(body)) >= 6 else body[:15], per_page=50)
        hits = [h for h in res.hits if h.source == f"deep.{kind}"]
        assert hits, (kind, depth, body)
        assert len(hits[0].heading_path) == depth, (kind, depth, hits[0].heading_path)
        assert hits[0].section_id.count("-") == depth - 1, hits[0].section_id


def test_other_odd_files_are_handled(built):
    """One corrupt byte in an otherwise valid UTF-8 file: either indexed (with a warning) or skipped with a reason."""
    root, _rc, _out, err = built
    skipped = skipped_of(root)
    if "one-bad-byte.txt" in skipped:
        assert skipped["one-bad-byte.txt"]["code"] in MESSAGES
    else:
        assert search(Library(root).reader(), "2024年工作思路", copies="all").total >= 2


def test_nothing_else_lost(corpus, built):
    root = built[0]
    st = Library(root).reader().stats()
    skipped = skipped_of(root)
    files = [p for p in corpus.src.rglob("*") if p.is_file() or p.is_symlink()]
    assert st.files + len(skipped) == len(files), (st.files, sorted(skipped), sorted(p.name for p in files))


# -- a file that vanishes during the run ---------------------------------------------------------------

@pytest.fixture
def small(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_000, src)
    shutil.copy(SEED_003, src)
    shutil.copy(GB_SOURCE, src / "victim.txt")
    return src


def test_file_vanishing_mid_run(small, tmp_path, monkeypatch, capsys):
    """The file is listed by the scan and gone when the builder reads it (its one read)."""
    victim = small / "victim.txt"
    real = batches.read_file

    def vanish_then(path, *args):
        if Path(path).name == "victim.txt" and victim.exists():
            victim.unlink()
        return real(path, *args)

    monkeypatch.setattr(batches, "read_file", vanish_then)
    root = tmp_path / "index"
    assert main(["reindex", str(small), "--index", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "skipped 1" in out and "victim.txt" in out
    assert re.search(r"edusearch: skipped victim\.txt: .*vanish.* \(vanished\)$", err, re.M), err
    rd = Library(root).reader()
    assert search(rd, "防溺水").total == len(brute_hits("防溺水", SEED_000, SEED_003))
    assert search(rd, "2024年工作思路").total >= 1
    assert rd.stats().files == 2


def test_file_vanishing_during_incremental_run(small, tmp_path, monkeypatch, capsys):
    """Indexed before; changed, then gone between the scan and the read: its old sections go, nothing else."""
    root = tmp_path / "index"
    reindex(root, [small], progress=False)
    victim = small / "victim.txt"
    victim.write_text(victim.read_text(encoding="utf-8") + "\n补充说明。\n", encoding="utf-8")
    real = batches.read_file

    def vanish_then(path, *args):
        if Path(path).name == "victim.txt" and victim.exists():
            victim.unlink()
        return real(path, *args)

    monkeypatch.setattr(batches, "read_file", vanish_then)
    s = reindex(root, progress=False, workers=1)
    assert any(x.path == "victim.txt" and x.code == "vanished" for x in s.skipped), s.skipped
    rd = Library(root).reader()
    assert search(rd, "防溺水").total == len(brute_hits("防溺水", SEED_000, SEED_003))
    assert rd.stats().files == 2
