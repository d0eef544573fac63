"""Bounded request cost: heavy requests (searches, trends, exports) take one of a few slots and a
deadline; cheap ones (report pages, /api/stats, help, static files) never wait for a slot, so
they keep a server thread and answer fast while searches pile up.

A heavy request that finds every slot taken may wait a while for one, but only as many as the
queue holds: any beyond, or one whose wait runs out, is answered 503 with Retry-After at once
instead of holding a thread. Its deadline (indexer.search.engine.Deadline) starts once it has a
slot; a search past it answers a partial result that says so, an export a 503.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from flask import Flask, current_app, g, request

from indexer.search.engine import Deadline

from .errors import respond

# endpoints whose cost grows with the index and the query; the home page only when it searches (?q=)
HEAVY = frozenset({"views.search", "views.trend_page", "api.search", "api.trend",
                   "downloads.export_csv", "downloads.export_jsonl", "downloads.trend_csv"})
RETRY_AFTER = 5  # seconds a client told 503 is asked to wait


class Busy(Exception):
    """Every slot for heavy requests is taken and the queue is full (or the wait ran out)."""


@dataclass
class Gate:
    """At most `slots` heavy requests at work, at most `queue` more waiting up to `wait` seconds each."""

    slots: int
    queue: int
    wait: float
    _free: threading.BoundedSemaphore = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    _waiting: int = field(init=False, default=0)

    def __post_init__(self):
        self._free = threading.BoundedSemaphore(self.slots)

    def enter(self) -> bool:
        """Take a slot (True), or say there is none to be had (False)."""
        if self._free.acquire(blocking=False):
            return True
        with self._lock:
            if self._waiting >= self.queue:
                return False
            self._waiting += 1
        try:
            return self._free.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self._waiting -= 1

    def leave(self) -> None:
        self._free.release()


def deadline() -> Deadline | None:
    """The current request's deadline (None outside a heavy request, e.g. in the CLI's own calls)."""
    return g.get("deadline")


def busy(message: str = "服务器正忙：同时进行的检索太多，请几秒后再试。"):
    """A 503 that says when to come back."""
    resp = current_app.make_response(respond(503, message, title="服务器正忙"))
    resp.headers["Retry-After"] = str(RETRY_AFTER)
    return resp


def register(app: Flask) -> None:
    gate = Gate(slots=app.config["HEAVY_SLOTS"], queue=app.config["HEAVY_QUEUE"], wait=app.config["HEAVY_WAIT"])
    app.extensions["edusearch.gate"] = gate

    @app.before_request
    def _take_slot():
        if not _is_heavy():
            return None
        if not gate.enter():
            raise Busy
        g.heavy_slot = True
        g.deadline = Deadline.after(app.config["REQUEST_BUDGET"])
        return None

    @app.teardown_request
    def _give_back(_exc):
        # a streamed export keeps its request open, and so its slot, until the last row is sent
        if g.pop("heavy_slot", False):
            gate.leave()

    @app.errorhandler(Busy)
    def _busy(_e):
        return busy()


def _is_heavy() -> bool:
    return request.endpoint in HEAVY or (request.endpoint == "views.home" and request.args.get("q") is not None)
