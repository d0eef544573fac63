"""Incremental runs keep a generation's segments few and mostly alive: neighbouring small exact
segments folded into one of at most a batch's size, any exact segment mostly of removed sections
rewritten with its live ones, and Whoosh's merge policy extended in the same way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from whoosh.reading import SegmentReader
from whoosh.writing import MERGE_SMALL

from indexer.store.batches import BatchSections, save_exact
from indexer.store.catalog import Catalog
from indexer.store.exact import MAX_SEGMENT_SECTIONS, ExactSegment
from indexer.store.texts import SectionTexts

BATCH_CHARS = 4_000_000  # live characters an exact segment may hold when compaction merges segments
COMPACT_SEGMENTS = 8
COMPACT_DEAD_SHARE = 0.3


def needs_compaction(gen: Path, segments: list[str], live: np.ndarray) -> bool:
    """More than COMPACT_SEGMENTS small exact segments, or too many removed sections overall."""
    small = sum(_is_small(_segment_chars(gen / d, live)[0]) for d in segments)
    return small > COMPACT_SEGMENTS or (1 - live.sum() / max(len(live), 1)) > COMPACT_DEAD_SHARE


def compact(gen: Path, segments: list[str], live: np.ndarray) -> list[str]:
    """Fold runs of neighbouring exact segments into one of at most BATCH_CHARS live characters
    (dead sections keep their sid with no text), so memory stays bounded like a full build's;
    the generation's segment list afterwards."""
    out: list[str] = []
    for group in _compaction_groups(gen, segments, live):
        if len(group) == 1 and not _mostly_dead(gen / group[0], live):
            out.append(group[0])
            continue
        parts: list[Catalog] = []
        batch = BatchSections(Catalog())
        base = None
        for seg_dir in group:
            seg, kept = ExactSegment.load(gen / seg_dir), SectionTexts(gen / seg_dir)
            base = seg.base if base is None else base
            for local in range(seg.size):
                alive = live[seg.base + local]
                heading, body = seg.section_text(local) if alive else ("", "")
                batch.headings.append(heading)
                batch.bodies.append(body)
                text, html = kept[local] if alive else ("", None)
                batch.texts.append(text)
                batch.htmls.append(html)
            parts.append(Catalog.load(gen / seg_dir, signatures=True))
        batch.catalog = Catalog.concat(parts)
        seg_dir = f"exact/seg-c{base:06d}-{gen.name}"
        save_exact(gen / seg_dir, base, batch)
        for old_dir in group:
            shutil.rmtree(gen / old_dir, ignore_errors=True)
        out.append(seg_dir)
    return out


def _compaction_groups(gen: Path, segments: list[str], live: np.ndarray) -> list[list[str]]:
    """Neighbouring small segments (sid order) grouped while their live text fits in BATCH_CHARS;
    a segment of batch size stays on its own."""
    groups: list[list[str]] = []
    size = sections = 0
    for seg_dir in segments:
        chars, n = _segment_chars(gen / seg_dir, live)
        if groups and _is_small(chars) and size + chars <= BATCH_CHARS and sections + n < MAX_SEGMENT_SECTIONS:
            groups[-1].append(seg_dir)
            size, sections = size + chars, sections + n
        else:
            groups.append([seg_dir])
            size, sections = (chars, n) if _is_small(chars) else (BATCH_CHARS, MAX_SEGMENT_SECTIONS)
    return groups


def _segment_chars(folder: Path, live: np.ndarray) -> tuple[int, int]:
    """(live characters, sections) of an exact segment, from its arrays alone."""
    meta = json.loads((folder / "segment.json").read_text())
    starts = np.load(folder / "starts.npy", mmap_mode="r")
    alive = live[meta["base"]: meta["base"] + meta["size"]]
    return int(np.diff(np.asarray(starts))[alive].sum()), int(meta["size"])


def _is_small(chars: int) -> bool:
    return chars < BATCH_CHARS // 2


def _mostly_dead(folder: Path, live: np.ndarray) -> bool:
    meta = json.loads((folder / "segment.json").read_text())
    alive = live[meta["base"]: meta["base"] + meta["size"]]
    return len(alive) > 0 and 1 - alive.mean() > COMPACT_DEAD_SHARE


def merge_small_or_dead(writer, segments: list) -> list:
    """Whoosh's merge policy (small segments merged), and also every segment whose documents are
    mostly deleted rewritten with its live ones, as exact segments are compacted: removing a large
    source frees its disk instead of keeping its postings as deleted documents."""
    keep = []
    for seg in segments:
        if seg.deleted_count() > COMPACT_DEAD_SHARE * max(seg.doc_count_all(), 1):
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
        else:
            keep.append(seg)
    return MERGE_SMALL(writer, keep)
