"""Paths and helpers the tests share: the seeds and our own fixtures, the whole-word rule written out, a running server."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_000 = SEEDS / "000_d895e07126d09c4a.txt"
SEED_003 = SEEDS / "003_b60ab74d721999db.txt"
GOV = FIXTURES / "reports"  # a made-up county's dated 政府工作报告 and 决议, one in traditional characters
ALT = FIXTURES / "reports-alt"  # the same kind of reports, space-indented, with full-width digits
GONGWEN = FIXTURES / "gongwen"  # made-up official documents whose fields the front matter states: 文号, date, issuers, parts
CORPUS = (SEEDS, GOV, ALT)  # what the session's index holds, one source folder each
COUNTIES = [a + b for b in "林岭湖山泉岩沙溪" for a in "东西南北"]  # 32 made-up county names


def county_reports(dest: Path, counties: int) -> Path:
    """The report fixtures written again for other made-up counties (the name changed throughout), one
    folder each: for tests that need a corpus of some size without large files in the repository."""
    for name in COUNTIES[:counties]:
        folder = dest / f"{name}县"
        folder.mkdir(parents=True)
        for f in GOV.glob("*.txt"):
            text = f.read_text(encoding="utf-8").replace("白石", name)
            (folder / f.name.replace("白石", name)).write_text(text, encoding="utf-8")
    return dest


_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")


def continues_word(a: str, b: str) -> bool:
    """Would b next to a make one word? Letters join letters, digits join digits (the matching rule,
    written independently of the code under test)."""
    return bool(a and b) and any(c.match(a) and c.match(b) for c in (_DIGIT, _LETTER))


def brute_hits(q: str, *paths: Path) -> dict[tuple[str, str], int]:
    """Every section of the files at `paths` (files, or folders walked without following links) whose
    folded heading, text or (for a report's first section) title holds q by the whole-word rule,
    as (doc_id, section_id) → occurrences: a plain scan of the parsed files, so that tests take their
    expected counts from the files, not from a constant."""
    from indexer.ingest.errors import Unreadable
    from indexer.ingest.parse import parse_path
    from indexer.text.normalize import fold_text

    needle = fold_text(q)
    found: dict[tuple[str, str], int] = {}
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
        for path in files:
            try:
                reports = parse_path(path, root if root.is_dir() else root.parent).reports
            except Unreadable:
                continue
            for r in reports:
                for pos, sec in enumerate(r.sections):
                    texts = [sec.heading, sec.text] + ([r.title] if pos == 0 else [])
                    n = sum(_occurrences(fold_text(t), needle) for t in texts)
                    if n:
                        found[(r.doc_id, sec.section_id)] = n
    return found


def _occurrences(hay: str, needle: str) -> int:
    return len(occurrence_spans(hay, needle))


def occurrence_spans(hay: str, needle: str) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of needle in hay that do not run on into a longer Latin word or number."""
    out, i = [], hay.find(needle)
    while i >= 0:
        before = hay[i - 1] if i else ""
        after = hay[i + len(needle)] if i + len(needle) < len(hay) else ""
        if not continues_word(needle[0], before) and not continues_word(needle[-1], after):
            out.append((i, i + len(needle)))
            i = hay.find(needle, i + len(needle))
        else:
            i = hay.find(needle, i + 1)
    return out


def check_page(reader, q: str, res) -> None:
    """A search page (no filters) agrees with its whole result, and that result with the matching step
    alone: the page holds the hits its number and size cut from the total, in result order, and an
    exact result is exactly the sections matching_sections finds."""
    from indexer.search.matching import matching_sections

    whole = res.results
    start = (res.page - 1) * res.per_page
    assert len(res.hits) == max(0, min(res.per_page, res.total - start))
    assert [h.score for h in res.hits] == [round(float(s), 4) for s in whole.scores[start:start + res.per_page]]
    assert res.total == len(whole.sids) == len(set(whole.sids.tolist()))
    assert res.total_documents == len(set(reader.catalog.section_report[whole.sids].tolist()))
    if res.mode == "exact":
        assert sorted(whole.sids.tolist()) == matching_sections(reader, q).tolist()
    elif res.mode == "empty":
        assert res.total == 0 and res.notice
    else:
        assert res.mode == "words" and res.total > 0 and res.notice


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edusearch_command() -> list[str]:
    import sys

    exe = Path(sys.executable).with_name("edusearch")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "indexer.cli"]


@contextlib.contextmanager
def running_server(index_dir: Path, logfile: Path, *options: str):
    """`edusearch serve [options]` on a free localhost port, ready to answer; yields (url, process)."""
    import subprocess
    import time
    import urllib.request

    port = free_port()
    with open(logfile, "w") as log:  # a file, not a pipe: a full pipe would block the server
        proc = subprocess.Popen([*edusearch_command(), "serve", "--index", str(index_dir), "--port", str(port), *options],
                                stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        try:
            while True:
                try:
                    urllib.request.urlopen(url + "/api/stats", timeout=2).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("edusearch serve did not start: " + logfile.read_text()) from None
                    time.sleep(0.1)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


# Chromium for the browser tests: Debian's, driven by Playwright (the `browser` fixture in conftest.py)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def documents(reader) -> dict[str, str]:
    """Each live report's document: doc_id → the doc_id of the copy shown for it (copies.py)."""
    rows = reader.catalog.reports
    return {r.doc_id: rows[reader.facts.group[i]].doc_id for i, r in enumerate(rows) if reader.report_live[i]}
