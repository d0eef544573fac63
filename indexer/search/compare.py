"""Two versions of a report compared as a reader compares two drafts: sections aligned, then within each
pair the sentences that were added and removed marked; what did not change folds away (on the page).

Sections pair up by heading first (numbering and years aside: 三、加强师资 and 四、加强师资 are one section
moved, 一、2023年工作回顾 and 一、2024年工作回顾 one section of two years), in order; where headings changed,
the left-over sections pair by their text (character bigrams shared), still in order: a pair shares much
(SAME_TEXT), or clearly more than either section shares with any other left-over one (a long section
rewritten keeps a fifth of its bigrams, while any two long sections share a tenth of theirs). A sentence ends at 。！？； or at the end of a line; sentences compare in their matching
form (folded, spaces aside), so a full-width digit or a space between characters is no change.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from indexer.search.results import doc_url
from indexer.store.catalog import UNKNOWN_DATE, date_span
from indexer.store.reader import IndexReader
from indexer.text.normalize import fold_text

SAME_TEXT = 0.3  # bigram overlap (Jaccard) at which two sections whose headings differ are one section rewritten
LIKELY_TEXT = 0.15  # ... or at which they are, when each is the other's best match by MARGIN over the next best
MARGIN = 1.5
TEXT_PAIRS = 40_000  # sections compared by text at most in one run of changed headings (200 × 200); past it, none
_NUMBERING = re.compile(r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[编章节条]|[（(]?[一二三四五六七八九十百零〇\d]+[)）]?"
                        r"[、.．]?|[\u2460-\u2473])\s*")
_YEAR = re.compile(r"\d+(?=年)")  # 2024年政府工作任务: the year changes, the section does not
_SENTENCE = re.compile(r"[^。！？；!?;]*(?:[。！？；!?;]+[”’」』）)\"']*|$)")


@dataclass
class Sentence:
    text: str  # as written
    ends_paragraph: bool  # the last sentence of its line

    @property
    def key(self) -> str:
        return re.sub(r"\s+", "", fold_text(self.text))


@dataclass
class Piece:
    """One sentence of the comparison: in both versions, only in the newer (added) or only in the older (removed)."""

    text: str
    op: str  # same | added | removed
    ends_paragraph: bool = False


@dataclass
class Side:
    """One version's section (its heading, its place in its report)."""

    section_id: str
    heading: str
    url: str


@dataclass
class SectionDiff:
    status: str  # same | changed | added (only in b) | removed (only in a)
    a: Side | None
    b: Side | None
    paired_by: str | None  # heading | text: how a and b were found to be one section; None when one is missing
    pieces: list[Piece] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return (self.b or self.a).heading

    @property
    def heading_changed(self) -> bool:
        return self.a is not None and self.b is not None and _heading_key(self.a.heading) != _heading_key(self.b.heading)

    @property
    def added(self) -> int:
        return sum(p.op == "added" for p in self.pieces)

    @property
    def removed(self) -> int:
        return sum(p.op == "removed" for p in self.pieces)


@dataclass
class Version:
    doc_id: str
    title: str
    year: int | None
    date: str | None
    url: str


@dataclass
class Comparison:
    a: Version  # the older: left of the page
    b: Version
    sections: list[SectionDiff] = field(default_factory=list)
    dated: bool = False  # a is earlier than b by their dates; else (a date unknown, or one date) in the order asked
    swapped: bool = False  # asked newer first, and put in order of date

    @property
    def labels(self) -> tuple[str, str]:
        """What the page and the CLI call a and b: 较早 / 较新 only when their dates say so."""
        return ("较早", "较新") if self.dated else ("第一份", "第二份")

    @property
    def added(self) -> int:
        return sum(s.added for s in self.sections)

    @property
    def removed(self) -> int:
        return sum(s.removed for s in self.sections)

    def to_dict(self) -> dict:
        return {"a": asdict(self.a), "b": asdict(self.b), "dated": self.dated, "swapped": self.swapped,
                "labels": list(self.labels), "added": self.added, "removed": self.removed,
                "changed_sections": sum(s.status != "same" for s in self.sections),
                "sections": [{"status": s.status, "heading": s.heading, "heading_changed": s.heading_changed,
                              "paired_by": s.paired_by, "a": asdict(s.a) if s.a else None,
                              "b": asdict(s.b) if s.b else None, "added": s.added, "removed": s.removed,
                              "pieces": [asdict(p) for p in s.pieces]} for s in self.sections]}


def compare(reader: IndexReader, a_id: str, b_id: str) -> Comparison | None:
    """Report a against report b (both doc ids), the earlier first when their dates tell (what b added is
    what the later version added, whichever was asked first); None when either is not in the index."""
    ia, ib = reader.report_index(a_id), reader.report_index(b_id)
    if ia is None or ib is None:
        return None
    ka, kb = (date_span(reader.catalog.reports[i].date, reader.catalog.reports[i].year)[0] for i in (ia, ib))
    known = UNKNOWN_DATE not in (ka, kb) and ka != kb
    if known and ka > kb:
        ia, ib = ib, ia
    sides = []
    for i in (ia, ib):
        row = reader.catalog.reports[i]
        sections = [(Side(s["section_id"], s.get("heading") or "", doc_url(row.doc_id, s["section_id"])),
                     s.get("text") or "") for s in reader.report_sections(i)]
        sides.append((Version(row.doc_id, row.title, row.year, row.date, doc_url(row.doc_id)), sections))
    (va, sa), (vb, sb) = sides
    return Comparison(a=va, b=vb, sections=compare_sections(sa, sb), dated=known, swapped=known and ka > kb)


def missing(reader: IndexReader, *doc_ids: str) -> str | None:
    """The first of these doc ids the index does not hold (why compare() answered None), or None."""
    return next((d for d in doc_ids if reader.report_index(d) is None), None)


def compare_sections(a: list[tuple[Side, str]], b: list[tuple[Side, str]]) -> list[SectionDiff]:
    """Each section of a and b once, in reading order (b's, with a's removed sections where they stood)."""
    out = []
    for i, j, how in align([s.heading for s, _ in a], [s.heading for s, _ in b],
                           [t for _, t in a], [t for _, t in b]):
        if j is None:
            out.append(SectionDiff("removed", a[i][0], None, None, _whole(a[i][1], "removed")))
        elif i is None:
            out.append(SectionDiff("added", None, b[j][0], None, _whole(b[j][1], "added")))
        else:
            pieces = diff_sentences(a[i][1], b[j][1])
            d = SectionDiff("same", a[i][0], b[j][0], how, pieces)
            if d.heading_changed or any(p.op != "same" for p in pieces):
                d.status = "changed"
            out.append(d)
    return out


def align(heads_a: list[str], heads_b: list[str], texts_a: list[str],
          texts_b: list[str]) -> list[tuple[int | None, int | None, str | None]]:
    """(index in a, index in b, how) for every section of both, in order: pairs of the same heading, then,
    between them, pairs of the most similar text (never crossing another pair), the rest alone."""
    out: list[tuple[int | None, int | None, str | None]] = []
    sm = SequenceMatcher(None, [_heading_key(h) for h in heads_a], [_heading_key(h) for h in heads_b], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out += [(i1 + k, j1 + k, "heading") for k in range(i2 - i1)]
        else:
            out += _by_text(list(range(i1, i2)), list(range(j1, j2)), texts_a, texts_b, heads_a, heads_b)
    return out


def _by_text(ia: list[int], jb: list[int], texts_a, texts_b, heads_a, heads_b):
    if len(ia) * len(jb) > TEXT_PAIRS:  # two unrelated long documents: each section stands alone
        return [(i, None, None) for i in ia] + [(None, j, None) for j in jb]
    grams_a = {i: _bigrams(heads_a[i] + texts_a[i]) for i in ia}
    grams_b = {j: _bigrams(heads_b[j] + texts_b[j]) for j in jb}
    score = {(i, j): _jaccard(grams_a[i], grams_b[j]) for i in ia for j in jb}
    pairs: list[tuple[int, int]] = []
    for (i, j), sc in sorted(score.items(), key=lambda kv: (-kv[1], kv[0])):
        if sc < LIKELY_TEXT:
            break
        if sc < SAME_TEXT and not (_stands_out(sc, [score[i, k] for k in jb if k != j])
                                   and _stands_out(sc, [score[k, j] for k in ia if k != i])):
            continue
        if all((i < pi) == (j < pj) and i != pi and j != pj for pi, pj in pairs):  # keeps both orders
            pairs.append((i, j))
    pairs.sort()
    out: list[tuple[int | None, int | None, str | None]] = []
    ai, bj = 0, 0
    for i, j in [*pairs, (None, None)]:
        while ai < len(ia) and (i is None or ia[ai] < i):
            out.append((ia[ai], None, None))
            ai += 1
        while bj < len(jb) and (j is None or jb[bj] < j):
            out.append((None, jb[bj], None))
            bj += 1
        if i is not None:
            out.append((i, j, "text"))
            ai, bj = ai + 1, bj + 1
    return out


def _stands_out(sc: float, others: list[float]) -> bool:
    """Whether a pair's overlap beats, by MARGIN, every other candidate of one of its two sections."""
    return all(sc >= MARGIN * o for o in others)


def diff_sentences(a: str, b: str) -> list[Piece]:
    """b's sentences in order, with a's removed ones where they stood, each marked same, added or removed."""
    sa, sb = sentences(a), sentences(b)
    sm = SequenceMatcher(None, [s.key for s in sa], [s.key for s in sb], autojunk=False)
    out: list[Piece] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            out += [Piece(s.text, "same", s.ends_paragraph) for s in sb[j1:j2]]
            continue
        out += [Piece(s.text, "removed", s.ends_paragraph) for s in sa[i1:i2]]
        out += [Piece(s.text, "added", s.ends_paragraph) for s in sb[j1:j2]]
    return out


def sentences(text: str) -> list[Sentence]:
    """A section's sentences: each ends at 。！？； (with a closing quote after it) or at the end of its line."""
    out = []
    for line in text.split("\n"):
        parts = [p.strip() for p in _SENTENCE.findall(line) if p.strip()]
        out += [Sentence(p, k == len(parts) - 1) for k, p in enumerate(parts)]
    return out


def _whole(text: str, op: str) -> list[Piece]:
    return [Piece(s.text, op, s.ends_paragraph) for s in sentences(text)]


def _heading_key(heading: str) -> str:
    """A heading without its numbering, in matching form: what says two versions' sections are one."""
    folded = re.sub(r"\s+", "", fold_text(heading))
    return _YEAR.sub("", _NUMBERING.sub("", folded, count=1)) or folded


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", fold_text(text))
    return {t[k:k + 2] for k in range(len(t) - 1)}


def _jaccard(x: set[str], y: set[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 0.0
