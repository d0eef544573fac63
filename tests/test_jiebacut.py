"""jiebacut.Tokenizer cuts exactly as stock jieba does, on the seeds, the text fixtures and at the edges."""

from __future__ import annotations

import math
from pathlib import Path

import jieba
import pytest

from indexer.text import jiebacut
from indexer.text.analysis import load_jieba

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted([*ROOT.glob("seeds/**/*.txt"), *ROOT.glob("tests/fixtures/**/*.md"), *ROOT.glob("tests/fixtures/**/*.txt")])


def _pair(freq: dict[str, int], total: int) -> tuple[jieba.Tokenizer, jiebacut.Tokenizer]:
    """Stock jieba and ours on the same dictionary (each its own copy, so add_word stays apart)."""
    stock, ours = jieba.Tokenizer(), jiebacut.Tokenizer()
    for tok in (stock, ours):
        tok.FREQ, tok.total, tok.initialized = dict(freq), total, True
    return stock, ours


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    shipped = load_jieba(ROOT / "indexer" / "data" / "userdict.txt")
    return _pair(shipped.FREQ, shipped.total)


@pytest.mark.slow  # both tokenizers over every bundled report
def test_the_bundled_reports_cut_the_same(pair):
    stock, ours = pair
    assert len(TEXTS) > 30
    lines = 0
    for path in TEXTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            assert list(ours.cut_for_search(line)) == list(stock.cut_for_search(line)), (path.name, line)
            lines += 1
    assert lines > 800


def test_unknown_words_edges_and_added_words_cut_the_same(pair):
    stock, ours = pair
    texts = ["", "教", "。", "双减", "2023年ABC-12.5%学校", "王小明和李晓华去了东莞市塘厦镇",
             "防溺水防溺水防溺水", "中华人民共和国义务教育法（2018年修正）", "𠀀龘龘"]
    for text in texts:
        assert list(ours.cut(text)) == list(stock.cut(text)), text
        assert list(ours.cut_for_search(text)) == list(stock.cut_for_search(text)), text
    for tok in (stock, ours):
        tok.add_word("小明和李", 20 * tok.total)  # so frequent that every other word's probability drops
    assert "小明和李" in list(ours.cut(texts[5]))
    for text in texts + TEXTS[0].read_text(encoding="utf-8").splitlines():
        assert list(ours.cut(text)) == list(stock.cut(text)), text


def test_a_tie_goes_to_the_longer_word_as_in_jieba():
    # 甲乙 as one word (frequency 1) and as 甲 + 乙 (4 each) have the same probability out of 16
    assert math.log(1) - math.log(16) == 2 * (math.log(4) - math.log(16))
    stock, ours = _pair({"甲": 4, "乙": 4, "甲乙": 1, "丙": 7}, 16)
    assert list(stock.cut("甲乙，丙")) == ["甲乙", "，", "丙"]
    assert list(ours.cut("甲乙，丙")) == list(stock.cut("甲乙，丙"))
