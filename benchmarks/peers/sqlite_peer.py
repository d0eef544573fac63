"""SQLite FTS5 with the trigram tokenizer: substring search out of the box, from the standard library.

One FTS5 row per section: `body` is the section's parts joined by "\\n" (a needle has no newline,
so a match cannot cross two parts); `key` and `year` are UNINDEXED columns of the same row, so no
join is needed. Needles of >= 3 characters go into one FTS5 MATCH expression ("a" AND "b", each
quoted as an FTS5 string); trigrams cannot answer shorter needles, so those fall back to an
`instr(body, ?)` scan of the stored text. What SQLite returns is reported as is (no Python
verification): trigram matching ignores the Latin whole-word rule, and that shows up as lost
precision in the comparison.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .common import Section, YearRange

DB_NAME = "fts.sqlite3"


def _fts_string(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


class SqlitePeer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)

    def search(self, needles: list[str], year: YearRange | None) -> list[str]:
        conds: list[str] = []
        params: list[object] = []
        long = [n for n in needles if len(n) >= 3]
        if long:
            conds.append("fts MATCH ?")
            params.append(" AND ".join(_fts_string(n) for n in long))
        for n in needles:
            if len(n) < 3:
                conds.append("instr(body, ?) > 0")
                params.append(n)
        if year is not None:
            conds.append("year BETWEEN ? AND ?")
            params.extend(year)
        sql = "SELECT key FROM fts" + (" WHERE " + " AND ".join(conds) if conds else "")
        return [k for (k,) in self.db.execute(sql, params)]


def build(sections: list[Section], workdir: Path) -> SqlitePeer:
    """Bulk load in one transaction, FTS5 'optimize' (merge its b-trees into one), VACUUM: as one would."""
    check()
    path = workdir / DB_NAME
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(body, key UNINDEXED, year UNINDEXED, tokenize='trigram')")
    with db:
        rows = (("\n".join(s.parts), s.key, s.year) for s in sections)
        db.executemany("INSERT INTO fts(body, key, year) VALUES (?, ?, ?)", rows)
    with db:
        db.execute("INSERT INTO fts(fts) VALUES('optimize')")
    db.execute("VACUUM")  # optimize leaves the old b-tree pages free in the file
    db.close()
    return SqlitePeer(path)


def version() -> str:
    return f"sqlite {sqlite3.sqlite_version}"


def check() -> None:
    """The trigram tokenizer arrived in SQLite 3.34."""
    if sqlite3.sqlite_version_info < (3, 34, 0):
        raise SystemExit(f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer (needs >= 3.34)")
