"""edusearch's indexer: Chinese policy reports, section by section, in a searchable index.

Five layers, each a subpackage with one job; a layer imports only the layers below it (the
import-linter contract in pyproject.toml keeps it so):

- ``text``:   the matching form of text (NFKC, case, traditional → simplified), jieba's words, and the
  whole-word rule for Latin letters and digits.
- ``ingest``: files (txt, md, html, pdf, docx, doc) → reports → sections with their metadata.
- ``store``:  the index on disk: the build from source folders, generations and ``CURRENT``, the exact
  index, the catalog of reports, section texts, and Whoosh's segments.
- ``search``: the query language, matching, ranking, facets, snippets, trends, exports and reports.
- ``cli``:    the ``edusearch`` command; the web app (``webapp``) sits beside it over ``search``.
"""
