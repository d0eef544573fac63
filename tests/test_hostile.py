"""Hostile documents and parameters: whatever a source file or a URL holds, no page runs it, no
parameter is unbounded, no path leaves the index, and no HTTP request changes the index."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import SEED_003

from indexer.cli import build_parser, main
from indexer.store import generations as store
from indexer.store.build import reindex

XSS = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg onload=alert(1)>"
IFRAME = '<iframe src="javascript:alert(1)"></iframe>'
REFLECTED = '"><script>alert(1)</script>'
HOSTILE_NAME = '"><svg onload=alert(1)>防溺水报告.txt'


def real_paragraphs(n: int) -> list[str]:
    lines = [ln.strip() for ln in SEED_003.read_text(encoding="utf-8").splitlines() if len(ln.strip()) > 40]
    return lines[:n]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    src = base / "src"
    (src / "sub").mkdir(parents=True)
    p = real_paragraphs(6)
    (src / "hostile.md").write_text(
        "---\n"
        f"title: '2021年校园安全工作要点{XSS}'\n"
        "year: 2021\n"
        "region: 县\n"
        f"issuer: '{IMG}'\n"
        "source_url: javascript:alert(1)\n"
        "---\n"
        f"# 2021年校园安全工作要点{XSS}\n\n"
        f"## 一、防溺水{IMG}\n\n"
        f"{p[0]} 开展防溺水教育。{XSS} [点我](javascript:alert(1)) [再点](JaVaScRiPt:alert(1)) "
        "[三点]( javascript:alert(1)) [四点](&#106;avascript:alert(1)) <javascript:alert(1)>\n\n"
        '<a href="javascript:alert(1)">链接</a> <a href="http://example.org/" onclick="alert(1)">好链接</a>\n\n'
        f"{IFRAME}\n\n{SVG}\n\n<object data=x></object><embed src=x><form action=javascript:alert(1)><button>提交</button></form>\n\n"
        f'[标题](http://a.example/ "t>y onmouseover=alert(1) x") 防溺水\n\n'
        f"## 二、{SVG}安全教育\n\n{p[1]} 防溺水 <style>body{{display:none}}</style> <base href=javascript:alert(1)//>\n\n"
        "<details open ontoggle=alert(1)>防溺水</details> <math><mtext><img src=x onerror=alert(1)></mtext></math>\n",
        encoding="utf-8")
    (src / "other.md").write_text(
        "---\ntitle: 2022年防溺水工作总结\nyear: 2022\n"
        "source_url: 'https://example.org/\" onmouseover=\"alert(1)'\n---\n"
        f"# 2022年防溺水工作总结\n\n## 一、防溺水\n\n{p[2]} 防溺水专项。\n", encoding="utf-8")
    (src / "hostile.txt").write_text(
        f"2020年防溺水工作总结{XSS}\n"
        f"一、防溺水{IMG}\n"
        f"{p[3]} 防溺水 {XSS} {SVG} {IFRAME} <a href=\"javascript:alert(1)\">x</a> javascript:alert(1)\n"
        f"二、<b onmouseover=alert(1)>安全</b>教育\n"
        f"{p[4]} 防溺水 &lt;script&gt;alert(1)&lt;/script&gt; </textarea><script>alert(1)</script>\n",
        encoding="utf-8")
    (src / "sub" / "hostile.html").write_text(
        "<!doctype html><html><head>"
        f"<title>2019年教育工作总结{XSS}&lt;script&gt;alert(2)&lt;/script&gt;</title>"
        "<script>alert(1)</script><meta http-equiv=refresh content='0;url=javascript:alert(1)'></head><body>"
        f"<h1>2019年教育工作总结 &lt;img src=x onerror=alert(1)&gt;</h1>"
        f"<h2>一、防溺水 {SVG}</h2><p>{p[5]} 防溺水 <a href=\"javascript:alert(1)\">链接</a> "
        "&lt;iframe src=javascript:alert(1)&gt; &lt;svg onload=alert(1)&gt; [md链接](javascript:alert(1))</p>"
        f"{IFRAME}<p onclick=alert(1)>防溺水 段落</p>"
        "<h2>二、&lt;script&gt;alert(1)&lt;/script&gt;标题</h2><p>防溺水 正文 <img src=x onerror=alert(1)></p>"
        "</body></html>", encoding="utf-8")
    (src / HOSTILE_NAME).write_text(
        f"防溺水报告\n一、防溺水\n{p[0]} 防溺水。\n", encoding="utf-8")
    index = base / "index"
    summary = reindex(index, [src], progress=False)
    assert summary.files == 5 and not summary.skipped, summary.line()
    return index


@pytest.fixture
def hc(hostile):
    from webapp import create_app

    app = create_app(hostile)
    app.config.update(TESTING=True)
    return app.test_client()


def doc_ids(hc) -> list[str]:
    data = hc.get("/api/search?q=防溺水&per_page=100").get_json()
    ids = sorted({h["doc_id"] for h in data["hits"]})
    assert len(ids) == 5, ids
    return ids


# -- what counts as executable markup ------------------------------------------------------

class _Tags(HTMLParser):
    """Start tags with their attributes, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k.lower(): (v or "") for k, v in attrs}))
        self._in_script = tag == "script"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "content")


def executable_markup(body: str) -> list[str]:
    """Every reason this page could run script; [] when it cannot."""
    found = []
    p = _Tags()
    p.feed(body)
    p.close()
    for tag, attrs in p.tags:
        if tag == "script" and attrs != {"src": "/static/app.js", "defer": ""}:
            found.append(f"<script {attrs}>")
        if tag in ("iframe", "frame", "object", "embed", "base", "math"):
            found.append(f"<{tag}>")
        if tag == "form" and attrs.get("action") != "/search":
            found.append(f"<form action={attrs.get('action')!r}>")  # the app's own forms all go to /search
        if tag == "meta" and "refresh" in attrs.get("http-equiv", "").lower():
            found.append("<meta refresh>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}=…>")
            if name in _URL_ATTRS:
                v = re.sub(r"[\x00-\x20]", "", value).lower()
                if v.startswith(("javascript:", "vbscript:", "data:text/html")) or "url=javascript:" in v:
                    found.append(f"<{tag} {name}={value!r}>")
    if p.script_text:
        found.append("inline script text")
    n_scripts = len(re.findall(r"<script", body, re.I))
    if n_scripts != body.count('<script src="/static/app.js"'):
        found.append("a <script other than the app's own")
    return found


def text(resp) -> str:
    return resp.get_data(as_text=True)


def check_page(resp, where: str) -> str:
    body = text(resp)
    assert resp.headers["Content-Type"].startswith("text/html"), where
    bad = executable_markup(body)
    assert not bad, f"{where}: {bad}"
    return body


def check_json_snippets(data: dict, where: str) -> None:
    for h in data["hits"]:
        html = h["snippet_html"]
        assert "<" not in html.replace("<mark>", "").replace("</mark>", ""), f"{where}: {html}"


# -- pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["防溺水", "alert", "script", "javascript", "onerror", "<script>", "svg onload", "iframe",
                               "title:script", "mark", "防溺水 OR alert"])
def test_search_page_and_api_never_carry_markup(hc, q):
    r = hc.get("/search", query_string={"q": q, "per_page": 50})
    assert r.status_code == 200
    check_page(r, f"/search?q={q}")
    r = hc.get("/api/search", query_string={"q": q, "per_page": 100})
    assert r.status_code == 200 and r.is_json
    check_json_snippets(r.get_json(), f"/api/search?q={q}")


def test_hostile_docs_are_found(hc):
    """The dangerous strings are data: searchable as text, shown escaped."""
    data = hc.get("/api/search", query_string={"q": "<script>alert(1)</script>", "per_page": 100}).get_json()
    assert data["total"] >= 1
    assert any("&lt;script&gt;" in h["snippet_html"] for h in data["hits"])


def test_report_pages_never_carry_markup(hc):
    for doc_id in doc_ids(hc):
        path = "/doc/" + quote(doc_id, safe="/~")
        for q in (None, "防溺水", "alert", "script", "onerror", "javascript", "y", "mark", "<script>"):
            r = hc.get(path, query_string={"q": q} if q else None)
            assert r.status_code == 200, (doc_id, q)
            check_page(r, f"{doc_id}?q={q}")
        api = hc.get("/api/doc/" + quote(doc_id, safe="/~"))
        assert api.status_code == 200 and api.is_json
        assert api.headers["Content-Type"].startswith("application/json")
        json.loads(text(api))


def test_source_url_only_linked_when_http(hc):
    ids = doc_ids(hc)
    hostile = next(i for i in ids if i.startswith("hostile.md"))
    body = check_page(hc.get("/doc/" + quote(hostile)), hostile)
    assert "原文链接" not in body  # javascript: source_url is not a link
    assert hc.get("/api/doc/" + quote(hostile)).get_json()["source_url"] == "javascript:alert(1)"  # data only
    other = next(i for i in ids if i.startswith("other.md"))
    body = check_page(hc.get("/doc/" + quote(other)), other)
    assert 'onmouseover="alert' not in body


def test_query_is_reflected_escaped(hc):
    for path in ("/search", "/", "/doc/hostile.txt"):
        r = hc.get(path, query_string={"q": REFLECTED})
        assert r.status_code == 200, path
        body = check_page(r, path)
        assert "<script>alert(1)" not in body and '"><script' not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body or "&#34;&gt;&lt;script" in body, path
    r = hc.get("/search", query_string={"q": "x", "year": '"><script>alert(1)</script>'})  # said beside the box
    assert r.status_code == 200 and "<script>alert(1)" not in text(r) and 'id="year-error"' in text(r)
    assert hc.get("/api/search", query_string={"q": "x", "year": '"><script>'}).status_code == 400
    r = hc.get("/search", query_string={"q": "防溺水", "doc_type": REFLECTED, "region": REFLECTED})
    assert r.status_code == 200
    body = check_page(r, "facet params")
    assert "<script>alert(1)" not in body


def test_404_reflects_doc_id_escaped(hc):
    r = hc.get("/doc/" + quote(REFLECTED))
    assert r.status_code == 404
    body = check_page(r, "404")
    assert "<script>alert(1)" not in body
    r = hc.get("/api/doc/" + quote(REFLECTED))
    assert r.status_code == 404 and r.is_json


def test_hostile_file_name(hc):
    doc_id = next(i for i in doc_ids(hc) if "svg" in i)
    assert doc_id == HOSTILE_NAME
    body = check_page(hc.get("/doc/" + quote(doc_id, safe="/~"), query_string={"q": "防溺水"}), "hostile name")
    assert "<svg onload" not in body
    check_page(hc.get("/search", query_string={"q": "防溺水报告"}), "hostile name in results")


# -- bounded parameters -----------------------------------------------------------------------

@pytest.mark.parametrize("qs,status", [
    ("per_page=100", 200), ("per_page=101", 400), ("per_page=10000", 400), ("per_page=-1", 400),
    ("page=1000", 200), ("page=1001", 400), ("page=" + "9" * 40, 400), ("page=-5", 400), ("limit=100000", 200),
    ("q=" + "教" * 5000, 200), ("year=" + "1" * 5000, 400),
])
def test_api_parameters_are_bounded(hc, qs, status):
    r = hc.get("/api/search?q=防溺水&" + qs)
    assert r.status_code == status, r.get_data(as_text=True)[:200]
    assert r.is_json
    if status == 200:
        assert r.get_json()["per_page"] <= 100


def test_search_page_parameters_are_bounded(hc):
    assert hc.get("/search?q=防溺水&per_page=101").status_code == 400
    assert hc.get("/search?q=防溺水&page=" + "9" * 40).status_code == 400


def test_cli_search_limit_10000(index_dir, capsys):
    assert main(["search", "教育", "--index", str(index_dir), "--limit", "10000", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["per_page"] == 10000 and data["total"] > 100
    assert len(data["hits"]) == min(data["total"], 10000)
    assert main(["search", "教育", "--index", str(index_dir), "--limit", "10000000", "--page", "99999999"]) == 0
    capsys.readouterr()


# -- paths ------------------------------------------------------------------------------------

TRAVERSAL = [
    "/doc/../manifest.json", "/doc/../../etc/passwd", "/doc/%2e%2e%2fmanifest.json", "/doc/%2e%2e/%2e%2e/etc/passwd",
    "/doc/%252e%252e%252fmanifest.json", "/doc/..%252f..%252fetc%252fpasswd", "/doc/....//....//etc/passwd",
    "/doc//etc/passwd", "/doc/%2Fetc%2Fpasswd", "/doc/sub/../hostile.txt", "/doc/sub/%2e%2e/hostile.txt",
    "/doc/..%5c..%5cmanifest.json", "/doc/%c0%ae%c0%ae/etc/passwd", "/doc/hostile.txt%00", "/doc/CURRENT",
    "/api/doc/..%2Fmanifest.json", "/api/doc/%252e%252e%252fmanifest.json", "/api/doc/../../etc/passwd",
    "/api/doc/%2e%2e/CURRENT", "/static/../../indexer/cli/__init__.py", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/%252e%252e/__init__.py", "/static/..%2f__init__.py",
]


@pytest.mark.parametrize("path", TRAVERSAL)
def test_path_traversal_is_404(hc, path):
    r = hc.get(path, follow_redirects=True)  # Werkzeug merges // with a 308 to the same site first
    assert r.status_code == 404, (path, r.status_code)
    assert all(h.location.startswith("/") or "://localhost/" in h.location for h in r.history)
    body = text(r)
    assert "root:" not in body and "dictionary_hash" not in body and "def main" not in body and "[project]" not in body


# -- headers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path,status", [
    ("/", 200), ("/search?q=防溺水", 200), ("/doc/hostile.txt", 200), ("/help", 200), ("/api/search?q=防溺水", 200),
    ("/api/doc/hostile.txt", 200), ("/api/stats", 200), ("/nope", 404), ("/doc/nope", 404), ("/api/doc/nope", 404),
    ("/api/search?per_page=101", 400), ("/static/app.js", 200), ("/opensearch.xml", 200),
])
def test_security_headers_everywhere(hc, path, status):
    r = hc.get(path)
    assert r.status_code == status
    csp = r.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert r.headers.get("X-Content-Type-Options") == "nosniff"
    assert r.headers.get("X-Frame-Options") == "DENY"
    assert r.headers.get("Referrer-Policy")


# -- serve binds to this machine only ------------------------------------------------------------

def test_serve_binds_localhost_by_default():
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
    exe = Path(sys.executable).with_name("edusearch")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "indexer.cli"]
    out = subprocess.run([*cmd, "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "127.0.0.1" in out.stdout and "0.0.0.0" not in out.stdout


# -- no HTTP request changes the index ------------------------------------------------------------

def test_no_endpoint_writes(hostile, hc):
    app = hc.application
    before = (store.current_token(hostile), (store.current(hostile) / store.MANIFEST).read_bytes())
    gens = sorted(p.name for p in hostile.iterdir())
    paths = []
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<path:\w+>", "hostile.txt", rule.rule)
        path = re.sub(r"<[^>]+>", "app.js", path)
        paths.append(path)
    assert {"/", "/search", "/doc/hostile.txt", "/api/search", "/api/doc/hostile.txt", "/api/stats"} <= set(paths)
    for path in paths:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            r = hc.open(path, method=method, data={"q": "x", "sources": "/", "full": "1"})
            assert r.status_code in (404, 405), (method, path, r.status_code)
            assert r.headers.get("X-Content-Type-Options") == "nosniff"
    after = (store.current_token(hostile), (store.current(hostile) / store.MANIFEST).read_bytes())
    assert after == before
    assert sorted(p.name for p in hostile.iterdir()) == gens


# -- the Host header and arguments meant for url_for ------------------------------------------------

@pytest.mark.parametrize("args", ["doc_id=x", "endpoint=x", "_method=POST", "_external=1&_scheme=https", "_anchor=a"])
def test_a_moved_report_redirects_whatever_the_arguments(client, args):
    """A report link that changed (x.txt → x.txt~1) redirects relative, with the query as it came:
    arguments named like url_for's own gave a 500, and _external=1 built the Location from Host."""
    from helpers import SEED_000

    r = client.get(f"/doc/{SEED_000.name}?{args}", headers={"Host": "evil.example"})
    assert r.status_code == 302
    assert r.headers["Location"] == f"/doc/{SEED_000.name}~1?{args}"


def test_serve_answers_only_its_own_host_names(index_dir, tmp_path):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the server, and no
    page is built from a Host an attacker chose (/opensearch.xml reflected it)."""
    import http.client
    from urllib.parse import urlsplit

    from helpers import running_server

    with running_server(index_dir, tmp_path / "serve.log") as (url, _proc):
        port = urlsplit(url).port

        def get(path: str, host: str) -> tuple[int, str]:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Host": host})
            resp = conn.getresponse()
            body = resp.read().decode("utf-8", "replace")
            conn.close()
            return resp.status, body

        assert get("/api/stats", "evil.example")[0] == 400
        assert get("/opensearch.xml", f"evil.example:{port}")[0] == 400
        for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
            status, body = get("/opensearch.xml", host)
            assert status == 200 and f"http://{host}/search" in body and "evil" not in body


def test_allowed_hosts_follow_the_bound_address_and_base_url():
    from indexer.cli import allowed_hosts

    def hosts(*argv):
        return allowed_hosts(build_parser().parse_args(["serve", *argv]))

    assert hosts() == ["127.0.0.1", "localhost", "::1"]
    assert hosts("--base-url", "https://edu.example.org/search") == ["127.0.0.1", "localhost", "::1", "edu.example.org"]
    assert hosts("--host", "0.0.0.0") is None  # every address: any name, unless told
    assert hosts("--host", "0.0.0.0", "--allowed-hosts", "a.example, b.example") == ["a.example", "b.example"]


def test_the_access_log_keeps_one_line_per_request(index_dir, tmp_path):
    """A decoded %0A split a log line (a forged entry), %00 wrote a NUL."""
    import urllib.request

    from helpers import running_server

    log = tmp_path / "serve.log"
    with running_server(index_dir, log) as (url, _proc):
        urllib.request.urlopen(url + "/search?q=a%0A127.0.0.1%20%22GET%20/forged%22%00%5C").read()
        urllib.request.urlopen(url + "/api/stats").read()  # written after the first: its line is complete
    lines = log.read_bytes().split(b"\n")
    assert b"\x00" not in log.read_bytes()
    hit = [ln for ln in lines if b"/search?q=" in ln]
    assert len(hit) == 1 and b"%0A" in hit[0] and b"%22" in hit[0] and b"%5C" in hit[0]
    assert not any(ln.startswith(b"127.0.0.1 \"GET /forged") for ln in lines)
