"""The suffix arrays (store/suffixes.py): a plain string's sections, heading or body, and its count in
each body, exactly as a scan of every section's text finds them, for a segment built in memory and
one saved and read back with pread; long strings whose first WIDTH bytes many suffixes share; the
edges of the text; characters outside the BMP and lone surrogates."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.store import suffixes
from indexer.store.exact import ExactSegment


def truth(headings: list[str], bodies: list[str], term: str) -> tuple[list[int], list[int], list[int]]:
    head = [i for i, h in enumerate(headings) if term in h]
    body = [i for i, b in enumerate(bodies) if term in b]
    counts = [len(re.findall(f"(?={re.escape(term)})", bodies[i])) for i in body]  # overlapping ones too
    return head, body, counts


def found(seg: ExactSegment, term: str) -> tuple[list[int], list[int], list[int]]:
    """The array's answer for the plain string (ExactSegment.occurrences adds the whole-word rule for
    digits and letters, 111 not inside 1111: tests/test_exact.py)."""
    head, body, tf = seg.suffixes.occurrences(term.encode("utf-8", "surrogatepass"))
    return head.tolist(), body.tolist(), tf.tolist()


def both(tmp_path, headings: list[str], bodies: list[str]) -> list[ExactSegment]:
    built = ExactSegment.build(0, headings, bodies)
    built.save(tmp_path / "seg")
    return [built, ExactSegment.load(tmp_path / "seg")]


def test_every_string_of_a_long_segment(tmp_path):
    """Over SAMPLE * 4 suffixes, so the samples in memory narrow every search; every substring of
    three to twelve characters of some sections, and strings found nowhere."""
    rng = np.random.default_rng(7)
    alphabet = np.array(list("防溺水安全教育家长学校𠀀"))
    headings = ["".join(rng.choice(alphabet, rng.integers(0, 6))) for _ in range(300)]
    bodies = ["".join(rng.choice(alphabet, rng.integers(0, 40))) for _ in range(300)]
    terms = {b[i:i + n] for b in bodies[:40] for n in (3, 5, 8, 9, 12) for i in range(0, max(len(b) - n, 0) + 1, 3)}
    terms = {t for t in terms if t} | {"防溺水防溺水防溺水防溺水", "学校学校学", "𠀀𠀀𠀀", "教育局", "甲乙丙"}
    for seg in both(tmp_path, headings, bodies):
        assert len(seg.suffixes.samples) > 4
        for term in sorted(terms):
            assert found(seg, term) == truth(headings, bodies, term), term


def test_long_strings_that_many_suffixes_begin_alike(tmp_path):
    """Thousands of suffixes share their first WIDTH bytes (a run of one character): a string longer
    than WIDTH is then searched for beyond what the samples hold."""
    bodies = ["甲" * 3000, "甲" * 9 + "乙", "乙" + "甲" * 20, "甲" * 8, "丙甲甲甲甲甲甲甲甲甲丁"]
    headings = ["甲" * 10, "", "", "甲甲甲", ""]
    for seg in both(tmp_path, headings, bodies):
        for n in (3, 8, 9, 10, 11, 25, 2999, 3000, 3001):
            assert found(seg, "甲" * n) == truth(headings, bodies, "甲" * n), n
        for term in ("甲" * 9 + "乙", "乙" + "甲" * 20, "甲" * 9 + "丁", "丙" + "甲" * 9, "甲" * 10 + "丁"):
            assert found(seg, term) == truth(headings, bodies, term), term


def test_edges_of_the_text_and_of_each_section(tmp_path):
    headings = ["", "首节首", "", "末"]
    bodies = ["开头三字", "", "中间", "末尾三字"]
    for seg in both(tmp_path, headings, bodies):
        for term in ("开头三", "头三字", "末尾三", "尾三字", "首节首", "节首中", "三字首", "字末尾", "末末尾"):
            assert found(seg, term) == truth(headings, bodies, term), term
        assert found(seg, "\uffff\uffff\uffff") == ([], [], [])  # after every suffix
        assert found(seg, "!!!") == ([], [], [])  # before every suffix


def test_an_empty_segment(tmp_path):
    for seg in both(tmp_path, [""], [""]):
        assert found(seg, "防溺水") == ([], [], [])


def test_a_segment_saved_without_them_has_none(tmp_path):
    """A build's batches are saved without their suffix arrays; build_saved adds them from the text."""
    headings, bodies = ["安全教育"], ["防溺水安全教育防溺水"]
    ExactSegment.build(0, headings, bodies, with_suffixes=False).save(tmp_path / "seg")
    assert not suffixes.exists(tmp_path / "seg")
    assert ExactSegment.load(tmp_path / "seg").suffixes is None
    suffixes.build_saved(tmp_path / "seg")
    assert found(ExactSegment.load(tmp_path / "seg"), "防溺水") == ([], [0], [2])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text("甲乙丙\U00020000\ud800é1", max_size=8), st.text("甲乙丙\U00020000\ud800é1", max_size=30)),
                min_size=1, max_size=40),
       st.lists(st.text("甲乙丙\U00020000\ud800é1", min_size=3, max_size=10), min_size=1, max_size=8))
def test_against_a_scan_of_the_text(tmp_path_factory, sections, terms):
    headings, bodies = [h for h, _ in sections], [b for _, b in sections]
    for seg in both(tmp_path_factory.mktemp("seg"), headings, bodies):
        for term in terms:
            assert found(seg, term) == truth(headings, bodies, term), term


def test_a_process_forked_after_a_sort_sorts_too():
    """libdivsufsort's OpenMP threads do not survive a fork: a build's workers, forked after this
    process sorted a small index's suffixes inline, waited forever at their first sort. Run apart,
    with a timeout, so that the regression fails instead of hanging the suite."""
    script = (
        "import multiprocessing as mp\n"
        "from indexer.store.exact import ExactSegment\n"
        "def sort():\n"
        "    assert ExactSegment.build(0, ['标题'], ['防溺水' * 5000]).occurrences('防溺水')[2].tolist() == [5000]\n"
        "if __name__ == '__main__':\n"
        "    sort()\n"
        "    p = mp.get_context('fork').Process(target=sort, daemon=True)\n"
        "    p.start(); p.join(60)\n"
        "    raise SystemExit(0 if p.exitcode == 0 else 1)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=120, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
