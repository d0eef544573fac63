"""Every file has a budget: hostile files built here (a PDF whose content stream inflates to far
more than its size, zips that lie about their sizes or hold too many paragraphs, a FIFO in a
file's place, one bad byte in a UTF-8 report) are skipped with a coded reason or read with a
warning, within the budget, and the rest of the reindex goes on."""

from __future__ import annotations

import os
import struct
import threading
import zipfile
import zlib
from pathlib import Path

import pytest
from documents import make_county_pdf, make_plan_docx
from helpers import SEED_003

from indexer.ingest import files
from indexer.ingest.budget import Budget, within
from indexer.ingest.errors import MESSAGES, Unreadable, message, mib
from indexer.ingest.files import MAX_BYTES, read_bytes, read_file
from indexer.store.build import reindex
from indexer.store.reader import Library
from indexer.store.scan import content_hash

SMALL = Budget(seconds=30, memory=64 << 20)


def flate_bomb_pdf(inflated: int) -> bytes:
    """A one-page PDF whose content stream inflates to `inflated` bytes (of spaces after one line of text)."""
    c = zlib.compressobj(1)
    parts = [c.compress(b"BT /F1 12 Tf 72 720 Td (bomb) Tj ET\n")]
    block = b" " * (1 << 20)
    parts += [c.compress(block) for _ in range(inflated >> 20)]
    stream = b"".join([*parts, c.flush()])
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
               b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_compression_bomb_is_skipped_within_the_memory_budget():
    data = flate_bomb_pdf(256 << 20)
    assert len(data) < 2 << 20
    with pytest.raises(Unreadable) as e:
        read_bytes(data, "bomb.pdf", "pdf", SMALL)
    assert e.value.code == "over_memory" and e.value.params == {"limit": 64}
    assert "64 MiB" in message(e.value.code, e.value.params)


def test_a_small_flate_stream_is_read_within_the_budget():
    assert "bomb" in read_bytes(flate_bomb_pdf(4 << 20), "ok.pdf", "pdf", SMALL).text


def test_over_time_with_a_tiny_budget(tmp_path):
    """A budget no reading can meet: the child is stopped by its CPU timer, whatever the machine's speed."""
    pdf = make_county_pdf(tmp_path / "county.pdf")
    with pytest.raises(Unreadable) as e:
        read_file(pdf, "county.pdf", Budget(seconds=0.001))
    assert e.value.code == "over_time"


def test_what_a_reading_spent_is_within_its_budget(tmp_path):
    from indexer.ingest.files import document_to_text

    data = make_county_pdf(tmp_path / "county.pdf").read_bytes()
    (text, _meta, _warnings, layout), spent = within(SMALL, document_to_text, data, "pdf")
    assert "防溺水" in text and layout == "pdf"
    assert 0 < spent.seconds <= SMALL.seconds and spent.memory <= SMALL.memory


def test_an_exception_in_the_child_is_raised_in_the_parent():
    with pytest.raises(Unreadable) as e:
        read_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "broken.pdf", "pdf")
    assert e.value.code == "pdf_corrupt"


def test_reindex_goes_on_past_a_pdf_bomb(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "FILE_BUDGET", SMALL)
    src = tmp_path / "src"
    src.mkdir()
    (src / "bomb.pdf").write_bytes(flate_bomb_pdf(256 << 20))
    make_county_pdf(src / "county.pdf")
    (src / "report.txt").write_bytes(SEED_003.read_bytes())
    summary = reindex(tmp_path / "index", [src], progress=False)
    assert {s.path: s.code for s in summary.skipped} == {"bomb.pdf": "over_memory"}
    reader = Library(tmp_path / "index").reader()
    live = reader.report_live
    assert {r.doc_id.split("~")[0] for r, alive in zip(reader.catalog.reports, live, strict=True) if alive} \
        == {"county.pdf", "report.txt"}


# --- .docx ---------------------------------------------------------------------------------


def lying_docx(path: Path, inflated: int, declared: int = 1000) -> bytes:
    """A real .docx plus a member that inflates to `inflated` bytes while its headers declare `declared`."""
    make_plan_docx(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z, z.open("word/media/big.bin", "w") as f:
        for _ in range(inflated >> 20):
            f.write(bytes(1 << 20))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("word/media/big.bin")
    struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header: uncompressed size
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"word/media/big.bin") + 1)
    struct.pack_into("<I", data, central + 24, declared)  # central directory: uncompressed size
    with zipfile.ZipFile(__import__("io").BytesIO(bytes(data))) as z:
        assert z.getinfo("word/media/big.bin").file_size == declared
    return bytes(data)


def test_docx_limit_counts_inflated_bytes_not_declared_sizes(tmp_path):
    data = lying_docx(tmp_path / "lying.docx", 200 << 20)
    assert len(data) < 2 << 20
    with pytest.raises(Unreadable) as e:
        read_bytes(data, "lying.docx", "docx", SMALL)
    assert e.value.code == "docx_bomb", e.value
    assert e.value.params["limit"] == 128 and e.value.params["size"] > 128


def test_docx_with_too_many_paragraphs_is_refused_before_python_docx(tmp_path):
    path = make_plan_docx(tmp_path / "plan.docx")
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    body = members["word/document.xml"]
    members["word/document.xml"] = body.replace(b"</w:body>", b"<w:p><w:r><w:t>x</w:t></w:r></w:p>" * 150_000
                                                + b"</w:body>")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    with pytest.raises(Unreadable) as e:
        read_file(path, "plan.docx", SMALL)
    assert e.value.code == "docx_too_many_paragraphs"


def test_a_real_docx_still_reads(tmp_path):
    text = read_file(make_plan_docx(tmp_path / "plan.docx"), "plan.docx", SMALL).text
    assert text.strip()


# --- a FIFO in a file's place --------------------------------------------------------------


def guarded(fn, *args):
    """fn(*args) in a thread: a call that hangs fails the test instead of hanging the run."""
    out: list = []

    def run():
        try:
            out.append(("ok", fn(*args)))
        except BaseException as e:
            out.append(("raised", e))

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(60)
    assert out, f"{fn.__name__} hung on a FIFO"
    return out[0]


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "report.txt"
    os.mkfifo(path)
    writer = os.open(path, os.O_RDWR)  # a writer that never closes: reading to the end would block
    os.write(writer, "一、防溺水\n".encode())
    yield path
    os.close(writer)


def test_read_file_does_not_hang_on_a_fifo(fifo):
    how, value = guarded(read_file, fifo, "report.txt")
    assert how == "raised" and isinstance(value, Unreadable) and value.code == "not_regular_file", value


def test_content_hash_does_not_hang_on_a_fifo(fifo):
    how, value = guarded(content_hash, fifo)
    assert how == "raised" and isinstance(value, OSError), value


# --- decoding -------------------------------------------------------------------------------


def test_one_bad_byte_keeps_the_report_and_says_so():
    good = SEED_003.read_bytes()
    mid = len(good) // 2
    while good[mid] & 0xC0 == 0x80:
        mid += 1
    src = read_bytes(good[:mid] + b"\xff" + good[mid:], "one.txt", "txt")
    assert src.encoding == "utf-8"
    assert src.text.replace("\ufffd", "", 1) == good.decode("utf-8").replace("\r\n", "\n")
    assert src.warnings == ["1 byte(s) that are not UTF-8 were replaced with U+FFFD"]


def test_a_file_mixing_utf8_and_gb18030_is_read_whole():
    lines = SEED_003.read_text(encoding="utf-8").splitlines()
    data = "\n".join(lines[:20]).encode() + b"\n" + "\n".join(lines[20:30]).encode("gb18030") + b"\n" + \
        "\n".join(lines[30:]).encode()
    src = read_bytes(data, "mixed.txt", "txt")
    assert src.text == "\n".join(lines)
    assert src.warnings == [f"{sum(1 for x in lines[20:30] if not x.isascii())} line(s) in GB18030 among the UTF-8 "
                            "were read as GB18030"]


def test_noise_is_still_undecodable():
    import random

    rng = random.Random(3)
    with pytest.raises(Unreadable) as e:
        read_bytes(bytes(rng.randrange(1, 256) for _ in range(20000)), "noise.txt", "txt")
    assert e.value.code in ("undecodable", "binary")


# --- sizes in messages ----------------------------------------------------------------------


def test_sizes_are_mib_in_both_languages():
    assert mib(MAX_BYTES) == 16 and mib(MAX_BYTES + 1) == 16.1 and mib(50 << 20) == 50
    with pytest.raises(Unreadable) as e:
        read_bytes(b"x" * (MAX_BYTES + 1), "big.txt", "txt")
    assert e.value.params == {"size": 16.1, "limit": 16}
    assert "16.1 MiB, the limit is 16 MiB" in e.value.detail
    assert message(e.value.code, e.value.params).startswith("文件过大（16.1 MiB，上限 16 MiB）")
    for code in ("too_large", "docx_bomb", "over_memory"):
        assert "MiB" in MESSAGES[code] and " MB" not in MESSAGES[code]


def test_parsing_in_the_worker_has_a_cpu_budget_too(tmp_path, monkeypatch):
    """Text files are parsed in the reindex's own worker, not a child: their budget is a CPU timer there.
    A budget far below what the file needs skips it as over_time (no clock is read, only CPU spent)."""
    from indexer.ingest import budget
    from indexer.store import batches
    from indexer.store.scan import scan

    src = tmp_path / "src"
    src.mkdir()
    (src / "long.txt").write_text("县教育局工作总结\n" + "一、甲\n全县推进义务教育均衡发展。\n" * 20000, encoding="utf-8")
    [f], _ = scan([src])
    monkeypatch.setattr(batches, "FILE_BUDGET", budget.Budget(seconds=0.001))
    got = batches.parse_file(f)
    assert getattr(got, "code", None) == "over_time", got
    monkeypatch.setattr(batches, "FILE_BUDGET", budget.Budget())
    assert len(batches.parse_file(f).reports) == 1  # the same file within the real budget
