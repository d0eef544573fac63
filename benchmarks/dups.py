"""How well copies of one document are grouped, and what grouping costs a build.

    python -m benchmarks.dups [--corpus ../shared/corpus] [--work DIR] [--skip-laws] [--runs 3]

1. The near-duplicate set (benchmarks/dupset.py, made from tests/fixtures) and the hand-written
   set in tests/fixtures/dups (its TRUTH.tsv): indexed, and the grouping scored over pairs of
   reports against the truth (precision, recall), with the resemblance and changed characters of
   every pair the LSH proposed or the truth joins, by kind: what MIN_RESEMBLANCE and MAX_CHANGED
   were chosen from.
2. official-docs: its groups, and a search that must show 教体艺〔2014〕1号 once with two sources.
3. laws copied twice (as benchmarks/scale.py copies a corpus): every law one document (each file
   grouped with its twin), and the build's time with grouping against the same code without it
   (a checkout of BASELINE, `git archive` of it, by default main), alternating runs, medians.

Results go to WORK/dups.json and are printed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from indexer.search.engine import search
from indexer.store import copies
from indexer.store.build import reindex
from indexer.store.reader import Library
from indexer.text import fingerprint

from . import dupset
from . import queries as query_list
from .common import ROOT, machine
from .scale import make_corpus

FIXTURES = ROOT / "tests" / "fixtures"
SWEEP_FLOOR = 0.4  # different documents less alike than this are not aligned for the sweep
SWEEP_RESEMBLANCE = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
SWEEP_CHANGED = (0, 4, 8, 16, 32, 64)
_NUMBERED = re.compile(r"^(.*)~(\d+)$")


def report_truth(reader, truth: dict[str, str]) -> dict[int, str]:
    """Each live report's document: its file's, and its place in the file when the file holds several."""
    out = {}
    for i, r in enumerate(reader.catalog.reports):
        if not reader.report_live[i]:
            continue
        m = _NUMBERED.match(r.doc_id)
        file, number = (m.group(1), m.group(2)) if m else (r.doc_id, "1")
        if file in truth:
            out[i] = f"{truth[file]}#{number}"
    return out


def score(reader, truth: dict[str, str]) -> dict:
    """Precision and recall over unordered pairs of reports: grouped together vs one document."""
    docs = report_truth(reader, truth)
    group = reader.facts.group
    tp = fp = fn = 0
    misses, wrong = [], []
    for a, b in itertools.combinations(sorted(docs), 2):
        same, grouped = docs[a] == docs[b], bool(group[a] == group[b])
        tp += same and grouped
        fp += grouped and not same
        fn += same and not grouped
        names = (reader.catalog.reports[a].doc_id, reader.catalog.reports[b].doc_id)
        if same and not grouped:
            misses.append(names)
        elif grouped and not same:
            wrong.append(names)
    return {"reports": len(docs), "pairs_true": tp + fn, "pairs_grouped": tp + fp,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "missed": misses[:20], "wrongly_grouped": wrong[:20]}


def pair_measures(reader, truth: dict[str, str], kinds: dict[str, str]) -> list[dict]:
    """Resemblance and changed characters of every pair that is one document or that shares LSH bands,
    from the index's own signatures and texts: what the thresholds are read from."""
    cat = reader.catalog
    gen = reader.gen
    from indexer.store.catalog import Catalog

    full = Catalog.concat([Catalog.load(gen / d, signatures=True) for d in reader.manifest["segments"]])
    texts = copies._Texts(gen, reader.manifest["segments"])
    docs = report_truth(reader, truth)
    sigs = full.signatures
    rows = []
    for a, b in itertools.combinations(sorted(docs), 2):
        same = docs[a] == docs[b]
        similar = fingerprint.resemblance(sigs[a], sigs[b])
        if not same and similar < SWEEP_FLOOR:
            continue
        ra, rb = cat.reports[a], cat.reports[b]
        diff = fingerprint.difference(texts.of(ra), texts.of(rb))
        file_a, file_b = (_NUMBERED.sub(r"\1", r.doc_id) for r in (ra, rb))
        rows.append({"a": ra.doc_id, "b": rb.doc_id, "same": same, "kinds": f"{kinds.get(file_a)}/{kinds.get(file_b)}",
                     "resemblance": round(similar, 3), "changed": diff.changed, "one_sided": diff.one_sided,
                     "ends": diff.ends, "chars": min(ra.chars, rb.chars), "ends_share": round(diff.ends / max(min(ra.chars, rb.chars), 1), 3),
                     "contradiction": copies._contradiction(ra, rb)})
    return rows


def threshold_table(rows: list[dict]) -> dict:
    """For copies (same) and different documents: the resemblance and changed characters seen."""
    def summary(sel: list[dict]) -> dict:
        if not sel:
            return {}
        res = sorted(r["resemblance"] for r in sel)
        ch = sorted(r["changed"] for r in sel)
        return {"pairs": len(sel), "resemblance_min": res[0], "resemblance_p5": res[len(res) // 20],
                "resemblance_max": res[-1], "changed_min": ch[0], "changed_median": ch[len(ch) // 2],
                "changed_p95": ch[min(len(ch) - 1, len(ch) * 19 // 20)], "changed_max": ch[-1]}

    same = [r for r in rows if r["same"]]
    near = [r for r in rows if not r["same"] and not r["contradiction"]]
    sweep = [{"min_resemblance": res, "max_changed": ch,
              "copy_pairs_passing": sum(r["resemblance"] >= res and r["changed"] <= ch for r in same),
              "different_pairs_passing": sum(r["resemblance"] >= res and r["changed"] <= ch for r in near)}
             for res in SWEEP_RESEMBLANCE for ch in SWEEP_CHANGED]
    return {"copies": summary(same), "different_uncontradicted": summary(near), "sweep": sweep,
            "copies_over_max_changed": [r for r in same if r["changed"] > copies.MAX_CHANGED][:10],
            "copies_under_min_resemblance": [r for r in same if r["resemblance"] < copies.MIN_RESEMBLANCE][:10],
            "different_within_thresholds": [r for r in near if r["changed"] <= copies.MAX_CHANGED
                                            and r["resemblance"] >= copies.MIN_RESEMBLANCE][:10]}


def measure_set(folder: Path, truth: dict[str, str], kinds: dict[str, str], work: Path) -> dict:
    index = work / f"index-{folder.name}"
    shutil.rmtree(index, ignore_errors=True)
    t = time.perf_counter()
    summary = reindex(index, [folder], progress=False)
    reader = Library(index).reader()
    out = {"files": summary.files, "reports": summary.reports, "skipped": [s.path for s in summary.skipped],
           "build_seconds": round(time.perf_counter() - t, 1), **score(reader, truth)}
    rows = pair_measures(reader, truth, kinds)
    out["thresholds"] = threshold_table(rows)
    by_kind: dict[str, Counter] = {}
    docs = report_truth(reader, truth)
    for r in rows:  # recall per kind of copy, precision per kind of version
        key = r["kinds"]
        c = by_kind.setdefault(key, Counter())
        a, b = (reader.report_index(x) for x in (r["a"], r["b"]))
        c["grouped" if reader.facts.group[a] == reader.facts.group[b] else "apart"] += 1
        c["same" if docs[a] == docs[b] else "different"] += 1
    out["by_kinds"] = {k: dict(v) for k, v in sorted(by_kind.items())}
    out["against_original"] = against_original(reader, truth, kinds)
    return out


def against_original(reader, truth: dict[str, str], kinds: dict[str, str]) -> dict[str, dict]:
    """Per kind of file: how many are grouped with their original (a copy should be, a version not)."""
    group = {r.doc_id: reader.facts.group[i] for i, r in enumerate(reader.catalog.reports) if reader.report_live[i]}
    original = {truth[f]: f for f, k in kinds.items() if k == "original"}
    out: dict[str, Counter] = {}
    for f, kind in kinds.items():
        base = original.get(truth[f].split("~")[0])
        if kind == "original" or base is None or f not in group or base not in group:
            continue
        c = out.setdefault(kind, Counter())
        c["files"] += 1
        c["grouped_with_original"] += int(group[f] == group[base])
    return {k: dict(v) for k, v in sorted(out.items())}


def hand_set() -> tuple[Path, dict[str, str], dict[str, str]]:
    """tests/fixtures/dups and its TRUTH.tsv (file, document, kind)."""
    folder = FIXTURES / "dups"
    rows = [ln.split("\t") for ln in (folder / "TRUTH.tsv").read_text(encoding="utf-8").splitlines()[1:] if ln.strip()]
    return folder, {r[0]: r[1] for r in rows}, {r[0]: r[2] for r in rows}


def official(corpus: Path, work: Path) -> dict:
    index = work / "index-official"
    shutil.rmtree(index, ignore_errors=True)
    summary = reindex(index, [corpus / "official-docs"], progress=False)
    reader = Library(index).reader()
    groups = {}
    for i in range(len(reader.catalog.reports)):
        members = reader.copies_of(i)
        if len(members) > 1:
            groups[members[0]] = [reader.catalog.reports[m].doc_id for m in members]
    res = search(reader, "学校艺术教育", per_page=50, group="report")
    cards = [(g.doc_id, [s.doc_id for s in g.sources]) for g in res.groups or []
             if "推进学校艺术教育发展的若干意见" in g.title]
    labelled = _labelled_copies(corpus / "official-docs" / "LABELS.tsv")
    return {"reports": summary.reports, "groups": list(groups.values()), "labelled_copies": labelled,
            "query": "学校艺术教育", "cards_of_教体艺〔2014〕1号": cards,
            "rejected": summary.copy_stats.rejected if summary.copy_stats else []}


def _labelled_copies(labels: Path) -> list[list[str]]:
    """Files LABELS.tsv gives one 文号 and issuer (the labelled copies)."""
    from indexer.store.catalog import fold_doc_no

    by: dict[tuple[str, str], list[str]] = {}
    for ln in labels.read_text(encoding="utf-8").splitlines()[1:]:
        cells = ln.split("\t")
        if len(cells) > 4 and cells[3] and cells[4]:
            by.setdefault((fold_doc_no(cells[3]), cells[4]), []).append(cells[0])
    return [v for v in by.values() if len(v) > 1]


def laws_twice(corpus: Path, work: Path, baseline: str, runs: int) -> dict:
    """2× laws: grouping checked, and build seconds with and without grouping, alternating."""
    twice = make_corpus(corpus / "laws", 2, work / "laws-2x")
    base = work / "baseline-code"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", baseline], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    seconds: dict[str, list[float]] = {"with": [], "without": []}
    cpu: dict[str, list[float]] = {"with": [], "without": []}
    phases = []
    for _ in range(runs):
        for label, code in (("without", base), ("with", ROOT)):
            index = work / f"index-laws-2x-{label}"
            shutil.rmtree(index, ignore_errors=True)
            t, c0 = time.perf_counter(), _children_cpu()
            out = subprocess.run([sys.executable, "-m", "benchmarks.build", "--corpus", str(twice), "--index",
                                  str(index), "--full"], cwd=code, capture_output=True, text=True, check=True).stdout
            seconds[label].append(time.perf_counter() - t)
            cpu[label].append(_children_cpu() - c0)
            if label == "with":
                phases.append(json.loads(out)["phases"])
            print(f"  laws 2x {label} grouping: {seconds[label][-1]:.1f} s", flush=True)
    reader = Library(work / "index-laws-2x-with").reader()
    reports = reader.catalog.reports
    by_file = {r.doc_id: i for i, r in enumerate(reports) if reader.report_live[i]}
    twins_apart = [d for d, i in by_file.items() if d.startswith("c1/")
                   and reader.facts.group[i] != reader.facts.group[by_file["c2/" + d[3:]]]]
    documents = len(set(reader.facts.group[reader.report_live].tolist()))
    shown_twice = []
    for qd in query_list.all_queries()[:60]:
        res = search(reader, qd["q"], per_page=100, group="report")
        names = [g.doc_id.split("/", 1)[1] for g in res.groups or []]
        if len(names) != len(set(names)):
            shown_twice.append(qd["q"])
    med = {k: statistics.median(v) for k, v in seconds.items()}
    fingerprints = fingerprint_cpu(work / "index-laws-2x-with")
    return {"reports": int(reader.report_live.sum()), "documents": documents, "twins_apart": twins_apart[:20],
            "queries_showing_a_law_twice": shown_twice, "seconds": seconds, "cpu_seconds": cpu,
            "median_with": med["with"], "median_without": med["without"],
            "growth": med["with"] / med["without"] - 1,
            "cpu_growth": statistics.median(cpu["with"]) / statistics.median(cpu["without"]) - 1,
            "copies_phase_seconds": [p.get("copies") for p in phases], "fingerprint_cpu_seconds": fingerprints}


def fingerprint_cpu(index: Path) -> float:
    """CPU seconds of what grouping adds to the workers: each report's compact text, digest and
    signature, from the folded text the index holds (the workers make them from the same strings)."""
    from indexer.store.batches import report_text
    from indexer.store.catalog import Catalog
    from indexer.store.exact import ExactSegment

    reader = Library(index).reader()
    segments = [ExactSegment.load(reader.gen / d) for d in reader.manifest["segments"]]
    spent = 0.0
    for seg, d in zip(segments, reader.manifest["segments"], strict=True):
        for r in Catalog.load(reader.gen / d).reports:
            parts = [seg.section_text(sid - seg.base) for sid in range(r.first_sid, r.first_sid + r.n_sections)]
            t = time.process_time()
            text = fingerprint.compact(report_text(r.title_folded, [h for h, _b in parts], [b for _h, b in parts]))
            fingerprint.signature(text)
            fingerprint.digest(text)
            spent += time.process_time() - t
    return round(spent, 2)


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "results" / "dups")
    ap.add_argument("--baseline", default="8c01a3d^",
                    help="git revision built without grouping, for the laws timing (default: the last before it)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-laws", action="store_true")
    a = ap.parse_args()
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "thresholds": {"MIN_RESEMBLANCE": copies.MIN_RESEMBLANCE,
                     "MAX_CHANGED": copies.MAX_CHANGED, "LSH_THRESHOLD": copies.LSH_THRESHOLD,
                     "RUN_MIN": fingerprint.RUN_MIN, "MIN_CHARS": copies.MIN_CHARS}}
    made = dupset.build(FIXTURES, work / "dupset")
    results["generated"] = measure_set(work / "dupset", {f: v["document"] for f, v in made.items()},
                                       {f: v["kind"] for f, v in made.items()}, work)
    print("generated set:", json.dumps({k: v for k, v in results["generated"].items() if k != "thresholds"},
                                       ensure_ascii=False), flush=True)
    folder, truth, kinds = hand_set()
    results["hand"] = measure_set(folder, truth, kinds, work)
    print("hand set:", json.dumps({k: v for k, v in results["hand"].items() if k != "thresholds"}, ensure_ascii=False),
          flush=True)
    results["official"] = official(a.corpus, work)
    print("official-docs:", json.dumps(results["official"], ensure_ascii=False), flush=True)
    if not a.skip_laws:
        results["laws_2x"] = laws_twice(a.corpus, work, a.baseline, a.runs)
        print("laws 2x:", json.dumps(results["laws_2x"], ensure_ascii=False), flush=True)
    (work / "dups.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
