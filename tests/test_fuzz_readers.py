"""The readers against random and mutated files: seeded, a bounded number of each of .txt, .md,
.html, .pdf and .docx. Each file is read and parsed as a worker does it, under a budget of its
own (budget.within): no exception but Unreadable escapes, every file is indexed or skipped with a
code of errors.MESSAGES, and what each one spent, as the budget mechanism measured it, is within
the budget."""

from __future__ import annotations

import random

import pytest
from documents import make_county_pdf, make_plan_docx
from helpers import SEED_000, SEED_003

from indexer.ingest.budget import FILE_BUDGET, within
from indexer.ingest.errors import MESSAGES, Unreadable
from indexer.ingest.files import read_bytes
from indexer.ingest.parse import parse_source

pytestmark = pytest.mark.slow

SEED = 20210
PER_FORMAT = 16  # inputs of each format: a quarter random bytes, the rest mutations of a real file
BUDGET = FILE_BUDGET  # the budget every PDF and Word file is read under

MARKDOWN = """---
title: 2024年青山县教育局工作要点
year: 2024
---
# 2024年青山县教育局工作要点

## 一、总体要求

坚持教育优先发展，**全面提高**教育质量，[办好](http://example.org)人民满意的教育。

## 二、重点任务

### （一）校园安全

开展防溺水专项治理行动，`警示牌` 186 块。

| 项目 | 数量 |
| --- | --- |
| 幼儿园 | 6 |
"""

HTML = """<!doctype html><html><head><meta charset="utf-8"><title>青山县教育局关于加强防溺水工作的通知</title></head>
<body><nav>首页 | 通知公告</nav><article><h1>青山县教育局关于加强防溺水工作的通知</h1>
<p>各学校：</p><h2>一、提高认识</h2><p>近期气温升高，学生溺水事故进入高发期。</p>
<h2>二、落实责任</h2><p>各校要<b>逐级</b>落实安全责任，a&lt;b 且 c&gt;d。</p><table><tr><td>学校</td><td>人数</td></tr></table>
</article><footer>版权所有</footer></body></html>"""


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few edits of the kinds damage and hostile editing make: bytes flipped, runs cut, copied or
    repeated, the file truncated."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        if not out:
            break
        kind = rng.choice(("flip", "cut", "copy", "repeat", "truncate", "insert"))
        i = rng.randrange(len(out))
        j = min(len(out), i + rng.randint(1, 512))
        if kind == "flip":
            for k in range(i, min(j, i + 8)):
                out[k] = rng.randrange(256)
        elif kind == "cut":
            del out[i:j]
        elif kind == "copy":
            k = rng.randrange(len(out))
            out[k:k] = out[i:j]
        elif kind == "repeat":
            out[i:i] = out[i:j] * rng.randint(2, 64)
        elif kind == "truncate":
            del out[i:]
        else:
            out[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return bytes(out)


def inputs(fmt: str, base: bytes, rng: random.Random) -> list[bytes]:
    out = []
    for n in range(PER_FORMAT):
        if n % 4 == 0:
            out.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 4096))))
        elif fmt == "docx" and n % 2:  # a sound zip holding odd but well-formed XML: what gets past the zip's CRCs
            out.append(rezipped(base, "word/document.xml", lambda xml: mutate_xml(xml, rng)))
        else:
            out.append(mutate(base, rng))
    return out


def mutate_xml(xml: bytes, rng: random.Random) -> bytes:
    """Well-formed edits of a document.xml: paragraphs dropped or repeated, texts replaced by
    random characters (escaped), numbering and styles kept as they were."""
    import re
    from xml.sax.saxutils import escape

    parts = re.split(rb"(<w:p[ >].*?</w:p>)", xml, flags=re.S)
    for _ in range(rng.randint(1, 6)):
        paragraphs = [i for i, p in enumerate(parts) if p.startswith(b"<w:p")]
        if not paragraphs:
            break
        i = rng.choice(paragraphs)
        kind = rng.choice(("drop", "repeat", "text"))
        if kind == "drop":
            parts[i] = b""
        elif kind == "repeat":
            parts[i] *= rng.randint(2, 200)
        else:
            noise = "".join(chr(rng.choice((rng.randrange(0x20, 0x7f), rng.randrange(0x4e00, 0x9fff), 0x3001)))
                            for _ in range(rng.randint(0, 80)))
            text = escape(noise).encode().replace(b"\\", b"\\\\")
            parts[i] = re.sub(rb"(<w:t(?: [^>]*)?>)[^<]*(</w:t>)", rb"\g<1>" + text + rb"\g<2>", parts[i], count=1)
    return b"".join(parts)


def rezipped(data: bytes, member: str, change) -> bytes:
    """The zip with one member's bytes changed, written again as a valid zip."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info.filename, change(body) if info.filename == member else body)
    return buf.getvalue()


def read_and_parse(data: bytes, name: str, fmt: str) -> tuple[str, int]:
    """What a worker makes of the file: ("indexed", reports) or ("skipped", code)."""
    try:
        parsed = parse_source(read_bytes(data, name, fmt, BUDGET))
    except Unreadable as e:
        return "skipped", e.code
    return "indexed", len(parsed.reports)


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("fuzz")
    return {
        "txt": SEED_003.read_bytes(),
        "md": MARKDOWN.encode("utf-8") + SEED_000.read_bytes()[:4000],
        "html": HTML.encode("utf-8"),
        "pdf": make_county_pdf(tmp / "county.pdf").read_bytes(),
        "docx": make_plan_docx(tmp / "plan.docx").read_bytes(),
    }


@pytest.mark.parametrize("fmt", ["txt", "md", "html", "pdf", "docx"])
def test_readers_on_random_and_mutated_files(bases: dict[str, bytes], fmt: str):
    rng = random.Random(f"{SEED}-{fmt}")
    outcomes = []
    for n, data in enumerate(inputs(fmt, bases[fmt], rng)):
        name = f"fuzz{n}.{fmt}"
        try:
            (how, what), spent = within(BUDGET, read_and_parse, data, name, fmt)
        except Unreadable as e:  # the budget itself stopped it: a coded reason too
            how, what, spent = "skipped", e.code, None
        if how == "skipped":
            assert what in MESSAGES, f"{name}: skipped with an unknown code {what!r}"
        else:
            assert what >= 1, f"{name}: indexed without a report"
        if spent is not None:
            assert spent.seconds <= BUDGET.seconds and spent.memory <= BUDGET.memory, (name, spent)
        outcomes.append((how, what))
    assert ("skipped", "over_time") not in outcomes and ("skipped", "over_memory") not in outcomes, outcomes
    assert any(how == "indexed" for how, _ in outcomes), outcomes  # the mutations leave most of a file readable


def test_mutations_are_seeded(bases: dict[str, bytes]):
    one = inputs("txt", bases["txt"], random.Random(SEED))
    two = inputs("txt", bases["txt"], random.Random(SEED))
    assert one == two and len(one) == PER_FORMAT
