"""Errors as pages (or JSON under /api), never a traceback."""

from __future__ import annotations

import logging
from urllib.parse import quote

from flask import Flask, Response, abort, redirect, render_template, request, url_for
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException

from indexer.store.generations import NoIndex, OldIndex

from .params import BadParam

log = logging.getLogger("edusearch.http")

MESSAGES = {
    400: "请求参数有误",
    404: "没有找到这个页面",
    405: "不支持这种请求方式",
    413: "请求太大",
    500: "服务器出了问题",
    503: "索引尚未建立",
}


# what to say when Werkzeug only has its English default description
DEFAULT_DETAILS = {
    400: "请求有误：地址或参数无法读取，或这个服务器不接受这个主机名（Host）。",
    404: "地址有误，或这份报告已不在索引中。可以从首页重新检索。",
    405: "这个地址只能用浏览器直接打开（GET 请求）。",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, message: str, title: str | None = None):
    """An error as JSON under /api, else as a page; title: the heading, when the status's usual one does not fit."""
    title = title or MESSAGES.get(status, "错误")
    if wants_json():
        return {"error": title, "message": message, "status": status}, status
    if request_ctx.url_adapter is None:  # a Host not allowed: no link can be built, so no page around it
        return Response(f"{status} {title}：{message}\n", status, mimetype="text/plain; charset=utf-8")
    return render_template("error.html", status=status, title=title, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(BadParam)
    def bad_param(e):
        return respond(400, str(e))

    @app.errorhandler(NoIndex)
    def no_index(e):
        if isinstance(e, OldIndex):
            return respond(503, "索引是旧版本的 edusearch 建立的：请运行 edusearch reindex 重建。")
        return respond(503, "还没有索引：请先运行 edusearch reindex。")

    @app.errorhandler(HTTPException)
    def http_error(e):
        said = e.description if e.description != type(e).description else ""  # abort(…, description=…) is ours
        return respond(e.code or 500, said or DEFAULT_DETAILS.get(e.code, MESSAGES.get(e.code, "出错了")))

    @app.errorhandler(Exception)
    def unexpected(e):
        log.exception("unhandled error on %s", request.path)
        return respond(500, "请稍后再试；这个错误已记录。")


def no_report(doc_id: str):
    """404 for a doc id the index does not hold (report, compare and series pages and their JSON)."""
    abort(404, description=f"没有编号为“{doc_id[:200]}”的报告。")


def with_query(url: str) -> str:
    """url with this request's query string as it came (raw bytes encoded, %XX kept): a redirect to
    another doc id, where no argument can steer url_for. The browser keeps the #section itself."""
    query = quote(request.query_string, safe="=&%+;/?:@,$!*'()~")
    return url + (f"?{query}" if query else "")


def moved_or_missing_ids(reader, endpoint: str, gone: str | None, ids: dict[str, str], **keep) -> Response:
    """For a page of several doc ids (compare a=&b=, series doc=) one of which the index lacks: a
    permanent redirect to endpoint with the ids of renamed or moved files' reports replaced by their
    new ones (and the arguments `keep`), else the 404 of no_report for `gone`."""
    new = {k: reader.moved_to(v) or v for k, v in ids.items()}
    if new == ids:
        no_report(gone)
    return redirect(url_for(endpoint, **new, **keep), code=301)


def moved_or_missing(reader, doc_id: str, url_of) -> Response:
    """A permanent redirect (url_of(new id)) for the id of a report whose file was renamed or moved,
    else the 404 of no_report."""
    new = reader.moved_to(doc_id)
    if new is None:
        no_report(doc_id)
    return redirect(with_query(url_of(new)), code=301)
