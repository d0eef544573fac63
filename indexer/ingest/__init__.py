"""Reading files: a source file → the reports it holds → their sections and metadata.

Entry points:

- ``parse.parse_path`` / ``parse.parse_source``: a file (or its text already read) → ``ParsedFile``,
  its reports and each report's section tree; what ``edusearch parse`` prints.
- ``files.read_file``: bytes on disk → ``SourceText`` (encodings detected; PDF, Word and web pages
  through ``pdf``, ``word`` and ``webpage``; Markdown through ``markup``).
- ``errors.Unreadable``: the one error a reader raises for a file it cannot use.

Below them: ``splitter`` (several reports in one file), ``headings`` and ``sections`` (numbered
headings → a tree with stable ids), ``metadata`` (year, kind, place, issuer) and ``model`` (the
dataclasses that leave this layer).
"""
