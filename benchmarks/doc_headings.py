"""Headings recovered from antiword's text of Word 97 files, where Word's numbering is lost.

Each report text beside the web-page fixtures (tests/fixtures/formats/web/*.txt) and the
county report of tests/documents.py is written as a .docx the way Word keeps it: 一、 and
（一） headings in Heading 1/2 styles with Word's own numbering (not in the text), tables as
tables, the rest Normal. LibreOffice saves each as Word 97 (.doc); antiword reads it back;
indexer.word's heading rule is scored against the headings put in. The plan fixture
(tests/fixtures/formats/*.doc) is scored too.

Needs LibreOffice (soffice) and antiword:

    .venv/bin/python -m benchmarks.doc_headings
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from indexer.ingest.headings import HEADING_MARK, parse_heading, row_cells
from indexer.ingest.word import _antiword_headings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from documents import _NUM, _NUMBERING, COUNTY, COUNTY_TITLE, PLAN  # noqa: E402

PLAN_DOC = next((ROOT / "tests" / "fixtures" / "formats").glob("*.doc"))
_NUMBER = re.compile(r"^[（(]?[一二三四五六七八九十]+[）)、]\s*")


def reports() -> list[tuple[str, list[str]]]:
    out = [(t.stem, [x for x in t.read_text(encoding="utf-8").split("\n") if x])
           for t in sorted((ROOT / "tests" / "fixtures" / "formats" / "web").glob("*.txt"))]
    out.append(("county", [COUNTY_TITLE] + [x for h, ps in COUNTY for x in ([h] if h else []) + ps]))
    return out


def write_docx(lines: list[str], path: Path) -> list[str]:
    """The report as a .docx with Word numbering; returns its headings as Word stores them."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(_NUMBERING))
    numbering.append(parse_xml(_NUM))
    d.add_paragraph(lines[0], style="Title")
    headings, i = [], 1
    while i < len(lines):
        if row_cells(lines[i]) is not None:
            rows = []
            while i < len(lines) and row_cells(lines[i]) is not None:
                rows.append(row_cells(lines[i]))
                i += 1
            table = d.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        h = parse_heading(lines[i])
        if h and h.style in ("cn", "paren_cn") and not h.body:
            level = 0 if h.style == "cn" else 1
            text = _NUMBER.sub("", lines[i])
            p = d.add_paragraph(text, style=f"Heading {level + 1}")
            num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().set(qn("w:val"), str(level))
            num_pr.get_or_add_numId().set(qn("w:val"), "90")
            headings.append(text)
        else:
            d.add_paragraph(lines[i])
        i += 1
    d.save(str(path))
    return headings


def antiword(path: Path) -> str:
    return subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", str(path)], capture_output=True,
                          check=False).stdout.decode("utf-8", "replace")


def recovered(text: str) -> list[str]:
    out = []
    for line in _antiword_headings(text).split("\n"):
        if line.startswith(HEADING_MARK):
            out.append(re.sub(r"^\d{1,3}\s+", "", line[1:].strip()))  # antiword's 1 for Word's （一）
    return out


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, lines in reports():
            truth = write_docx(lines, work / f"{name}.docx")
            subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={(work / 'p').as_uri()}",
                            "--convert-to", "doc", "--outdir", str(work), str(work / f"{name}.docx")],
                           capture_output=True, timeout=300, check=False)
            text = antiword(work / f"{name}.doc")
            rows.append((name, truth, recovered(text) if text.strip() else None))
    plan = [text for style, _, text in PLAN if style.startswith(("Heading", "标题"))]
    rows.append((PLAN_DOC.name, plan, recovered(antiword(PLAN_DOC))))
    print("| file | headings | recovered | false | missed |")
    print("|---|---:|---:|---|---|")
    total = [0, 0, 0, 0]
    for name, truth, got in rows:
        if got is None:
            print(f"| {name} | {len(truth)} | — | antiword read no text (catdoc reads it, without paragraphs) | |")
            continue
        false = [g for g in got if g not in truth]
        missed = [t for t in truth if t not in got]
        total = [total[0] + len(truth), total[1] + len(got) - len(false), total[2] + len(false), total[3] + len(missed)]
        print(f"| {name} | {len(truth)} | {len(got) - len(false)} | {', '.join(false)} | {', '.join(missed)} |")
    print(f"| all | {total[0]} | {total[1]} | {total[2]} | {total[3]} |")


if __name__ == "__main__":
    main()
