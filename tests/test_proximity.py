"""Proximity operators (/句 /段 /N) against a plain scan of the parsed files: every bundled document (the
seeds and tests/fixtures, proximity/ written for these tests), a seeded random set of query pairs, and
for each the sections found, the occurrences marked and counted, and the report page's marks.

The scan reads sentences and paragraphs off the text as written: a paragraph is a line, a sentence
ends after a character that folds to 。！？； or at a line's end, an occurrence belongs to one when
its characters (mapped back from the folded text where it was found) hold no line end and no sentence
end before their last. /N is the gap between two occurrences in the folded text of one field."""

from __future__ import annotations

import html
import random
import re
from urllib.parse import unquote

import pytest
from helpers import FIXTURES, SEEDS, occurrence_spans

from indexer.ingest.errors import Unreadable
from indexer.ingest.parse import parse_path
from indexer.search.engine import search
from indexer.search.kwic import kwic
from indexer.search.matching import matching_sections
from indexer.search.mentions import count_mentions, mention_needles
from indexer.search.occurrences import read_sections
from indexer.search.parser import parse_query
from indexer.search.report import get_report
from indexer.text.normalize import fold, fold_char, fold_text

SOURCES = (SEEDS, FIXTURES)
PROX = FIXTURES / "proximity"


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    from indexer.store.build import reindex
    from indexer.store.reader import Library

    root = tmp_path_factory.mktemp("prox-index")
    reindex(root, list(SOURCES), progress=False)
    return Library(root).reader()


@pytest.fixture(scope="module")
def sections():
    """Every section of the bundled documents: (doc_id, section_id) → [(field, text as written, its fold)]."""
    out = {}
    for root in SOURCES:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
            try:
                reports = parse_path(path, root).reports
            except Unreadable:
                continue
            for r in reports:
                for pos, s in enumerate(r.sections):
                    fields = ([("title", r.title)] if pos == 0 else []) + [("heading", s.heading), ("body", s.text)]
                    out[(r.doc_id, s.section_id)] = [(name, text, fold(text)) for name, text in fields if text]
    return out


# -- the plain scan ------------------------------------------------------------------------------


def _ends(ch: str) -> bool:
    return any(c in "。!?;" for c in fold_char(ch))


def _unit(written: str, a: int, b: int, kind: str):
    """The line (paragraph) or (line, sentence) the original characters [a, b) lie in, or None."""
    if "\n" in written[a:b]:
        return None
    line = written.count("\n", 0, a)
    if kind == "paragraph":
        return line
    if any(_ends(c) for c in written[a:b - 1]):
        return None
    start = written.rfind("\n", 0, a) + 1
    return line, sum(_ends(c) for c in written[start:a])


def oracle(sections, operands: list[list[str]], kind: str, distance: int = 0) -> dict:
    """(doc_id, section_id) → {(field, start, end, string)} of every occurrence satisfying the condition."""
    out = {}
    for key, fields in sections.items():
        marks = set()
        for name, written, f in fields:
            found = [[(a, b, s) for s in alts for a, b in occurrence_spans(f.text, s)] for alts in operands]
            if not all(found):
                continue
            if kind == "chars":
                ok = {x for x, others in ((0, 1), (1, 0)) for x in found[x]
                      if any(max(x[0], y[0]) - min(x[1], y[1]) <= distance for y in found[others])}
            else:
                units = [{} for _ in found]
                for per, occ in zip(units, found, strict=True):
                    for a, b, s in occ:
                        u = _unit(written, *f.orig_span(a, b), kind)
                        if u is not None:
                            per.setdefault(u, []).append((a, b, s))
                shared = set(units[0]).intersection(*units[1:])
                ok = {x for per in units for u in shared for x in per[u]}
            marks |= {(name, *f.orig_span(a, b), s) for a, b, s in ok}
        if marks:
            out[key] = marks
    return out


def test_the_scan_reads_sentences_and_lines():
    text = "家长会。防溺水！家长\n防溺水；家长"  # no sentence holds both; each line does
    secs = {("d", "s1"): [("body", text, fold(text))]}
    assert oracle(secs, [["家长"], ["防溺水"]], "sentence") == {}
    assert oracle(secs, [["家长"], ["防溺水"]], "paragraph") == {
        ("d", "s1"): {("body", 0, 2, "家长"), ("body", 4, 7, "防溺水"), ("body", 8, 10, "家长"),
                      ("body", 11, 14, "防溺水"), ("body", 15, 17, "家长")}}
    assert oracle(secs, [["家长"], ["防溺水"]], "chars", 0) == {  # 家长⏎防溺水 touch once the line end folds away
        ("d", "s1"): {("body", 8, 10, "家长"), ("body", 11, 14, "防溺水")}}
    wrapped = "防\n溺水家长"
    secs = {("d", "s1"): [("body", wrapped, fold(wrapped))]}
    assert oracle(secs, [["防溺水"], ["家长"]], "paragraph") == {}
    assert oracle(secs, [["防溺水"], ["家长"]], "chars", 0) == {("d", "s1"): {("body", 0, 4, "防溺水"), ("body", 4, 6, "家长")}}


# -- the random query set ------------------------------------------------------------------------

WORDS = ["防溺水", "家长", "安全", "教育", "学校", "学生", "校车", "发展", "工作", "政府", "责任书", "pm2.5", "covid",
         "2023", "19", "监护", "河道", "宣传", "检查", "人民", "经济", "改革", "建设"]
_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


def _queries(sections, n: int, seed: int = 23) -> list[tuple[list[list[str]], str, int]]:
    """(operands, kind, distance): pairs taken from one line of a section (often one sentence), from two
    lines of one section, and from a list of common words; now and then an OR group or three operands."""
    rng = random.Random(seed)
    texts = [f.text for fields in sections.values() for _n, _w, f in fields]
    lines = [ln for fields in sections.values() for _n, w, _f in fields for ln in w.split("\n") if _HAN.search(fold_text(ln))]

    def piece(line: str) -> str:
        runs = _HAN.findall(fold_text(line))
        run = rng.choice(runs)
        size = rng.choice([1, 2, 2, 2, 3, 3, 4])
        start = rng.randrange(max(1, len(run) - size + 1))
        return run[start:start + size]

    out = []
    while len(out) < n:
        how = rng.random()
        if how < 0.45:
            line = rng.choice(lines)
            ops = [[piece(line)], [piece(line)]]
        elif how < 0.75:
            fields = rng.choice(list(sections.values()))
            ls = [ln for _n, w, _f in fields for ln in w.split("\n") if _HAN.search(fold_text(ln))]
            if not ls:
                continue
            ops = [[piece(rng.choice(ls))], [piece(rng.choice(ls))]]
        else:
            ops = [[rng.choice(WORDS)], [rng.choice(WORDS)]]
        if not all(any(o[0] in t for t in texts) for o in ops):
            continue
        kind = rng.choice(["sentence", "paragraph", "chars"])
        if rng.random() < 0.2:
            ops[0].append(rng.choice(WORDS))
        if kind != "chars" and rng.random() < 0.15:
            ops.append([rng.choice(WORDS)])
        out.append((ops, kind, rng.choice([0, 2, 5, 12, 30, 80]) if kind == "chars" else 0))
    return out


def _query(ops: list[list[str]], kind: str, distance: int, rng: random.Random) -> str:
    op = {"sentence": rng.choice(["/句", "/s", "／句"]), "paragraph": rng.choice(["/段", "/p"])}.get(kind, f"/{distance}")

    def one(s: str) -> str:
        return f'"{s}"' if rng.random() < 0.3 else s

    parts = [one(alts[0]) if len(alts) == 1 else "(" + " OR ".join(map(one, alts)) + ")" for alts in ops]
    return f" {op} ".join(parts)


@pytest.fixture(scope="module")
def cases(sections):
    rng = random.Random(7)
    return [(_query(ops, kind, dist, rng), ops, kind, dist) for ops, kind, dist in _queries(sections, 90)]


def _keys(reader, sids) -> list[tuple[str, str]]:
    stored = reader.stored([int(s) for s in sids])
    return [(reader.catalog.reports[int(reader.catalog.section_report[int(s)])].doc_id, st["section_id"])
            for s, st in zip(sids, stored, strict=True)]


def test_random_queries_find_and_mark_what_the_scan_finds(reader, sections, cases):
    discriminating = 0
    for q, ops, kind, dist in cases:
        want = oracle(sections, ops, kind, dist)
        sids = matching_sections(reader, q)
        keys = _keys(reader, sids)
        assert set(keys) == set(want), (q, sorted(set(want) - set(keys))[:3], sorted(set(keys) - set(want))[:3])
        needles = mention_needles(parse_query(q))
        got = {k: {(o.part, o.start, o.end, needles[o.needle].text) for o in so.occurrences}
               for k, so in zip(keys, read_sections(reader, [int(s) for s in sids], needles), strict=True)}
        assert got == want, q
        counts = count_mentions(reader, sids, needles).tolist()
        assert counts == [len(want[k]) for k in keys], q
        lines = kwic(reader, q, sort="left", per_page=5)  # every line found in the index's bytes
        assert lines.total == sum(counts) and kwic(reader, q, per_page=5).total == sum(counts), q
        for line in lines.lines[:2]:  # its link marks that very occurrence, one the scan found
            at = unquote(re.search(r"[?&]at=([^&#]+)", line.url).group(1))
            view = get_report(reader, line.doc_id, q, at)
            s = next(s for s in view.sections if s.section_id == line.section_id)
            target = re.search(r'<mark class="at" id="at">(.*?)</mark>', view.title_html + s.heading_html + s.body_html)
            marked = fold_text(html.unescape(target.group(1))) if target else ""
            assert any(t in marked for *_, t in want[(line.doc_id, line.section_id)]), (q, line.url)  # overlaps are one mark
        for h in search(reader, q, per_page=20).hits:  # snippets mark only strings of satisfying occurrences
            shown = {fold_text(html.unescape(m)) for m in re.findall(r"<mark>(.*?)</mark>", h.snippet_html)}
            strings = {t for *_, t in want[(h.doc_id, h.section_id)]}
            assert shown and all(any(t in m for t in strings) for m in shown), (q, h.section_id)  # overlaps are one mark
        loose = matching_sections(reader, " ".join(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")" for alts in ops))
        discriminating += len(loose) > len(sids) > 0
    assert discriminating >= 15  # the set holds queries where the operator keeps some co-occurrences and drops others


def test_random_queries_mark_the_report_page_as_the_scan(reader, sections, cases):
    """The report page marks exactly the satisfying occurrences (merged where they overlap): on the
    characters for plain text, and as many for Markdown sections, whose lines are those of their text."""
    checked = 0
    for q, ops, kind, dist in cases[:40]:
        want = oracle(sections, ops, kind, dist)
        for doc_id in sorted({d for d, _ in want})[:3]:
            view = get_report(reader, doc_id, q)
            expected = 0
            for s in view.sections:
                spans = want.get((doc_id, s.section_id), set())
                by_field = {name: _merged({(a, b) for f, a, b, _ in spans if f == name}) for name in ("title", "heading", "body")}
                expected += sum(len(v) for v in by_field.values())
                assert _marks(s.heading_html) == by_field["heading"], (q, s.section_id)
                if not doc_id.endswith(".md"):  # not Markdown: the paragraphs shown are the text's lines
                    assert _paragraph_marks(s.text, s.body_html) == by_field["body"], (q, s.section_id)
                if s is view.sections[0]:
                    assert _marks(view.title_html) == by_field["title"], q
            assert view.marks == expected, (q, doc_id)
            checked += 1
    assert checked >= 30


def _merged(spans: set) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _marks(fragment: str) -> list[tuple[int, int]]:
    """Where <mark>s are in the text of an HTML fragment (positions in its unescaped text)."""
    out, pos, start = [], 0, None
    for piece in re.split(r"(</?mark>)", fragment):
        if piece == "<mark>":
            start = pos
        elif piece == "</mark>":
            out.append((start, pos))
        else:
            pos += len(html.unescape(piece))
    return out


def _paragraph_marks(text: str, body_html: str) -> list[tuple[int, int]]:
    """Marks of a plain section's page: a paragraph per line, a table row's cells (| a | b |) apart."""
    from indexer.ingest.headings import TABLE_CELLS, row_cells

    blocks = iter(re.findall(r"<(?:p|td)>(.*?)</(?:p|td)>", body_html, re.S))
    out, pos = [], 0
    for line in text.split("\n"):
        cells = row_cells(line)
        if cells is not None:
            at = pos + 2
            for cell in cells:
                out += [(at + a, at + b) for a, b in _marks(next(blocks))]
                at += len(cell) + len(TABLE_CELLS)
        elif line.strip():
            out += [(pos + a, pos + b) for a, b in _marks(next(blocks))]
        pos += len(line) + 1
    return out
