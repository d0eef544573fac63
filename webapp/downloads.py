"""Downloads: every hit of a search, or every line of a concordance, as CSV or JSON Lines, and a trend
table as CSV, streamed.
A download is whole or refused: one the request's deadline would cut short is a 503 (try again)."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request, stream_with_context

from indexer.search import export
from indexer.search.engine import find
from indexer.search.kwic import kwic_lines
from indexer.search.limits import RERANK_MAX
from indexer.search.trend import trend as run_trend

from .context import library, link_base
from .gate import busy, deadline, holding
from .params import kwic_params, search_params, trend_params

bp = Blueprint("downloads", __name__)
TOO_LONG = "这次导出超出了服务器给一次请求的时间，没有导出不完整的文件；请稍后再试。"


def _attachment(body, mimetype: str, name: str) -> Response:
    resp = Response(holding(stream_with_context(body)), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f"attachment; filename=\"edusearch.{name.rsplit('.', 1)[1]}\"; " \
                                          f"filename*=UTF-8''{quote(name)}"
    return resp


def _rows():
    """The export's rows and file name, or None when the deadline left the search unranked."""
    params = search_params(request.args)
    reader = library().reader()
    results = find(reader, params.q, params.filters, params.sort, need=RERANK_MAX, deadline=deadline(),
                   within=params.within or None, copies=params.copies)
    if results.partial:
        return None
    return export.rows(reader, results, link_base()), _name(params.q)


def _name(q: str) -> str:
    keep = "".join(c for c in q if c.isalnum() or c in "-_")[:40]
    return f"edusearch-{keep}" if keep else "edusearch"


@bp.get("/export.csv")
def export_csv():
    found = _rows()
    if found is None:
        return busy(TOO_LONG)
    rows, name = found
    return _attachment(export.csv_text(rows), "text/csv", name + ".csv")


@bp.get("/export.jsonl")
def export_jsonl():
    found = _rows()
    if found is None:
        return busy(TOO_LONG)
    rows, name = found
    return _attachment(export.jsonl(rows), "application/x-ndjson; charset=utf-8", name + ".jsonl")


@bp.get("/trend.csv")
def trend_csv():
    params = trend_params(request.args)
    tr = run_trend(library().reader(), params.queries, params.filters, params.by or None, deadline=deadline(),
                   within=params.within or None, copies=params.copies)
    if tr.partial:
        return busy(TOO_LONG)
    return _attachment(export.trend_csv(tr), "text/csv", _name("-".join(params.queries)) + "-trend.csv")


def _kwic_lines():
    """Every line of the concordance, in the page's order, and the file's name."""
    p = kwic_params(request.args)
    lines = kwic_lines(library().reader(), p.q, p.filters, width=p.width, sort=p.sort, base_url=link_base(),
                       copies=p.copies)
    return lines, _name(p.q) + "-kwic"


@bp.get("/kwic.csv")
def kwic_csv():
    lines, name = _kwic_lines()
    return _attachment(export.kwic_csv(lines), "text/csv", name + ".csv")


@bp.get("/kwic.jsonl")
def kwic_jsonl():
    lines, name = _kwic_lines()
    return _attachment(export.jsonl(export.kwic_dicts(lines)), "application/x-ndjson; charset=utf-8", name + ".jsonl")
