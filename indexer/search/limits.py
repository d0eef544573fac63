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

# ranking: the second stage reads the text of the best RERANK matches, or of every match up to the
# end of the asked page, but never more than RERANK_MAX
RERANK = 100
RERANK_MAX = 1000

GROUP_MAX = 30  # sections listed under one report card; the report page has the rest
EXPORT_BATCH = 200  # hits whose snippets an export cuts at a time

# the query language
MAX_QUERY_CHARS = 1000
MAX_TERM_CHARS = 100
MAX_TERMS = 32
MAX_DEPTH = 20  # nesting of parentheses; deeper ones are read as plain grouping of their contents

MAX_TREND_QUERIES = 6  # queries one trend compares
MAX_NEAR_CHARS = 1000  # the largest N of A /N B

FEED_ENTRIES = 50  # sections one Atom feed lists, newest first
