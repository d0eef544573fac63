"""The Whoosh schema: one document per section.

title, heading and body are analysed by jieba (analysis.words_analyzer) for
the word-level search that is offered when nothing matches exactly (nothing
is scored by Whoosh); metadata are stored for display (each
section's text and rendered HTML are kept beside the exact index: texts.py);
sid, a column only, links a Whoosh document to the exact index.
"""

from __future__ import annotations

from whoosh import columns, fields

from indexer.text.analysis import words_analyzer

WORD_FIELDS = ("title", "heading", "body")


def build_schema(dict_hash: str) -> fields.Schema:
    words = words_analyzer(dict_hash)
    return fields.Schema(
        sid=fields.COLUMN(columns.NumericColumn("I")),  # read back for the docmap, never searched
        file_key=fields.ID(),
        doc_id=fields.ID(stored=True),
        section_id=fields.STORED(),
        order=fields.STORED(),
        level=fields.STORED(),
        heading_path=fields.STORED(),
        title=fields.TEXT(analyzer=words, phrase=False),
        heading=fields.TEXT(analyzer=words, phrase=False, stored=True),
        body=fields.TEXT(analyzer=words, phrase=False),
        year=fields.NUMERIC(int, bits=16, stored=True),
        doc_type=fields.ID(stored=True),
        region=fields.ID(stored=True),
        source=fields.STORED(),
        page=fields.STORED(),  # where the section starts, for PDFs
    )
