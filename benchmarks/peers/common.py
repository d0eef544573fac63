"""Types shared by the runner and the peers; stdlib only, so the whoosh274 venv can import it."""

from __future__ import annotations

from typing import NamedTuple, Protocol

YearRange = tuple[int, int]


class Section(NamedTuple):
    """What a peer may index of one sections.jsonl row: the key, the report's year and the folded parts."""

    key: str
    year: int | None
    parts: list[str]


class Engine(Protocol):
    """A built peer index. search returns every matching key (not a top-k)."""

    def search(self, needles: list[str], year: YearRange | None) -> list[str]: ...


def version_of(dist: str) -> str:
    """Installed version of a distribution, for the result file."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"
