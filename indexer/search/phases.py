"""Where one search's time goes, phase by phase: what the benchmarks' per-phase profile reads.

A caller that wants the profile passes a `Timings` to `engine.search` or `engine.find`; the search
layer opens a phase around each step (`phase(timings, "verify")`) and, when no Timings was passed,
the phase is a no-op. Phases nest: a phase's figure is its own time, its inner phases' time left
out, so the figures of one search add up to its wall time and none is counted twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

# the phases a search opens, in the order they run; the benchmarks print them in this order
PHASES = ("parse", "occurrences", "candidates", "verify", "match", "words", "suggest", "rank1", "rank2", "order", "facets",
          "snippets", "render")


class Timings:
    """Milliseconds per phase of the searches it is passed to (summed when a phase runs several times).
    clock: wall time by default; time.thread_time counts only this thread's CPU, steadier on a busy machine."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.ms: dict[str, float] = {}
        self.clock = clock
        self._inner: list[float] = []  # per open phase: time spent in the phases opened inside it

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        t = self.clock()
        self._inner.append(0.0)
        try:
            yield
        finally:
            spent = (self.clock() - t) * 1000
            inner = self._inner.pop()
            self.ms[name] = self.ms.get(name, 0.0) + spent - inner
            if self._inner:
                self._inner[-1] += spent


def phase(timings: Timings | None, name: str) -> AbstractContextManager[None]:
    """A phase of timings, or nothing when the caller asked for no profile."""
    return nullcontext() if timings is None else timings.phase(name)
