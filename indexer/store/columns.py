"""Files read on demand: a file's bytes, and a one-dimensional .npy array, with os.pread.

An index larger than memory is read a few runs at a time: what a query asks for is copied out and
nothing else stays in the process (a memory map would keep every page it touched resident). Only a
scan of much of a file maps it (FileBytes.mapped), and drops the map's pages after.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path

import numpy as np


class FileBytes:
    """A file's bytes read on demand with os.pread (data[a:b] is one call). `mapped` is the file
    memory-mapped, for a scan (a typo's variants): it reads much of a segment's text, and copying
    that out would cost more than the scan. The map's pages stay resident until `drop`."""

    def __init__(self, path: Path):
        self._fh = open(path, "rb", buffering=0)  # noqa: SIM115 (closed with the segment, when it is dropped)
        self._size = os.fstat(self._fh.fileno()).st_size
        self._map: mmap.mmap | None = None

    def mapped(self) -> mmap.mmap | bytes:
        if self._map is None:
            self._map = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ) if self._size else b""
        return self._map

    def drop(self) -> None:
        """Take the map's pages out of this process (they stay in the page cache; the next scan
        maps them again)."""
        if self._map:
            self._map.madvise(mmap.MADV_DONTNEED)

    def __len__(self) -> int:
        return self._size

    def read(self, offset: int, n: int) -> bytes:
        n = max(0, min(n, self._size - offset))
        out = os.pread(self._fh.fileno(), n, offset)
        while len(out) < n:  # a regular file returns everything at once; this is for the odd short read
            more = os.pread(self._fh.fileno(), n - len(out), offset + len(out))
            if not more:
                break
            out += more
        return out

    def __getitem__(self, key: slice) -> bytes:
        a, b, _ = key.indices(self._size)
        return self.read(a, b - a)


class Column:
    """A one-dimensional .npy array read with os.pread: col[a:b] and col[i] copy out just that part,
    np.asarray(col) the whole array. `find` looks a value up in a sorted column with one read,
    through every SAMPLE-th value kept in memory."""

    SAMPLE = 512

    def __init__(self, path: Path, sorted_: bool = False):
        self._file = FileBytes(path)
        fh = self._file._fh
        version = np.lib.format.read_magic(fh)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _fortran, self.dtype = read_header(fh)
        self._offset, self._n = fh.tell(), int(shape[0])
        self._fd, self._size = fh.fileno(), self.dtype.itemsize
        # every SAMPLE-th value through a map of the file: reading the whole column to keep 1/512 of it
        # left the process's heap holding a freed copy of each
        self._sample = np.load(path, mmap_mode="r")[:: self.SAMPLE].copy() if sorted_ and self._n else (
            np.empty(0, dtype=self.dtype) if sorted_ else None)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, key: int | slice) -> np.ndarray:
        if isinstance(key, slice):
            a, b, step = key.indices(self._n)
            if step != 1:
                raise IndexError("a column is read in contiguous runs")
            b = max(a, b)
            size = self.dtype.itemsize
            return np.frombuffer(self._file.read(self._offset + a * size, (b - a) * size), dtype=self.dtype)
        i = int(key) + (self._n if key < 0 else 0)
        if not 0 <= i < self._n:
            raise IndexError(key)
        return self[i:i + 1][0]

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self[:]
        return out if dtype is None else out.astype(dtype)

    def run(self, a: int, b: int) -> np.ndarray:
        """col[a:b] for 0 <= a <= b <= len: the one read a query's lookups make, without slice checks
        (a search reads tens of runs per segment)."""
        n = (b - a) * self._size
        raw = os.pread(self._fd, n, self._offset + a * self._size)
        if len(raw) < n:  # a regular file returns everything at once; this is for the odd short read
            raw = self._file.read(self._offset + a * self._size, n)
        return np.frombuffer(raw, dtype=self.dtype)

    def find(self, value: int) -> int:
        """Where value is in this sorted column, or -1."""
        value = self.dtype.type(value)  # a Python int makes numpy convert the whole array for the search
        j = int(self._sample.searchsorted(value, side="right")) - 1
        if j < 0:
            return -1
        a = j * self.SAMPLE
        block = self.run(a, min(a + self.SAMPLE, self._n))
        k = int(block.searchsorted(value))
        return a + k if k < len(block) and block[k] == value else -1


def run(col: np.ndarray | Column, a: int, b: int) -> np.ndarray:
    """col[a:b] of an array in memory or a column on disk (0 <= a <= b <= len)."""
    return col.run(a, b) if isinstance(col, Column) else col[a:b]
