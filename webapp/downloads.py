"""Downloads: every hit of a search as CSV or JSON Lines, and a trend table as CSV, streamed."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request, stream_with_context

from indexer.search import export
from indexer.search.engine import find
from indexer.search.trend import trend as run_trend

from .context import library, public_base
from .params import search_params, trend_params

bp = Blueprint("downloads", __name__)


def _attachment(body, mimetype: str, name: str) -> Response:
    resp = Response(stream_with_context(body), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename=\"edusearch.{name.rsplit('.', 1)[1]}\"; " \
                                          f"filename*=UTF-8''{quote(name)}"
    return resp


def _rows():
    params = search_params(request.args)
    reader = library().reader()
    results = find(reader, params.q, params.filters, params.sort)
    return export.rows(reader, results, public_base()), _name(params.q)


def _name(q: str) -> str:
    keep = "".join(c for c in q if c.isalnum() or c in "-_")[:40]
    return f"edusearch-{keep}" if keep else "edusearch"


@bp.get("/export.csv")
def export_csv():
    rows, name = _rows()
    return _attachment(export.csv_text(rows), "text/csv", name + ".csv")


@bp.get("/export.jsonl")
def export_jsonl():
    rows, name = _rows()
    return _attachment(export.jsonl(rows), "application/x-ndjson; charset=utf-8", name + ".jsonl")


@bp.get("/trend.csv")
def trend_csv():
    params = trend_params(request.args)
    tr = run_trend(library().reader(), params.queries, params.filters, params.by or None)
    return _attachment(export.trend_csv(tr), "text/csv", _name("-".join(params.queries)) + "-trend.csv")
