"""HTML pages: search, report, help, OpenSearch description."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from indexer.report import get_report
from indexer.search import search as run_search

from . import library, timeline
from .params import search_params
from .reasons import zh_reason

bp = Blueprint("views", __name__)


@bp.get("/")
def home():
    if request.args.get("q") is not None:
        return search()
    reader = library().reader()
    return render_template("home.html", stats=reader.stats(), zh_reason=zh_reason)


@bp.get("/search")
def search():
    params = search_params(request.args)
    reader = library().reader()
    res = run_search(reader, params.q, params.filters, params.page, params.per_page)
    chart = timeline.build(res.facets["year"], params.filters.year_lo, params.filters.year_hi)
    pages = max(1, -(-res.total // params.per_page))
    return render_template("search.html", p=params, res=res, chart=chart, pages=pages,
                           api_url=url_for("api.search", **params.args(page=params.page if params.page > 1 else None)))


@bp.get("/doc/<path:doc_id>")
def doc(doc_id: str):
    q = request.args.get("q", "")[:2000]
    view = get_report(library().reader(), doc_id, q or None)
    if view is None:
        abort(404, description=f"没有编号为“{doc_id[:200]}”的报告。")
    return render_template("doc.html", r=view, q=q, api_url=url_for("api.doc", doc_id=doc_id))


@bp.get("/help")
def help_page():
    return render_template("help.html")


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml", root=request.url_root.rstrip("/"))
    return Response(body, mimetype="application/opensearchdescription+xml")
