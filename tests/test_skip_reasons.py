"""The table of skip reasons: every code has a Chinese message, every code the readers raise is in it,
and a manifest written before codes still reads."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from indexer.ingest.errors import MESSAGES, Unreadable, message
from indexer.ingest.model import Skipped

ROOT = Path(__file__).resolve().parent.parent
# Latin words a Chinese message may name: formats, units and the tools' own names
_NAMES = {"PDF", "NUL", "MB", "MiB", "RTF", "Word", "WPS", "docx", "doc", "wps"}


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_a_chinese_message(code):
    params = set(re.findall(r"\{(\w+)\}", MESSAGES[code]))
    text = message(code, {p: 17 for p in params})
    assert re.search(r"[\u4e00-\u9fff]{2}", text), text
    assert set(re.findall(r"[A-Za-z]+", text)) <= _NAMES, text  # no English words, let alone sentences
    assert "{" not in text and "？" not in text, text


def test_codes_raised_are_the_codes_of_the_table():
    """Each code used in the source is in the table, and each code of the table is used (or is the fallback)."""
    used = set()
    for path in [*(ROOT / "indexer").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"Unreadable\(\s*\"(\w+)\"", source))
        used |= set(re.findall(r"\bcode=\"(\w+)\"", source))
    assert used - set(MESSAGES) == set()
    assert set(MESSAGES) - used == {"unknown"}


def test_a_message_quotes_its_numbers():
    e = Unreadable("too_large", "too large: 16.1 MiB, the limit is 16 MiB (split it into reports)",
                   {"size": 16.1, "limit": 16})
    skipped = Skipped.of("big.txt", e)
    assert skipped.message == "文件过大（16.1 MiB，上限 16 MiB），请拆分成多个报告"
    assert str(e) == skipped.detail and skipped.code == "too_large"
    assert message("too_large") == "文件过大（？ MiB，上限 ？ MiB），请拆分成多个报告"  # numbers lost: still a message


def test_a_reason_survives_the_manifest_and_the_worker_processes():
    e = Unreadable("pdf_too_many_pages", "PDF has 5000 pages, the limit is 3000", {"pages": 5000, "limit": 3000})
    back = pickle.loads(pickle.dumps(e))
    assert (back.code, back.detail, back.params, str(back)) == (e.code, e.detail, e.params, str(e))
    skipped = Skipped.of("long.pdf", e)
    assert Skipped.from_dict(skipped.to_dict()) == skipped
    assert skipped.shown() == {"path": "long.pdf", "code": "pdf_too_many_pages",
                               "message": "PDF 共 5000 页，上限 3000 页，请拆分成多个报告",
                               "detail": "PDF has 5000 pages, the limit is 3000"}


def test_an_entry_from_before_codes_reads_as_an_unknown_reason():
    old = Skipped.from_dict({"path": "x.pdf", "reason": "corrupt PDF: Data format error"})
    assert old.shown() == {"path": "x.pdf", "code": "unknown", "message": MESSAGES["unknown"],
                           "detail": "corrupt PDF: Data format error"}
    assert Skipped.from_dict({"path": "y.txt", "code": "from_a_newer_version", "detail": "?"}).message == MESSAGES["unknown"]


def test_an_unknown_code_is_refused_where_it_is_raised():
    with pytest.raises(ValueError):
        Unreadable("no_such_code", "detail")
