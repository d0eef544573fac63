"""jieba for Whoosh: one dictionary at index and query time, loaded fast.

The words field is analysed by jieba's Whoosh analyzer chain
(jieba.analyse.ChineseAnalyzer) with its tokenizer replaced by a subclass that
numbers positions by token rather than by character, so that Whoosh phrase
queries on words mean what they say.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import logging
import marshal
import math
import os
import re
import tempfile
import threading
from importlib import resources
from pathlib import Path

import jieba
from whoosh.analysis import Token
from whoosh.analysis.analyzers import CompositeAnalyzer

from indexer.text import jiebacut

jieba.setLogLevel(logging.WARNING)


def _jieba_whoosh_module():
    """jieba.analyse.analyzer without jieba.analyse/__init__, which spends about a
    second loading TF-IDF and POS tables that search never uses."""
    path = Path(jieba.__file__).parent / "analyse" / "analyzer.py"
    spec = importlib.util.spec_from_file_location("jieba_whoosh_analyzer", path)
    if spec is None or spec.loader is None:  # pragma: no cover - unusual installs
        import jieba.analyse.analyzer as mod

        return mod
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_jw = _jieba_whoosh_module()
ChineseAnalyzer, ChineseTokenizer, accepted_chars = _jw.ChineseAnalyzer, _jw.ChineseTokenizer, _jw.accepted_chars

SHIPPED_DICT = "userdict.txt"
_lock = threading.Lock()
_tokenizers: dict[str, jieba.Tokenizer] = {}  # by dictionary hash
_block_cache: dict[str, tuple[str, ...]] = {}
BLOCK_CACHE_SIZE = 150_000
FILTERED_CACHE_SIZE = 500_000
_filtered_words: dict[str, dict[str, tuple[str, ...]]] = {}  # by the chain's filters
_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)")  # jieba's re_han_default: its unit of cutting


def shipped_dictionary() -> str:
    return resources.files("indexer").joinpath("data", SHIPPED_DICT).read_text(encoding="utf-8")


def combined_dictionary(extra: list[Path] | None = None) -> str:
    """The shipped domain terms plus any user dictionaries, in jieba's format."""
    parts = [shipped_dictionary()]
    for p in extra or []:
        parts.append(Path(p).read_text(encoding="utf-8"))
    return "\n".join(x.strip() for x in parts if x.strip()) + "\n"


def dictionary_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_jieba(dict_path: Path) -> jieba.Tokenizer:
    """A jieba tokenizer with this user dictionary, shared per process.

    jieba's own cache load (marshal.load on a file) takes about a second here;
    marshal.loads on the bytes takes a quarter of that, and cold start counts.
    The tokenizer is jieba's with the route of each block found in one pass (jiebacut).
    """
    text = dict_path.read_text(encoding="utf-8")
    key = dictionary_hash(text)
    with _lock:
        tok = _tokenizers.get(key)
        if tok is None:
            tok = _new_tokenizer(dict_path, key)
            _tokenizers[key] = tok
    return tok


def _new_tokenizer(dict_path: Path, key: str) -> jieba.Tokenizer:
    cache = Path(tempfile.gettempdir()) / f"edusearch-jieba-{key}-{jieba.__version__}.cache"
    tok = jiebacut.Tokenizer()
    try:
        tok.FREQ, tok.total = marshal.loads(cache.read_bytes())
        tok.initialized = True
        return tok
    except (OSError, ValueError, EOFError, TypeError):
        pass
    tok.initialize()
    tok.load_userdict(str(dict_path))
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    try:
        tmp.write_bytes(marshal.dumps((tok.FREQ, tok.total)))
        os.replace(tmp, cache)
    except OSError:
        tmp.unlink(missing_ok=True)
    return tok


class TokenPositionChineseTokenizer(ChineseTokenizer):
    """jieba's Whoosh tokenizer, search mode, positions numbered by token.

    It names its dictionary by hash; the pickled schema stays small and the
    jieba instance is the one the index was opened with.
    """

    def __init__(self, dict_hash: str) -> None:
        self.dict_hash = dict_hash

    def __getstate__(self):
        return {"dict_hash": self.dict_hash}

    def _jieba(self) -> jieba.Tokenizer:
        tok = _tokenizers.get(self.dict_hash)
        if tok is None:
            raise RuntimeError(f"jieba dictionary {self.dict_hash} is not loaded; open the index first")
        return tok

    def __eq__(self, other):
        return type(self) is type(other) and self.dict_hash == other.dict_hash

    def words(self, text: str):
        """(word, start, end) for each token this tokenizer yields, before any filter."""
        for w, start, end in self._jieba().tokenize(text, mode="search"):
            if self.keeps(w):
                yield w, start, end

    def search_words(self, text: str):
        """jieba's search-mode words of `text`, as `words` finds them before it drops any, without
        their offsets (jieba's cut_for_search: tokenize(mode="search") without the tuples)."""
        return self._jieba().cut_for_search(text)

    @staticmethod
    def keeps(w: str) -> bool:
        """jieba's Whoosh tokenizer drops single characters that are not word characters."""
        return len(w) > 1 or accepted_chars.match(w) is not None

    def __call__(self, text, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for w, start, end in self.words(text):
            token.original = token.text = w
            token.boost = 1.0
            token.stopped = False
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            pos += 1
            yield token


class MemoChain(CompositeAnalyzer):
    """jieba's analyzer chain, with its index-time output memoised per text block.

    jieba cuts text block by block (runs split by its re_han pattern) and the
    lowercase, stop and stem filters work token by token, so the chain's tokens
    for a text are the concatenation of its tokens for each block. Whoosh's
    frequency postings only need each token's text, and policy documents repeat
    the same phrases endlessly, so indexing asks jieba once per distinct block,
    and the filters once per distinct word. Queries, and any call wanting
    positions or offsets, run the chain as is.
    """

    @property
    def _filtered(self) -> dict[str, tuple[str, ...]]:
        """word → the filters' output for it; shared by every copy of the same chain (each batch
        writer unpickles its own from the index's schema)."""
        key = self.__dict__.get("_filters_key")
        if key is None:
            key = self.__dict__["_filters_key"] = repr([_settings(f) for f in self.items])
        return _filtered_words.setdefault(key, {})

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_filters_key"}  # the schema is pickled

    def __call__(self, value, no_morph=False, **kwargs):
        if kwargs.get("mode") != "index" or kwargs.get("positions") or kwargs.get("chars") or no_morph:
            return super().__call__(value, no_morph=no_morph, **kwargs)
        return self._memoised(value, kwargs)

    def _memoised(self, value, kwargs):
        token = Token(False, False, removestops=kwargs.get("removestops", True), mode="index")
        token.boost, token.stopped = 1.0, False
        for text in self.index_words(value, kwargs):
            token.text = text
            yield token

    def index_words(self, value: str, kwargs: dict | None = None) -> list[str]:
        """The texts of the tokens indexing `value` yields, in order, without a Token per token."""
        kwargs = {"mode": "index"} if kwargs is None else kwargs
        blocks = [b for b in _BLOCK.split(value) if b]
        known: dict[str, tuple[str, ...]] = {}
        missing = []
        for b in dict.fromkeys(blocks):
            hit = _block_cache.get(b)
            if hit is None:
                missing.append(b)
            else:
                known[b] = hit
        if missing:
            known.update(self._analyse_blocks(missing, kwargs))
        out: list[str] = []
        for block in blocks:
            out += known[block]
        return out

    def _filter_word(self, word: str, kwargs) -> tuple[str, ...]:
        """What the chain's filters make of one word (they see one token at a time)."""
        token = Token(False, True, removestops=kwargs.get("removestops", True), mode="index")
        token.original = token.text = word
        token.boost, token.stopped, token.startchar, token.endchar = 1.0, False, 0, len(word)
        stream = iter([token])
        for f in self.items[1:]:
            stream = f(stream)
        return tuple(t.text for t in stream if not t.stopped)

    def _analyse_blocks(self, blocks: list[str], kwargs) -> dict[str, tuple[str, ...]]:
        """One jieba pass over all new blocks joined by newlines (a block boundary for jieba,
        which it yields as a word of its own), each word through the filters as remembered."""
        filtered = self._filtered
        if len(filtered) >= FILTERED_CACHE_SIZE:
            filtered.clear()
        get, keep = filtered.get, self.items[0].keeps
        found: list[list[str]] = []
        cur: list[str] = []
        for w in self.items[0].search_words("\n".join(blocks)):
            if w == "\n":
                found.append(cur)
                cur = []
                continue
            out = get(w)
            if out is None:
                out = filtered[w] = self._filter_word(w, kwargs) if keep(w) else ()
            if out:
                cur += out
        found.append(cur)
        result = {b: tuple(texts) for b, texts in zip(blocks, found, strict=True)}
        if len(_block_cache) + len(result) > BLOCK_CACHE_SIZE:
            _block_cache.clear()
        _block_cache.update(result)
        return result


def _settings(f) -> tuple:
    """A filter's type and public settings, sets sorted: equal for equal filters in one process."""
    items = sorted((k, sorted(v) if isinstance(v, (set, frozenset)) else v)
                   for k, v in vars(f).items() if not k.startswith("_"))
    return type(f).__qualname__, items


@functools.lru_cache(maxsize=8)
def words_analyzer(dict_hash: str) -> CompositeAnalyzer:
    """jieba's ChineseAnalyzer chain (lowercase, stop words, stemming) on our tokenizer."""
    stock = ChineseAnalyzer()
    return MemoChain(TokenPositionChineseTokenizer(dict_hash), *stock.items[1:])


def ranking_words(words: list[str]) -> list[str]:
    """jieba's search mode adds the parts of long words (中华人民共和国 → 人民, 共和国 …);
    as query evidence they repeat the whole word, so only the longest words count."""
    return [w for w in words if not any(w != o and w in o for o in words)]


def query_words(text: str, dict_hash: str) -> list[str]:
    """The words-field terms of a query string, exactly as the index analysed them."""
    seen: list[str] = []
    for t in words_analyzer(dict_hash)(text):
        if t.text not in seen:
            seen.append(t.text)
    return seen


def word_specificity(words: list[str], dict_hash: str) -> dict[str, float]:
    """How specific each word is in general language: -log of its jieba dictionary frequency
    (我们, 进行 low; 溺水, 留守儿童 high). Words jieba does not list count as rare."""
    tok = _tokenizers[dict_hash]
    return {w: math.log(tok.total / max(tok.FREQ.get(w) or 1, 1)) for w in words}


STOP_WORDS = "stopwords.txt"


@functools.cache
def stop_words() -> frozenset[str]:
    """Function words a list of collocates leaves out (等 对 在 及 其 …), from indexer/data/stopwords.txt;
    the index keeps them (only jieba's own few, 的 了 和, are dropped from it)."""
    text = resources.files("indexer").joinpath("data", STOP_WORDS).read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.split() if w.strip() and not w.startswith("#"))


def window_words(text: str, dict_hash: str) -> list[tuple[int, int, tuple[str, ...], tuple[str, ...]]]:
    """The words of a text as jieba cuts it before search mode adds the parts of long words (its
    default cut, HMM on), as (start, end, parts, own): the tokens the index's words field holds for
    that word, through the chain's filters: `parts` for the two- and three-character parts jieba
    knows (安全, 教育 of 安全教育), `own` for the word itself. Together, over all the words, they are
    exactly what indexing the text yields. Words the index never sees (punctuation, spaces, single
    non-Chinese characters) are left out; a word the filters drop (的) keeps its place with no tokens.

    jieba cuts each block (a run of _BLOCK characters) on its own, so a block's words do not depend
    on the text around it: they are cut once per distinct block and remembered."""
    keep = words_analyzer(dict_hash).items[0].keeps
    out = []
    for m in _BLOCK.finditer(text):
        at = m.start()
        out += [(at + start, at + end, *_word_tokens(w, dict_hash))
                for w, start, end in _block_words(m.group(), dict_hash) if keep(w)]
    return out


def whole_blocks(left: str, right: str, left_edge: bool, right_edge: bool) -> tuple[str, str] | None:
    """Text either side of a place, without the block cut at each far end (unless that end is an
    edge of the text it was taken from), so that window_words cuts it as it cuts the whole text;
    None when a side has no block boundary to stop at (take more text)."""
    if not left_edge:
        m = _NOT_BLOCK.search(left)
        if m is None:
            return None
        left = left[m.start():]
    if not right_edge:
        last = max((m.end() for m in _NOT_BLOCK.finditer(right)), default=None)
        if last is None:
            return None
        right = right[:last]
    return left, right


_NOT_BLOCK = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]")


@functools.lru_cache(maxsize=100_000)
def _block_words(block: str, dict_hash: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(_tokenizers[dict_hash].tokenize(block))


@functools.lru_cache(maxsize=200_000)
def _word_tokens(word: str, dict_hash: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """As jieba's cut_for_search expands one word (its known two- and three-character parts, then
    itself), each through the analyzer chain's filters as indexing applies them: (parts, own)."""
    chain = words_analyzer(dict_hash)
    known = _tokenizers[dict_hash].FREQ.get
    parts = [word[i:i + 2] for i in range(len(word) - 1) if known(word[i:i + 2])] if len(word) > 2 else []
    parts += [word[i:i + 3] for i in range(len(word) - 2) if known(word[i:i + 3])] if len(word) > 3 else []

    def filtered(p: str) -> tuple[str, ...]:
        return chain._filter_word(p, {"mode": "index"}) if chain.items[0].keeps(p) else ()

    return tuple(t for p in parts for t in filtered(p)), filtered(word)
