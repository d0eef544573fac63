"""results.json → docs/benchmarks.md and its plots."""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from indexer.search.phases import PHASES

from .common import TARGETS, pct, phase_profile

LABELS = {"edusearch": "edusearch (first page: rank, facets, snippets)", "edusearch_match": "edusearch (matching only)",
          "edusearch_kwic": "edusearch concordance (first page: 50 lines by year)", "brute": "brute-force scan", "sqlite": "SQLite FTS5 trigram",
          "tantivy": "tantivy + jieba", "whoosh274": "Whoosh 2.7.4 + jieba (obvious)"}
KINDS = ["1char", "2char", "3char", "4plus", "multi", "quoted", "year", "latin"]


def _engines(full: dict) -> dict[str, dict]:
    """name → {build_s, bytes, rss, ms(list)} at the full corpus size."""
    b = full["edusearch_build"]
    qs = full["edusearch_inproc"]["queries"]
    common = {"build_s": b["seconds"], "bytes": full["edusearch_bytes"], "rss": b["peak_rss_bytes"]}
    out = {"edusearch": {**common, "ms": [q["ms"] for q in qs]},
           "edusearch_match": {**common, "ms": [q["match_ms"] for q in qs]}}
    if all("kwic_ms" in q for q in qs):
        out["edusearch_kwic"] = {**common, "ms": [q["kwic_ms"] for q in qs]}
    for name, p in full["peers"].items():
        out[name] = {"build_s": p["build_seconds"], "bytes": p["index_bytes"], "rss": p["peak_rss_bytes"], "ms": p["query_ms"]}
    return out


RUN_END = "<!-- run:end -->"  # the generated part ends here; the rest of the page is kept


def write_report(results: dict, queries: list[dict], docs: Path) -> None:
    docs.mkdir(exist_ok=True)
    full = results["sizes"][-1]
    engines = _engines(full)
    peers = [n for n in engines if not n.startswith("edusearch")]
    _plot_latency(engines, queries, docs / "bench-latency-by-kind.png")
    _plot_build(results, docs / "bench-index-time.png")
    m = results["machine"]
    brute_p50 = pct(engines["brute"]["ms"], 50) if "brute" in engines else float("nan")
    lines = [
        "# Benchmarks",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}",
        f"({m['platform']}). Corpus: `{Path(results['corpus']).name}` — {full['files']} files, {full['sections']:,} sections,",
        f"{full['chars']:,} characters. {results['queries']} queries, each asked once, in the same order for every engine.",
        "",
        "Reproduce (one command; creates a venv for Whoosh 2.7.4 beside the project's whoosh3):",
        "",
        "    .venv/bin/pip install -U pip && .venv/bin/pip install -e '.[bench]' && .venv/bin/python -m benchmarks.run --corpus ../shared/corpus/laws",
        "",
        "This machine is small and shared: read medians and ratios, not single figures. Ratios are against",
        "the brute-force scan measured in the same run.",
        "",
        "## Engines side by side (full corpus)",
        "",
        "| engine | build s | chars/s | index MB | peak RSS MB | p50 ms | p95 ms | p99 ms | p50 vs scan | recall | precision |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, e in engines.items():
        q = results["quality"].get(name, {}) if name != "edusearch_match" else results["quality"]["edusearch"]
        p50 = pct(e["ms"], 50)
        lines.append(
            f"| {LABELS.get(name, name)} | {e['build_s']:.1f} | {full['chars'] / e['build_s']:,.0f} | {e['bytes'] / 1e6:.0f} | "
            f"{e['rss'] / 1e6:.0f} | {p50:.1f} | {pct(e['ms'], 95):.1f} | {pct(e['ms'], 99):.1f} | "
            f"{p50 / brute_p50:.2f}× | {_share(q.get('recall'))} | {_share(q.get('precision'))} |")
    lines += [
        "",
        "edusearch's query figures include what a user's first page costs: exact matching, two-stage ranking,",
        "year/type/region facets and ten snippets. Peers return the set of matching keys only.",
        "Recall and precision are over (query, section) pairs against the brute-force scan of the same",
        "folded text (whole-word rule for Latin and digits). Peak RSS is the building process alone (worker",
        "processes not counted); the scaling section below sums the whole process tree.",
        "",
        "## edusearch against its targets",
        "",
        "| figure | measured | target | |",
        "|---|---:|---:|---|",
    ]
    inc, http, cold = full["edusearch_incremental"], full["edusearch_http"], full["edusearch_cold"]
    inproc_ms = engines["edusearch"]["ms"]
    rows = [
        ("full reindex (s)", full["edusearch_build"]["seconds"], TARGETS["full_reindex_s"]),
        ("one changed file re-indexed (s, median of 3)", inc["seconds"], TARGETS["incremental_s"]),
        ("in-process query p95 (ms)", pct(inproc_ms, 95), TARGETS["inproc_p95_ms"]),
        *([("in-process concordance first page p95 (ms)", pct(engines["edusearch_kwic"]["ms"], 95),
            TARGETS["kwic_p95_ms"])] if "edusearch_kwic" in engines else []),
        ("HTTP /api/search p95 (ms)", http["p95"], TARGETS["http_p95_ms"]),
        ("cold `edusearch search` to first result (s, median of 5)", cold["seconds"], TARGETS["cold_s"]),
        ("server memory, peak RSS (MB)", http["rss_peak_mb"], TARGETS["server_rss_mb"]),
        ("recall against brute force", results["quality"]["edusearch"]["recall"], TARGETS["recall"]),
    ]
    for label, value, target in rows:
        ok = value >= target if label.startswith("recall") else value <= target
        lines.append(f"| {label} | {value:.3f} | {target} | {'met' if ok else 'missed'} |")
    b = full["edusearch_build"]
    lines += [
        "",
        f"In-process p50/p95/p99: {pct(inproc_ms, 50):.1f} / {pct(inproc_ms, 95):.1f} / {pct(inproc_ms, 99):.1f} ms; "
        f"HTTP p50/p95/p99: {http['p50']:.1f} / {http['p95']:.1f} / {http['p99']:.1f} ms; "
        f"index opened in {full['edusearch_inproc']['open_seconds']:.2f} s.",
        f"Full reindex phases (s): {', '.join(f'{k} {v}' for k, v in b['phases'].items())}; peak RSS {b['peak_rss_bytes'] / 1e6:.0f} MB.",
        "",
        "## Latency by query kind (p50 ms)",
        "",
        "| kind | n | " + " | ".join(LABELS.get(n, n) for n in engines) + " |",
        "|---|---:|" + "---:|" * len(engines),
    ]
    for kind in KINDS:
        cells = [f"{_kind_median(e['ms'], queries, kind):.1f}" for e in engines.values()]
        n = sum(q["kind"] == kind for q in queries)
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    lines += ["", "![latency by query kind](bench-latency-by-kind.png)", ""]
    lines += _phase_lines(full["edusearch_inproc"])
    lines += ["## Index time by corpus size", "",
              "| fraction | sections | chars | edusearch | " + " | ".join(LABELS.get(n, n) for n in peers) + " |",
              "|---:|---:|---:|" + "---:|" * (len(peers) + 1)]
    for row in results["sizes"]:
        cells = [f"{row['edusearch_build']['seconds']:.1f}"] + [
            f"{row['peers'][n]['build_seconds']:.1f}" if n in row["peers"] else "" for n in peers]
        lines.append(f"| {row['fraction']} | {row['sections']:,} | {row['chars']:,} | " + " | ".join(cells) + " |")
    lines += ["", "![index time by corpus size](bench-index-time.png)", ""]
    misses = results["quality"]["edusearch"]["queries_missing_results"]
    lines += [f"Queries where edusearch missed a section the scan found: {', '.join(misses) if misses else 'none'}.", ""]
    lines += [RUN_END, *_kept_sections(docs / "benchmarks.md")]
    (docs / "benchmarks.md").write_text("\n".join(lines), encoding="utf-8")


def _phase_lines(inproc: dict) -> list[str]:
    """Where a first page's time goes (indexer/search/phases.py), and the queries that find nothing."""
    prof = phase_profile(inproc["queries"])
    lines = ["## Where a query's time goes", "",
             "Each search phase's own time (a phase nested in another is counted in it alone), from the search's "
             "own timings, over the queries above; *render* is the page as JSON, timed apart.", "",
             "| phase | mean ms | p95 ms | max ms |", "|---|---:|---:|---:|"]
    for name in [n for n in PHASES if n in prof]:
        f = prof[name]
        lines.append(f"| {name} | {f['mean']:.2f} | {f['p95']:.2f} | {f['max']:.1f} |")
    zero = inproc.get("zero") or []
    if zero:
        ms = [q["ms"] for q in zero]
        lines += ["", f"{len(zero)} queries that find nothing (typos, pasted sentences: `benchmarks/queries.py`), each "
                  f"answered with its suggestions: p50 {pct(ms, 50):.1f} ms, slowest {max(ms):.1f} ms "
                  f"({max(zero, key=lambda q: q['ms'])['q']})."]
    return [*lines, ""]


def _share(x: float | None) -> str:
    return "—" if x is None else f"{x:.4f}"  # the concordance returns lines, not a set of sections to score


def _kept_sections(md: Path) -> list[str]:
    """What follows this run's part (the scaling section, ranking quality, …) survives a rewrite of it."""
    from .scale_report import END, START

    text = md.read_text(encoding="utf-8") if md.exists() else ""
    if RUN_END in text:
        return [text.split(RUN_END, 1)[1].lstrip("\n")]
    if START not in text or END not in text:
        return []
    return ["", text[text.index(START): text.index(END) + len(END)], ""]


def _kind_median(ms: list[float], queries: list[dict], kind: str) -> float:
    return float(np.median([ms[i] for i, q in enumerate(queries) if q["kind"] == kind]))


@contextlib.contextmanager
def _figure(path: Path, size: tuple[float, float], title: str, xlabel: str, ylabel: str):
    """A matplotlib axes to draw on, labelled and saved as PNG on exit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=size)
    yield ax
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _plot_latency(engines: dict, queries: list[dict], path: Path) -> None:
    with _figure(path, (10, 4.5), "Query latency by kind", "query kind", "median latency per query (ms, log)") as ax:
        width = 0.8 / len(engines)
        x = np.arange(len(KINDS))
        for k, (name, e) in enumerate(engines.items()):
            ax.bar(x + k * width, [_kind_median(e["ms"], queries, kind) for kind in KINDS], width,
                   label=LABELS.get(name, name))
        ax.set_xticks(x + width * (len(engines) - 1) / 2, KINDS)
        ax.set_yscale("log")


def _plot_build(results: dict, path: Path) -> None:
    sizes = results["sizes"]
    chars = [r["chars"] / 1e6 for r in sizes]
    with _figure(path, (8, 4.5), "Index time by corpus size", "corpus size (million characters)",
                 "full index build (s)") as ax:
        ax.plot(chars, [r["edusearch_build"]["seconds"] for r in sizes], "o-", label="edusearch")
        for name in sizes[-1]["peers"]:
            ax.plot(chars, [r["peers"][name]["build_seconds"] for r in sizes], "o-", label=LABELS.get(name, name))
