"""Searching the index: a query string → ranked sections with marked snippets, and what is built on it.

Entry points:

- ``engine.search``: the one search function the CLI and the web app call.
- ``trend.trend``, ``report.get_report``, ``export``: trends over the years, one report's page, downloads.

Below them: ``parser`` (the query language), ``ranking``, ``facets``, ``suggest`` (what to try when
nothing matches), ``snippet`` and ``mentions`` (occurrences counted and marked).
"""
