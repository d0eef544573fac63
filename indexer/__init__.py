"""edusearch's indexer: Chinese policy reports, section by section, in a searchable index.

Layers, each with one job; a layer imports only the layers below it (the import-linter contract in
pyproject.toml keeps it so):

- ``text``:   the matching form of text (NFKC, case, traditional → simplified), jieba's words, and the
  whole-word rule for Latin letters and digits.
- ``ingest``: files (txt, md, html, pdf, docx, doc) → reports → sections with their metadata.
- ``store``:  the index on disk: the build from source folders, generations and ``CURRENT``, the exact
  index, the catalog of reports, section texts, and Whoosh's segments.
- ``search``: the query language, matching, ranking, facets, snippets, trends, exports and reports.
- ``api``:    ``open_index`` and its Index: the search layer's functions from Python (notebooks); the
  web app (``webapp``) sits beside it over ``search``, each independent of the other.
- ``cli``:    the ``edusearch`` command, which also starts the web app.

``from indexer import open_index`` imports the API when first asked for, so that ``import indexer``
(every command's start) stays cheap.
"""

import importlib

_API = ("open_index", "Index", "Hits", "Hit", "TrendResult", "IndexUnavailable", "ReportNotFound")


def __getattr__(name: str):
    if name in _API:
        return getattr(importlib.import_module("indexer.api"), name)
    raise AttributeError(f"module 'indexer' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])
