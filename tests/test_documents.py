"""PDF and Word files: sections, year and clean text as a reader sees them; scans, locked,
broken and oversized files reported and skipped with the reason, nothing else lost."""

from __future__ import annotations

import re
import shutil

import pytest
from documents import (
    COUNTY,
    COUNTY_TITLE,
    county_paragraphs,
    make_county_pdf,
    make_empty_pages_pdf,
    make_encrypted_pdf,
    make_scanned_pdf,
)

from indexer.builder import reindex
from indexer.cli import main
from indexer.parse import parse_path
from indexer.reader import Unreadable, read_file
from indexer.search import search
from indexer.searcher import Library

COUNTY_HEADINGS = [h for h, _ in COUNTY if h]


def _joined(text: str) -> str:
    return text.replace("\n", "")


@pytest.mark.parametrize("footer", ["- {n} -", "第 {n} 页 共 {total} 页", "{n}"])
def test_text_pdf_gives_sections_year_and_clean_text(tmp_path, footer):
    pdf = make_county_pdf(tmp_path / "county.pdf", lines_per_page=9, footer=footer)
    [r] = parse_path(pdf, tmp_path).reports
    assert (r.title, r.year, r.doc_type, r.region) == (COUNTY_TITLE, 2023, "工作总结", "县")
    assert [s.heading for s in r.sections if s.heading] == COUNTY_HEADINGS
    assert [s.level for s in r.sections if s.heading] == [1, 2, 2, 2, 1, 1]
    whole = "\n".join(s.text for s in r.sections)
    # the report's own text and nothing else: no running header, no page number, no lost line
    assert _joined(whole) == "".join(county_paragraphs())
    # no wrapped fragment left: each paragraph of the report ends its sentence
    assert all(line.endswith("。") for s in r.sections for line in s.text.split("\n") if line)


def test_sections_remember_their_page_and_hits_say_it(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    pdf = make_county_pdf(src / "county.pdf", lines_per_page=9)
    r = parse_path(pdf, src).reports[0]
    pages = {s.heading: s.page for s in r.sections}
    assert pages[""] == 1 and pages["一、主要工作成效"] == 1
    assert sorted(pages.values()) == list(pages.values())  # in reading order
    last = pages["三、2024年工作打算"]
    assert last > 1
    reindex(tmp_path / "ix", [src], progress=False, workers=1)
    res = search(Library(tmp_path / "ix").reader(), "办好人民满意的教育")
    [hit] = res.hits
    assert hit.section_id == "s3" and hit.page == last
    assert res.to_dict()["hits"][0]["page"] == last


@pytest.mark.parametrize("make, reason", [
    (make_scanned_pdf, "scanned PDF, no text layer"),
    (make_encrypted_pdf, "encrypted PDF"),
])
def test_scanned_and_encrypted_pdfs_are_skipped_with_reason(tmp_path, make, reason):
    pdf = make(tmp_path / "x.pdf")
    with pytest.raises(Unreadable, match=reason):
        read_file(pdf, "x.pdf")


@pytest.mark.parametrize("cut", [0.5, 0.1])
def test_truncated_and_corrupt_pdfs_are_skipped_with_reason(tmp_path, cut):
    whole = make_county_pdf(tmp_path / "whole.pdf").read_bytes()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(whole[: int(len(whole) * cut)])
    try:
        src = read_file(bad, "bad.pdf")
    except Unreadable as e:
        assert "PDF" in str(e)
    else:  # PDFium rebuilt what it could: then it is text, never PDF syntax
        assert "%PDF" not in src.text and "endobj" not in src.text


def test_folder_with_bad_pdfs_indexes_the_rest(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    make_county_pdf(src / "county.pdf")
    make_scanned_pdf(src / "scan.pdf")
    make_encrypted_pdf(src / "locked.pdf")
    make_empty_pages_pdf(src / "blank.pdf", 10_000)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    shutil.copy(src / "county.pdf", src / "copy.pdf")
    assert main(["reindex", str(src), "--index", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr()
    assert "2 files, 2 reports" in out.out and "skipped 4" in out.out
    reasons = dict(re.findall(r"^edusearch: skipped (\S+): (.*)$", out.err, re.M))
    assert reasons["scan.pdf"] == "scanned PDF, no text layer"
    assert reasons["locked.pdf"].startswith("encrypted PDF")
    assert "10000 pages" in reasons["blank.pdf"]
    assert "PDF" in reasons["broken.pdf"]
    res = search(Library(tmp_path / "ix").reader(), "防溺水专项治理")
    assert {h.source for h in res.hits} == {"county.pdf", "copy.pdf"}


def test_parse_cli_reads_a_pdf_and_lists_the_formats(tmp_path, capsys):
    pdf = make_county_pdf(tmp_path / "county.pdf")
    assert main(["parse", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "%PDF" not in out and "（一）学前教育普惠发展" in out and "第 1 页" in out
    with pytest.raises(SystemExit):
        main(["parse", "--help"])
    assert ".pdf" in capsys.readouterr().out
