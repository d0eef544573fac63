"""JSON twins of the pages: /api/search, /api/trend, /api/kwic, /api/collocates, /api/doc/<doc_id>, /api/compare,
/api/series, /api/stats."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, request, url_for

from indexer.search.collocates import collocates as run_collocates
from indexer.search.compare import compare as run_compare
from indexer.search.compare import missing
from indexer.search.engine import search as run_search
from indexer.search.kwic import kwic as run_kwic
from indexer.search.report import get_report
from indexer.search.trend import trend as run_trend
from indexer.search.versions import series_passages

from .context import library
from .errors import moved_or_missing, moved_or_missing_ids
from .gate import deadline
from .params import (
    collocate_params,
    compare_params,
    kwic_params,
    marks_from,
    search_params,
    series_params,
    trend_params,
    within_from,
)

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    params = search_params(request.args)
    res = run_search(library().reader(), params.q, params.filters, page=params.page, per_page=params.per_page,
                     sort=params.sort, group=params.group or None, deadline=deadline(), within=params.within or None,
                     copies=params.copies)
    return res.to_dict()


@bp.get("/trend")
def trend():
    params = trend_params(request.args)
    return run_trend(library().reader(), params.queries, params.filters, params.by or None,
                     deadline=deadline(), within=params.within or None, copies=params.copies).to_dict()


@bp.get("/kwic")
def kwic():
    p = kwic_params(request.args)
    return run_kwic(library().reader(), p.q, p.filters, width=p.width, sort=p.sort, page=p.page,
                    per_page=p.per_page, copies=p.copies).to_dict()


@bp.get("/collocates")
def collocates():
    p = collocate_params(request.args)
    return run_collocates(library().reader(), p.q, p.filters, window=p.window, by=p.by or None,
                          limit=p.limit, copies=p.copies).to_dict()


@bp.get("/doc/<path:doc_id>")
def doc(doc_id: str):
    reader = library().reader()
    view = get_report(reader, doc_id, request.args.get("q", "")[:2000] or None,
                      within=within_from(request.args) or None, marks_from=marks_from(request.args))
    if view is None:
        return moved_or_missing(reader, doc_id, lambda new: url_for("api.doc", doc_id=new))
    return view.to_dict()


@bp.get("/compare")
def compare():
    a, b = compare_params(request.args)
    reader = library().reader()
    cmp = run_compare(reader, a, b)
    if cmp is None:
        return moved_or_missing_ids(reader, "api.compare", missing(reader, a, b), {"a": a, "b": b})
    return cmp.to_dict()


@bp.get("/series")
def series():
    doc_id, q = series_params(request.args)
    reader = library().reader()
    found = series_passages(reader, doc_id, q)
    if found is None:
        return moved_or_missing_ids(reader, "api.series", doc_id, {"doc": doc_id}, q=q or None)
    return found.to_dict()


@bp.get("/stats")
def stats():
    st = asdict(library().reader().stats())
    st.pop("sources", None)  # where the files live on the server is not the reader's business
    return st
