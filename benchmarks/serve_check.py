"""HTTP latency and server memory alone, against an existing index (the harness's `http` step).

    python -m benchmarks.serve_check INDEX_DIR [QUERIES_JSON]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import queries as query_list
from .run import http

if __name__ == "__main__":
    qs = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")) if len(sys.argv) > 2 else query_list.all_queries()
    res = http(Path(sys.argv[1]), qs)
    res.pop("ms")
    print(json.dumps(res, indent=1))
