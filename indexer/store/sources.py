"""The source folders an index remembers, and how a reindex changes them.

Adding a folder must never drop the ones already indexed: `reindex SOURCE`
adds SOURCE, `--replace` replaces the list, `sources remove` takes one out.
A folder that holds, or is held by, a remembered one is not indexed twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class SourceMissing(Exception):
    """A source folder is gone; nothing is deleted on the strength of that."""


@dataclass
class SourcePlan:
    sources: list[Path]
    added: list[Path] = field(default_factory=list)
    dropped: list[Path] = field(default_factory=list)  # no longer sources: their documents leave the index
    notes: list[str] = field(default_factory=list)


def remembered(manifest: dict | None) -> list[Path]:
    return [Path(s) for s in (manifest or {}).get("sources", [])]


def default_sources() -> list[Path]:
    default = Path("seeds").resolve()
    if not default.is_dir():
        raise SourceMissing("no sources given, none remembered, and no seeds/ folder here")
    return [default]


def plan(given: list[Path] | None, old: list[Path], replace: bool = False) -> SourcePlan:
    """The new source list. Given folders must exist: a typo must not look like an empty folder."""
    if not given:
        return SourcePlan(old or default_sources())
    new = _unique([Path(s).resolve() for s in given])
    missing = [str(s) for s in new if not s.exists()]
    if missing:
        raise SourceMissing("source folder not found: " + ", ".join(missing) + " (nothing was changed)")
    if replace or not old:
        return SourcePlan(new, [s for s in new if s not in old], [s for s in old if s not in new])
    result = SourcePlan(list(old))
    for s in new:
        holder = next((o for o in result.sources if _within(s, o)), None)
        if holder is not None:
            if holder != s:
                result.notes.append(f"{s} is already indexed as part of {holder}")
            continue
        inside = [o for o in result.sources if _within(o, s)]
        for o in inside:
            result.sources.remove(o)
            result.notes.append(f"{o} is now indexed as part of {s}")
        result.sources.append(s)
        result.added.append(s)
    return result


def without(old: list[Path], paths: list[Path]) -> SourcePlan:
    """The plan for `edusearch sources remove PATH …`."""
    drop = [Path(p).resolve() for p in paths]
    unknown = [str(p) for p in drop if p not in old]
    if unknown:
        listed = ", ".join(str(o) for o in old) or "none"
        raise SourceMissing(f"not a source of this index: {', '.join(unknown)} (its sources: {listed})")
    kept = [o for o in old if o not in drop]
    if not kept:
        raise SourceMissing("an index needs at least one source: add another before removing the last one")
    return SourcePlan(kept, dropped=drop)


def missing(sources: list[Path]) -> list[Path]:
    return [s for s in sources if not s.exists()]


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _unique(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p not in out:
            out.append(p)
    return out
