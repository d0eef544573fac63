"""A search as a feed: the newest sections a query matches, for a reader who watches a topic and wants
to be told when a reindex brings a new document that mentions it (`/search.atom`).

The feed holds what the results page of the same query and filters holds, ordered instead by when
each report's file entered the index (build.stamp_indexed: a file whose content is unchanged keeps
its time, so only new or changed documents come to the top) or by the report's date."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import numpy as np

from indexer.search.engine import Deadline, find
from indexer.search.facets import Filters
from indexer.search.limits import FEED_ENTRIES
from indexer.search.ranking import Ranked
from indexer.search.results import Hit
from indexer.store.reader import EPOCH, IndexReader

ORDERS = ("indexed", "date")  # when it entered the index (default) | the report's date, newest first


@dataclass
class FeedEntry:
    hit: Hit  # title, place, date, section link, marked snippet
    indexed_at: str  # RFC 3339, UTC: when the report's file entered the index
    published: str | None  # RFC 3339 of the report's date, when it is known to the day (China time)


@dataclass
class Feed:
    query: str
    order: str
    total: int  # every matching section; entries holds the first FEED_ENTRIES
    updated: str  # RFC 3339: the newest entry's time, else when the index was built
    entries: list[FeedEntry] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"query": self.query, "order": self.order, "total": self.total, "updated": self.updated,
                "notices": list(self.notices),
                "entries": [{**dataclasses.asdict(e.hit), "indexed_at": e.indexed_at, "published": e.published}
                            for e in self.entries]}


def feed(reader: IndexReader, q: str, filters: Filters | None = None, order: str = "indexed",
         limit: int = FEED_ENTRIES, deadline: Deadline | None = None, within: str | None = None) -> Feed:
    """The first `limit` sections of q's results, newest first: by the time their report entered the
    index, then by the report's date (order="indexed"), or by the report's date alone (order="date",
    the results page's "newest"); ties keep the report and its sections in order. within: the search
    form's 同句/同段."""
    order = order if order in ORDERS else "indexed"
    res = find(reader, q, filters, sort="newest", need=0, deadline=deadline, within=within)  # newest: by date, ties in report order
    sids = res.sids
    if order == "indexed" and len(sids):
        indexed = reader.indexed_at[reader.catalog.section_report[sids]]
        sids = sids[np.argsort(-indexed, kind="stable")]  # the date order breaks ties
    top = dataclasses.replace(res, ranked=Ranked.of(sids[:limit], np.zeros(min(limit, len(sids)))))
    entries = []
    for sid, hit in zip(top.sids, top.hits(reader, 0, limit), strict=True):
        report = int(reader.catalog.section_report[sid])
        entries.append(FeedEntry(hit=hit, indexed_at=rfc3339(int(reader.indexed_at[report])),
                                 published=_day(hit.date)))
    newest = max((int(reader.indexed_at[reader.catalog.section_report[s]]) for s in top.sids), default=None)
    built = datetime.fromisoformat(reader.manifest["created"].replace("Z", "+00:00"))
    updated = rfc3339(newest) if newest is not None else built.strftime("%Y-%m-%dT%H:%M:%SZ")
    return Feed(query=q, order=order, total=res.total, updated=updated, entries=entries, notices=list(res.notices))


def rfc3339(micros: int) -> str:
    """Microseconds since 1970 as an Atom date: UTC, to the microsecond (entries of one reindex differ by
    file, not by second)."""
    return (EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


CHINA = timezone(timedelta(hours=8))


def _day(date: str | None) -> str | None:
    """A report's date known to the day (2016-06-07) as the start of that day in China; None for a
    month or a year alone, which Atom cannot state."""
    if not date or len(date) != 10:
        return None
    try:
        return datetime.fromisoformat(date).replace(tzinfo=CHINA).isoformat()
    except ValueError:
        return None
