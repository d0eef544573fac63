"""Copies of one document: the same notice from 北大法宝, from the ministry's PDF and from a
province's site. Found once a build has written its segments, over every report still indexed, so
that an incremental run groups exactly as a full rebuild of the same files does; kept in the
generation as COPIES, one (group, prefer) row per report.

Two reports are copies of one document when
- both state a 文号 and an issuer, and these are the same (folded: 〔2014〕 = [2014]), or
- their texts are the same but for what a provider or a reader adds: their MinHash signatures
  (fingerprint.signature, candidates found by datasketch's LSH) resemble at MIN_RESEMBLANCE or more,
  and aligning the texts leaves at most MAX_CHANGED characters changed (fingerprint.difference: a
  rewritten paragraph is a change, a header, a footer or page numbers are not), and nothing they
  both state contradicts it: not two years, two 文号 or two issuers (neither within the other).
Texts shorter than MIN_CHARS are too short to tell unless equal, titles too (a law whose file
holds little more than its title). Copies of copies are copies (the groups are the
connected parts of these pairs). A group's preferred copy, shown for the document, is a complete
one that carries least besides the text, then states most of 文号, date and issuer (_preference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indexer.store import generations as store
from indexer.store.batches import report_text
from indexer.store.catalog import Catalog, ReportRow, fold_doc_no
from indexer.store.exact import ExactSegment
from indexer.text import fingerprint
from indexer.text.normalize import fold_text

COPIES = "copies.npy"
MIN_CHARS = 50  # compact characters: a shorter text is grouped by its 文号 and issuer, or when it and its title are the same
MIN_RESEMBLANCE = 0.8  # estimated Jaccard resemblance of the shingles; measured in docs/benchmarks.md
LSH_THRESHOLD = 0.7  # datasketch's LSH asked for pairs from here, below MIN_RESEMBLANCE: estimates vary
MAX_CHANGED = 8  # characters changed (fingerprint.difference) that still make a copy; measured
COMPLETE = 0.95  # share of its median copy's text a copy needs to be shown for the document


@dataclass
class CopyStats:
    """What finding the copies did, for the build's summary and the benchmarks."""

    groups: int = 0  # documents with more than one copy
    copies: int = 0  # reports in those groups
    candidates: int = 0  # pairs the LSH proposed
    compared: int = 0  # pairs whose texts were aligned
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (doc_id, doc_id, why) of pairs kept apart


def find_copies(gen: Path, segments: list[str], live: np.ndarray) -> CopyStats:
    """Group the generation's live reports into documents and save COPIES beside its segments."""
    catalog = Catalog.concat([Catalog.load(gen / d, signatures=True) for d in segments])
    report_live = catalog.live_reports(live)
    stats = CopyStats()
    pairs = _pairs(catalog, report_live, _Texts(gen, segments), stats)
    copies = groups(catalog.reports, report_live, pairs)
    store.save_array(gen / COPIES, copies)
    sizes = np.bincount(copies[report_live, 0], minlength=len(catalog.reports))
    stats.groups, stats.copies = int(np.count_nonzero(sizes > 1)), int(sizes[sizes > 1].sum())
    return stats


def load(gen: Path, n_reports: int) -> np.ndarray:
    return np.load(gen / COPIES, allow_pickle=False).reshape(n_reports, 2)


def groups(reports: list[ReportRow], live: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """(group, prefer) per report: group is the report index of its document's preferred copy, prefer
    a rank over all reports (lower first). Removed reports stand alone. Pairs join groups in the
    order of their doc ids (whatever order the files were indexed in), and never two groups holding
    reports of one file: a notice and the document it issues are two documents, even when a third
    file holds both as one report; nor two groups stating different 文号 or years: a copy that states
    neither (a web page without its header) is alike to the 2号 notice and to its 5号 revision, which
    stay two documents."""
    parent = np.arange(len(reports))
    files = {i: {reports[i].file_key} for i in range(len(reports))}
    numbers = {i: {fold_doc_no(reports[i].doc_no)} if reports[i].doc_no else set() for i in range(len(reports))}
    years = {i: {reports[i].year} if reports[i].year else set() for i in range(len(reports))}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in sorted(pairs, key=lambda p: sorted((reports[p[0]].doc_id, reports[p[1]].doc_id))):
        ra, rb = root(a), root(b)
        if ra != rb and not files[ra] & files[rb] and len(numbers[ra] | numbers[rb]) < 2 \
                and len(years[ra] | years[rb]) < 2:
            keep, gone = min(ra, rb), max(ra, rb)
            parent[gone] = keep
            files[keep] |= files.pop(gone)
            numbers[keep] |= numbers.pop(gone)
            years[keep] |= years.pop(gone)
    members: dict[int, list[int]] = {}
    for i in range(len(reports)):
        members.setdefault(root(i) if live[i] else -1 - i, []).append(i)
    order: list[int] = []
    for group in members.values():  # each group's copies in the order they are preferred
        typical = sorted(reports[i].chars for i in group)[len(group) // 2]
        order += sorted(group, key=lambda i: _preference(reports[i], typical))
    out = np.empty((len(reports), 2), dtype=np.int32)
    for rank, i in enumerate(order):
        out[i, 1] = rank
    for group in members.values():
        best = min(group, key=lambda i: out[i, 1])
        out[group, 0] = best
    return out


def _preference(r: ReportRow, typical: int) -> tuple:
    """The copy shown for a document: a complete one (95 % or more of the median copy's text: a
    truncated copy is not), then the shortest (the least a provider or a site added), then the one
    stating most of 文号, date and issuer, then the first by doc id."""
    stated = sum(1 for v in (r.doc_no, r.date, r.issuer) if v)
    return r.chars < COMPLETE * typical, r.chars, -stated, r.doc_id


def _pairs(catalog: Catalog, live: np.ndarray, texts: _Texts, stats: CopyStats) -> list[tuple[int, int]]:
    """Pairs of live reports that are copies of one document."""
    reports = catalog.reports
    out: list[tuple[int, int]] = []
    by_number: dict[tuple[str, str], list[int]] = {}
    for i in np.flatnonzero(live):
        r = reports[i]
        if r.doc_no and r.issuer:
            by_number.setdefault((fold_doc_no(r.doc_no), fold_text(r.issuer)), []).append(int(i))
    out += _to_first(by_number.values(), reports)
    texts_checked: dict[tuple[str, str], int] = {}
    for a, b in _candidates(catalog, live):
        stats.candidates += 1
        ra, rb = reports[a], reports[b]
        why = _contradiction(ra, rb)
        if why is None and ra.digest != rb.digest:
            similar = fingerprint.resemblance(catalog.signatures[a], catalog.signatures[b])
            if similar < MIN_RESEMBLANCE:
                why = f"resemblance {similar:.2f}"
            else:
                key = (ra.digest, rb.digest) if ra.digest < rb.digest else (rb.digest, ra.digest)
                if key not in texts_checked:  # the same two texts under other names: aligned once
                    stats.compared += 1
                    texts_checked[key] = fingerprint.difference(texts.of(ra), texts.of(rb)).changed
                if texts_checked[key] > MAX_CHANGED:
                    why = f"{texts_checked[key]} characters changed"
        if why is None:
            out.append((a, b))
        else:
            stats.rejected.append((ra.doc_id, rb.doc_id, why))
    return out


def _candidates(catalog: Catalog, live: np.ndarray) -> list[tuple[int, int]]:
    """Pairs (a < b) of live reports of MIN_CHARS or more that the LSH finds alike, or whose texts are
    equal (shorter ones: and their titles)."""
    from datasketch import LeanMinHash, MinHashLSH  # here: a server, which never groups, does not load it (nor SciPy)

    keep = [int(i) for i in np.flatnonzero(live) if catalog.reports[i].chars >= MIN_CHARS]
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=fingerprint.NUM_PERM)
    sketches = {i: LeanMinHash(seed=fingerprint.SEED, hashvalues=catalog.signatures[i], scheme="affine32") for i in keep}
    with lsh.insertion_session() as session:
        for i in keep:
            session.insert(i, sketches[i], check_duplication=False)
    pairs = {(min(i, j), max(i, j)) for i in keep for j in lsh.query(sketches[i]) if j != i}
    same_text: dict[tuple[str, str], list[int]] = {}
    for i in np.flatnonzero(live):  # equal texts always meet, whatever the LSH's bands say; short ones if titled alike
        r = catalog.reports[i]
        if r.chars:
            same_text.setdefault((r.digest, "" if r.chars >= MIN_CHARS else r.title_folded), []).append(int(i))
    pairs.update((min(a, b), max(a, b)) for a, b in _to_first(same_text.values(), catalog.reports))
    return sorted(pairs)


def _to_first(buckets, reports: list[ReportRow]) -> list[tuple[int, int]]:
    """(first, other) for every other report of each bucket, its first the one of least doc id: the same
    pairs in any index order."""
    out = []
    for same in buckets:
        first = min(same, key=lambda i: reports[i].doc_id)
        out += [(first, i) for i in same if i != first]
    return out


def _contradiction(a: ReportRow, b: ReportRow) -> str | None:
    """What the two reports state that cannot be true of one document."""
    if a.year and b.year and a.year != b.year:
        return f"years {a.year} and {b.year}"
    if a.doc_no and b.doc_no and fold_doc_no(a.doc_no) != fold_doc_no(b.doc_no):
        return f"文号 {a.doc_no} and {b.doc_no}"
    ia, ib = fold_text(a.issuer or ""), fold_text(b.issuer or "")
    if ia and ib and ia not in ib and ib not in ia:  # 区教育局 is what one reader made of 南湖区教育局
        return f"issuers {a.issuer} and {b.issuer}"
    return None


class _Texts:
    """Reports' folded texts read back from the generation's exact segments, for aligning candidates."""

    def __init__(self, gen: Path, segments: list[str]):
        self.gen, self.dirs = gen, segments
        self._segments: list[ExactSegment] | None = None

    def of(self, r: ReportRow) -> str:
        if self._segments is None:
            self._segments = [ExactSegment.load(self.gen / d) for d in self.dirs]
        seg = next(s for s in self._segments if s.base <= r.first_sid < s.base + s.size)  # a report is one batch's
        parts = [seg.section_text(sid - seg.base) for sid in range(r.first_sid, r.first_sid + r.n_sections)]
        return report_text(r.title_folded, [h for h, _b in parts], [b for _h, b in parts])
