"""The production server (`edusearch serve`, waitress) as clients reach it: request lines as curl sends them."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
from helpers import CORPUS, SEED_000, brute_hits, running_server


def raw_get(url: str, target: bytes) -> tuple[int, dict[str, str], bytes]:
    """GET with the request target sent byte for byte as given (curl sends a pasted URL's Chinese raw)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + parts.netloc.encode() + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return int(status_line.split()[1]), headers, body


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, body = body.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out, body = out + body[:n], body[n + 2:]
    return out


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    log = tmp_path_factory.mktemp("server") / "serve.log"
    with running_server(index_dir, log) as (url, _proc):
        yield url, log


def test_raw_utf8_in_the_query_string_is_searched(server):
    """`curl 'http://…/api/search?q=防溺水'` got waitress's plain "Bad Request / Bad URI" and no log line."""
    url, log = server
    status, headers, body = raw_get(url, "/api/search?q=防溺水&per_page=100".encode())
    assert status == 200 and headers["content-type"].startswith("application/json")
    res = json.loads(body)
    assert res["query"] == "防溺水"
    assert res["total"] == len(brute_hits("防溺水", *CORPUS)) > 0
    status, _, page = raw_get(url, "/search?q=防溺水 家长".replace(" ", "%20").encode())
    assert status == 200 and 'value="防溺水 家长"' in page.decode()
    raw_get(url, b"/api/stats")  # logged after the searches: their lines are complete
    assert '"GET /api/search?q=%E9%98%B2%E6%BA%BA%E6%B0%B4&per_page=100" 200' in log.read_text(encoding="utf-8")


def test_raw_utf8_in_the_path_opens_the_report(server):
    url, _ = server
    name = SEED_000.name.replace("000", "零")  # no such report: the path must still reach the app, as Chinese
    status, headers, body = raw_get(url, f"/api/doc/{name}".encode())
    assert status == 404 and json.loads(body)["message"] == f"没有编号为“{name}”的报告。"
    status, _, page = raw_get(url, f"/doc/{SEED_000.name}~1?q=防溺水".encode())
    assert status == 200 and "<mark" in page.decode() and "防溺水" in page.decode()


def test_bytes_that_are_not_utf8_are_answered_not_refused(server):
    """GBK bytes (an old Windows client) are answered as the same bytes percent-encoded are: never a 400 or 500."""
    from urllib.parse import quote_from_bytes

    url, _ = server
    gbk = "防溺水".encode("gbk")
    status, _, body = raw_get(url, b"/api/search?q=" + gbk)
    assert status == 200
    assert json.loads(body)["query"] == json.loads(raw_get(url, b"/api/search?q=" + quote_from_bytes(gbk).encode())[2])["query"]


def test_encode_request_line_touches_only_the_request_line():
    from webapp.server import encode_request_line

    raw = "GET /search?q=防溺水 HTTP/1.1\r\nX-Note: 中文\r\n\r\n".encode()
    assert encode_request_line(raw) == b"GET /search?q=%E9%98%B2%E6%BA%BA%E6%B0%B4 HTTP/1.1\r\nX-Note: " \
                                       + "中文".encode() + b"\r\n\r\n"
    plain = b"GET /search?q=%E9%98%B2 HTTP/1.1\r\n\r\n"
    assert encode_request_line(plain) is plain


# -- links that must open from outside the browser (CSV in Excel, JSON Lines) ----------------------------


def _export_links(client, path: str, **kw) -> list[str]:
    import csv
    import io

    r = client.get(path, **kw)
    assert r.status_code == 200, r.get_data(as_text=True)
    body = r.get_data(as_text=True)
    if ".csv" in path:
        rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
        return [row.get("章节链接") or row["链接"] for row in rows]
    return [json.loads(line)["url"] for line in body.splitlines()]


@pytest.mark.parametrize("path", ["/export.csv?q=防溺水", "/export.jsonl?q=防溺水", "/kwic.csv?q=防溺水",
                                  "/kwic.jsonl?q=防溺水"])
def test_export_links_are_built_from_the_request_when_its_host_is_allowed(index_dir, path):
    """Links in a download opened from Excel must be absolute: without --base-url they were "/doc/…"."""
    from webapp import create_app

    hits = brute_hits("防溺水", *CORPUS)
    n = len(hits) if path.startswith("/export") else sum(hits.values())  # a concordance line per occurrence
    allowed = create_app(index_dir, TRUSTED_HOSTS=["edu.example", "localhost"]).test_client()
    links = _export_links(allowed, path, base_url="http://edu.example:8080")
    assert len(links) == n and all(u.startswith("http://edu.example:8080/doc/") and "?q=%E9" in u for u in links)
    assert allowed.get(path, base_url="http://evil.example").status_code == 400  # never built from another Host
    told = create_app(index_dir, TRUSTED_HOSTS=["edu.example"], BASE_URL="https://public.example/edu/").test_client()
    assert all(u.startswith("https://public.example/edu/doc/")
               for u in _export_links(told, path, base_url="http://edu.example:8080"))  # --base-url wins
    unchecked = create_app(index_dir).test_client()  # any Host answered (0.0.0.0 without --allowed-hosts)
    assert all(u.startswith("/doc/") for u in _export_links(unchecked, path, base_url="http://anything.example"))


def test_served_exports_link_back_to_the_server(server, index_dir, tmp_path):
    url, _ = server
    status, _, body = raw_get(url, "/export.csv?q=防溺水".encode())
    lines = body.decode("utf-8-sig").splitlines()[1:]
    assert status == 200 and lines and all(f",{url}/doc/" in line for line in lines)
    with running_server(index_dir, tmp_path / "serve.log", "--base-url", "https://edu.example.org/es") as (other, _p):
        body = raw_get(other, b"/export.jsonl?q=%E9%98%B2%E6%BA%BA%E6%B0%B4")[2].decode()
        assert all(json.loads(x)["url"].startswith("https://edu.example.org/es/doc/") for x in body.splitlines())


def test_serve_gives_waitress_its_options_and_the_parser_taking_raw_utf8(monkeypatch):
    from waitress.server import create_server

    from webapp import create_app, server

    made: dict = {}

    def create(app, map, **options):
        srv = create_server(app, map=map, **options)
        srv.run = lambda: made.update(server=srv, options=options)  # not served: the test only looks at it
        return srv

    monkeypatch.setattr(server, "create_server", create)
    server.serve(create_app(), host="127.0.0.1", port=0, threads=3, connection_limit=77)
    srv = made["server"]
    try:
        assert made["options"] == {"host": "127.0.0.1", "port": 0, "threads": 3, "connection_limit": 77}
        assert srv.adj.connection_limit == 77 and srv.channel_class.parser_class is server._Parser
    finally:
        srv.close()
        srv.task_dispatcher.shutdown()
