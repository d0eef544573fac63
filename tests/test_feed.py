"""/search.atom: a search as an Atom feed, read back with feedparser as a feed reader would, ordered by
when each document entered the index (kept for unchanged files through reindexes) or by its date."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from helpers import GOV

from indexer.search.feed import feed
from indexer.store import generations as store
from indexer.store.build import reindex, stamp_indexed
from indexer.store.reader import Library

OLD = ("2019_2019年白石县人民政府工作报告.txt", "2021_2021年白石县人民政府工作报告.txt")
NEW_NOTICE = """白石县教育局关于做好2031年暑期防溺水工作的通知

各乡镇中心学校：
一、压实责任
各校要把防溺水教育列入暑期安全的头等大事，<script>alert(1)</script> & 逐一家访。
二、加强巡查
汛期前后组织人员巡查河塘。

白石县教育局
2031年6月20日
"""


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "corpus"
    src.mkdir()
    for name in OLD:
        shutil.copy(GOV / name, src / name)
    return src


def atom(app, url: str):
    r = app.test_client().get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/atom+xml"
    parsed = feedparser.parse(r.get_data(), sanitize_html=False)  # the content as sent, <mark> included
    assert not parsed.bozo, parsed.get("bozo_exception")  # well-formed XML
    assert parsed.version == "atom10"
    rfc4287_rules(r.get_data())
    return parsed


def rfc4287_rules(data: bytes) -> None:
    """What RFC 4287 requires that a lenient reader would forgive: the feed and each entry have exactly one
    id (an absolute IRI, unique), title and updated (an RFC 3339 date-time); an author for each entry (its
    own or the feed's); a feed has one rel="self" link of its own address; an entry has an alternate link;
    html content is text (escaped), never child elements."""
    from lxml import etree

    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = etree.fromstring(data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
    ids = []
    for el in [root, *root.findall("a:entry", ns)]:
        for name in ("id", "title", "updated"):
            assert len(el.findall(f"a:{name}", ns)) == 1, name
        assert stamp.match(el.findtext("a:updated", namespaces=ns))
        ids.append(el.findtext("a:id", namespaces=ns))
    assert all(i.startswith(("http://", "https://")) for i in ids) and len(set(ids)) == len(ids)
    assert len(root.xpath("a:link[@rel='self']", namespaces=ns)) == 1 and root.findall("a:author/a:name", ns)
    for entry in root.findall("a:entry", ns):
        assert entry.xpath("a:link[@rel='alternate']/@href", namespaces=ns)
        assert all(stamp.match(p.text) for p in entry.findall("a:published", ns))
        content = entry.find("a:content", ns)
        assert content.get("type") == "html" and len(content) == 0


def app_for(root, **config):
    from webapp import create_app

    app = create_app(root, **config)
    app.config.update(TESTING=True)
    return app


def test_a_new_document_mentioning_the_query_comes_first_after_an_incremental_reindex(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    app = app_for(root)
    before = atom(app, "/search.atom?q=教育")
    assert before.entries and all("白石县人民政府工作报告" in e.title for e in before.entries)
    old_times = {e.id: e.updated for e in before.entries}

    (corpus / "白石县教育局关于做好暑期防溺水工作的通知.txt").write_text(NEW_NOTICE, encoding="utf-8")
    summary = reindex(root, progress=False)
    assert not summary.full and summary.indexed == 1
    after = atom(app, "/search.atom?q=教育")
    assert "防溺水" in after.entries[0].title and "2031" in after.entries[0].title
    new = [e for e in after.entries if e.id not in old_times]
    assert new and after.entries[:len(new)] == new  # every new section before every old one
    assert all(e.updated > max(old_times.values()) for e in new)
    assert {e.id: e.updated for e in after.entries if e.id in old_times} == old_times  # unchanged files keep their time
    assert after.feed.updated == new[0].updated


def test_entries_hold_title_place_date_and_marked_escaped_snippet_with_absolute_links(tmp_path, corpus):
    (corpus / "notice.txt").write_text(NEW_NOTICE, encoding="utf-8")
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    parsed = atom(app_for(root), "/search.atom?q=防溺水")
    e = parsed.entries[0]
    assert e.title.startswith("白石县教育局关于做好2031年暑期防溺水工作的通知")
    assert e.link.startswith("http://localhost/doc/notice.txt?q=%E9%98%B2%E6%BA%BA%E6%B0%B4#s")
    assert e.id.startswith("http://localhost/doc/notice.txt#s")
    assert "白石县教育局" in e.author and "2031-06-20" in e.content[0].value
    assert e.published.startswith("2031-06-20T00:00:00+08:00")
    html = next(x for x in parsed.entries if "压实责任" in x.title).content[0].value
    assert "<mark>防溺水</mark>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html  # the text's markup stays text
    assert parsed.feed.links[0].href.startswith("http://localhost/search.atom?q=")  # rel=self
    behind_proxy = atom(app_for(root, BASE_URL="https://example.org/edu/"), "/search.atom?q=防溺水")
    assert behind_proxy.entries[0].link.startswith("https://example.org/edu/doc/notice.txt?q=")
    assert behind_proxy.feed.id.startswith("https://example.org/edu/search.atom?")


def test_order_by_date_and_filters_as_on_the_results_page(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    (corpus / "notice.txt").write_text(NEW_NOTICE, encoding="utf-8")
    reindex(root, progress=False)
    app = app_for(root)
    by_date = atom(app, "/search.atom?q=教育&order=date")
    years = [int(e.title[:4]) if e.title[:4].isdigit() else 2031 for e in by_date.entries]
    assert years == sorted(years, reverse=True)
    only_2019 = atom(app, "/search.atom?q=教育&year=2019")
    assert only_2019.entries and all(e.title.startswith("2019年") for e in only_2019.entries)
    nothing = atom(app, "/search.atom?q=没有这个词语啊")
    assert nothing.entries == [] and nothing.feed.updated
    assert app.test_client().get("/search.atom?q=教育&order=oldest").status_code == 400


def test_a_control_character_in_a_report_does_not_break_the_feed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("某县教育局工作总结\n\n防溺水工作\x0b扎实推进。\x01\n", encoding="utf-8")
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    parsed = atom(app_for(root), "/search.atom?q=防溺水")
    assert "扎实推进" in parsed.entries[0].content[0].value


def test_results_page_links_its_feed(client):
    body = client.get("/search?q=防溺水&year=2015-2020").get_data(as_text=True)
    assert ('<link rel="alternate" type="application/atom+xml" title="edusearch：防溺水（新收入索引的在前）" '
            'href="/search.atom?q=%E9%98%B2%E6%BA%BA%E6%B0%B4&amp;year=2015-2020">') in body
    assert 'href="/search.atom?q=%E9%98%B2%E6%BA%BA%E6%B0%B4&amp;year=2015-2020&amp;order=date"' in body
    assert 'class="feed-link"' in body


def test_feed_function_orders_by_indexed_time_then_date(reader):
    f = feed(reader, "教育", limit=1000)
    keys = [(e.indexed_at, e.hit.date or "") for e in f.entries]
    assert [k[0] for k in keys] == sorted((k[0] for k in keys), reverse=True)
    assert len(f.entries) == min(1000, f.total) and f.to_dict()["entries"][0]["indexed_at"] == f.entries[0].indexed_at


def test_stamp_indexed_keeps_the_time_of_unchanged_files_and_never_goes_back():
    t0 = datetime(2030, 1, 1, tzinfo=UTC)
    entries = {"a": {"sha256": "1", "doc_rel": "a.txt"}, "b": {"sha256": "2", "doc_rel": "b.txt"}}
    stamp_indexed(entries, {}, now=t0)
    assert entries["a"]["indexed_at"] == entries["b"]["indexed_at"] == "2030-01-01T00:00:00.000000Z"
    previous = {"files": entries, "created": "2030-01-01T00:00:00Z"}
    later = {"a": {"sha256": "1", "doc_rel": "a.txt"}, "b": {"sha256": "changed", "doc_rel": "b.txt"},
             "c": {"sha256": "3", "doc_rel": "c.txt"}, "moved": {"sha256": "1", "doc_rel": "x/a.txt"}}
    stamp_indexed(later, previous, now=t0 - timedelta(hours=1))  # the clock stepped back
    assert later["a"]["indexed_at"] == "2030-01-01T00:00:00.000000Z"
    assert later["b"]["indexed_at"] == later["c"]["indexed_at"] == "2030-01-01T00:00:00.000001Z"
    assert later["moved"]["indexed_at"] == "2030-01-01T00:00:00.000000Z"  # a's content under another name
    before_times = {"files": {"a": {"sha256": "1", "doc_rel": "a.txt"}}, "created": "2029-05-01T08:00:00Z"}
    kept = {"a": {"sha256": "1", "doc_rel": "a.txt"}}
    stamp_indexed(kept, before_times, now=t0)
    assert kept["a"]["indexed_at"] == "2029-05-01T08:00:00.000000Z"  # the previous run: the latest it can have entered


def test_a_renamed_file_is_not_announced_as_new(tmp_path, corpus):
    """Moving a file with its content unchanged changes its doc id (ids follow paths) but not when its
    content entered the index, so the feed does not put it first as if it were new."""
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    first = store.read_manifest(store.current(root))["files"]
    name = sorted(first, key=lambda k: first[k]["doc_rel"])[0]
    old = corpus / first[name]["doc_rel"]
    (corpus / "moved").mkdir()
    old.rename(corpus / "moved" / ("renamed" + old.suffix))
    (corpus / "new.txt").write_text("某县教育局工作总结\n一、防溺水\n开展防溺水教育。\n", encoding="utf-8")
    reindex(root, progress=False)
    files = store.read_manifest(store.current(root))["files"]
    moved = next(e for e in files.values() if e["doc_rel"].startswith("moved/"))
    new = next(e for e in files.values() if e["doc_rel"] == "new.txt")
    assert moved["indexed_at"] == first[name]["indexed_at"] < new["indexed_at"]
    newest = feed(Library(root).reader(), "教育").entries[0]
    assert newest.hit.doc_id.startswith("new.txt")


def test_a_full_rebuild_keeps_when_unchanged_files_entered(tmp_path, corpus):
    root = tmp_path / "index"
    reindex(root, [corpus], progress=False)
    first = store.read_manifest(store.current(root))["files"]
    reindex(root, full=True, progress=False)
    again = store.read_manifest(store.current(root))["files"]
    assert {k: e["indexed_at"] for k, e in again.items()} == {k: e["indexed_at"] for k, e in first.items()}
    reader = Library(root).reader()
    assert len(set(reader.indexed_at.tolist())) == 1


def test_a_blank_query_is_titled_as_an_empty_one(client):
    """q=%20 was titled "edusearch：" while q= was "edusearch：全部报告"."""
    for q in ("", " ", "\u3000"):
        body = client.get("/search.atom", query_string={"q": q}).get_data(as_text=True)
        assert "<title>edusearch：全部报告</title>" in body
    page = client.get("/search", query_string={"q": " ", "year": "2019"}).get_data(as_text=True)
    assert 'title="edusearch：筛选结果（' in page
