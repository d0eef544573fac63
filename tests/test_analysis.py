"""jieba analysis: token positions, the shipped dictionary, the memoised index path."""

from __future__ import annotations

from collections import Counter

import pytest
from helpers import GOV, SEED_000

from indexer.text import analysis
from indexer.text.analysis import (
    CompositeAnalyzer,
    combined_dictionary,
    dictionary_hash,
    load_jieba,
    query_words,
    words_analyzer,
)
from indexer.text.normalize import fold_text


def test_domain_terms_are_single_words(dict_hash):
    for term in ("防溺水", "一岗双责", "营养午餐", "校安工程", "双减"):
        assert term in query_words(term, dict_hash)


def test_positions_are_token_numbers_not_character_offsets(dict_hash):
    tokens = [(t.text, t.pos, t.startchar) for t in words_analyzer(dict_hash)("加强防溺水专项治理", positions=True, chars=True)]
    assert [p for _, p, _ in tokens] == list(range(len(tokens)))
    assert ("防溺水", 2, 2) in tokens  # search mode emits 溺水 first, then 防溺水


def test_user_dictionary_changes_hash_and_words(tmp_path):
    extra = tmp_path / "mine.txt"
    extra.write_text("应急疏散演练 100 n\n", encoding="utf-8")
    text = combined_dictionary([extra])
    assert dictionary_hash(text) != dictionary_hash(combined_dictionary())
    path = tmp_path / "combined.txt"
    path.write_text(text, encoding="utf-8")
    load_jieba(path)
    assert "应急疏散演练" in query_words("组织应急疏散演练", dictionary_hash(text))


@pytest.mark.parametrize("path", [SEED_000, GOV / "1999_1999年白石县人民政府工作报告.txt"])
def test_memoised_index_path_gives_the_chain_tokens(dict_hash, path):
    text = fold_text(path.read_text(encoding="utf-8"))
    an = words_analyzer(dict_hash)
    analysis._block_cache.clear()
    plain = Counter(t.text for t in CompositeAnalyzer.__call__(an, text, mode="index") if not t.stopped)
    cold = Counter(t.text for t in an(text, mode="index"))
    warm = Counter(t.text for t in an(text, mode="index"))
    assert plain == cold == warm and plain


def test_index_words_are_the_chains_tokens_in_order(dict_hash):
    """Lowercase, stop words and stemming run once per distinct word; the tokens must be the chain's."""
    text = fold_text(SEED_000.read_text(encoding="utf-8")) + " The Schools are Running AND 的 了 Teachers teaching 2024年"
    an = words_analyzer(dict_hash)
    plain = [t.text for t in CompositeAnalyzer.__call__(an, text, mode="index") if not t.stopped]
    assert {"school", "teacher"} <= set(plain) and "the" not in plain
    analysis._block_cache.clear()
    assert an.index_words(text) == plain
    assert an.index_words(text) == plain


def test_memoised_path_survives_its_cache_being_cleared(dict_hash, monkeypatch):
    """Full corpora fill the block cache; clearing it halfway through a text must not lose blocks."""
    monkeypatch.setattr(analysis, "BLOCK_CACHE_SIZE", 7)
    an = words_analyzer(dict_hash)
    for path in (SEED_000, GOV / "1999_1999年白石县人民政府工作报告.txt"):
        text = fold_text(path.read_text(encoding="utf-8"))
        plain = Counter(t.text for t in CompositeAnalyzer.__call__(an, text, mode="index") if not t.stopped)
        for _ in range(2):
            assert Counter(t.text for t in an(text, mode="index")) == plain


def test_copies_of_the_chain_share_what_the_filters_made_of_each_word(dict_hash):
    """Each batch writer unpickles the chain from the index's schema; what the filters made of a
    word must not be worked out again for every batch, nor leak into the pickled schema."""
    import pickle

    an = words_analyzer(dict_hash)
    an.index_words("学校 Teachers")
    copy = pickle.loads(pickle.dumps(an))
    assert copy == an and copy._filtered is an._filtered and b"eacher" not in pickle.dumps(an)
    assert copy._filtered["Teachers"] == ("teacher",)
