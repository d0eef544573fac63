"""The search layer's limits, named once: the web app and the CLI import these instead of
keeping numbers of their own, so a limit a user meets has one definition.

Each bounds the work one request can ask for; none changes which sections match.
"""

# one page of search(): the CLI's --limit and --page go up to these
MAX_PER_PAGE = 10000
MAX_PAGE = 100000
# one page of the web app (/search, /api/search): a browser is never sent more
WEB_MAX_PER_PAGE = 100
WEB_MAX_PAGE = 1000

# ranking: the second stage orders the best matches RERANK at a time (each block of first-stage places
# within itself), as many blocks as reach the end of the asked page, never past RERANK_MAX (a multiple
# of RERANK); what lists every hit (exports, the Python API) asks for RERANK_MAX, so it pages alike
RERANK = 100
RERANK_MAX = 1000

COPIES = ("one", "all")  # a document held by several sources: shown once (its preferred copy), or every copy

GROUP_MAX = 30  # sections listed under one report card; the report page has the rest
REPORT_MARKS = 500  # occurrences one report page marks; it says how many there are and links to the next ones
EXPORT_BATCH = 200  # hits whose snippets an export cuts at a time

# the query language
MAX_QUERY_CHARS = 1000
MAX_TERM_CHARS = 100
MAX_TERMS = 32
MAX_DEPTH = 20  # nesting of parentheses; deeper ones are read as plain grouping of their contents

MAX_TREND_QUERIES = 6  # queries one trend compares
MAX_NEAR_CHARS = 1000  # the largest N of A /N B

FEED_ENTRIES = 50  # sections one Atom feed lists, newest first
# the concordance (kwic.py) and collocates (collocates.py)
KWIC_PER_PAGE = 50  # lines a page shows by default
WEB_MAX_KWIC_PER_PAGE = 500  # lines one page of the web app sends
KWIC_WIDTH = 30  # characters of context either side, by default
KWIC_MAX_WIDTH = 200
KWIC_SORT_CHARS = 9  # characters either side that sorting by context compares (three to a 64-bit key)
COLLOCATE_WINDOW = 5  # words either side, by default
COLLOCATE_MAX_WINDOW = 10
COLLOCATE_LIMIT = 30  # collocates listed per period, by default
COLLOCATE_MAX_LIMIT = 500
COLLOCATE_MAX_OCCURRENCES = 5000  # windows read for one answer; past it, evenly spaced ones (a notice says so)
