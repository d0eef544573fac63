"""Bounded request cost: a search past its deadline answers every match unranked and says so, a trend
counts its first query only, an export is refused with 503 and Retry-After; searches beyond the
slots for heavy requests are refused at once while cheap pages keep answering. Deterministic: the
deadline is given as already spent (a budget of zero, or a clock that moves on when asked), the
slots as taken by the test itself; nothing waits on the machine's speed."""

from __future__ import annotations

import argparse
import json

import pytest

from indexer.search.engine import NO_TIME_FOR_TIPS, NOT_WIDENED, PARTIAL, Deadline, find, search
from indexer.search.matching import matching_sections
from indexer.search.trend import trend

DOC = "000_d895e07126d09c4a.txt~1"


def spent() -> Deadline:
    return Deadline(at=0.0, clock=lambda: 1.0)


def spent_on_call(n: int) -> Deadline:
    """A deadline whose clock says it is spent from its n-th look on: a phase boundary chosen by count."""
    calls = iter(range(1, 1000))
    return Deadline(at=n, clock=lambda: next(calls))


def test_deadline_after_zero_seconds_is_spent():
    assert Deadline.after(0).spent()
    assert not Deadline.after(3600).spent()


def test_spent_deadline_gives_every_match_unranked_with_a_notice(reader):
    whole = find(reader, "教育")
    cut = find(reader, "教育", deadline=spent())
    assert whole.total > 10 and not whole.partial
    assert cut.partial and PARTIAL in cut.notices
    assert sorted(cut.sids.tolist()) == sorted(whole.sids.tolist()) == matching_sections(reader, "教育").tolist()
    assert cut.sids.tolist() == sorted(cut.sids.tolist())  # index order: the ranking was skipped
    assert cut.facets == whole.facets and cut.total_documents == whole.total_documents
    page = search(reader, "教育", deadline=spent())
    assert page.to_dict()["partial"] is True and PARTIAL in page.notice and len(page.hits) == 10


def test_deadline_not_spent_changes_nothing(reader):
    a, b = find(reader, "防溺水"), find(reader, "防溺水", deadline=Deadline.after(3600))
    assert a.sids.tolist() == b.sids.tolist() and a.scores.tolist() == b.scores.tolist()
    assert not b.partial and a.notices == b.notices


def test_spent_deadline_does_not_widen_to_words(reader):
    assert find(reader, "溺水防范").mode == "words"
    cut = find(reader, "溺水防范", deadline=spent())
    assert cut.total == 0 and cut.mode == "exact" and cut.partial and NOT_WIDENED in cut.notices


def test_deadline_spent_before_suggestions_leaves_them_out(reader):
    assert search(reader, "防弱水").suggestions
    res = search(reader, "防弱水", deadline=spent_on_call(2))  # the first look (after matching) passes
    assert res.total == 0 and res.suggestions == [] and res.results.partial
    assert NO_TIME_FOR_TIPS in res.notice


def test_spent_deadline_counts_the_first_trend_query_only(reader):
    whole = trend(reader, ["教育", "防溺水", "安全"])
    cut = trend(reader, ["教育", "防溺水", "安全"], deadline=spent())
    assert not whole.partial and len(whole.series) == 3
    assert cut.partial and [s.query for s in cut.series] == ["教育"]
    assert cut.series[0] == whole.series[0]
    assert any("只统计了前 1 个检索式" in n for n in cut.notices)


@pytest.fixture
def spent_client(index_dir):
    from webapp import create_app

    app = create_app(index_dir, REQUEST_BUDGET=0)
    app.config.update(TESTING=True)
    return app.test_client()


def test_web_search_past_its_budget_is_partial_and_says_so(spent_client):
    r = spent_client.get("/api/search?q=教育")
    data = r.get_json()
    assert r.status_code == 200 and data["partial"] is True and PARTIAL in data["notice"] and data["total"] > 10
    page = spent_client.get("/search?q=教育")
    assert page.status_code == 200 and PARTIAL in page.get_data(as_text=True)
    tr = spent_client.get("/api/trend?q=教育&q=安全").get_json()
    assert tr["partial"] is True and len(tr["series"]) == 1


@pytest.mark.parametrize("path", ["/export.csv?q=教育", "/export.jsonl?q=教育", "/trend.csv?q=教育&q=安全"])
def test_export_past_its_budget_is_refused_with_retry_after(spent_client, path):
    r = spent_client.get(path)
    assert r.status_code == 503 and r.headers["Retry-After"].isdigit()
    assert "没有导出不完整的文件" in r.get_data(as_text=True)


def test_one_query_trend_csv_is_whole_even_past_the_budget(spent_client):
    r = spent_client.get("/trend.csv?q=教育")
    assert r.status_code == 200 and "教育" in r.get_data(as_text=True)


@pytest.fixture
def gated(index_dir):
    """An app with one slot for searches and one for downloads, and no queue."""
    from webapp import create_app

    app = create_app(index_dir, HEAVY_SLOTS=1, HEAVY_QUEUE=0, HEAVY_WAIT=0, DOWNLOAD_SLOTS=1, DOWNLOAD_QUEUE=0)
    app.config.update(TESTING=True)
    return app, app.extensions["edusearch.gates"]


SEARCHES = ["/api/search?q=教育", "/search?q=教育", "/?q=教育", "/api/trend?q=教育", "/trend?q=教育"]
DOWNLOADS = ["/export.csv?q=教育", "/export.jsonl?q=教育", "/trend.csv?q=教育"]
CHEAP = ["/", "/api/stats", f"/doc/{DOC}", f"/doc/{DOC}?q=教育", f"/api/doc/{DOC}", "/help", "/static/favicon.svg"]


def refused(r) -> bool:
    return r.status_code == 503 and r.headers["Retry-After"].isdigit() and "服务器正忙" in r.get_data(as_text=True)


def test_heavy_requests_beyond_the_slots_get_503_while_cheap_ones_answer(gated):
    app, gates = gated
    client = app.test_client()
    assert gates.searches.enter()  # the one slot, taken as a running search would
    try:
        for path in SEARCHES:
            assert refused(client.get(path)), path
        assert json.loads(client.get("/api/search?q=教育").data)["error"] == "服务器正忙"
        for path in CHEAP + DOWNLOADS:  # downloads have slots of their own
            assert client.get(path).status_code == 200, path
    finally:
        gates.searches.leave()
    assert client.get("/api/search?q=教育").status_code == 200


def test_downloads_beyond_their_slots_get_503_while_searches_answer(gated):
    """A download keeps its slot while it is sent: slow readers hold up other downloads, not searches."""
    app, gates = gated
    client = app.test_client()
    assert gates.downloads.enter()
    try:
        for path in DOWNLOADS:
            assert refused(client.get(path)), path
        for path in CHEAP + SEARCHES:
            assert client.get(path).status_code == 200, path
    finally:
        gates.downloads.leave()


@pytest.mark.parametrize("path", ["/api/search?q=教育", "/export.csv?q=教育", "/export.jsonl?q=教育",
                                  "/trend.csv?q=教育", "/api/search?q=教育&page=abc"])
def test_a_heavy_request_gives_its_slot_back(gated, path):
    """Streamed downloads included (the slot is held until the last row), and requests that fail."""
    app, gates = gated
    client = app.test_client()
    for _ in range(3):
        r = client.get(path)
        r.get_data()
        assert r.status_code in (200, 400), path
    for gate in (gates.searches, gates.downloads):
        assert gate.enter(), path  # free again
        gate.leave()


def test_gate_queue_is_bounded(gated):
    gate = gated[1].searches
    assert gate.enter()
    assert not gate.enter()  # no queue, no wait: refused at once
    gate.leave()
    assert gate.enter()
    gate.leave()


def test_serve_bounds_connections_and_passes_its_limits(index_dir, monkeypatch):
    """`edusearch serve` gives waitress a connection limit, an idle timeout it enforces often, poll()
    instead of select(), and the app its slots and budget."""
    from indexer.cli import build_parser, cmd_serve
    from webapp import server

    seen: dict = {}
    monkeypatch.setattr(server, "serve", lambda app, **kw: seen.update(app=app, **kw))  # waitress's options
    args = build_parser().parse_args(["serve", "--index", str(index_dir), "--threads", "6", "--heavy", "3",
                                      "--budget", "2.5", "--connection-limit", "500", "--channel-timeout", "20",
                                      "--kept-mb", "3", "--map-mb", "200"])
    assert isinstance(args, argparse.Namespace) and cmd_serve(args) == 0
    assert seen["connection_limit"] == 500 and seen["channel_timeout"] == 20
    assert seen["app"].extensions["edusearch"].reader().kept.max_bytes == 3 << 20
    assert seen["app"].extensions["edusearch"].reader().map_budget == 200 << 20
    assert seen["cleanup_interval"] <= 10 and seen["asyncore_use_poll"] is True and seen["threads"] == 6
    config = seen["app"].config
    assert config["HEAVY_SLOTS"] == 3 and config["REQUEST_BUDGET"] == 2.5
    gates = seen["app"].extensions["edusearch.gates"]
    assert gates.searches.slots == 3 and gates.searches.queue == 0  # 6 threads: 3 + 2 + 2 downloads, 2 cheap
    args = build_parser().parse_args(["serve", "--index", str(index_dir)])
    assert cmd_serve(args) == 0 and seen["threads"] == 24
    assert seen["app"].extensions["edusearch"].reader().kept.max_bytes == 24 << 20
    assert seen["app"].extensions["edusearch"].reader().map_budget == 64 << 20
    assert seen["app"].extensions["edusearch.gates"].searches.queue == 24 - 2 - 2 - 2 - 2
    for bad in ("-1", "lots", "5000"):  # said clearly, in both languages, by argparse's exit
        for option in ("--kept-mb", "--map-mb"):
            with pytest.raises(SystemExit):
                build_parser().parse_args(["serve", option, bad])
    defaults = build_parser().parse_args(["serve"])
    assert defaults.connection_limit > 100 and defaults.channel_timeout < 120  # waitress's own: 100 and 120 s


def test_a_streamed_export_holds_its_slot_until_its_last_row(gated):
    app, gates = gated
    gate = gates.downloads
    r = app.test_client().get("/export.jsonl?q=教育", buffered=False)
    assert r.status_code == 200
    rows = iter(r.response)
    assert next(rows)  # the first rows are out, the rest still to come
    assert not gate.enter()  # the download still holds the one slot
    assert list(rows)  # sent to the end: the slot is back, closed or not
    assert gate.enter()
    gate.leave()
    r.close()


def test_a_dropped_export_gives_its_slot_back(gated):
    app, gates = gated
    gate = gates.downloads
    r = app.test_client().get("/export.csv?q=教育", buffered=False)
    assert not gate.enter()
    r.close()  # the client went away before reading: the server closes the body
    assert gate.enter()
    gate.leave()


def test_a_proximity_past_its_deadline_is_partial_and_counts_what_it_left(reader):
    """A proximity condition checks its candidates one by one: past the deadline it leaves the rest, says
    how many, and what it answers is part of the whole answer, unranked."""
    from indexer.search.engine import NEAR_CUT

    whole = find(reader, "安全 /句 教育")
    candidates = len(matching_sections(reader, "安全 教育"))
    cut = find(reader, "安全 /句 教育", deadline=spent())
    assert whole.total > 0 and not whole.partial
    assert cut.partial and cut.total == 0 and NEAR_CUT.format(left=candidates) in cut.notices
    late = find(reader, "安全 /句 教育", deadline=spent_on_call(2))  # checked before its first look: all of it
    assert late.total == whole.total and sorted(late.sids.tolist()) == sorted(whole.sids.tolist())
    assert late.partial and PARTIAL in late.notices  # then unranked, as any search past its deadline
    assert matching_sections(reader, "安全 /句 教育").tolist() == sorted(whole.sids.tolist())  # no deadline: whole


def test_a_proximity_export_past_its_budget_is_refused(spent_client):
    assert spent_client.get("/api/search?q=安全+/句+教育").get_json()["partial"] is True
    assert spent_client.get("/export.csv?q=安全+/句+教育").status_code == 503


@pytest.fixture
def taken_port():
    """A port another program listens on."""
    import socket

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_serve_on_a_taken_port_says_so_in_one_line(index_dir, taken_port, capsys):
    from indexer.cli import main

    assert main(["serve", "--index", str(index_dir), "--port", str(taken_port)]) == 1
    err = capsys.readouterr().err
    assert f"端口 {taken_port} 已被占用，可用 --port 换一个" in err and "Traceback" not in err


def test_serve_without_an_index_says_the_port_is_taken_before_building(tmp_path, taken_port, capsys):
    from indexer.cli import main

    assert main(["serve", "--index", str(tmp_path / "new"), "--port", str(taken_port)]) == 1
    assert f"端口 {taken_port} 已被占用" in capsys.readouterr().err and not (tmp_path / "new").exists()


@pytest.mark.parametrize("port", ["80000", "0", "-1", "八千"])
def test_serve_refuses_a_port_that_cannot_be(port, capsys):
    from indexer.cli import build_parser

    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(["serve", "--port", port])
    assert e.value.code == 2 and "端口须" in capsys.readouterr().err


def test_an_address_not_of_this_machine_is_said(taken_port):
    from indexer.cli import cannot_listen

    assert "这台机器没有地址 192.0.2.1" in cannot_listen("192.0.2.1", 8000)  # TEST-NET-1: never assigned here
    assert "已被占用" in cannot_listen("127.0.0.1", taken_port)
