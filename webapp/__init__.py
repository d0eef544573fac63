"""edusearch web front end: a Flask application factory.

Pages are rendered from what the search layer returns (indexer.search: engine.search,
trend.trend, report.get_report, export); the web layer never builds a query of its own.
Blueprints: views (HTML pages), api (their JSON twins under /api), downloads (CSV and
JSON Lines), feeds (a search as Atom); context gives them the index and the public base URL; gate bounds what searches,
trends and exports may cost (a few at a time, each with a deadline) so that cheap pages stay fast.
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

from flask import Flask, g, request

from indexer.store.kept import KEPT_BYTES, MAP_BYTES
from indexer.store.reader import Library

from . import errors, gate, security
from .api import bp as api_bp
from .downloads import bp as downloads_bp
from .feeds import bp as feeds_bp
from .views import bp as views_bp

log = logging.getLogger("edusearch.http")


def create_app(index_dir: str | os.PathLike | None = None, **config) -> Flask:
    app = Flask(__name__)
    app.config.update(
        INDEX_DIR=str(index_dir or os.environ.get("EDUSEARCH_INDEX") or "index"),
        JSON_AS_ASCII=False,
        MAX_CONTENT_LENGTH=64 * 1024,
        HEAVY_SLOTS=2,  # searches and trends at work at once (`serve --heavy`)
        HEAVY_QUEUE=4,  # more that may wait for a slot, beyond that a 503 at once; with THREADS, what they leave
        HEAVY_WAIT=10.0,  # seconds one may wait for a slot before its 503
        DOWNLOAD_SLOTS=2,  # downloads being made and sent at once, apart from searches
        DOWNLOAD_QUEUE=2,
        REQUEST_BUDGET=5.0,  # seconds of a search's work before its answer goes out partial (`serve --budget`)
        KEPT_BYTES=KEPT_BYTES,  # what searches found, kept for the next requests (`serve --kept-mb`)
        MAP_BYTES=MAP_BYTES,  # index text left mapped after searches scanned it (`serve --map-mb`)
        FREEZE=False,  # the reader's objects out of the garbage collector's passes: `serve` owns its process
    )
    app.config.update(config)
    app.config["BASE_URL"] = (app.config.get("BASE_URL") or "").rstrip("/")  # `serve --base-url`: links made absolute
    app.json.ensure_ascii = False
    app.extensions["edusearch"] = Library(Path(app.config["INDEX_DIR"]), kept_bytes=app.config["KEPT_BYTES"],
                                          map_bytes=app.config["MAP_BYTES"], freeze=app.config["FREEZE"])

    app.register_blueprint(views_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(feeds_bp)
    errors.register(app)
    security.register(app)

    @app.before_request
    def _start_timer():
        g.t0 = time.perf_counter()

    gate.register(app)  # after the timer: a request refused for want of a slot is logged with its time

    @app.after_request
    def _log(response):
        ms = (time.perf_counter() - g.get("t0", time.perf_counter())) * 1000
        log.info('%s "%s %s" %s %s %.1fms', request.remote_addr, _printable(request.method),
                 _printable(request.full_path.rstrip("?")), response.status_code, _size(response), ms)
        return response

    return app


def _size(response) -> str:
    """The body's length for the log, "-" for a streamed one: measuring that would read it all into
    memory before the first byte is sent (a download of every hit)."""
    if response.content_length is not None:
        return str(response.content_length)
    return "-" if response.is_streamed else str(response.calculate_content_length() or 0)


_CONTROL = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029"\\]')


def _printable(s: str) -> str:
    """A request's path as one log line can hold it: control characters (a decoded %0A would start a
    forged line, %00 write a NUL), quotes and backslashes written back as %XX."""
    return _CONTROL.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), s)
