"""Zero results get help: typo fixes and the keywords of a pasted sentence, never a changed query."""

from urllib.parse import quote

import pytest

from indexer.search.engine import search


@pytest.mark.parametrize("typo, fixed", [("防弱水", "防溺水"), ("留手儿童", "留守儿童")])
def test_one_character_typo_suggests_the_indexed_string(reader, typo, fixed):
    assert search(reader, fixed).total > 0  # the indexed seeds hold the right string ...
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


def test_the_command_line_offers_them_too(index_dir, capsys):
    from indexer.cli import main

    assert main(["search", "留手儿童", "--index", str(index_dir)]) == 0
    assert "试试：留守儿童" in capsys.readouterr().out
    assert main(["search", "留守儿童", "--index", str(index_dir)]) == 0
    assert "试试：" not in capsys.readouterr().out


@pytest.mark.parametrize("typo", ["弱水", "防弱", "教肓"])
def test_typo_fixes_are_words_not_punctuation(reader, typo):
    """弱水 once offered 、水: a bigram with punctuation is common, but no one means to search it."""
    res = search(reader, typo)
    assert res.total == 0 and res.suggestions
    for s in res.suggestions:
        assert all("\u4e00" <= c <= "\u9fff" for c in s), s


def test_words_fallback_finds_what_whooshs_own_query_finds(tmp_path):
    """sections_with_words reads postings block by block; it must agree with Whoosh's And/Or query,
    also on an index where Whoosh still keeps the postings of removed sections."""
    import shutil

    from helpers import GOV, SEED_000, county_reports
    from whoosh import query as wq

    from indexer.store.build import reindex
    from indexer.store.reader import Library
    from indexer.store.schema import WORD_FIELDS

    src = tmp_path / "src"
    shutil.copytree(GOV, src)
    county_reports(src / "counties", 8)  # enough sections for posting lists of several blocks
    shutil.copy(SEED_000, src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    (src / sorted(p.name for p in src.glob("20*.txt"))[-1]).unlink()
    reindex(root, progress=False)
    reader = Library(root).reader()
    assert reader.searcher().reader().has_deletions()
    checked = 0
    for words in (["教育"], ["学校", "安全"], ["人民", "政府", "工作"], ["溺水"], ["教育", "没有这个词"], ["改革", "开放", "经济"]):
        q = wq.And([wq.Or([wq.Term(f, w) for f in WORD_FIELDS]) for w in words])
        docs = list(reader.searcher().docs_for_query(q))
        expected = sorted(int(reader.doc_to_sid[d]) for d in docs if reader.doc_to_sid[d] >= 0)
        got = reader.sections_with_words(words, WORD_FIELDS)
        assert got.tolist() == expected
        checked += len(expected)
    assert checked > 1000


def test_posting_lists_decoded_with_numpy_equal_whooshs_matchers(index_dir):
    """whoosh_io.postings reads a term's postings in one go; every term of every words field, inlined
    (rare), one block or many, compressed or not, gives the ids Whoosh's own matcher walks."""
    import numpy as np
    from whoosh.matching.wrappers import FilterMatcher

    from indexer.store.reader import Library
    from indexer.store.schema import WORD_FIELDS
    from indexer.store.whoosh_io import postings

    reader = Library(index_dir).reader()
    many = 0
    for leaf, _offset in reader.searcher().reader().leaf_readers():
        for field in WORD_FIELDS:
            for word in leaf.field_terms(field):
                m = leaf.postings(field, word)
                m = m.child if isinstance(m, FilterMatcher) else m
                want = list(m.all_ids())
                assert postings.doc_ids(leaf, field, word).tolist() == want, (field, word)
                assert postings.doc_frequency(leaf, field, word) == len(want)
                many += len(want) > 128
                for among in (want[::97], want[-1:], [want[0] + 1, 10**9], []):  # asked about a few only
                    asked = np.array(sorted(set(among)), dtype=np.int64)
                    got = postings.doc_ids(leaf, field, word, asked).tolist()
                    assert set(got) <= set(want) and got == sorted(got), (field, word)
                    assert set(want) & set(asked.tolist()) <= set(got), (field, word)
        assert postings.doc_ids(leaf, "body", "没有这个词").tolist() == []
        assert postings.doc_frequency(leaf, "body", "没有这个词") == 0
    assert many > 0  # lists of several blocks were among them


def test_posting_lists_of_an_index_without_segments():
    """Whoosh reads an index without segments as an EmptyReader: no postings, no error."""
    from whoosh.reading import EmptyReader

    from indexer.store.schema import build_schema
    from indexer.store.whoosh_io import postings

    empty = EmptyReader(build_schema("0"))
    assert postings.doc_frequency(empty, "body", "教育") == 0
    assert postings.doc_ids(empty, "body", "教育").tolist() == []


def test_typo_fixes_are_looked_for_in_chinese_strings_of_two_to_twelve_characters():
    from indexer.search.suggest import may_have_fixes

    assert may_have_fixes("防弱水") and may_have_fixes("留手") and may_have_fixes("县" * 12)
    assert not any(may_have_fixes(t) for t in ("防", "县" * 13, "pm2.5", "covid", "2008年"))


@pytest.mark.parametrize("term", ["防溺水", "留守儿童", "安全教育", "中小学生", "教育局"])
def test_variants_looked_up_together_are_what_each_lookup_finds(reader, term):
    """Evaluator.variants (one scan for every character at one place) leaves, for each variant, the
    sections that looking it up alone finds, in its heading and in its body."""
    import numpy as np

    from indexer.search.matching import Evaluator
    from indexer.search.parser import Term

    chars = sorted({c for sid in range(min(reader.n, 400)) for c in "".join(reader.segment_of(sid)[0].section_text(
        reader.segment_of(sid)[1])) if "\u4e00" <= c <= "\u9fff"})[:300] + list(term)
    for at in range(len(term)):
        together = Evaluator(reader)
        together.variants(term, at, chars)
        found = 0
        for c in chars:
            v = term[:at] + c + term[at + 1:]
            alone = Evaluator(reader).term(Term(v, v))
            got = together.term(Term(v, v))
            assert got.head.tolist() == alone.head.tolist() and got.body.tolist() == alone.body.tolist(), v
            assert np.array_equal(got.mask, alone.mask), v
            found += got.df > 0
        assert found  # the term itself (its own character is among chars) or a variant occurs


@pytest.mark.parametrize("typo", ["防弱水", "留手儿童", "安全教肓", "教育司"])
@pytest.mark.parametrize("every_place", [False, True])
def test_typo_fixes_counted_place_by_place_are_the_ones_counted_one_by_one(reader, monkeypatch, typo, every_place):
    """The same fixes in the same order, whether each variant is counted alone or its place is scanned
    for all of them (every_place: at each place, whatever it costs; else where it pays)."""
    from indexer.search import suggest

    if every_place:
        monkeypatch.setattr(suggest, "_places_to_scan", lambda grams, term, places, bound: set(places))
    from indexer.search.matching import Evaluator
    from indexer.search.parser import Term

    one, scanned = Evaluator(reader), Evaluator(reader)
    scans = []

    def count_at(at, chars):
        scans.append(at)
        scanned.variants(typo, at, chars)

    alone = list(suggest.typo_fixes(reader.grams, typo, lambda v: one.term(Term(v, v)).df))
    both = list(suggest.typo_fixes(reader.grams, typo, lambda v: scanned.term(Term(v, v)).df, count_at))
    assert both == alone
    assert alone or typo == "教育司"
    assert not every_place or scans


def test_a_string_occurs_where_looking_it_up_finds_it(reader):
    """Evaluator.occurs, which stops at the first segment holding the string, agrees with term()'s
    whole lookup: strings of one, two and more characters, in headings or bodies, and ones nowhere."""
    from indexer.search.matching import Evaluator
    from indexer.search.parser import Term

    strings = ["防溺水", "溺水", "教育", "留守儿童", "安全教育工作", "防弱水", "水防", "中小学生", "通知", "pm2.5",
               "关于进一步加强", "没有这句话", "县", "", "一、"]
    seen = {True: 0, False: 0}
    for s in [x for x in strings if x]:
        want = Evaluator(reader).term(Term(s, s)).df > 0
        assert Evaluator(reader).occurs(s) == want, s
        seen[want] += 1
    assert seen[True] and seen[False]


def test_a_string_only_a_removed_file_held_occurs_nowhere(tmp_path):
    """A removed file's text stays in its exact segment until compaction: occurs() must not count it."""
    import shutil

    from helpers import GOV, SEED_000

    from indexer.search.matching import Evaluator
    from indexer.search.parser import Term
    from indexer.store.build import reindex
    from indexer.store.reader import Library
    from indexer.text.normalize import fold_text

    src = tmp_path / "src"
    shutil.copytree(GOV, src)
    shutil.copy(SEED_000, src)
    root = tmp_path / "index"
    reindex(root, [src], progress=False)
    gone = src / sorted(p.name for p in src.glob("20*.txt"))[-1]
    text = fold_text(gone.read_text(encoding="utf-8"))
    gone.unlink()
    reindex(root, progress=False)
    reader = Library(root).reader()
    strings = {text[i:i + n] for n in (2, 5) for i in range(0, min(len(text), 3000), 97)}
    kept_text_only = 0
    for s in sorted(x for x in strings if x.strip() == x and "\n" not in x):
        want = Evaluator(reader).term(Term(s, s)).df > 0
        assert Evaluator(reader).occurs(s) == want, s
        in_text = any(len(seg.occurrences(s)[1]) for seg in reader.segments)
        kept_text_only += in_text and not want
    assert kept_text_only  # strings whose text is still in a segment, in removed sections alone
