"""Doc ids of renamed or moved files. A doc id is the file's path (doc_rel, with ~n for the n-th of
several reports), so renaming a file changes its reports' ids, and links shared before answered
404. A reindex that finds content gone from one path and present at a path no file had before (the
same rule that keeps the content's `indexed_at`) records old path → new path in the manifest's
"moved"; the web app redirects an old link there, and commands given an old id follow it."""

from __future__ import annotations


def record(previous: dict, entries: dict[str, dict]) -> dict[str, str]:
    """The manifest's "moved" for a run whose file entries are `entries`, given the last run's manifest:
    this run's renames and the earlier ones, followed to where the file is now. A move is forgotten
    once its old path holds a file again (that file owns the link) or its file is gone (a 404 then
    says so plainly)."""
    old_files = previous.get("files", {})
    now = {e["doc_rel"] for e in entries.values()}
    before = {e.get("doc_rel") for e in old_files.values()}
    arrived: dict[str, str] = {}  # content hash → a path that holds it and held nothing last run
    for e in sorted(entries.values(), key=lambda e: e["doc_rel"]):
        if e["doc_rel"] not in before and e.get("sha256"):
            arrived.setdefault(e["sha256"], e["doc_rel"])
    moved: dict[str, str] = {}
    for e in old_files.values():
        rel = e.get("doc_rel")
        if rel and rel not in now and e.get("sha256") in arrived:
            moved[rel] = arrived[e["sha256"]]
    for old, new in previous.get("moved", {}).items():
        new = moved.get(new, new)  # moved again in this run
        if old not in now and new in now and old != new:
            moved.setdefault(old, new)
    return moved


def follow(moved: dict[str, str], doc_id: str) -> str | None:
    """The id a report of a moved file has now (path~n keeps its n), or None."""
    if doc_id in moved:
        return moved[doc_id]
    path, sep, n = doc_id.rpartition("~")
    if sep and n.isdigit() and path in moved:
        return f"{moved[path]}~{n}"
    return None
