"""The set's files, an index of the judged corpus (seeds/ and the shared government work reports), and the
rankers whose tops are pooled."""

from __future__ import annotations

import atexit
import json
import math
import shutil
import tempfile
from pathlib import Path

import numpy as np

from indexer.search.engine import search
from indexer.search.matching import matching_sections
from indexer.search.parser import parse_query
from indexer.store.reader import IndexReader, Library
from indexer.text.wholeword import term_pattern

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
QUERIES = HERE / "queries.json"
QRELS = HERE / "qrels.jsonl"
# the judged documents: the seeds and the government work reports of the shared test corpora, which
# live beside the checkout and are never copied into it
CORPUS = [ROOT / "seeds", ROOT.parent / "shared" / "corpus" / "gov-work-reports"]
K1, B = 1.2, 0.75


def load_queries() -> list[dict]:
    return json.loads(QUERIES.read_text(encoding="utf-8"))


def load_qrels() -> dict[str, dict[str, dict]]:
    """{query id: {"doc_id#section_id": judgment}}."""
    out: dict[str, dict[str, dict]] = {}
    if QRELS.exists():
        for line in QRELS.read_text(encoding="utf-8").splitlines():
            if line.strip():
                j = json.loads(line)
                out.setdefault(j["qid"], {})[f"{j['doc_id']}#{j['section_id']}"] = j
    return out


def open_reader(index: str | None, corpus: list[Path]) -> IndexReader:
    """The given index, else a fresh index of the corpus folders in a temporary folder."""
    if index:
        return Library(Path(index)).reader()
    from indexer.store.build import reindex

    missing = [str(p) for p in corpus if not p.is_dir()]
    if missing:
        raise SystemExit(f"corpus folder not found: {', '.join(missing)} (the judged set needs seeds/ and "
                         "../shared/corpus/gov-work-reports beside the checkout, or give --corpus or --index)")
    root = Path(tempfile.mkdtemp(prefix="edusearch-relevance-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    reindex(root, corpus, progress=False)
    return Library(root).reader()


def key(reader: IndexReader, sid: int) -> str:
    row = reader.catalog.reports[int(reader.catalog.section_report[sid])]
    return f"{row.doc_id}#{reader.stored([sid])[0]['section_id']}"


def folded(reader: IndexReader, sid: int) -> tuple[str, str]:
    """(heading, body) of a section as the exact index holds them (NFKC, casefolded)."""
    seg, local = reader.segment_of(int(sid))
    return seg.section_text(local)


def count(text: str, term) -> int:
    pattern = term_pattern(term.text, term.prefix)
    return text.count(term.text) if pattern is None else len(pattern.findall(text))


def edusearch_keys(reader: IndexReader, q: str, depth: int) -> list[str]:
    return [f"{h.doc_id}#{h.section_id}" for h in search(reader, q, per_page=depth).hits]


def _plain(reader: IndexReader, q: str, depth: int, bm25: bool) -> list[str]:
    """The same matching sections, ordered by plain BM25 (k1 1.2, b 0.75) over the exact
    query strings in heading+body, or by their raw count; ties in corpus order."""
    sids = matching_sections(reader, q)
    terms = parse_query(q).positive_terms()
    if not len(sids) or not terms:
        return []
    corpus = _corpus(reader)
    texts = [corpus[int(s)] for s in sids]
    lengths = np.array([len(t) for t in texts], dtype=float)
    avg = float(np.mean([len(t) for t in corpus.values()]))
    n = len(corpus)
    score = np.zeros(len(sids))
    for t in terms:
        tf = np.array([count(x, t) for x in texts], dtype=float)
        if not bm25:
            score += tf
            continue
        df = sum(1 for x in corpus.values() if count(x, t))
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths / avg))
    order = np.lexsort((sids, -score))[:depth]
    return [key(reader, int(sids[i])) for i in order]


_CORPUS: dict[int, dict[int, str]] = {}


def _corpus(reader: IndexReader) -> dict[int, str]:
    """Folded heading+body of every live section (the judged corpus is small)."""
    if id(reader) not in _CORPUS:
        _CORPUS[id(reader)] = {int(s): "".join(folded(reader, s)) for s in np.flatnonzero(reader.live)}
    return _CORPUS[id(reader)]


def bm25_keys(reader: IndexReader, q: str, depth: int) -> list[str]:
    return _plain(reader, q, depth, bm25=True)


def tf_keys(reader: IndexReader, q: str, depth: int) -> list[str]:
    return _plain(reader, q, depth, bm25=False)


RANKERS = {"edusearch": edusearch_keys, "bm25": bm25_keys, "tf": tf_keys}
