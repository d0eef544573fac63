"""Bounded request cost: heavy requests take one of a few slots and a deadline; cheap ones (report
pages, /api/stats, help, static files) never wait for a slot, so they keep a server thread and
answer fast while searches pile up.

Searches and trends share one gate, downloads another: a download keeps its slot until its last
row is sent, and a client that reads slowly (or not at all) must not hold up everyone's searches.
A heavy request that finds every slot of its gate taken may wait a while for one, but only as many
as the queue holds: any beyond, or one whose wait runs out, is answered 503 with Retry-After at
once instead of holding a thread. Its deadline (indexer.search.engine.Deadline) starts once it has
a slot; a search past it answers a partial result that says so, a download a 503.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask import Flask, current_app, g, request

from indexer.search.engine import Deadline

from .errors import respond

# endpoints whose cost grows with the index and the query; the home page too when it searches (?q=)
SEARCHES = frozenset({"views.search", "views.trend_page", "api.search", "api.trend", "feeds.search_atom",
                      "views.series_page", "api.series", "views.compare_page", "api.compare", "views.kwic_page",
                      "api.kwic", "views.collocates_page", "api.collocates"})
DOWNLOADS = frozenset({"downloads.export_csv", "downloads.export_jsonl", "downloads.trend_csv", "downloads.kwic_csv",
                       "downloads.kwic_jsonl"})
RETRY_AFTER = 5  # seconds a client told 503 is asked to wait
CHEAP_THREADS = 2  # server threads that neither gate's slots nor queues may take: for cheap requests


class Busy(Exception):
    """Every slot of the request's gate is taken and its queue is full (or the wait ran out)."""


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


@dataclass
class Gates:
    """The app's two gates (app.extensions["edusearch.gates"])."""

    searches: Gate
    downloads: Gate

    def of_request(self) -> Gate | None:
        """The gate the current request goes through; None for a cheap one."""
        if request.endpoint in DOWNLOADS:
            return self.downloads
        if request.endpoint in SEARCHES or (request.endpoint == "views.home" and request.args.get("q") is not None):
            return self.searches
        return None


def deadline() -> Deadline | None:
    """The current request's deadline (None outside a heavy request, e.g. in the CLI's own calls)."""
    return g.get("deadline")


def busy(message: str = "服务器正忙：同时进行的检索和导出太多，请几秒后再试。"):
    """A 503 that says when to come back."""
    resp = current_app.make_response(respond(503, message, title="服务器正忙"))
    resp.headers["Retry-After"] = str(RETRY_AFTER)
    return resp


def register(app: Flask) -> None:
    c = app.config
    if c.get("THREADS"):  # the server's threads (`serve --threads`): searches may queue on what the rest leave
        c["HEAVY_QUEUE"] = max(0, c["THREADS"] - c["HEAVY_SLOTS"] - c["DOWNLOAD_SLOTS"] - c["DOWNLOAD_QUEUE"]
                               - CHEAP_THREADS)
    gates = Gates(searches=Gate(slots=c["HEAVY_SLOTS"], queue=c["HEAVY_QUEUE"], wait=c["HEAVY_WAIT"]),
                  downloads=Gate(slots=c["DOWNLOAD_SLOTS"], queue=c["DOWNLOAD_QUEUE"], wait=c["HEAVY_WAIT"]))
    app.extensions["edusearch.gates"] = gates

    @app.before_request
    def _take_slot():
        gate = gates.of_request()
        if gate is None:
            return None
        if not gate.enter():
            raise Busy
        g.slot = gate
        g.deadline = Deadline.after(c["REQUEST_BUDGET"])
        return None

    @app.teardown_request
    def _give_back(_exc):
        gate = g.pop("slot", None)  # None too when a streamed body took it over (holding)
        if gate is not None:
            gate.leave()

    @app.errorhandler(Busy)
    def _busy(_e):
        return busy()


def holding(body: Iterable) -> Iterable:
    """A streamed body that keeps its request's slot until it is sent or dropped: a download works
    as it sends, after its request's teardown has run."""
    gate = g.pop("slot", None)
    return body if gate is None else _Holding(body, gate)


class _Holding:
    """Iterates the body, giving the slot back at its end or when the server closes it, once."""

    def __init__(self, body: Iterable, gate: Gate):
        self._body, self._gate, self._held = body, gate, True

    def __iter__(self) -> Iterator:
        try:
            yield from self._body
        finally:
            self.close()

    def close(self) -> None:
        if self._held:
            self._held = False
            try:
                getattr(self._body, "close", lambda: None)()
            finally:
                self._gate.leave()

