"""The obvious design: original Whoosh 2.7.4 + jieba's stock ChineseAnalyzer + Whoosh's QueryParser.

What a tutorial builds: one TEXT field analysed by jieba.analyse.ChineseAnalyzer (search-mode
jieba with the stock dictionary, lowercase, stop words, stemming), the parts joined by "\\n"; each
needle is parsed by the default QueryParser on that field, the needles ANDed, the year a
NumericRange; search(limit=None). No n-grams, no verification. Default writer settings.

Whoosh 2.7.4 and whoosh3 share the import name `whoosh`, so this module only runs inside its own
venv (benchmarks/.venv-whoosh274, made by run_peer.py); it must not import the project.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jieba
from jieba.analyse import ChineseAnalyzer
from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import And, NumericRange, Query

from .common import Section, YearRange, version_of

jieba.setLogLevel(logging.WARNING)


def _schema() -> Schema:
    return Schema(key=ID(stored=True), year=NUMERIC, content=TEXT(analyzer=ChineseAnalyzer()))


class WhooshPeer:
    def __init__(self, ix: whoosh_index.Index) -> None:
        self.ix = ix
        self.searcher = ix.searcher()
        self.parser = QueryParser("content", ix.schema)

    def search(self, needles: list[str], year: YearRange | None) -> list[str]:
        subs: list[Query] = [self.parser.parse(n) for n in needles]
        if year is not None:
            subs.append(NumericRange("year", year[0], year[1]))
        results = self.searcher.search(And(subs), limit=None)
        return [hit["key"] for hit in results]


def build(sections: list[Section], workdir: Path) -> WhooshPeer:
    ix = whoosh_index.create_in(str(workdir), _schema())
    writer = ix.writer()
    for s in sections:
        if s.year is None:
            writer.add_document(key=s.key, content="\n".join(s.parts))
        else:
            writer.add_document(key=s.key, year=s.year, content="\n".join(s.parts))
    writer.commit()
    return WhooshPeer(ix)


def version() -> str:
    return f"whoosh {version_of('whoosh')}, jieba {jieba.__version__}"
