"""Web-page main-content extraction: the project's own rules against trafilatura and readability-lxml.

Each page in tests/fixtures/formats/web/ has beside it the report text a reader would keep
(NAME.txt: title, headings and paragraphs one a line, table rows as `| cell | cell |`). Every
extractor's output is scored by characters (whitespace and `|` left out, matched in order):
precision = kept characters that are report text, recall = report characters kept. `lines` is
the share of expected lines that come out as a line of their own, exactly: a heading run into
its paragraph or table cells run together count as lost.

    .venv/bin/pip install -U pip && .venv/bin/pip install -e '.[bench]' && .venv/bin/python -m benchmarks.webpage_extract
"""

from __future__ import annotations

import argparse
import difflib
import re
import statistics
from pathlib import Path

from indexer.ingest.webpage import html_to_text, page_to_text

PAGES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "formats" / "web"


def own(markup: str) -> str:
    return page_to_text(markup)[0]


def trafilatura_text(markup: str) -> str:
    """trafilatura's own plain text (tables included), its title above."""
    import trafilatura

    doc = trafilatura.bare_extraction(markup, include_tables=True, with_metadata=True)
    return f"{doc.title or ''}\n{doc.text or ''}" if doc else ""


def trafilatura_html(markup: str) -> str:
    """trafilatura chooses the main content; the project's rules render it (cells, headings)."""
    import trafilatura

    body = trafilatura.extract(markup, include_tables=True, output_format="html") or ""
    title = trafilatura.extract_metadata(markup).title or ""
    return title + "\n" + html_to_text(body)[0]


def trafilatura_own(markup: str) -> str:
    """trafilatura's main content, then the project's frame rules on what it kept."""
    import trafilatura

    body = trafilatura.extract(markup, include_tables=True, output_format="html") or ""
    title = trafilatura.extract_metadata(markup).title or ""
    return title + "\n" + page_to_text(body)[0]


def readability_html(markup: str) -> str:
    """readability-lxml chooses the main content; the project's rules render it."""
    from readability import Document

    doc = Document(markup)
    return doc.short_title() + "\n" + html_to_text(doc.summary(html_partial=True))[0]


def readability_own(markup: str) -> str:
    from readability import Document

    doc = Document(markup)
    return doc.short_title() + "\n" + page_to_text(doc.summary(html_partial=True))[0]


EXTRACTORS = {
    "own rules (indexer/ingest/webpage.py)": own,
    "trafilatura, its text": trafilatura_text,
    "trafilatura → own rendering": trafilatura_html,
    "trafilatura → own rules": trafilatura_own,
    "readability-lxml → own rendering": readability_html,
    "readability-lxml → own rules": readability_own,
}


def lines_of(text: str) -> list[str]:
    """One line a paragraph, heading or table row; Markdown heading marks and cell spacing evened out."""
    out = []
    for line in text.split("\n"):
        line = re.sub(r"^#+\s*", "", line.strip())
        line = re.sub(r"\s*\|\s*", " | ", line).strip(" |")
        line = " ".join(line.split())
        if line:
            out.append(line)
    return out


def _chars(lines: list[str]) -> str:
    return re.sub(r"[\s|]", "", "".join(lines))


def score(got: str, expected: str) -> tuple[float, float, float]:
    g, e = lines_of(got), lines_of(expected)
    gc, ec = _chars(g), _chars(e)
    matched = sum(b.size for b in difflib.SequenceMatcher(None, gc, ec, autojunk=False).get_matching_blocks())
    precision = matched / len(gc) if gc else 0.0
    recall = matched / len(ec) if ec else 1.0
    exact = set(g)
    return precision, recall, sum(1 for x in e if x in exact) / len(e)


def run(names: list[str]) -> dict[str, list[tuple[str, tuple[float, float, float]]]]:
    results: dict[str, list] = {name: [] for name in names}
    for page in sorted(PAGES.glob("*.html")):
        markup = page.read_text(encoding="utf-8")
        expected = page.with_suffix(".txt").read_text(encoding="utf-8")
        for name in names:
            results[name].append((page.stem, score(EXTRACTORS[name](markup), expected)))
    return results


def report(results) -> str:
    out = ["| extractor | precision (mean) | recall (mean) | F1 (mean) | lines exact (mean) | worst page (F1) |",
           "|---|---:|---:|---:|---:|---|"]
    for name, rows in results.items():
        f1 = [2 * p * r / (p + r) if p + r else 0.0 for _, (p, r, _) in rows]
        worst = min(zip(f1, (stem for stem, _ in rows), strict=True))
        out.append(f"| {name} | {statistics.fmean(s[0] for _, s in rows):.3f} | "
                   f"{statistics.fmean(s[1] for _, s in rows):.3f} | {statistics.fmean(f1):.3f} | "
                   f"{statistics.fmean(s[2] for _, s in rows):.3f} | {worst[1]} ({worst[0]:.2f}) |")
    out.append("")
    out.append("Per page, precision / recall / lines exact:")
    out.append("")
    stems = [stem for stem, _ in next(iter(results.values()))]
    out.append("| page | " + " | ".join(results) + " |")
    out.append("|---|" + "---:|" * len(results))
    for i, stem in enumerate(stems):
        out.append(f"| {stem} | " + " | ".join("{:.2f} / {:.2f} / {:.2f}".format(*rows[i][1])
                                               for rows in results.values()) + " |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", metavar="PAGE", help="print each extractor's lines for one page (a stem such as 04-plain-divs)")
    args = ap.parse_args(argv)
    if args.show:
        markup = (PAGES / f"{args.show}.html").read_text(encoding="utf-8")
        for name, fn in EXTRACTORS.items():
            print(f"== {name}\n" + "\n".join(lines_of(fn(markup))))
        return
    print(f"{len(list(PAGES.glob('*.html')))} pages")
    print(report(run(list(EXTRACTORS))))


if __name__ == "__main__":
    main()
