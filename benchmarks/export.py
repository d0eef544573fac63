"""Sections of a corpus as edusearch understands them, for the peers (see FORMATS.md)."""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from indexer.ingest.model import ParsedFile
from indexer.store.batches import parse_file
from indexer.store.scan import scan
from indexer.text.normalize import fold_text


def export(corpus: Path, out: Path, files_subset: list[str] | None = None) -> dict:
    """Write sections.jsonl; return counts. files_subset: relative paths to keep (corpus-size runs)."""
    files, _ = scan([corpus])
    if files_subset is not None:
        keep = set(files_subset)
        files = [f for f in files if f.rel in keep]
    n_sections = n_chars = 0
    with ProcessPoolExecutor(max_workers=2) as pool, open(out, "w", encoding="utf-8") as fh:
        for res in pool.map(parse_file, files, chunksize=8):
            if not isinstance(res, ParsedFile):
                continue
            for r in res.reports:
                title = fold_text(r.title)
                for i, s in enumerate(r.sections):
                    parts = [title if i == 0 else "", fold_text(s.heading), fold_text(s.text)]
                    row = {"key": f"{r.doc_id}#{s.section_id}", "doc_id": r.doc_id, "title": r.title,
                           "heading": s.heading, "text": s.text, "year": r.year, "parts": parts}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                    n_sections += 1
                    n_chars += len(s.heading) + len(s.text)
    return {"files": len(files), "sections": n_sections, "chars": n_chars}
