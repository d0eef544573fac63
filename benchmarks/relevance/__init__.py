"""A hand-judged relevance set over seeds/ and the shared government work reports, and the nDCG@10 / P@5 it
gives each ranker.

`python -m benchmarks.relevance` scores edusearch against a plain BM25 over the
exact query strings; `python -m benchmarks.relevance.pool` lists the sections
some ranker brings up that are not judged yet. Not part of the test suite.
"""
