"""HTML pages: search, report, help, OpenSearch description."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for

from indexer.search.collocates import collocates
from indexer.search.compare import compare, missing
from indexer.search.engine import search as run_search
from indexer.search.kwic import SORT_HINTS, SORT_LABELS, kwic
from indexer.search.limits import GROUP_MAX
from indexer.search.report import anchor, get_report
from indexer.search.results import doc_url
from indexer.search.trend import MEASURE_LABELS, MEASURES, trend
from indexer.search.versions import series_passages

from . import timeline, trendchart
from .context import library, public_base
from .errors import moved_or_missing, moved_or_missing_ids, with_query
from .gate import deadline
from .params import (
    BadParam,
    collocate_params,
    compare_params,
    kwic_params,
    marks_from,
    search_params,
    series_params,
    trend_params,
    within_from,
)

bp = Blueprint("views", __name__)


@bp.get("/")
def home():
    if request.args.get("q") is not None:
        return search()
    reader = library().reader()
    return render_template("home.html", stats=reader.stats())


@bp.get("/search")
def search():
    params = search_params(request.args, keep_bad=True)
    reader = library().reader()
    res = run_search(reader, params.q, params.filters, page=params.page, per_page=params.per_page, sort=params.sort,
                     group=params.group or None, deadline=deadline(), within=params.within or None,
                     copies=params.copies)
    chart = timeline.build(res.facets["year"], params.filters.years)
    shown = res.total_documents if params.group else res.total
    pages = max(1, -(-shown // params.per_page))
    trend_args = {"q": params.q, "within": params.within, "date": params.date if "date" not in params.bad else "",
                  "doc_type": params.doc_type, "region": params.region, "copies": params.copies}
    return render_template("search.html", p=params, res=res, chart=chart, pages=pages, group_max=GROUP_MAX,
                           trend_url=url_for("views.trend_page", **{k: v for k, v in trend_args.items() if v}),
                           kwic_url=url_for("views.kwic_page", **{k: v for k, v in params.args(page=None).items()
                                                                  if k in ("q", "year", "date", "doc_type", "region",
                                                                           "province", "copies")}),
                           api_url=url_for("api.search", **params.args(page=params.page if params.page > 1 else None)),
                           atom_url=url_for("feeds.search_atom", **params.args(page=None, group=None, per_page=None,
                                                                               sort=None)))


@bp.get("/trend")
def trend_page():
    params = trend_params(request.args, keep_bad=True)
    tr = trend(library().reader(), params.queries, params.filters, params.by or None, deadline=deadline(),
               within=params.within or None, copies=params.copies)
    return render_template("trend.html", p=params, tr=tr, chart=trendchart.build(tr), measures=MEASURES,
                           labels=MEASURE_LABELS, api_url=url_for("api.trend", **params.args()),
                           csv_url=url_for("downloads.trend_csv", **params.args(by=tr.measure)))


@bp.get("/doc/<path:doc_id>")
def doc(doc_id: str):
    q = request.args.get("q", "")[:2000]
    within = within_from(request.args)
    reader = library().reader()
    view = get_report(reader, doc_id, q or None, request.args.get("at", "")[:300] or None, within or None,
                      marks_from(request.args))
    if view is None:
        moved = _same_report(reader, doc_id)
        if moved:
            return redirect(with_query(doc_url(moved)))
        return moved_or_missing(reader, doc_id, doc_url)
    back = _results_page(q)
    return render_template("doc.html", r=view, q=q, within=within, back=back, base=public_base(),
                           api_url=url_for("api.doc", doc_id=doc_id, q=q or None, within=within or None),
                           marks_url=_marks_url(view))


def _marks_url(view):
    """A link to this report page marking the occurrences from the n-th on, landing on the first of them,
    with the other arguments kept (the results page it came from) but a concordance line's `at`."""
    args = {k: v for k, v in request.args.items() if k not in ("marks_from", "at")}

    def url(n: int) -> str:
        return url_for("views.doc", doc_id=view.doc_id, **args, **({"marks_from": n} if n > 1 else {})) + f"#{anchor(n)}"
    return url


@bp.get("/compare")
def compare_page():
    a, b = compare_params(request.args)
    reader = library().reader()
    cmp = compare(reader, a, b)
    if cmp is None:
        return moved_or_missing_ids(reader, "views.compare_page", missing(reader, a, b), {"a": a, "b": b})
    return render_template("compare.html", c=cmp, api_url=url_for("api.compare", a=a, b=b),
                           swap_url=url_for("views.compare_page", a=b, b=a))


@bp.get("/series")
def series_page():
    doc_id, q = series_params(request.args)
    reader = library().reader()
    found = series_passages(reader, doc_id, q)
    if found is None:
        return moved_or_missing_ids(reader, "views.series_page", doc_id, {"doc": doc_id}, q=q or None)
    return render_template("series.html", s=found, q=q, api_url=url_for("api.series", doc=doc_id, q=q or None))


def _results_page(q: str) -> dict:
    """The URL arguments of the results page a report was opened from (its link carries them)."""
    try:
        return search_params(request.args).here()
    except BadParam:
        return {"q": q}


def _same_report(reader, doc_id: str) -> str | None:
    """A file's first report is x.txt while it holds one and x.txt~1 once it holds more: a link
    shared before the file gained (or lost) a report still opens it."""
    other = doc_id.removesuffix("~1") if doc_id.endswith("~1") else doc_id + "~1"
    return other if reader.report_index(other) is not None else None


@bp.get("/help")
def help_page():
    return render_template("help.html")


@bp.get("/favicon.ico")
def favicon():
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template("opensearch.xml", root=public_base() or request.url_root.rstrip("/"))
    return Response(body, mimetype="application/opensearchdescription+xml")


@bp.get("/kwic")
def kwic_page():
    """The concordance: every occurrence on a line of its own, the term centred."""
    p = kwic_params(request.args, keep_bad=True)
    page = kwic(library().reader(), p.q, p.filters, width=p.width, sort=p.sort, page=p.page, per_page=p.per_page,
                copies=p.copies)
    rows = [{"value": y.year, "count": y.count} for y in page.by_year]
    return render_template("kwic.html", p=p, k=page, sorts=SORT_LABELS, hints=SORT_HINTS,
                           chart=timeline.build(rows, p.filters.years),
                           api_url=url_for("api.kwic", **p.args(page=p.page if p.page > 1 else None)))


@bp.get("/collocates")
def collocates_page():
    """The words that occur near the query more often than chance, optionally per period."""
    p = collocate_params(request.args, keep_bad=True)
    c = collocates(library().reader(), p.q, p.filters, window=p.window, by=p.by or None, limit=p.limit,
                   copies=p.copies)
    return render_template("collocates.html", p=p, c=c, api_url=url_for("api.collocates", **p.args()))
