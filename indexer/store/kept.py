"""What searches computed from one generation, kept for the next ones up to a size in bytes.

A user pages through a result, clicks a year or a type, sorts by date, opens the concordance of the
same query: each request searches again, and a string of three or more characters (人民法院 on a
large collection) is looked up in every segment's suffix array each time.
The generation does not change under a reader, so what was found stays true; the least recently
used goes first once the budget is passed (cachetools' LRUCache, behind a lock: server threads share
a reader). Values are opaque here: the search layer decides what is worth keeping and its size.
The pages of index text a search scanned are the other thing kept between searches, up to MAP_BYTES.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any

from cachetools import LRUCache

KEPT_BYTES = 24 << 20  # a server's budget: a dozen of a common string's hits on 155 M characters
MAP_BYTES = 64 << 20  # index text a reader leaves mapped after scanning it (IndexReader.trim): two merged segments


class Kept:
    """A thread-safe LRU of (value, nbytes) by key, at most max_bytes in all; 0 keeps nothing."""

    def __init__(self, max_bytes: int = KEPT_BYTES):
        self.max_bytes = max_bytes
        self._lru: LRUCache = LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda item: item[1])
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._lru.get(key)
        return None if item is None else item[0]

    def put(self, key: Hashable, value: Any, nbytes: int) -> None:
        """Keep value (of about nbytes) unless it alone passes the budget."""
        if not 0 < nbytes <= self.max_bytes:
            return
        with self._lock:
            self._lru[key] = (value, nbytes)

    @property
    def nbytes(self) -> int:
        with self._lock:
            return int(self._lru.currsize)
