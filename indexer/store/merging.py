"""Neighbouring exact segments merged into larger ones at the end of a build, from their arrays.

A build writes one exact segment per batch (about 12 MB of source, 8-11 MB of text), so that a worker's
memory stays bounded; a search then repeats its lookups in every segment: a string's grams are found
in each segment's table, their postings read and intersected, for tens of segments on a large
collection. Those per-segment calls, not the postings' length, were most of the lookups' time for a
query that finds nothing (a typo's variants, a pasted sentence's words) on 4x and 8x `laws`. Lucene
does the same: small segments written, then merged.

Merging needs no text analysis: gram tables are sorted by gram and each gram's postings by section,
and segments cover consecutive runs of sids, so the merged table is each gram's postings from the
first segment, then the second's shifted by its base, and so on, placed by one stable sort of the
segments' keys; the texts, offsets, catalogs and section texts are concatenated. A segment keeps
its removed sections' text, as before (compaction rewrites a segment that is mostly removed).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.store import texts as section_texts
from indexer.store.catalog import Catalog
from indexer.store.exact import MAX_SEGMENT_SECTIONS

MERGED_BYTES = 32 << 20  # UTF-8 text of a merged segment at most (a 12 MB batch of source holds 8-11 MB)
_TABLES = (("head", False), ("body", True))  # gram tables, and whether they keep counts


def merge_neighbours(gen: Path, segments: list[str], then: Callable[[str], None] = lambda name: None) -> list[str]:
    """Merge runs of neighbouring segments (consecutive sids) whose text together fits MERGED_BYTES;
    a segment already over half of it stays as it is, so an incremental run merges only what it
    added. The generation's segment list afterwards; then(name) is called with each of them as
    soon as it is final."""
    out: list[str] = []
    for group in plan(gen, segments):
        if len(group) == 1:
            out.append(group[0])
        else:
            out.append(merge(gen, group))
            for old in group:
                shutil.rmtree(gen / old)
        then(out[-1])
    return out


def merge(gen: Path, names: list[str]) -> str:
    """One new segment holding the segments `names` (in sid order, consecutive): its name."""
    folders = [gen / n for n in names]
    metas = [json.loads((f / "segment.json").read_text()) for f in folders]
    base = metas[0]["base"]
    name = f"exact/seg-m{base:06d}-{gen.name}"
    dest = gen / name
    dest.mkdir(parents=True)
    _merge_text(folders, dest)
    for prefix, counted in _TABLES:
        _merge_table(folders, [m["base"] - base for m in metas], prefix, counted, dest)
    Catalog.concat([Catalog.load(f, signatures=True) for f in folders]).save(dest)
    _merge_section_texts(folders, dest)
    (dest / "segment.json").write_text(json.dumps({"base": base, "size": sum(m["size"] for m in metas)}))
    return name


@dataclass
class _Seg:
    name: str
    base: int
    size: int
    nbytes: int


def plan(gen: Path, segments: list[str]) -> list[list[str]]:
    """The segments (names, in sid order) in groups to merge: runs of small neighbours with consecutive
    sids, each group while its text fits MERGED_BYTES and its sections a segment; a large one alone."""
    groups: list[list[_Seg]] = []
    for name in segments:
        meta = json.loads((gen / name / "segment.json").read_text())
        seg = _Seg(name, meta["base"], meta["size"], (gen / name / "text.utf8").stat().st_size)
        last = groups[-1] if groups else []
        if last and _small(seg) and _small(last[0]) and last[-1].base + last[-1].size == seg.base \
                and sum(s.nbytes for s in last) + seg.nbytes <= MERGED_BYTES \
                and sum(s.size for s in last) + seg.size < MAX_SEGMENT_SECTIONS:
            last.append(seg)
        else:
            groups.append([seg])
    return [[s.name for s in group] for group in groups]


def _small(seg: _Seg) -> bool:
    return seg.nbytes <= MERGED_BYTES // 2


def _merge_text(folders: list[Path], dest: Path) -> None:
    """text.utf8 concatenated; character offsets (starts, mids) and byte offsets (bstarts, bmids)
    shifted by the text before each part."""
    starts, mids, bstarts, bmids = [], [], [], []
    chars = nbytes = 0
    with open(dest / "text.utf8", "wb") as out:
        for f in folders:
            s = np.load(f / "starts.npy").astype(np.int64)
            bs = np.load(f / "bstarts.npy").astype(np.int64)
            starts.append(s[:-1] + chars)
            mids.append(np.load(f / "mids.npy").astype(np.int64) + chars)
            bstarts.append(bs[:-1] + nbytes)
            bmids.append(np.load(f / "bmids.npy").astype(np.int64) + nbytes)
            chars += int(s[-1])
            nbytes += int(bs[-1])
            with open(f / "text.utf8", "rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
    for name, parts, end in (("starts", starts, chars), ("bstarts", bstarts, nbytes)):
        np.save(dest / f"{name}.npy", np.concatenate([*parts, [end]]).astype(np.int64), allow_pickle=False)
    for name, parts in (("mids", mids), ("bmids", bmids)):
        np.save(dest / f"{name}.npy", np.concatenate(parts).astype(np.int64), allow_pickle=False)


def _merge_table(folders: list[Path], shifts: list[int], prefix: str, counted: bool, dest: Path) -> None:
    """One gram table (keys, ptr, post and, counted, tf) of the parts: each gram's postings part after
    part, the later ones' section numbers shifted. A stable sort of all the parts' keys (distinct within
    a part) puts a gram's entries in part order; each entry's postings go where the running sum of the
    sorted entries' lengths says, one part at a time, into arrays written straight to their files."""
    keys = [np.load(f / f"{prefix}_keys.npy") for f in folders]
    ptrs = [np.load(f / f"{prefix}_ptr.npy").astype(np.int64) for f in folders]
    all_keys = np.concatenate(keys)
    order = np.argsort(all_keys, kind="stable")
    sorted_keys = all_keys[order]
    lengths = np.concatenate([np.diff(p) for p in ptrs])[order]
    ends = np.cumsum(lengths)
    total = int(ends[-1]) if len(ends) else 0
    first = np.ones(len(sorted_keys), dtype=bool)
    first[1:] = sorted_keys[1:] != sorted_keys[:-1]
    np.save(dest / f"{prefix}_keys.npy", sorted_keys[first], allow_pickle=False)
    np.save(dest / f"{prefix}_ptr.npy", np.append((ends - lengths)[first], total).astype(np.int64), allow_pickle=False)
    dest_start = np.empty(len(order), dtype=np.int64)
    dest_start[order] = ends - lengths  # per entry, in the parts' order: where its postings go
    del sorted_keys, lengths, ends, first, order
    post = np.lib.format.open_memmap(dest / f"{prefix}_post.npy", mode="w+", dtype=np.uint32, shape=(total,))
    tf = (np.lib.format.open_memmap(dest / f"{prefix}_tf.npy", mode="w+", dtype=np.uint16, shape=(total,))
          if counted else None)
    at = 0
    for f, ptr, k, shift in zip(folders, ptrs, keys, shifts, strict=True):
        n = len(k)
        start = dest_start[at:at + n]
        at += n
        where = np.repeat(start - ptr[:-1], np.diff(ptr)) + np.arange(ptr[-1], dtype=np.int64)
        post[where] = np.load(f / f"{prefix}_post.npy") + np.uint32(shift)
        if tf is not None:
            tf[where] = np.load(f / f"{prefix}_tf.npy")
        del where
    post.flush()
    if tf is not None:
        tf.flush()
    del post, tf


def _merge_section_texts(folders: list[Path], dest: Path) -> None:
    """sections.utf8 concatenated and each span shifted (a missing HTML's -1 kept)."""
    spans = []
    at = 0
    with open(dest / section_texts.DATA, "wb") as out:
        for f in folders:
            s = np.load(f / section_texts.SPANS).astype(np.int64)
            spans.append(np.where(s >= 0, s + at, s))
            with open(f / section_texts.DATA, "rb") as part:
                shutil.copyfileobj(part, out, 1 << 20)
            at += (f / section_texts.DATA).stat().st_size
    np.save(dest / section_texts.SPANS, np.concatenate(spans) if spans else np.zeros(0, dtype=np.int64),
            allow_pickle=False)
