"""Where a query's strings occur in its matching sections, one entry per mention: the lines of the
concordance (kwic.py) and the windows of its collocates (collocates.py).

An occurrence is seen two ways, and both enumerate each needle's non-overlapping matches over the
same folded text (heading SEP body, the report's title before its first heading, as the exact index
holds it), so they count what mentions.count_mentions counts:

- in the index, for every occurrence at once: (sid, byte offset in its exact segment's text,
  needle), in canonical order (sid, offset, needle). Sorting by the characters either side reads
  them from those bytes with numpy, without building any line.
- as written, for the few sections a page shows: the stored title, heading and text folded again
  with the way back (normalize.fold), each occurrence's span in the part it lies in, and its ordinal
  among that needle's occurrences in that part (what the report page's `at` link names).

The k-th occurrence of a section in canonical order is the k-th of read_sections' list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from indexer.search.facets import Filters
from indexer.search.matching import Evaluator, match, one_copy
from indexer.search.mentions import held_counts, held_spans, mention_needles
from indexer.search.parser import Term, parse_query
from indexer.search.proximity import line_breaks
from indexer.search.snippet import Needle
from indexer.store.exact import ExactSegment
from indexer.store.reader import IndexReader
from indexer.text.normalize import Folded, fold
from indexer.text.wholeword import term_pattern

_TF_CAP = 65535  # the exact index's posting counts saturate here (exact._table)
PARTS = ("title", "heading", "body")
PART_CODES = {"title": "t", "heading": "h", "body": "b"}  # in the report page's `at` argument


@dataclass
class Matched:
    """A query's matching sections (sorted sids) and the needles its occurrences are of."""

    query: str
    needles: list[Needle]
    sids: np.ndarray
    ev: Evaluator  # the terms it verified, for section_counts
    notices: list[str]


def matched(reader: IndexReader, q: str, filters: Filters | None, copies: str = "one") -> Matched:
    """The exact matching step (the sections a search lists), with notices when there is nothing
    whose occurrences could be listed; copies="one": of a document held by several sources, only its
    preferred matching copy's sections (as a search shows it), "all": every copy's."""
    parsed = parse_query(q)
    ev = Evaluator(reader)
    notices = list(parsed.notices)
    needles = mention_needles(parsed)
    empty = np.zeros(0, dtype=np.int64)
    if not parsed.searchable():
        notices.append("请输入检索词。" if parsed.root is None else "只有排除词，请至少输入一个检索词。")
        return Matched(q, [], empty, ev, notices)
    if not needles:
        notices.append("这里列出检索词的每一处出现：只有筛选条件（年份、类型等）时没有可列的词，请再输入一个检索词。")
        return Matched(q, [], empty, ev, notices)
    found, section_filter = match(ev, parsed, filters or Filters())
    sids = np.flatnonzero(found & section_filter)
    sids = one_copy(reader, sids, copies)[0]
    return Matched(q, needles, sids, ev, notices)


# -- counting ------------------------------------------------------------------------------------


def section_counts(reader: IndexReader, ev: Evaluator, sids: np.ndarray, needles: list[Needle]) -> np.ndarray:
    """Mentions of all needles in each of these sorted sids (int64), as count_mentions counts them,
    reading as little text as the exact index's postings allow: a body's count of a one-character
    string, or of two different characters, is its gram count there; a longer string's smallest gram
    count bounds its count, so a body holding it whose bound is 1 holds it once. Only the other
    bodies, and the headings that hold it, are counted on their bytes (never decoded for a plain
    string)."""
    out = np.zeros(len(sids), dtype=np.int64)
    for n in needles:
        out += held_counts(reader, sids, n) if n.near else _posting_counts(reader, ev, sids, n)
    return out


def _gram_counts_exact(n: Needle) -> bool:
    t = n.text
    return (not n.prefix and term_pattern(t, False) is None
            and (len(t) == 1 or (len(t) == 2 and t[0] != t[1])))  # 哈哈 in 哈哈哈: 2 bigrams, 1 mention


def _posting_counts(reader: IndexReader, ev: Evaluator, sids: np.ndarray, n: Needle) -> np.ndarray:
    hits = ev.term(Term(n.text, n.text, n.prefix))
    out = np.zeros(len(sids), dtype=np.int64)
    if len(hits.body):
        at = np.minimum(np.searchsorted(hits.body, sids), len(hits.body) - 1)
        found = hits.body[at] == sids
        out[found] = hits.body_tf[at[found]]
        unsure = found & (out >= _TF_CAP) if _gram_counts_exact(n) else found & (out > 1)
        if unsure.any():  # saturated counts, or only a bound: count those bodies
            out[unsure] = _scanned_counts(reader, sids[unsure], n, part="body")
    in_head = np.isin(sids, hits.head, assume_unique=True)
    if in_head.any():
        out[in_head] += _scanned_counts(reader, sids[in_head], n, part="heading")
    return out


def _scanned_counts(reader: IndexReader, sids: np.ndarray, n: Needle, part: str | None = None) -> np.ndarray:
    """Counted on the folded text: heading SEP body, or one of them."""
    out = np.zeros(len(sids), dtype=np.int64)
    encoded = n.text.encode("utf-8", "surrogatepass")
    pattern = term_pattern(n.text, n.prefix)
    for seg, idx, local in _by_segment(reader, sids):
        lo, hi = _bounds(seg, local, part)
        data = seg.data.mapped() if hasattr(seg.data, "mapped") else seg.data
        if pattern is None:
            counts = [data[a:b].count(encoded) for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
        else:  # whole words: a matter of characters
            counts = [len(pattern.findall(data[a:b].decode("utf-8", "surrogatepass")))
                      for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
        out[idx] = counts
    reader.trim()
    return out


def _by_segment(reader: IndexReader, sids: np.ndarray):
    """(segment, positions in sids, local numbers) for each segment holding some of the sorted sids."""
    sids = np.asarray(sids, dtype=np.int64)
    for seg in reader.segments:
        a, b = np.searchsorted(sids, [seg.base, seg.base + seg.size])
        if a < b:
            yield seg, np.arange(a, b), sids[a:b] - seg.base


def _bounds(seg: ExactSegment, local: np.ndarray, part: str | None) -> tuple[np.ndarray, np.ndarray]:
    """UTF-8 offsets of these sections' heading SEP body (part None), heading or body."""
    start, mid, end = seg.bstarts[local], seg.bmids[local], seg.bstarts[local + 1] - 1
    if part == "heading":
        return start, mid
    if part == "body":
        return mid + 1, end
    return start, end


# -- every occurrence, in the index -----------------------------------------------------------------


@dataclass
class Located:
    """Occurrences found in the index: in canonical order (by sid, then offset, then needle) as
    locate returns them, or in any order once taken (take)."""

    sid: np.ndarray  # int64
    pos: np.ndarray  # int64: UTF-8 offset in the segment's text
    size: np.ndarray  # int64: bytes the occurrence takes
    needle: np.ndarray  # int64: index into the needles
    rank: np.ndarray  # int64: the occurrence's number within its section, from 0

    @classmethod
    def canonical(cls, sid: np.ndarray, pos: np.ndarray, size: np.ndarray, needle: np.ndarray) -> Located:
        order = np.lexsort((needle, pos, sid))
        sid, pos, size, needle = sid[order], pos[order], size[order], needle[order]
        rank = np.arange(len(sid), dtype=np.int64) - np.searchsorted(sid, sid, side="left")
        return cls(sid, pos, size, needle, rank)

    def __len__(self) -> int:
        return len(self.sid)

    def take(self, idx: np.ndarray) -> Located:
        """The occurrences at these positions, in that order."""
        return Located(self.sid[idx], self.pos[idx], self.size[idx], self.needle[idx], self.rank[idx])


def locate(reader: IndexReader, sids: np.ndarray, needles: list[Needle]) -> Located:
    """Every occurrence of every needle in these sorted sids, found in the segments' bytes."""
    sid_parts, pos_parts, size_parts, needle_parts = [], [], [], []
    for i, n in enumerate(needles):
        if n.near:  # a string of proximity conditions: where one holds, section by section
            held = _held_located(reader, sids, n)
            for part, x in zip((sid_parts, pos_parts, size_parts), held, strict=True):
                part.append(x)
            needle_parts.append(np.full(len(held[0]), i, dtype=np.int64))
            continue
        encoded = n.text.encode("utf-8", "surrogatepass")
        pattern = term_pattern(n.text, n.prefix)
        literal = re.compile(re.escape(encoded))
        for seg, _idx, local in _by_segment(reader, sids):
            lo, hi = _bounds(seg, local, None)
            data = seg.data.mapped() if hasattr(seg.data, "mapped") else seg.data
            if pattern is None:
                find = literal.finditer
                found = [(k, m.start()) for k, a, b in zip(local.tolist(), lo.tolist(), hi.tolist(), strict=True)
                         for m in find(data, a, b)]
                sizes = None
            else:
                found, sizes = _pattern_matches(data, pattern, local, lo, hi)
            if not found:
                continue
            ks, ps = (np.array(x, dtype=np.int64) for x in zip(*found, strict=True))
            sid_parts.append(ks + seg.base)
            pos_parts.append(ps)
            size_parts.append(np.full(len(ps), len(encoded), dtype=np.int64) if sizes is None
                              else np.array(sizes, dtype=np.int64))
            needle_parts.append(np.full(len(ps), i, dtype=np.int64))
    reader.trim()
    if not sid_parts:
        empty = np.zeros(0, dtype=np.int64)
        return Located.canonical(empty, empty, empty, empty)
    return Located.canonical(*(np.concatenate(p) for p in (sid_parts, pos_parts, size_parts, needle_parts)))


def _held_located(reader: IndexReader, sids: np.ndarray, n: Needle) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sid, byte offset, bytes) of each occurrence of a string of proximity conditions where one holds."""
    sid_out, pos_out, size_out = [], [], []
    for sid in np.asarray(sids).tolist():
        spans = held_spans(reader, sid, n)
        if not spans:
            continue
        seg, local = reader.segment_of(sid)
        head, body = reader.exact_text(sid)
        title_chars = len(head) - len(_heading_of(head, reader, sid))
        for part, found in spans.items():
            text, base = (body, int(seg.bmids[local]) + 1) if part == "body" else (head, int(seg.bstarts[local]))
            shift = title_chars if part == "heading" else 0
            for a, b in found:
                start = base + len(text[:a + shift].encode("utf-8", "surrogatepass"))
                sid_out.append(sid)
                pos_out.append(start)
                size_out.append(len(text[a + shift:b + shift].encode("utf-8", "surrogatepass")))
    reader.trim()
    return tuple(np.array(x, dtype=np.int64) for x in (sid_out, pos_out, size_out))


def _heading_of(head: str, reader: IndexReader, sid: int) -> str:
    """The heading of a section out of the exact index's head (a first section's holds the title before it)."""
    title = reader.titles_folded[int(reader.catalog.section_report[sid])] if reader.first_sections[sid] else ""
    return head[len(title) + 1:] if title else head


def _pattern_matches(data, pattern: re.Pattern, local: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Whole-word matches (their rule is one of characters): each section decoded, each match's
    character offsets turned back into bytes."""
    found, sizes = [], []
    for k, a, b in zip(local.tolist(), lo.tolist(), hi.tolist(), strict=True):
        text = data[a:b].decode("utf-8", "surrogatepass")
        for m in pattern.finditer(text):
            start = a + len(text[:m.start()].encode("utf-8", "surrogatepass"))
            found.append((k, start))
            sizes.append(len(m.group().encode("utf-8", "surrogatepass")))
    return found, sizes


def context_keys(reader: IndexReader, loc: Located, side: str, k: int) -> np.ndarray:
    """(k, n) code points of the k folded characters left of each occurrence (nearest first: read
    right to left) or right of it, 0 past the edge of its heading or body."""
    out = np.zeros((k, len(loc)), dtype=np.uint32)
    for seg, idx, _local in _by_segment_unsorted(reader, loc.sid):
        data = seg.data.mapped() if hasattr(seg.data, "mapped") else seg.data
        buf = np.frombuffer(data, dtype=np.uint8) if len(data) else np.zeros(1, dtype=np.uint8)
        if side == "left":
            out[:, idx] = _chars_before(buf, loc.pos[idx], k)
        else:
            out[:, idx] = _chars_after(buf, loc.pos[idx] + loc.size[idx], k)
        del buf  # a view on the segment's map
    reader.trim()
    return out


def _by_segment_unsorted(reader: IndexReader, sids: np.ndarray):
    for seg in reader.segments:
        idx = np.flatnonzero((sids >= seg.base) & (sids < seg.base + seg.size))
        if len(idx):
            yield seg, idx, sids[idx] - seg.base


def _chars_before(buf: np.ndarray, pos: np.ndarray, k: int) -> np.ndarray:
    """UTF-8 decoded backwards, all occurrences at once: the character ending at cur is 1 byte if
    ASCII, else as long as the run of continuation bytes before it plus its lead byte. SEP (0) ends
    a heading or body."""
    out = np.zeros((k, len(pos)), dtype=np.uint32)
    cur, alive = pos.astype(np.int64), pos > 0
    for j in range(k):
        b = [buf[np.maximum(cur - d, 0)].astype(np.uint32) for d in (1, 2, 3, 4)]
        lead2, lead3 = (b[1] & 0xC0) == 0xC0, (b[2] & 0xC0) == 0xC0
        size = np.where(b[0] < 0x80, 1, np.where(lead2, 2, np.where(lead3, 3, 4)))
        tail = b[0] & 0x3F
        cp = np.where(size == 1, b[0],
                      np.where(size == 2, ((b[1] & 0x1F) << 6) | tail,
                               np.where(size == 3, ((b[2] & 0x0F) << 12) | ((b[1] & 0x3F) << 6) | tail,
                                        ((b[3] & 0x07) << 18) | ((b[2] & 0x3F) << 12) | ((b[1] & 0x3F) << 6) | tail)))
        alive &= (cur - size >= 0) & (cp != 0)
        out[j] = np.where(alive, cp, 0)
        cur = cur - size
    return out


def _chars_after(buf: np.ndarray, pos: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros((k, len(pos)), dtype=np.uint32)
    last = len(buf) - 1
    cur, alive = pos.astype(np.int64), pos <= last
    for j in range(k):
        b = [buf[np.minimum(cur + d, last)].astype(np.uint32) for d in (0, 1, 2, 3)]
        size = np.where(b[0] < 0x80, 1, np.where(b[0] < 0xE0, 2, np.where(b[0] < 0xF0, 3, 4)))
        cp = np.where(size == 1, b[0],
                      np.where(size == 2, ((b[0] & 0x1F) << 6) | (b[1] & 0x3F),
                               np.where(size == 3, ((b[0] & 0x0F) << 12) | ((b[1] & 0x3F) << 6) | (b[2] & 0x3F),
                                        ((b[0] & 0x07) << 18) | ((b[1] & 0x3F) << 12) | ((b[2] & 0x3F) << 6)
                                        | (b[3] & 0x3F))))
        alive &= (cur + size - 1 <= last) & (cp != 0)
        out[j] = np.where(alive, cp, 0)
        cur = cur + size
    return out


# -- occurrences as written -------------------------------------------------------------------------


@dataclass
class Occurrence:
    part: str  # title (a report's first section), heading or body
    start: int  # in that part's text as written
    end: int
    needle: int
    ordinal: int  # how many of this needle's occurrences come before it in this part

    @property
    def at(self) -> str:
        """The report page's name for it (with the section id: see occurrence_at)."""
        return f"{PART_CODES[self.part]}{self.needle}.{self.ordinal}"


@dataclass
class SectionOccurrences:
    sid: int
    section_id: str
    heading_path: list[str]
    parts: dict[str, str]  # title (first sections), heading, body: as written
    occurrences: list[Occurrence]


def read_sections(reader: IndexReader, sids: list[int], needles: list[Needle]) -> list[SectionOccurrences]:
    """These sections as stored, with every occurrence of the needles in canonical order."""
    out = []
    report_of = reader.catalog.section_report
    for sid, stored in zip(sids, reader.stored(sids, html=False), strict=True):
        row = reader.catalog.reports[int(report_of[sid])]
        title = row.title if sid == row.first_sid else None
        heading, body = stored.get("heading") or "", stored.get("text") or ""
        parts = {"heading": heading, "body": body} | ({"title": title} if title is not None else {})
        out.append(SectionOccurrences(sid=int(sid), section_id=stored["section_id"],
                                      heading_path=list(stored.get("heading_path") or []), parts=parts,
                                      occurrences=occurrences_in(title, heading, body, needles)))
    return out


def occurrences_in(title: str | None, heading: str, body: str, needles: list[Needle]) -> list[Occurrence]:
    """Every occurrence in a section's parts, in canonical order. The head is matched as the exact
    index holds it (exact_heading: the folded title, a space, the folded heading), so a count here is
    a count there; each match is then placed in the title or the heading it lies in. A string of proximity conditions has only the occurrences
    where one holds listed, each keeping its place among all of the string's occurrences (ordinal), as
    the report page counts them."""
    fh = fold(heading)
    fb = fold(body)
    pieces: list[tuple[str, Folded, int]] = [("heading", fh, 0)]
    if title is not None:
        ft = fold(title)
        pieces = ([("title", ft, 0), ("heading", fh, len(ft.text) + 1)] if ft.text and fh.text
                  else [("title", ft, 0)] if ft.text else pieces)
    head = " ".join(f.text for _, f, _ in pieces if f.text)
    found: list[tuple[int, int, int, str, int, int, bool]] = []  # (part order, folded start, needle, part, start, end, kept)
    for i, n in enumerate(needles):
        held = ({name: n.held(f.text, list) for name, f, _ in pieces} | {"body": n.held(fb.text, lambda: line_breaks(fb, body))}
                if n.near else None)
        for m in n.pattern().finditer(head):
            name, f, offset = next(p for p in reversed(pieces) if p[2] <= m.start())
            a, b = m.start() - offset, min(m.end() - offset, len(f.text))  # a match over the space stays in the title
            found.append((0, m.start(), i, name, *f.orig_span(a, b), held is None or (a, b) in held[name]))
        for m in n.pattern().finditer(fb.text):
            found.append((1, m.start(), i, "body", *fb.orig_span(m.start(), m.end()),
                          held is None or m.span() in held["body"]))
    found.sort(key=lambda x: x[:3])
    seen: dict[tuple[str, int], int] = {}
    out = []
    for _order, _fstart, i, part, a, b, kept in found:
        k = seen.get((part, i), 0)
        seen[(part, i)] = k + 1
        if kept:
            out.append(Occurrence(part=part, start=a, end=b, needle=i, ordinal=k))
    return out


def occurrence_at(section_id: str, occ: Occurrence) -> str:
    """The report page's `at` argument for one occurrence: s3-2.b0.4 is the fifth occurrence of the
    first needle in section s3-2's body."""
    return f"{section_id}.{occ.at}"


_AT = re.compile(r"^(.{1,200})\.([thb])(\d{1,3})\.(\d{1,7})$")


def parse_at(value: str | None) -> tuple[str, str, int, int] | None:
    """(section id, part, needle, ordinal) of an `at` argument; None when it names nothing."""
    m = _AT.match(value or "")
    if not m:
        return None
    part = {v: k for k, v in PART_CODES.items()}[m.group(2)]
    return m.group(1), part, int(m.group(3)), int(m.group(4))
