"""Whoosh's segment files read in place, not copied: with os.pread for a searcher.

whoosh3 maps a compound segment file and opens each part of it (stored fields,
per-document columns, the term table) as a BufferFile whose file object is
`BytesIO(memoryview)`: a full copy of the part in the process's own memory,
with every page of the map read to make it — about 300 MB of a server's RSS on
20 M characters. A reader over the view gives Whoosh the same read/seek/tell
without the copy, so only the pages a query touches are resident, and they are
page cache the kernel can drop. Random access (BufferFile.get) already reads
the view directly. `install()` is called once when an index is opened.

A searcher opens its index with `open_index`, which does not map the files at
all: each part of a segment file is read with os.pread, just the bytes asked
for. A memory map would read the same bytes, but every page a query touches
(and the kernel maps cached pages in blocks of up to 2 MB) stays in the
process's resident set, so a server's RSS grew with the corpus.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from whoosh.filedb import compound, structfile
from whoosh.filedb.filestore import FileStorage


class _RangeReader(io.RawIOBase):
    """A read-only, seekable file over `length` bytes; subclasses say how a range is read."""

    def __init__(self, length: int):
        super().__init__()
        self._length, self._pos = length, 0

    def _read(self, start: int, end: int) -> bytes:
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        end = self._length if size is None or size < 0 else min(self._pos + size, self._length)
        if end <= self._pos:
            return b""
        out = self._read(self._pos, end)
        self._pos += len(out)
        return out

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def peek(self, size: int = 1) -> bytes:
        """What read would return, without moving: pickle prefetches with it instead of
        reading its input a few bytes at a time (Whoosh pickles each posting block's header)."""
        end = min(self._pos + max(size, 1), self._length)
        return self._read(self._pos, end) if end > self._pos else b""

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._length}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos


class ViewReader(_RangeReader):
    """A read-only, seekable file over a memoryview."""

    def __init__(self, view: memoryview):
        super().__init__(len(view))
        self._view = view

    def _read(self, start: int, end: int) -> bytes:
        return bytes(self._view[start:end])

    def close(self) -> None:
        self._view = memoryview(b"")  # the BufferFile releases the real view itself
        super().close()


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    self._buf, self._name, self.onclose = buf, name, onclose
    self.file = ViewReader(buf) if isinstance(buf, memoryview) else io.BytesIO(buf)
    self.is_real = False
    self.is_closed = False


class PreadReader(_RangeReader):
    """A read-only, seekable file over part of an open file, read with os.pread: no shared
    file position, no buffer, no mapping."""

    def __init__(self, fd: int, offset: int, length: int):
        super().__init__(length)
        self._fd, self._offset = fd, offset

    def _read(self, start: int, end: int) -> bytes:
        return os.pread(self._fd, end - start, self._offset + start)


class _PreadFile(structfile.StructFile):
    """A StructFile whose random reads (get, used for stored fields and posting blocks) are one
    pread each, without moving the file position."""

    def get(self, position: int, length: int) -> bytes:
        f = self.file
        length = max(0, min(length, f._length - position))
        return os.pread(f._fd, length, f._offset + position) if length else b""


_open_file = compound.CompoundStorage.open_file


def _compound_open_file(self, name, *args, **kwargs):
    """An unmapped compound file's parts read with os.pread (mapped ones as Whoosh does)."""
    if self._source is None and self._file is not None and hasattr(self._file, "fileno"):
        offset, length = self.range(name)
        return _PreadFile(PreadReader(self._file.fileno(), offset, length), name=name)
    return _open_file(self, name, *args, **kwargs)


def install() -> None:
    """Make Whoosh's BufferFile read memoryviews in place, and unmapped compound files with
    os.pread (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
    compound.CompoundStorage.open_file = _compound_open_file


def open_index(folder: Path):
    """A Whoosh index whose files are read with os.pread rather than memory-mapped."""
    install()
    return FileStorage(str(folder), supports_mmap=False, readonly=True).open_index()
