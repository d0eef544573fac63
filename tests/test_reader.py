"""Decoding, formats, and files that cannot be read: reported, never fatal."""

from __future__ import annotations

import pytest
from helpers import FIXTURES, SEED_003

from indexer.cli import main
from indexer.ingest.errors import Unreadable
from indexer.ingest.files import read_file
from indexer.ingest.parse import parse_path

SEED_BYTES = SEED_003.read_bytes()
SEED = SEED_BYTES.decode("utf-8")


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("gb18030", b"")],
)
def test_encodings_decode_to_the_same_reports(tmp_path, encoding, prefix):
    f = tmp_path / "report.txt"
    f.write_bytes(prefix + SEED.encode(encoding))
    parsed = parse_path(f, tmp_path)
    assert [r.title for r in parsed.reports] == ["2024年县教育局工作总结"] * 3
    assert parsed.reports[1].sections[1].heading == "一、工作开展情况"
    assert read_file(f, "report.txt").text.replace("\ufeff", "") == SEED


MACAO = (FIXTURES / "formats" / "2019年澳門教育暨青年局工作總結.txt").read_text(encoding="utf-8").replace("敎", "教").replace("衞", "衛")


@pytest.mark.parametrize("text", [MACAO, "2021年澳門教育局工作總結\n一、學校安全\n開展防溺水教育。\n"])
def test_a_big5_file_is_read_as_big5(tmp_path, text):
    """Big5 bytes also decode as GB18030 without an error, as mojibake (2021緿毙▅Ы羆挡): a Taiwan or Hong Kong
    report saved in Big5 was indexed as garbage and 學校 never found it."""
    f = tmp_path / "big5.txt"
    f.write_bytes(text.encode("big5"))
    src = read_file(f, "big5.txt")
    assert (src.text, src.encoding) == (text, "big5")


def test_gbk_encoded_short_file(tmp_path):
    f = tmp_path / "gbk.txt"
    f.write_bytes("2019年县教育局工作要点\n一、总体要求\n坚持立德树人，加强防溺水安全教育。\n".encode("gbk"))
    r = parse_path(f, tmp_path).reports[0]
    assert r.title == "2019年县教育局工作要点"
    assert r.year == 2019
    assert r.doc_type == "工作要点"
    assert "防溺水" in r.sections[-1].text


@pytest.mark.parametrize(
    "content, code",
    [(b"", "empty"), (b" \n\t\n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "binary")],
)
def test_unreadable_files_are_reported_with_reason(tmp_path, content, code):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(Unreadable) as e:
        read_file(f, "bad.txt")
    assert e.value.code == code and e.value.detail


def test_parse_cli_reports_unreadable_file(tmp_path, capsys):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    assert main(["parse", str(f)]) == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "empty file (empty)" in err


def test_parse_cli_refuses_a_type_reindex_skips(tmp_path, capsys):
    """`parse notes.csv` showed a report that `reindex` would then skip as “1 .csv”: parse says what reindex does."""
    f = tmp_path / "notes.csv"
    f.write_text("2023年学校工作总结\n一、学校安全\n开展防溺水教育。\n", encoding="utf-8")
    assert main(["parse", str(f)]) == 1
    captured = capsys.readouterr()
    assert "report(s)" not in captured.out
    assert "notes.csv" in captured.err and ".csv" in captured.err and ".docx" in captured.err  # names what it reads


def test_truncated_utf8_keeps_the_text_and_warns(tmp_path):
    f = tmp_path / "cut.txt"
    f.write_bytes(SEED_BYTES[:-2] if SEED_BYTES[-2] >= 0x80 else SEED_BYTES + "防".encode()[:2])
    src = read_file(f, "cut.txt")
    assert src.warnings and "truncated" in src.warnings[0]
    assert "2024年县教育局工作总结" in src.text


def test_markdown_front_matter_overrides_and_headings():
    parsed = parse_path(FIXTURES / "formats" / "县教育局信息公开年报.md")
    r = parsed.reports[0]
    assert (r.title, r.year, r.region, r.doc_type, r.issuer) == (
        "2024年县教育局政府信息公开工作总结", 2024, "县", "信息公开年报", "县教育局")
    assert r.source_url == "https://example.org/report/2024"
    assert [s.heading for s in r.sections if s.level == 1] == ["一、工作开展情况", "二、存在问题与不足", "三、2024年工作思路"]
    s = next(s for s in r.sections if s.section_id == "s1-1")
    # matching sees rendered text, not Markdown syntax
    assert "完善政府信息公开工作机制" in s.text and "**" not in s.text
    assert "**政府信息公开**" in s.markdown


def test_bad_front_matter_is_reported_not_fatal(tmp_path):
    f = tmp_path / "x.md"
    f.write_text("---\ntitle: [unclosed\n---\n# 2020年工作计划\n\n一、目标\n\n加强管理。\n", encoding="utf-8")
    parsed = parse_path(f, tmp_path)
    assert parsed.warnings and "front matter" in parsed.warnings[0]
    assert parsed.reports[0].sections


def test_html_text_headings_and_no_script():
    r = parse_path(FIXTURES / "formats" / "xx市教育局年终工作总结.html").reports[0]
    assert r.title == "xx市教育局年终工作总结"
    assert [s.heading[:2] for s in r.sections if s.level == 1] == [f"{n}、" for n in "一二三四五六七八"]
    text = "\n".join(s.text for s in r.sections)
    assert "不是正文" not in text and "color:red" not in text and "首页" not in text
    assert "营养午餐" in text
