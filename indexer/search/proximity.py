"""Proximity: query strings in one sentence (/句), one paragraph (/段), or within N characters of each
other (/N), decided exactly on the text the exact index matched.

What the words mean (README and /help say the same; tests/test_proximity.py holds them to a plain scan):

- A section has up to three fields: the report's title (its first section only), its heading and its
  text. A condition holds inside one field, never across two.
- A paragraph is a line of a field as stored: a line of the text, as the report page shows each line
  as a paragraph; a title or a heading is one line.
- A sentence ends after 。！？； (their half-width forms fold to the same) or at the end of its paragraph.
- Occurrences are those exact matching finds: on the folded text (fold_text), non-overlapping, Latin
  words and numbers whole. An occurrence lies in a sentence or paragraph when all of it does: 防溺水
  wrapped over two lines is found by a plain search but lies in no one paragraph.
- A /句 B /句 C: one sentence holds an occurrence of every operand (of any string of an OR group).
  Every occurrence of the operands in such a sentence satisfies the condition.
- A /N B: an occurrence of A and one of B with at most N characters between them (0 when they touch
  or overlap), either order, counted in the folded text, where spaces and line breaks next to Chinese
  characters count as nothing. Each occurrence with such a partner satisfies the condition.

Matching takes its candidates from the index (the sections holding every operand) and verifies only
them: on the folded text the exact index holds, with line ends read from the section's stored text
only when sentence ends alone cannot already rule the section out.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable

import numpy as np

from indexer.search.parser import Near
from indexer.store.reader import IndexReader
from indexer.text.normalize import Folded, fold, fold_chars
from indexer.text.wholeword import term_pattern

SENTENCE_ENDS = "。!?;"  # 。！？； as folded (NFKC makes ！？； their ASCII forms)
_ENDS = re.compile(f"[{re.escape(SENTENCE_ENDS)}]")

Span = tuple[int, int, str]  # start, end (folded offsets), the folded query string found there


def satisfying(near: Near, folded: str, breaks: list[int]) -> list[Span]:
    """The occurrences of the condition's strings in one field that satisfy it, in text order.
    folded: the field's folded text; breaks: where its lines end, as offsets into folded."""
    return _satisfying(near.key(), folded, breaks)


def _satisfying(key: tuple, folded: str, breaks: list[int]) -> list[Span]:
    """satisfying() for a condition given by its key (kind, distance, per operand its (string, prefix)s)."""
    kind, distance, operands = key
    found = _found(operands, folded)
    if found is None:
        return []
    if kind == "chars":
        return sorted(set(_near_pairs(found[0], found[1], distance)) | set(_near_pairs(found[1], found[0], distance)))
    per_operand = _by_unit(found, unit_bounds(folded, breaks, kind))
    shared = set(per_operand[0]).intersection(*per_operand[1:])
    return sorted({span for units in per_operand for u in shared for span in units[u]})


def _found(operands: tuple, folded: str) -> list[list[Span]] | None:
    """Per operand, the occurrences of its strings; None when one has none."""
    found = []
    for alts in operands:
        occ = [(a, b, text) for text, prefix in alts for a, b in find_all(folded, text, prefix)]
        if not occ:
            return None
        found.append(occ)
    return found


def _by_unit(found: list[list[Span]], bounds: list[int]) -> list[dict[int, list[Span]]]:
    """Per operand, its occurrences by the unit holding them (those across a boundary left out)."""
    out = []
    for occ in found:
        units: dict[int, list[Span]] = {}
        for span in occ:
            u = _unit(bounds, span[0], span[1])
            if u is not None:
                units.setdefault(u, []).append(span)
        out.append(units)
    return out


def _shares_unit(found: list[list[Span]], bounds: list[int]) -> bool:
    """Whether one unit holds an occurrence of every operand (what matching needs, without the marks)."""
    shared: set[int] | None = None
    for occ in found:
        units = {u for a, b, _t in occ if (u := _unit(bounds, a, b)) is not None}
        shared = units if shared is None else shared & units
        if not shared:
            return False
    return True


def find_all(folded: str, text: str, prefix: bool = False) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of a folded query string in folded text, by the whole-word rule:
    the ones snippets mark and mentions count."""
    pattern = term_pattern(text, prefix)
    if pattern is not None:
        return [m.span() for m in pattern.finditer(folded)]
    out, n = [], len(text)
    i = folded.find(text)
    while i >= 0:
        out.append((i, i + n))
        i = folded.find(text, i + n)
    return out


def unit_bounds(folded: str, breaks: list[int], kind: str) -> list[int]:
    """Sorted offsets where one unit (a sentence or a paragraph) ends and the next begins."""
    if kind == "sentence":
        return sorted({*breaks, *(m.end() for m in _ENDS.finditer(folded))})
    return sorted(set(breaks))


def _unit(bounds: list[int], a: int, b: int) -> int | None:
    """The unit holding all of [a, b), or None when a boundary falls inside it."""
    i = bisect.bisect_right(bounds, a)
    return None if i < len(bounds) and bounds[i] < b else i


def _near_pairs(xs: list[Span], ys: list[Span], distance: int) -> list[Span]:
    """Those of xs with some y at most distance characters away: y starts by x's end + distance and
    ends at or after x's start - distance (the gap max(starts) - min(ends) is at most distance)."""
    ys = sorted(ys)
    starts = [y[0] for y in ys]
    reach = list(itertools.accumulate((y[1] for y in ys), max))  # the furthest end among ys[:k+1]
    out = []
    for x in xs:
        k = bisect.bisect_right(starts, x[1] + distance) - 1
        if k >= 0 and reach[k] >= x[0] - distance:
            out.append(x)
    return out


def line_breaks(f: Folded, original: str) -> list[int]:
    """Where the original's lines end, as offsets into its folded text: the folded position of the
    first character after each line end (line ends are whitespace, which folding drops or makes one space)."""
    out: list[int] = []
    segs, k = f.segments, -1
    pos = original.find("\n")
    while pos >= 0:
        while k + 1 < len(segs) and segs[k + 1][2] <= pos:
            k += 1
        out.append(0 if k < 0 else segs[k][0] + segs[k][1])
        pos = original.find("\n", pos + 1)
    return out


def breaks_of(written: str, folded: str) -> list[int]:
    """line_breaks(fold(written), written), given folded = fold_text(written), without folding again
    where it can: a line with no whitespace inside folds character by character, so each line's
    folded characters are found one after the other in folded, a space between two lines where
    folding kept one. Any line that does not line up (whitespace inside it) makes it fold after all."""
    if "\n" not in written:
        return []
    out: list[int] = []
    pending, p = 0, 0  # line ends waiting for the next line's start, where they go
    for line in written.split("\n"):
        bare = line.strip()
        t = fold_chars(bare)
        if bare and not t:  # only invisible characters: they part the whitespace around them in two
            return line_breaks(fold(written), written)
        if t:
            if p:  # after a line: the whitespace between them folded to nothing or to one space
                p += folded.startswith(" ", p) and not folded.startswith(t, p)
            if not folded.startswith(t, p):
                return line_breaks(fold(written), written)
            out += [p] * pending
            pending, p = 0, p + len(t)
        pending += 1
    if p != len(folded):
        return line_breaks(fold(written), written)
    return out + [p] * (pending - 1)


def spans_in(near: Near, original: str, f: Folded | None = None) -> list[Span]:
    """The satisfying occurrences in one field given as written, as spans of the original text."""
    f = f or fold(original)
    return [(*f.orig_span(a, b), t) for a, b, t in satisfying(near, f.text, line_breaks(f, original))]


# -- matching: which candidate sections satisfy a condition --------------------------------------


CHECK_EVERY = 256  # candidates verified between two looks at the request's deadline


def verify(reader: IndexReader, near: Near, sids: np.ndarray,
           stop: Callable[[], bool] | None = None) -> tuple[np.ndarray, int]:
    """Which of these sections (sids holding every operand somewhere) satisfy the condition in one of
    their fields: a bool per sid, and how many were checked. stop (a request's deadline) is asked every
    CHECK_EVERY candidates; once it says so, the rest are left unchecked (False): a common pair such as
    的 /句 人 has nearly every section of a corpus for a candidate."""
    key = near.key()
    keep = np.zeros(len(sids), dtype=bool)
    checked = len(sids)
    for i, sid in enumerate(sids.tolist()):
        if stop is not None and i % CHECK_EVERY == 0 and stop():
            checked = i
            break
        keep[i] = _holds(reader, key, sid)
    reader.trim()
    return keep, checked


def _holds(reader: IndexReader, key: tuple, sid: int) -> bool:
    heading, body = reader.exact_text(sid)
    title = reader.titles_folded[int(reader.catalog.section_report[sid])] if reader.first_sections[sid] else ""
    if title:  # the exact index holds the title before a first section's heading (exact_heading)
        heading = heading[len(title) + 1:]
    if any(_satisfying(key, field, []) for field in (title, heading) if field):
        return True  # one line each
    kind, distance, operands = key
    found = _found(operands, body) if body else None
    if found is None:
        return False
    if kind == "chars":  # line ends make no difference to a distance
        return bool(_near_pairs(found[0], found[1], distance))
    ends = [m.end() for m in _ENDS.finditer(body)] if kind == "sentence" else []
    if ends and not _shares_unit(found, ends):
        return False  # sentence ends alone rule it out
    written = reader.written_text(sid)
    if "\n" not in written:
        return True  # one line: what was checked is all there is
    return _shares_unit(found, sorted({*ends, *breaks_of(written, body)}))
