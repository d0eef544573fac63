"""Searching the index: a query string → ranked sections with marked snippets, and what is built on it.

Entry points:

- ``engine.search``: one page of results (``results.SearchPage``), what the CLI and the web app show.
- ``engine.find``: the whole ranked result (``results.SearchResults``) that pages, exports and
  grouping are cut from; ``matching.matching_sections``: the matching sections alone, unranked.
- ``trend.trend``, ``report.get_report``, ``export``: trends over the years, one report's page, downloads.
- ``feed.feed``: a search's newest sections, by when their document entered the index (the Atom feed).
- ``compare.compare``, ``versions.series_passages``: two versions of a report compared, and one query's
  passages in every version of its series.
- ``mentions.section_occurrences``: every occurrence a query marks in each of some sections (field,
  offsets as written, string), with ``snippet.query_marks(parse_query(q, within))`` for the marks; a
  proximity condition's strings only where it holds. ``count_mentions`` counts the same ones.

Below them: ``lexer`` and ``parser`` (the query language), ``matching`` (which sections match),
``proximity`` (/句 /段 /N: sentences, paragraphs, distances), ``ranking`` (in what order), ``limits``
(every bound a request meets), ``facets``, ``suggest`` (what to try when nothing matches), ``snippet``
and ``mentions`` (occurrences counted and marked), ``namesakes`` (what tells apart reports that share a title).
"""
