"""tantivy (Rust, via tantivy-py) over the same jieba tokens edusearch indexes.

Tokens: each folded part is cut with jieba in search mode (`cut_for_search`), using jieba's main
dictionary plus edusearch's shipped user dictionary (indexer/data/userdict.txt, read as a file), so
the words are the ones edusearch's word field sees. Whitespace tokens are dropped and the rest are
joined by spaces and indexed with tantivy's built-in "whitespace" tokenizer (no lowercasing; the
parts are folded already). Each part is a separate value of the multi-valued `body` field; tantivy
leaves a position gap between values, so a phrase cannot run from one part into the next.

Queries: a needle is cut the same way and searched as a PHRASE of its search-mode tokens (a
single-token needle as a term query). Search mode emits a word's sub-words before the word itself,
always in the same order, so a needle whose surroundings do not change how jieba cuts it yields
the same token run inside a document as alone, and the phrase matches. Where context changes the
cut (溺 inside 防溺水, a needle starting mid-word), it does not: that is the recall this peer is
measured for. Needles are ANDed; the year filter is a range query on an indexed i64 fast field.
Every match is returned (limit = number of documents). Each document carries its section number
in a u64 fast field; keys.json beside the index maps numbers to keys (written at build, read at
open, counted in the index size). Getting keys through tantivy-py instead costs far more than the
search: order_by_field on a text fast field ~30x, fetching stored documents ~5x (laws, 10k hits).

jieba's cutting is the slow part of indexing, so with many sections it runs in two forked worker
processes while tantivy's writer uses two indexing threads. It is stock jieba's Tokenizer; with
PEER_CUTTER=jiebacut in the environment it is edusearch's (indexer/text/jiebacut.py: the same words,
cut in about half the time), to compare the two builds with the same cutter.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import os
from collections.abc import Iterator
from multiprocessing.pool import Pool
from pathlib import Path

import jieba
import tantivy

from .common import Section, YearRange, version_of

USERDICT = Path(__file__).resolve().parents[2] / "indexer" / "data" / "userdict.txt"
HEAP_BYTES = 256_000_000
THREADS = 2
POOL_MIN_SECTIONS = 400
CHUNK = 200
KEYS = "keys.json"

jieba.setLogLevel(logging.WARNING)
_tok: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """One jieba instance per process: main dictionary + edusearch's user dictionary."""
    global _tok
    if _tok is None:
        tok = _cutter()()
        tok.initialize()
        if USERDICT.is_file():
            tok.load_userdict(str(USERDICT))
        _tok = tok
    return _tok


def _cutter() -> type[jieba.Tokenizer]:
    if os.environ.get("PEER_CUTTER") == "jiebacut":
        from indexer.text.jiebacut import Tokenizer

        return Tokenizer
    return jieba.Tokenizer


def tokens(text: str) -> list[str]:
    return [w for w in tokenizer().cut_for_search(text) if w and not w.isspace()]


def _cut_parts(chunk: list[list[str]]) -> list[list[str]]:
    return [[" ".join(tokens(p)) for p in parts if p] for parts in chunk]


def _pool(n_sections: int) -> contextlib.AbstractContextManager[Pool | None]:
    """Two forked jieba workers when there are many sections. Fork before tantivy starts its threads,
    after the dictionary is loaded, so the workers inherit it."""
    tokenizer()
    if n_sections < POOL_MIN_SECTIONS:
        return contextlib.nullcontext(None)
    return multiprocessing.get_context("fork").Pool(THREADS)


def _cut_all(sections: list[Section], pool: Pool | None) -> Iterator[list[str]]:
    """Token strings per part of each section, in section order."""
    if pool is None:
        yield from _cut_parts([s.parts for s in sections])
        return
    chunks = ([s.parts for s in sections[i:i + CHUNK]] for i in range(0, len(sections), CHUNK))
    for cut in pool.imap(_cut_parts, chunks):
        yield from cut


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("ord", fast=True)
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="position")
    sb.add_integer_field("year", indexed=True, fast=True)
    return sb.build()


class TantivyPeer:
    def __init__(self, index: tantivy.Index, keys: list[str]) -> None:
        self.index = index
        self.keys = keys
        self.schema = index.schema
        self.searcher = index.searcher()
        self.limit = max(1, self.searcher.num_docs)

    def _needle(self, needle: str) -> tantivy.Query | None:
        toks = tokens(needle)
        if not toks:
            return None
        if len(toks) == 1:
            return tantivy.Query.term_query(self.schema, "body", toks[0])
        return tantivy.Query.phrase_query(self.schema, "body", toks)

    def search(self, needles: list[str], year: YearRange | None) -> list[str]:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for n in needles:
            q = self._needle(n)
            if q is None:  # nothing jieba would index: no document can hold it
                return []
            clauses.append((tantivy.Occur.Must, q))
        if year is not None:
            yq = tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, year[0], year[1])
            clauses.append((tantivy.Occur.Must, yq))
        query = tantivy.Query.boolean_query(clauses) if clauses else tantivy.Query.all_query()
        hits = self.searcher.search(query, limit=self.limit, count=False).hits
        keys = self.keys
        return [keys[n] for n in self.searcher.fast_field_values("ord", [addr for _score, addr in hits])]


def build(sections: list[Section], workdir: Path) -> TantivyPeer:
    with _pool(len(sections)) as pool:
        index = tantivy.Index(_schema(), path=str(workdir), reuse=False)
        writer = index.writer(heap_size=HEAP_BYTES, num_threads=THREADS)
        for n, (s, parts) in enumerate(zip(sections, _cut_all(sections, pool), strict=True)):
            doc = tantivy.Document()
            doc.add_unsigned("ord", n)
            for p in parts:
                doc.add_text("body", p)
            if s.year is not None:
                doc.add_integer("year", s.year)
            writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    (workdir / KEYS).write_text(json.dumps([s.key for s in sections], ensure_ascii=False), encoding="utf-8")
    return open_index(workdir)


def open_index(workdir: Path) -> TantivyPeer:
    keys = json.loads((workdir / KEYS).read_text(encoding="utf-8"))
    return TantivyPeer(tantivy.Index.open(str(workdir)), keys)


def version() -> str:
    return f"tantivy-py {version_of('tantivy')}, jieba {jieba.__version__}"
