"""What every benchmark shares: the checkout's root, the targets the figures are held to, percentiles
and a description of the machine they were measured on."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"full_reindex_s": 90, "incremental_s": 2, "inproc_p95_ms": 30, "http_p95_ms": 60, "cold_s": 1.5,
           "server_rss_mb": 400, "recall": 1.0, "kwic_p95_ms": 50, "kwic_export_rss_mb": 50}


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p)) if values else float("nan")


def phase_profile(rows: list[dict]) -> dict[str, dict[str, float]]:
    """Per search phase (indexer/search/phases.py), over benchmarks.inproc's rows: the mean time a query
    spent in it, its 95th percentile and the largest, in ms (a query that skips a phase counts 0)."""
    names = sorted({k for r in rows for k in r.get("phases", {})})
    out = {}
    for name in names:
        ms = [r.get("phases", {}).get(name, 0.0) for r in rows]
        out[name] = {"mean": float(np.mean(ms)), "p95": pct(ms, 95), "max": max(ms)}
    return out


def machine() -> dict:
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next((int(ln.split()[1]) for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(mem / 1024 / 1024, 1), "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d"), "platform": platform.platform()}
