"""JSON twins of the pages: /api/search, /api/trend, /api/doc/<doc_id>, /api/stats."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, request

from indexer.search.engine import search as run_search
from indexer.search.report import get_report
from indexer.search.trend import trend as run_trend

from .context import library
from .gate import deadline
from .params import search_params, trend_params

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    params = search_params(request.args)
    res = run_search(library().reader(), params.q, params.filters, page=params.page, per_page=params.per_page,
                     sort=params.sort, group=params.group or None, deadline=deadline(),
                     copies=params.copies_mode)
    return res.to_dict()


@bp.get("/trend")
def trend():
    params = trend_params(request.args)
    return run_trend(library().reader(), params.queries, params.filters, params.by or None,
                     deadline=deadline(), copies=params.copies_mode).to_dict()


@bp.get("/doc/<path:doc_id>")
def doc(doc_id: str):
    view = get_report(library().reader(), doc_id)
    if view is None:
        abort(404, description=f"没有编号为“{doc_id[:200]}”的报告。")
    return view.to_dict()


@bp.get("/stats")
def stats():
    st = asdict(library().reader().stats())
    st.pop("sources", None)  # where the files live on the server is not the reader's business
    return st
