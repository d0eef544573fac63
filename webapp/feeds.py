"""/search.atom: a search as an Atom feed (RFC 4287), the newest matching sections first, each linking to
its section with the query marked; links are absolute, from `serve --base-url` or the request's address."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup

from indexer.search.feed import feed
from indexer.search.results import Hit

from .context import library, public_base
from .gate import deadline
from .params import feed_order, search_params

bp = Blueprint("feeds", __name__)

# characters XML 1.0 does not allow, not even escaped: a control character a PDF left in a snippet
# would make the whole feed unreadable to a feed reader
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@bp.get("/search.atom")
def search_atom():
    params = search_params(request.args)
    order = feed_order(request.args)
    f = feed(library().reader(), params.q, params.filters, order, deadline=deadline(), within=params.within or None)
    root = public_base() or request.url_root.rstrip("/")
    query = params.args(page=None, group=None, per_page=None, sort=None)
    marks = "?" + urlencode({"q": params.q, **({"within": params.within} if params.within else {})}) if params.q.strip() else ""
    entries = [{"e": e, "id": root + e.hit.url, "link": _section_link(root, e.hit, marks), "html": str.__str__(entry_html(e.hit))}  # plain text: escaped into the XML
               for e in f.entries]
    body = render_template("feed.xml", f=f, entries=entries, title=_title(params),
                           self_url=root + "/search.atom" + _qs({**query, "order": order if order != "indexed" else ""}),
                           page_url=root + "/search" + _qs(query))
    return Response(_NOT_XML.sub("", body), mimetype="application/atom+xml")


def _qs(args: dict) -> str:
    args = {k: v for k, v in args.items() if v not in ("", None)}
    return "?" + urlencode(args) if args else ""


def _section_link(root: str, hit: Hit, marks: str) -> str:
    path, _, anchor = hit.url.partition("#")
    return f"{root}{path}{marks}#{anchor}"


def _title(params) -> str:
    shown = [v.strip() for v in (params.q, params.year, params.date, params.doc_type, params.region, params.province) if v]
    shown = [v for v in shown if v]  # q=%20 is an empty query: 全部报告, not "edusearch："
    return "、".join(shown) or "全部报告"


def entry_html(hit: Hit) -> Markup:
    """An entry's content as HTML: where and when, the section's place in the report, the marked snippet."""
    facts = [x for x in (hit.place or hit.region, hit.issuer, hit.date or (str(hit.year) if hit.year else None),
                         hit.doc_no, hit.doc_type) if x]
    out = Markup("<p>{}</p>").format(" · ".join(map(str, facts)))
    if hit.heading_path:
        out += Markup("<p>{}</p>").format(" › ".join(hit.heading_path))
    return out + Markup("<p>") + Markup(hit.snippet_html) + Markup("</p>")  # snippets come escaped, marks added

