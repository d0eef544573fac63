"""A near-duplicate set made from our own texts (tests/fixtures), to measure how copies are grouped.

Originals are our texts of 200 characters or more that are one report each. Every original is written again as the copies a researcher's folder collects, each of which must
be grouped with it, and as versions that must not be:

| copies (same document) | how |
|---|---|
| `pkulaw` | a 北大法宝 text export: its two header lines and the title above the text, `(FBM-CLI-…)` in the name |
| `web` | a web page: navigation, breadcrumbs, publication line, share bar, footer around the text |
| `wrapped` | hard-wrapped at 30 characters, `- N -` page numbers between the pages |
| `traditional` | in traditional characters (OpenCC s2t) |
| `pdf` | a printed PDF: wrapped lines, the title as a running head and page numbers on every page |
| `docx` | a Word document, one paragraph per line |

| versions (another document) | how |
|---|---|
| `changed` | one paragraph of 40 or more characters in the middle replaced by another text's paragraph |
| `half` | the second half of such a paragraph rewritten (taken from another text) |
| `dropped` | such a paragraph left out |
| `added` | another text's paragraph put in after it |

Each version is also reposted once (`pkulaw`): that copy must be grouped with its version, and
neither with the original. A version keeps the original's year; a printed 文号 is given another
number, as a revised document gets one. `truth.json` gives each file's document and kind.
"""

from __future__ import annotations

import html
import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from indexer.ingest.parse import parse_path

FOLDERS = ("gongwen", "parts", "places", "structure", "laws", "reports", "reports-alt")
MIN_PARAGRAPH = 40  # characters of a paragraph a version changes
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|第[一二三四五六七八九十百]+[章节条])")
_DOC_NO = re.compile(r"([〔\[［【（(]\d{4}[〕\]］】）)])(\d+)(号)")
_PROVIDER = re.compile(r"^\s*北大法宝|^原文链接")


@dataclass
class Original:
    name: str  # file stem, unique in the set
    title: str
    lines: list[str]  # the text after the title, one paragraph a line


def originals(fixtures: Path) -> list[Original]:
    """Our own texts of some length, as a title and paragraphs (front matter, Markdown marks and
    a provider's header left out: the set adds its own)."""
    out = []
    for folder in FOLDERS:
        for path in sorted((fixtures / folder).glob("*")):
            if path.suffix not in (".txt", ".md") or not path.is_file():
                continue
            text = _FRONT.sub("", path.read_text(encoding="utf-8")).replace("<!-- INFO END -->", "")
            lines = [ln.lstrip("#").strip().replace("\u3000", "") for ln in text.splitlines()]
            lines = [ln for ln in lines if ln and not _PROVIDER.match(ln)]
            if len(lines) < 4 or sum(map(len, lines)) < 200 or len(parse_path(path).reports) > 1:
                continue  # short, or several reports (a notice and what it issues): a version changes one of them
            title, body = lines[0], [ln for ln in lines[1:] if ln != lines[0]]
            out.append(Original(name=f"{folder}-{path.stem}", title=title, lines=body))
    return out


def build(fixtures: Path, dest: Path, seed: int = 24) -> dict[str, dict]:
    """Write the set into dest (emptied first); returns {file: {"document", "kind"}} (also dest/truth.json)."""
    rng = random.Random(seed)
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    docs = originals(fixtures)
    truth: dict[str, dict] = {}
    n = 0
    for i, doc in enumerate(docs):
        others = docs[:i] + docs[i + 1:]
        truth[_write(dest, f"{doc.name}.txt", plain(doc))] = {"document": doc.name, "kind": "original"}
        for kind, make in COPIES.items():
            n += 1
            truth[make(dest, doc, n)] = {"document": doc.name, "kind": kind}
        for kind, change in VERSIONS.items():
            version = change(doc, rng, others)
            if version is None:
                continue
            key = f"{doc.name}~{kind}"
            truth[_write(dest, f"{key}.txt", plain(version))] = {"document": key, "kind": kind}
            n += 1
            repost = pkulaw(dest, Original(key, version.title, version.lines), n)
            truth[repost] = {"document": key, "kind": f"{kind}+pkulaw"}
    (dest / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def plain(doc: Original) -> str:
    return "\n\n".join([doc.title, *doc.lines]) + "\n"


def _write(dest: Path, name: str, text: str) -> str:
    (dest / name).write_text(text, encoding="utf-8")
    return name


# -- copies ---------------------------------------------------------------------------------


def pkulaw(dest: Path, doc: Original, n: int) -> str:
    head = (f"      北大法宝【法宝引证码】 CLI.12.{8000000 + n}\n"
            f"原文链接：https://www.pkulaw.com/lar/{n:032x}.html\n            {doc.title}            \n\n")
    body = "\n\n".join([doc.title, *("\u3000\u3000" + ln for ln in doc.lines)])
    return _write(dest, f"{doc.name}(FBM-CLI-12-{8000000 + n}).txt", head + body + "\n")


def web(dest: Path, doc: Original, n: int) -> str:
    paras = "\n".join(f"<p>{html.escape(ln)}</p>" for ln in doc.lines)
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(doc.title)}_通知公告_白石县教育局</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/tzgg/">通知公告</a> <a href="/bsfw/">办事服务</a> <a href="/hdjl/">互动交流</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/tzgg/">通知公告</a></div>
<div class="article"><h1>{html.escape(doc.title)}</h1>
<div class="info">发布时间：2019-0{1 + n % 9}-1{n % 10}　来源：白石县教育局　浏览次数：{100 + n}</div>
<div class="content">{paras}</div>
<div class="share">分享到：微信 微博 【打印本页】【关闭窗口】</div></div>
<div class="links">相关链接：<a href="/a">上一篇：关于做好寒假安全工作的通知</a> <a href="/b">下一篇：关于开展教师培训的通知</a></div>
<div class="footer">版权所有：白石县教育局　地址：白石县人民路1号　白ICP备12345678号</div></body></html>
"""
    return _write(dest, f"{doc.name}.web.html", page)


def wrapped(dest: Path, doc: Original, n: int, width: int = 30, per_page: int = 35) -> str:
    lines = [doc.title, ""]
    for ln in doc.lines:
        lines += ["\u3000\u3000" + ln[:width - 2]] + [ln[i:i + width] for i in range(width - 2, len(ln), width)]
    out = []
    for page, start in enumerate(range(0, len(lines), per_page), start=1):
        out += lines[start:start + per_page] + ["", f"- {page} -", ""]
    return _write(dest, f"{doc.name}.wrapped.txt", "\n".join(out) + "\n")


def traditional(dest: Path, doc: Original, n: int) -> str:
    import opencc

    return _write(dest, f"{doc.name}.traditional.txt", opencc.OpenCC("s2t").convert(plain(doc)))


def pdf(dest: Path, doc: Original, n: int, width: int = 32, per_page: int = 30) -> str:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows = [(doc.title, 16)]
    for ln in doc.lines:
        ln = "\u3000\u3000" + ln
        rows += [(ln[i:i + width], 12) for i in range(0, len(ln), width)]
    name = f"{doc.name}.pdf"
    c = canvas.Canvas(str(dest / name), pagesize=A4)
    w, h = A4
    pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)]
    for k, page in enumerate(pages, start=1):
        c.setFont("STSong-Light", 9)
        c.drawCentredString(w / 2, h - 40, doc.title)  # as a browser prints a page: its title on every page
        y = h - 80
        for text, size in page:
            c.setFont("STSong-Light", size)
            c.drawString(60, y, text)
            y -= size * 2
        c.setFont("STSong-Light", 10)
        c.drawCentredString(w / 2, 36, f"- {k} -")
        c.showPage()
    c.save()
    return name


def docx(dest: Path, doc: Original, n: int) -> str:
    import docx as python_docx

    d = python_docx.Document()
    d.add_heading(doc.title, level=0)
    for ln in doc.lines:
        d.add_paragraph(ln)
    name = f"{doc.name}.docx"
    d.save(str(dest / name))
    return name


COPIES: dict[str, Callable[[Path, Original, int], str]] = {
    "pkulaw": pkulaw, "web": web, "wrapped": wrapped, "traditional": traditional, "pdf": pdf, "docx": docx}


# -- versions -------------------------------------------------------------------------------


def _paragraph(doc: Original, rng: random.Random) -> int | None:
    """A body paragraph of MIN_PARAGRAPH or more characters in the middle of the text (not a heading)."""
    n = len(doc.lines)
    middle = [i for i in range(n // 5, n - n // 5 or n)
              if len(doc.lines[i]) >= MIN_PARAGRAPH and not _HEADING.match(doc.lines[i])]
    return rng.choice(middle) if middle else None


def _other_paragraph(rng: random.Random, others: list[Original], near: int) -> str:
    pool = [ln for o in others for ln in o.lines if len(ln) >= MIN_PARAGRAPH and not _HEADING.match(ln)]
    return min(rng.sample(pool, min(8, len(pool))), key=lambda ln: abs(len(ln) - near))


def _renumbered(lines: list[str], step: int) -> list[str]:
    """A revised document's own 文号 is another one: its number moved on (each version its own)."""
    return [_DOC_NO.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + step}{m.group(3)}", ln, count=1) for ln in lines]


def _version(doc: Original, lines: list[str], step: int) -> Original:
    return Original(name=doc.name, title=doc.title, lines=_renumbered(lines, step))


def changed(doc: Original, rng: random.Random, others: list[Original]) -> Original | None:
    i = _paragraph(doc, rng)
    if i is None:
        return None
    lines = list(doc.lines)
    lines[i] = _other_paragraph(rng, others, len(lines[i]))
    return _version(doc, lines, 1)


def half(doc: Original, rng: random.Random, others: list[Original]) -> Original | None:
    i = _paragraph(doc, rng)
    if i is None:
        return None
    lines = list(doc.lines)
    keep = len(lines[i]) // 2
    lines[i] = lines[i][:keep] + _other_paragraph(rng, others, len(lines[i]) - keep)[: len(lines[i]) - keep]
    return _version(doc, lines, 2)


def dropped(doc: Original, rng: random.Random, others: list[Original]) -> Original | None:
    i = _paragraph(doc, rng)
    if i is None:
        return None
    return _version(doc, doc.lines[:i] + doc.lines[i + 1:], 3)


def added(doc: Original, rng: random.Random, others: list[Original]) -> Original | None:
    i = _paragraph(doc, rng)
    if i is None:
        return None
    return _version(doc, doc.lines[:i + 1] + [_other_paragraph(rng, others, len(doc.lines[i]))] + doc.lines[i + 1:], 4)


VERSIONS: dict[str, Callable[[Original, random.Random, list[Original]], Original | None]] = {
    "changed": changed, "half": half, "dropped": dropped, "added": added}
