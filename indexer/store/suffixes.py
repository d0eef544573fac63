"""A segment's suffix array: every occurrence of a string, found without reading the text around it.

The gram postings give the sections that hold all of a string's bigrams, a superset; for a string
of three or more characters each of those sections' text had to be searched, and for a common one
(人民法院 in 84,000 sections of 8x `laws`) that scan was most of a query's time and grew with the
collection. Sorted suffixes answer it directly: the suffixes that start with the string are one
run of the array, found by two binary searches, and beside each suffix the array keeps which
section (and heading or body) it starts in, so the run's owners are the answer, with the exact
count of occurrences per body. No text is scanned, whatever the string's frequency.

The array holds the UTF-8 byte offset of every character (UTF-8 orders strings as their code
points do, so the bytes are compared as they are stored), sorted with libdivsufsort on the
characters' ranks. Every SAMPLE-th suffix's first WIDTH bytes stay in memory; a search then reads
one block of offsets and a few strings of text with os.pread.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.store.columns import Column, FileBytes, run
from indexer.text.wholeword import CLASSES, char_classes

# libdivsufsort sorts with OpenMP threads, and a process forked after they started waits for them
# forever at its next sort (a build's workers are forked; a test or an API user may have built a small
# index in the parent first). One thread each: a build already runs one worker per core.
os.environ["OMP_NUM_THREADS"] = "1"
from pydivsufsort import divsufsort  # noqa: E402 (read when the library loads)

SAMPLE = 256  # one suffix in SAMPLE kept in memory, its first WIDTH bytes
WIDTH = 24  # bytes: eight Han characters
_POSITIONS, _OWNERS, _BEFORE, _SAMPLES = "suffix.npy", "suffix_owner.npy", "suffix_before.npy", "suffix_sample.npy"
_TOP = b"\xff"  # above every UTF-8 byte: string + _TOP bounds the suffixes that start with string


def exists(folder: Path) -> bool:
    return (folder / _SAMPLES).exists()


def build_saved(folder: Path) -> None:
    """The suffix array of a saved segment (a merged one, or a batch's), from its text and offsets."""
    data = (folder / "text.utf8").read_bytes()
    codes = np.frombuffer(data.decode("utf-8", "surrogatepass").encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    Suffixes.build(data, codes, np.load(folder / "starts.npy"), np.load(folder / "mids.npy")).save(folder)


@dataclass
class Suffixes:
    data: bytes | FileBytes  # the segment's UTF-8 text
    positions: np.ndarray | Column  # byte offset of each suffix, in sorted order
    owners: np.ndarray | Column  # uint32 per suffix: its section's local number << 1, | 1 in a body
    before: np.ndarray | Column  # uint8 per suffix: the class of the character before it (wholeword.CLASSES)
    samples: np.ndarray  # S{WIDTH}: positions[::SAMPLE]'s first bytes
    sections: int  # in the segment

    @classmethod
    def build(cls, data: bytes, codes: np.ndarray, starts: np.ndarray, mids: np.ndarray) -> Suffixes:
        """From the segment's text, as bytes and as code points, and its sections' character offsets
        (starts: n + 1 of them, mids: each heading's end)."""
        n = len(starts) - 1
        if not len(codes):
            empty = np.empty(0, dtype=np.uint32)
            return cls(data, empty, empty, empty.astype(np.uint8), np.empty(0, dtype=f"S{WIDTH}"), n)
        order = _sorted(codes)
        section = np.repeat(np.arange(n, dtype=np.uint32), np.diff(np.asarray(starts)))
        sid = section[order]
        del section
        owners = sid << np.uint32(1)
        owners |= order > np.asarray(mids).astype(np.uint32)[sid]  # a segment's characters fit 32 bits
        del sid
        before = char_classes(codes[order - 1])  # the first suffix (order 0) reads the last character, a SEP
        offsets = utf8_offsets(codes, np.uint32 if len(data) < 1 << 32 else np.int64)
        positions = offsets[order]
        del offsets, order
        return cls(data, positions, owners, before, _samples(data, positions[::SAMPLE]), n)

    def save(self, folder: Path) -> None:
        np.save(folder / _POSITIONS, self.positions, allow_pickle=False)
        np.save(folder / _OWNERS, self.owners, allow_pickle=False)
        np.save(folder / _BEFORE, self.before, allow_pickle=False)
        np.save(folder / _SAMPLES, self.samples, allow_pickle=False)  # last: its presence says the rest is there

    @classmethod
    def load(cls, folder: Path, data: FileBytes, sections: int) -> Suffixes:
        return cls(data, Column(folder / _POSITIONS), Column(folder / _OWNERS), Column(folder / _BEFORE),
                   np.load(folder / _SAMPLES, allow_pickle=False), sections)

    def occurrences(self, needle: bytes, left: int = 0, right: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local numbers of the sections whose heading holds needle, of those whose body does, the
        body's count of it, up to 65,535), each sorted by section. needle: UTF-8 without SEP. left,
        right: a class of wholeword.CLASSES that the character before (after) an occurrence must not
        be in (2020年 not inside 12020年, edu not in education), 0 for none."""
        a = self._first(needle)
        b = self._first(needle + _TOP)
        if a >= b:
            return _nowhere()
        keep = None
        if right:  # the suffixes going on with a character of the class: one run per range of code points
            keep = np.ones(b - a, dtype=bool)
            for lo, hi in CLASSES[right - 1]:
                keep[self._first(needle + chr(lo).encode()) - a:self._first(needle + chr(hi + 1).encode()) - a] = False
        if left:
            not_after = run(self.before, a, b) != left
            keep = not_after if keep is None else keep & not_after
        owners = run(self.owners, a, b)
        if keep is not None:
            owners = owners[keep]
            if not len(owners):
                return _nowhere()
        if len(owners) > self.sections // 8:  # many: one count over every section beats a sort
            counts = np.bincount(owners, minlength=2 * self.sections)
            held = np.flatnonzero(counts).astype(np.uint32)
            counts = counts[held]
        else:
            held, counts = np.unique(owners, return_counts=True)
        body = (held & 1).astype(bool)
        return held[~body] >> 1, held[body] >> 1, np.minimum(counts[body], 65535).astype(np.uint16)

    def _first(self, probe: bytes) -> int:
        """The first suffix whose first len(probe) bytes are not below probe (the array's length if none)."""
        n = len(self.positions)
        key = probe[:WIDTH]
        j = int(self.samples.searchsorted(key, side="left"))
        lo = max(0, (j - 1) * SAMPLE)  # sample j-1 is below key, so its suffix is below probe
        if len(probe) <= WIDTH:
            hi = min(j * SAMPLE, n)  # sample j is not below probe
        else:  # samples equal to key say nothing of the rest of probe
            hi = min(int(self.samples.searchsorted(key, side="right")) * SAMPLE, n)
        size = len(probe)
        base, block = lo, None
        if hi - lo <= 4 * SAMPLE:  # one read of the block's offsets, then one read of text per step
            block = run(self.positions, lo, hi).tolist()
        data = self.data
        while lo < hi:
            mid = (lo + hi) // 2
            p = block[mid - base] if block is not None else int(run(self.positions, mid, mid + 1)[0])
            if data[p:p + size] < probe:
                lo = mid + 1
            else:
                hi = mid
        return lo


def utf8_offsets(codes: np.ndarray, dtype: type = np.int64) -> np.ndarray:
    """The UTF-8 byte offset of each character of these code points, and of the end (len + 1 values;
    a lone surrogate takes three bytes, as surrogatepass writes it)."""
    widths = np.ones(len(codes) + 1, dtype=np.uint8)
    widths[0] = 0
    widths[1:] += (codes >= 0x80).view(np.uint8) + (codes >= 0x800).view(np.uint8) + (codes >= 0x10000).view(np.uint8)
    return np.cumsum(widths, dtype=dtype)


def _sorted(codes: np.ndarray) -> np.ndarray:
    """The characters' positions in the order of the text that starts at each (int32). Each code point
    becomes its rank among the segment's characters, written big-endian in two bytes (four past 65,536
    of them), so that libdivsufsort sorts bytes in the characters' order; of its byte positions the
    characters' first bytes are kept. Written out here rather than through pydivsufsort's own integer
    path, whose copies of its answer took twice the memory (two of these run at once in a build)."""
    present = np.zeros(int(codes.max()) + 1, dtype=bool)
    present[codes] = True
    rank = np.cumsum(present, dtype=np.uint32) - 1  # ranks keep the code points' order
    width = 2 if rank[-1] < 1 << 16 else 4
    encoded = rank.astype(f">u{width}")[codes]
    del present, rank
    out = divsufsort(encoded.view(np.uint8))
    del encoded
    low = out.view(np.uint8).reshape(-1, out.itemsize)[:, 0 if sys.byteorder == "little" else -1]
    out = out[(low & (width - 1)) == 0]  # the lowest byte tells a multiple of width, without a copy of out
    out //= width
    return out


def _nowhere() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    empty = np.empty(0, dtype=np.uint32)
    return empty, empty, np.empty(0, dtype=np.uint16)


def _samples(data: bytes, starts: np.ndarray) -> np.ndarray:
    """The first WIDTH bytes at each start, zeros past the end, as S{WIDTH} values: numpy compares
    them as bytes, ignoring trailing zeros, which a search string (no SEP in it) never has."""
    buf = np.frombuffer(data, dtype=np.uint8)
    idx = starts.astype(np.int64)[:, None] + np.arange(WIDTH)
    out = np.where(idx < len(buf), buf[np.minimum(idx, len(buf) - 1)], 0).astype(np.uint8)
    return np.ascontiguousarray(out).view(f"S{WIDTH}").ravel()
