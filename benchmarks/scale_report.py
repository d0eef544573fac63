"""scale.json → the scaling section of docs/benchmarks.md and docs/bench-scaling.png.

    python -m benchmarks.scale_report WORK/scale.json [--command "how it was run"]

The section sits between two marker comments in docs/benchmarks.md and is replaced in place
(benchmarks.run keeps it when it rewrites the rest of the file). Straight lines are fitted to the
figures against corpus size to say where this machine's limits are; that is an extrapolation,
and the section says so.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from indexer.search.phases import PHASES

from .common import ROOT, machine

START, END = "<!-- scaling:start -->", "<!-- scaling:end -->"
SERVER_BUDGET_GB = 20  # of this machine's memory, leaving room for the system and a reindex
HTTP_P95_LIMIT_MS = 100  # where search stops feeling instant
BUILD_BUDGET_MB = 1536  # the build's memory target


def _fit(x: list[float], y: list[float]) -> tuple[float, float]:
    """Least-squares line y = a + b·x (two points: the line through them)."""
    b, a = np.polyfit(np.asarray(x, dtype=float), np.asarray(y, dtype=float), 1)
    return float(a), float(b)


def _reach(a: float, b: float, limit: float) -> float:
    return (limit - a) / b if b > 0 else float("inf")


def section(res: dict, command: str) -> list[str]:
    rows = sorted(res["rows"], key=lambda r: r["times"])
    chars = [r["tantivy"]["chars"] if "tantivy" in r else r["edusearch"].get("chars", 0) for r in rows]
    m = res.get("machine") or machine()
    out = [START, "## Scaling with the corpus size: the same corpus copied N times", "",
           f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB: one run, sizes one after",
           "the other (read the ratios, which come from the same run, more than the seconds). An N× corpus is N copies of",
           "`laws` under different folder names, so every report is indexed N times under different ids.",
           "Build memory is the peak of the **sum** of the resident memory of the whole process tree (the build",
           "process and its two workers, which parse, analyse and write the batches), sampled every 0.2 s; PSS counts pages shared",
           "by forked processes once. Server memory is the RSS of the `edusearch serve` process after 110 API",
           "queries, 36 that find nothing, 20 result pages and 5 CSV downloads of whole results (in brackets: its",
           "peak, VmHWM). Query figures: each of the 110 queries asked once.", "",
           "    " + command, "",
           "| corpus | characters | sections | edusearch build s (CPU s) | tantivy build s (CPU s) | ratio wall (CPU) | build peak RSS MB (sum) "
           "| PSS MB | tantivy peak RSS MB | index MB | tantivy index MB | server RSS MB (peak) | in-process p50 / p95 ms "
           "| HTTP p50 / p95 ms | tantivy p50 / p95 ms |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|"]
    for r, c in zip(rows, chars, strict=True):
        e, t = r["edusearch"], r.get("tantivy", {})
        ratio = e["seconds"] / t["build_seconds"] if t else float("nan")
        cpu_ratio = e["cpu_seconds"] / t["build_cpu_seconds"] if t.get("build_cpu_seconds") and e.get("cpu_seconds") else float("nan")
        q = (f"{e['inproc_p50_ms']:.1f} / {e['inproc_p95_ms']:.1f}", f"{e['http_p50_ms']:.1f} / {e['http_p95_ms']:.1f}",
             f"{e['server_rss_end_mb']:.0f} ({e.get('server_rss_peak_mb', float('nan')):.0f})") if "inproc_p50_ms" in e else ("–", "–", "–")
        out.append(f"| {r['times']}× laws | {c:,} | {e['sections']:,} | {e['seconds']:.0f} ({e.get('cpu_seconds', float('nan')):.0f}) | "
                   f"{t.get('build_seconds', float('nan')):.0f} ({t.get('build_cpu_seconds') or float('nan'):.0f}) | "
                   f"{ratio:.1f}× ({cpu_ratio:.1f}×) | {e['tree_peak_rss_mb']:.0f} | "
                   f"{e['tree_peak_pss_mb']:.0f} | {t.get('tree_peak_rss_mb', float('nan')):.0f} | "
                   f"{e['index_bytes'] / 1e6:.0f} | {t.get('index_bytes', float('nan')) / 1e6:.0f} | {q[2]} | {q[0]} | {q[1]} | "
                   f"{t.get('query_p50_ms', float('nan')):.1f} / {t.get('query_p95_ms', float('nan')):.1f} |")
    out += ["", "![build time, build memory and server memory against corpus size](bench-scaling.png)", ""]
    out += _phases(rows)
    out += _limits(rows, chars)
    out.append(END)
    return out


def _phases(rows: list[dict]) -> list[str]:
    """Each search phase's mean time per query at each size (the search's own timings, phases.py), the
    in-process p95 against tantivy's, and the queries that find nothing."""
    rows = [r for r in rows if "phases" in r["edusearch"]]
    if not rows:
        return []
    sizes = [f"{r['times']}×" for r in rows]
    out = ["**Where a query's time goes** (mean ms per query of each phase's own time, over the 110 queries; "
           "*render* is the page as JSON, timed after the search):", "",
           "| phase | " + " | ".join(sizes) + f" | {sizes[-1]} / {sizes[0]} |", "|---|" + "---:|" * (len(rows) + 1)]
    for name in PHASES:
        means = [r["edusearch"]["phases"].get(name, {}).get("mean", 0.0) for r in rows]
        if max(means) >= 0.005:
            growth = f"{means[-1] / means[0]:.1f}×" if means[0] > 0 else "–"
            out.append(f"| {name} | " + " | ".join(f"{m:.2f}" for m in means) + f" | {growth} |")
    out.append("")
    for r in rows:
        e, t = r["edusearch"], r.get("tantivy", {})
        vs = f", {e['inproc_p95_ms'] / t['query_p95_ms']:.2f}× tantivy's p95" if t.get("query_p95_ms") else ""
        zero = e.get("zero") or []
        slowest = max(zero, key=lambda q: q["ms"])["q"] if zero else ""
        out.append(f"- {r['times']}×: in-process p95 {e['inproc_p95_ms']:.1f} ms{vs}; {len(zero)} queries that find "
                   f"nothing (typos, pasted sentences) answered with their suggestions in p50 {e['zero_p50_ms']:.1f} ms, "
                   f"slowest {e['zero_max_ms']:.1f} ms ({slowest}); over HTTP p50 {e['zero_http_p50_ms']:.1f}, "
                   f"slowest {e['zero_http_max_ms']:.1f} ms.")
    return [*out, ""]


def _limits(rows: list[dict], chars: list[int]) -> list[str]:
    mchars = [c / 1e6 for c in chars]
    lines = ["**How far this machine goes (extrapolated from the lines through these points, not measured):**", ""]
    a, b = _fit(mchars, [r["edusearch"]["seconds"] for r in rows])
    lines.append(f"- Build time grows by {b:.1f} s per million characters: 150 M characters (a provincial "
                 f"collection) would take about {(a + b * 150) / 60:.0f} minutes, 1,000 M about {(a + b * 1000) / 3600:.1f} hours.")
    peaks = [r["edusearch"]["tree_peak_rss_mb"] for r in rows]
    a, b = _fit(mchars, peaks)
    lines.append(f"- Build memory stayed between {min(peaks):.0f} and {max(peaks):.0f} MB; what still grows "
                 f"({b:.1f} MB per million characters) would reach {a + b * 150:,.0f} MB at 150 M characters and "
                 f"{a + b * 1000:,.0f} MB at 1,000 M, past the 1.5 GB line from about "
                 f"{_reach(a, b, BUILD_BUDGET_MB):,.0f} M characters; this machine's 24 GB is not what limits the size.")
    a, b = _fit(mchars, [r["edusearch"]["index_bytes"] / 1e6 for r in rows])
    lines.append(f"- The index takes {b:.1f} MB per million characters on disk (twice that while a full reindex "
                 "writes the next generation beside the live one).")
    served = [r for r in rows if "server_rss_end_mb" in r["edusearch"]]
    if len(served) >= 2:
        xs = [mchars[rows.index(r)] for r in served]
        a, b = _fit(xs, [r["edusearch"]["server_rss_end_mb"] for r in served])
        mem_limit = _reach(a, b, SERVER_BUDGET_GB * 1024)
        a2, b2 = _fit(xs, [r["edusearch"]["http_p95_ms"] for r in served])
        lat_limit = _reach(a2, b2, HTTP_P95_LIMIT_MS)
        lines.append(f"- Server memory: {a:.0f} MB + {b:.1f} MB per million characters, so {SERVER_BUDGET_GB} GB "
                     f"would hold about {mem_limit:,.0f} M characters.")
        lines.append(f"- HTTP p95 grows by {b2:.2f} ms per million characters and would pass {HTTP_P95_LIMIT_MS} ms "
                     f"at about {lat_limit:,.0f} M characters.")
        limit = min(mem_limit, lat_limit)
        lines.append(f"- So the largest corpus this 2-core machine serves well is about **{limit:,.0f} M characters** "
                     f"({limit / mchars[0]:.0f}× laws), set by {'latency' if lat_limit < mem_limit else 'memory'}; "
                     "past that, see the README's *Past one machine*.")
    lines.append("")
    return lines


def plot(res: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = sorted(res["rows"], key=lambda r: r["times"])
    x = [r["tantivy"]["chars"] / 1e6 if "tantivy" in r else r["times"] * 19.4 for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    ax = axes[0]
    ax.plot(x, [r["edusearch"]["seconds"] for r in rows], "o-", label="edusearch")
    ax.plot(x, [r["tantivy"]["build_seconds"] for r in rows if "tantivy" in r], "s-", label="tantivy + jieba")
    ax.set(title="full build (s)", xlabel="million characters")
    ax.legend()
    ax = axes[1]
    ax.plot(x, [r["edusearch"]["tree_peak_rss_mb"] for r in rows], "o-", label="edusearch, sum of RSS")
    ax.plot(x, [r["edusearch"]["tree_peak_pss_mb"] for r in rows], "o--", label="edusearch, PSS")
    ax.plot(x, [r["tantivy"]["tree_peak_rss_mb"] for r in rows if "tantivy" in r], "s-", label="tantivy peer, sum of RSS")
    ax.axhline(1536, color="grey", lw=0.8, ls=":", label="1.5 GB")
    ax.set(title="build peak memory (MB)", xlabel="million characters", ylim=(0, None))
    ax.legend(fontsize=8)
    ax = axes[2]
    served = [(xx, r) for xx, r in zip(x, rows, strict=True) if "server_rss_end_mb" in r["edusearch"]]
    ax.plot([s[0] for s in served], [s[1]["edusearch"]["server_rss_end_mb"] for s in served], "o-", label="server RSS (MB)")
    ax.plot([s[0] for s in served], [s[1]["edusearch"]["http_p95_ms"] * 10 for s in served], "^-", label="HTTP p95 (ms ×10)")
    ax.axhline(400, color="grey", lw=0.8, ls=":", label="400 MB")
    ax.set(title="serving", xlabel="million characters", ylim=(0, None))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write(res: dict, command: str, docs: Path) -> None:
    plot(res, docs / "bench-scaling.png")
    md = docs / "benchmarks.md"
    text = md.read_text(encoding="utf-8") if md.exists() else "# Benchmarks\n"
    block = "\n".join(section(res, command))
    if START in text and END in text:
        text = text[: text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    md.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("results", type=Path, nargs="+", help="scale.json files; rows are merged by corpus size")
    ap.add_argument("--command", default="python -m benchmarks.scale --corpus ../shared/corpus/laws --times 1,4,8")
    a = ap.parse_args()
    merged: dict = {"rows": []}
    for path in a.results:
        res = json.loads(path.read_text(encoding="utf-8"))
        merged["machine"] = res.get("machine")
        sizes = {r["times"] for r in res["rows"]}
        merged["rows"] = [r for r in merged["rows"] if r["times"] not in sizes] + res["rows"]
    write(merged, a.command, ROOT / "docs")


if __name__ == "__main__":
    main()
