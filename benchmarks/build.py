"""One reindex in its own process, reported as JSON (wall time, phases, peak memory)."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from indexer.store.build import reindex


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--full", action="store_true")
    a = ap.parse_args()
    t0 = time.perf_counter()
    s = reindex(Path(a.index), [Path(a.corpus)], full=a.full, progress=False)
    seconds = time.perf_counter() - t0
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    json.dump({"seconds": seconds, "phases": s.phases, "files": s.files, "reports": s.reports,
               "sections": s.sections, "indexed": s.indexed, "full": s.full, "peak_rss_bytes": peak * 1024,
               "line": s.line()}, sys.stdout)


if __name__ == "__main__":
    main()
