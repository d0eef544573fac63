"""The index on disk: built from source folders, read by searches.

Entry points:

- ``build.reindex``: source folders → a new generation, doing only the work the change needs; the
  files it reads come from ``scan``, ``batches`` parses and writes them a batch at a time (a
  ``BatchWorker`` per worker process), ``compaction`` keeps an incremental run's segments few and
  ``merging`` merges neighbouring exact segments at the end of every run.
- ``reader.Library`` / ``reader.IndexReader``: the live generation opened for searching; ``kept`` holds
  what its searches found for the next ones.
- ``generations``: the index folder's generations, ``CURRENT``, the lock and atomic publishing.

The parts of a generation: ``exact`` (character unigram and bigram postings, and ``suffixes``, each segment's suffix array), ``catalog``
(one row per report), ``moves`` (the doc ids of renamed files), ``series`` (which reports are versions of one another, from the catalog), ``texts`` (sections as written), ``sources`` (the remembered source folders),
``schema`` (Whoosh's fields) and ``whoosh_io`` (everything below Whoosh's API, behind the whoosh3 pin).
"""
