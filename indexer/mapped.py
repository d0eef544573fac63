"""Whoosh's segment files read in place from their memory map, not copied.

whoosh3 maps a compound segment file and opens each part of it (stored fields,
per-document columns, the term table) as a BufferFile whose file object is
`BytesIO(memoryview)`: a full copy of the part in the process's own memory,
with every page of the map read to make it — about 300 MB of a server's RSS on
20 M characters. A reader over the view gives Whoosh the same read/seek/tell
without the copy, so only the pages a query touches are resident, and they are
page cache the kernel can drop. Random access (BufferFile.get) already reads
the view directly. `install()` is called once when an index is opened.
"""

from __future__ import annotations

import io

from whoosh.filedb import structfile


class ViewReader(io.RawIOBase):
    """A read-only, seekable file over a memoryview."""

    def __init__(self, view: memoryview):
        super().__init__()
        self._view, self._pos = view, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = max(0, min(len(b), len(self._view) - self._pos))
        b[:n] = self._view[self._pos: self._pos + n]
        self._pos += n
        return n

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(self._pos + size, len(self._view))
        out = bytes(self._view[self._pos: end]) if end > self._pos else b""
        self._pos = max(self._pos, end)
        return out

    def peek(self, size: int = 1) -> bytes:
        """What read would return, without moving: pickle prefetches with it instead of
        reading its input a few bytes at a time (Whoosh pickles each posting block's header)."""
        return bytes(self._view[self._pos: self._pos + max(size, 1)])

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")  # the BufferFile releases the real view itself
        super().close()


def _buffer_file_init(self, buf, name=None, onclose=None) -> None:
    self._buf, self._name, self.onclose = buf, name, onclose
    self.file = ViewReader(buf) if isinstance(buf, memoryview) else io.BytesIO(buf)
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's BufferFile read memoryviews in place (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
