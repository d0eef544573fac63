"""Searching the index: a query string → ranked sections with marked snippets, and what is built on it.

Entry points:

- ``engine.search``: one page of results (``results.SearchPage``), what the CLI and the web app show.
- ``engine.find``: the whole ranked result (``results.SearchResults``) that pages, exports and
  grouping are cut from; ``matching.matching_sections``: the matching sections alone, unranked.
- ``trend.trend``, ``report.get_report``, ``export``: trends over the years, one report's page, downloads.
- ``feed.feed``: a search's newest sections, by when their document entered the index (the Atom feed).
- ``compare.compare``, ``versions.series_passages``: two versions of a report compared, and one query's
  passages in every version of its series.
- Proximity (/句 /段 /N): ``parser.Near`` in the tree, ``proximity`` deciding it on a section's text;
  a string of conditions only is a ``snippet.Needle`` carrying them (``snippet.term_needles``), so
  snippets, marks, ``mentions.count_mentions`` and the concordance's ``occurrences.read_sections``
  take its occurrences where a condition holds.

Below them: ``lexer`` and ``parser`` (the query language), ``matching`` (which sections match),
``proximity`` (/句 /段 /N: sentences, paragraphs, distances), ``ranking`` (in what order), ``limits``
(every bound a request meets), ``facets``, ``suggest`` (what to try when nothing matches), ``snippet``
and ``mentions`` (occurrences counted and marked), ``namesakes`` (what tells apart reports that share a title).
"""
