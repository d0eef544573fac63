"""Zero results get help: typo fixes and the keywords of a pasted sentence, never a changed query."""

from urllib.parse import quote

import pytest

from indexer.search import search


@pytest.mark.parametrize("typo, fixed", [("防弱水", "防溺水"), ("留手儿童", "留守儿童")])
def test_one_character_typo_suggests_the_indexed_string(reader, typo, fixed):
    assert search(reader, fixed).total > 0  # the bundled corpus holds the right string ...
    res = search(reader, typo)
    assert res.total == 0 and res.hits == []  # ... the typo finds nothing, and stays what was asked
    assert res.query == typo
    assert fixed in res.suggestions
    for s in res.suggestions:
        assert search(reader, s).total > 0, s


def test_typo_fix_keeps_the_rest_of_the_query(reader):
    res = search(reader, "防弱水 安全")
    assert res.total == 0
    assert "防溺水 安全" in res.suggestions


def test_long_pasted_sentence_suggests_its_keywords(reader):
    sentence = "关于进一步加强中小学生防溺水安全教育工作的通知"
    res = search(reader, sentence)
    assert res.total == 0 and res.query == sentence
    assert len(res.suggestions) == 1
    words = res.suggestions[0].split()
    assert "防溺水" in words
    assert all(w in sentence for w in words)
    assert search(reader, res.suggestions[0]).total > 0


def test_no_suggestions_when_something_matches(reader):
    assert search(reader, "防溺水").suggestions == []


def test_json_twin_carries_suggestions(client):
    body = client.get("/api/search?q=" + quote("防弱水")).get_json()
    assert body["query"] == "防弱水" and body["total"] == 0
    assert "防溺水" in body["suggestions"]


def test_page_links_each_suggestion(client):
    html = client.get("/search?q=" + quote("留手儿童")).get_data(as_text=True)
    assert "试试：" in html
    assert 'href="/search?q=' + quote("留守儿童") + '"' in html
    assert 'value="留手儿童"' in html  # the search box still holds what was typed
