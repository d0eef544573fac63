"""Named points of a reindex where a crash test can stop it, on any machine at the same place.

A test sets EDUSEARCH_STOP_AT to a point's name (see POINTS) and, optionally,
EDUSEARCH_STOP_MARKER to a file that is written when the point is reached. The
reindex then stops there: with EDUSEARCH_STOP=kill it SIGKILLs itself; by
default it pauses until the file EDUSEARCH_STOP_MARKER + ".go" appears (so the
test can look around, kill it, or let it go on). Without the variable this is
one dictionary lookup per point.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

POINTS = (
    "start",  # in reindex(), before the lock is taken
    "scan",  # lock held, new generation folder made, files listed
    "parse",  # the first file parsed; worker processes (if any) still parsing the rest
    "index",  # the first batch's sections handed over to be analysed and written
    "commit",  # every batch's segments written, Whoosh about to commit them
    "finish",  # Whoosh committed, exact index saved, manifest not yet written
    "before-pointer",  # the new generation complete and synced, CURRENT not yet replaced
    "pointer-written",  # CURRENT.tmp written, not yet renamed over CURRENT
    "after-swap",  # CURRENT replaced, old generations not yet cleaned up
)


def reached(point: str) -> None:
    if os.environ.get("EDUSEARCH_STOP_AT") != point:
        return
    marker = os.environ.get("EDUSEARCH_STOP_MARKER")
    if marker:
        Path(marker).write_text(f"{point} {os.getpid()}\n", encoding="utf-8")
    if os.environ.get("EDUSEARCH_STOP") == "kill" or not marker:
        os.kill(os.getpid(), signal.SIGKILL)
    go = Path(marker + ".go")
    while not go.exists():
        time.sleep(0.01)
