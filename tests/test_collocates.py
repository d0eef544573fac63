"""Collocates: the log-likelihood itself, the words of a window as the index counts them, and the
lists for 防溺水 on the bundled documents and on a fixture written so that its collocates are known
(fixtures/collocates: 2015's 防溺水 always has 家长 before it and 河道 after it, 2022's has 专项治理
after it, and neither word occurs anywhere else)."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from helpers import FIXTURES

from indexer.search.collocates import SIGNIFICANT, collocates, log_likelihood
from indexer.text.analysis import stop_words, whole_blocks, window_words, words_analyzer

COLLOC = FIXTURES / "collocates"


def _g2_by_entropy(o11: float, r1: float, c1: float, n: float) -> float:
    """G² written the other way: 2 (Σ O ln O − Σ R ln R − Σ C ln C + N ln N), 0 ln 0 = 0."""
    def xlx(x: float) -> float:
        return x * math.log(x) if x > 0 else 0.0

    cells = [o11, r1 - o11, c1 - o11, n - r1 - c1 + o11]
    return 2 * (sum(map(xlx, cells)) - xlx(r1) - xlx(n - r1) - xlx(c1) - xlx(n - c1) + xlx(n))


def test_log_likelihood_by_hand():
    # 10 of 100 window words are w, w is 20 of 10,000 words: E = 100 * 20 / 10000 = 0.2
    g2, e = log_likelihood(np.array([10]), 100, np.array([20]), 10000)
    assert e[0] == pytest.approx(0.2)
    want = 2 * (10 * math.log(10 / 0.2) + 90 * math.log(90 / 99.8) + 10 * math.log(10 / 19.8)
                + 9890 * math.log(9890 / 9880.2))
    assert g2[0] == pytest.approx(want) == pytest.approx(_g2_by_entropy(10, 100, 20, 10000))
    assert g2[0] == pytest.approx(65.584, abs=1e-3)  # 2 × (39.120 − 9.302 − 6.831 + 9.805)


def test_log_likelihood_properties():
    rng = random.Random(3)
    for _ in range(500):
        n = rng.randint(100, 10**7)
        r1, c1 = rng.randint(1, n // 2), rng.randint(1, n // 2)
        o11 = rng.randint(0, min(r1, c1))
        g2, e = log_likelihood(np.array([o11]), r1, np.array([c1]), n)
        assert g2[0] == pytest.approx(_g2_by_entropy(o11, r1, c1, n), rel=1e-6, abs=1e-6)
        assert g2[0] >= -1e-9 and e[0] == pytest.approx(r1 * c1 / n)
    # as often as chance: nothing; more often: more
    g2, _ = log_likelihood(np.array([2, 3, 6, 12]), 1000, np.array([200, 200, 200, 200]), 100000)
    assert g2[0] == pytest.approx(0, abs=1e-9) and list(g2[1:]) == sorted(g2[1:])
    # a corpus count below the window count (a window cut another way than the index) is taken as the window count
    assert log_likelihood(np.array([5]), 50, np.array([3]), 1000)[0][0] == pytest.approx(_g2_by_entropy(5, 50, 5, 1000))


def test_window_words_are_the_index_tokens(reader, seed_text):
    chain = words_analyzer(reader.dict_hash)
    for line in [x for x in seed_text.splitlines() if x.strip()][:80]:
        words = window_words(line, reader.dict_hash)
        assert [t for _s, _e, parts, own in words for t in parts + own] == chain.index_words(line)
        for start, end, _parts, own in words:
            assert own in ((), (line[start:end].lower(),)) or line[start:end].isascii()


def test_whole_blocks_stop_at_a_block_edge():
    assert whole_blocks("育局，各校要做好", "工作，家长签", False, False) == ("，各校要做好", "工作，")
    assert whole_blocks("各校要做好", "工作", True, True) == ("各校要做好", "工作")
    assert whole_blocks("各校要做好", "工作，", False, False) is None  # no edge on the left: take more text


@pytest.fixture(scope="module")
def colloc_reader(tmp_path_factory):
    from indexer.store.build import reindex
    from indexer.store.reader import Library

    root = tmp_path_factory.mktemp("colloc-index")
    reindex(root, [COLLOC], progress=False)
    return Library(root).reader()


def _words(period) -> dict[str, int]:
    return {x.word: x.observed for x in period.collocates}


def test_known_collocates_of_a_fixture(colloc_reader):
    c = collocates(colloc_reader, "防溺水", window=2)
    assert c.occurrences == 8 and c.windows == 6  # two titles hold it too: their windows are not read
    (whole,) = c.periods
    assert whole.label == "全部" and whole.windows == 6
    assert _words(whole) == {"家长": 3, "河道": 3, "专项": 3, "治理": 3}
    for x in whole.collocates:
        assert x.frequency == 3  # only ever there
        assert x.expected == pytest.approx(whole.tokens * x.frequency / c.corpus_tokens, abs=1e-3)
        assert x.g2 == pytest.approx(_g2_by_entropy(x.observed, whole.tokens, x.frequency, c.corpus_tokens), abs=0.01)
        assert x.g2 >= SIGNIFICANT and x.observed > x.expected


def test_collocates_by_period(colloc_reader):
    c = collocates(colloc_reader, "防溺水", window=2, by=5)
    assert [(p.label, p.lo, p.hi, p.windows) for p in c.periods] == [("2015–2019", 2015, 2019, 3),
                                                                     ("2020–2024", 2020, 2024, 3)]
    assert _words(c.periods[0]) == {"家长": 3, "河道": 3}
    assert _words(c.periods[1]) == {"专项": 3, "治理": 3}
    wide = collocates(colloc_reader, "防溺水", window=5, by=5)
    early = _words(wide.periods[0])
    assert early["家长"] == 3 and early["河道"] == 3 and not set(early) & stop_words()
    assert "前" not in early  # a stop word: it takes its place in the window, it is not listed


def test_collocates_of_the_bundled_documents(reader):
    c = collocates(reader, "防溺水")
    (whole,) = c.periods
    got = _words(whole)
    # the seeds' 防溺水 sits in 专项治理 and 专项督查 work, beside 安全: 四处 督查, 三处 落实
    assert got["督查"] == 4 and got["落实"] == 3 and got["专项"] == 2 and got["安全"] == 4
    assert list(got) == [x.word for x in sorted(whole.collocates, key=lambda x: -x.g2)]
    assert c.occurrences == 7 and whole.tokens > 50


def test_collocates_odd_input(reader, client):
    for q in ("", "-交通", "year:2019", "没有这个词组合"):
        c = collocates(reader, q)
        assert c.occurrences == 0 and all(not p.collocates for p in c.periods)
    for url in ["/collocates?q=教育&window=0", "/collocates?q=教育&by=x", "/api/collocates?q=教育&limit=100000"]:
        assert client.get(url).status_code == 400
    api = client.get("/api/collocates?q=防溺水&by=5&window=3").get_json()
    assert api["window"] == 3 and api["by"] == 5 and api["occurrences"] == 7
    page = client.get("/collocates?q=防溺水").get_data(as_text=True)
    assert "督查" in page and "G²" in page


def test_collocates_cli(index_dir, capsys, reader):
    from indexer.cli import main

    assert main(["collocates", "防溺水", "--index", str(index_dir), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    want = collocates(reader, "防溺水").to_dict()
    for d in (got, want):
        d.pop("took_ms")
    assert got == want
    assert main(["collocates", "防溺水", "--index", str(index_dir), "--by", "5", "--window", "3"]) == 0
    out = capsys.readouterr().out
    assert "年份不详" in out and "观察值" in out and "期望值" in out
