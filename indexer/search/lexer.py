"""Query text → tokens: the words, quoted phrases, fields, brackets and operators of the query
language (parser.py builds the tree from them).

A proximity operator is a token of its own: /句 (or /s) same sentence, /段 (or /p) same paragraph,
/20 within 20 characters; /句 and /段 also when typed against the words (防溺水/句家长), since no
text to find is written that way, while /20 must stand apart (2019/20 is a school year).
Full-width forms count as their ASCII twins (（ ） － ： ＯＲ), and a bracketed numeral such as
（二）, (3) or （2016） is part of a word, since headings and 文号 number themselves that way and
nobody groups a lone numeral. A `name:` that is no field is kept as text, with a notice naming the fields.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from dataclasses import dataclass

FIELDS = {"title": "title", "标题": "title", "year": "year", "年份": "year", "type": "doc_type",
          "doc_type": "doc_type", "类型": "doc_type", "region": "region", "地区": "region",
          "issuer": "issuer", "发文机关": "issuer", "机关": "issuer", "docno": "doc_no", "doc_no": "doc_no",
          "文号": "doc_no", "发文字号": "doc_no", "date": "date", "日期": "date", "成文日期": "date"}
KNOWN_FIELDS = "title: year: date: type: region: issuer: docno:"
QUOTES = '"“”「」'
_FIELD_LIKE = re.compile(r"^[A-Za-z_]{2,15}$")  # what someone means as a field name (not 注意：…, not http://)
# （一） (2) as headings number them, （2016） as a 文号 may: text to find, not a group
_HEADING_NUMBER = re.compile(r"[(（]\s*(?:[一二三四五六七八九十百零〇]{1,4}|\d{1,4})\s*[)）]")
# proximity operators, read after NFKC (／句 ／２０ as typed in a full-width input mode)
_NEAR = re.compile(r"/(?:同?(句)|同?(段)|([sSpP])|(\d+))")
_NEAR_GLUED = re.compile(r"[/／]同?[句段]")


@dataclass
class Token:
    kind: str  # WORD PHRASE FIELD LP RP OR AND NOT NEG NEAR
    text: str = ""  # a word or phrase as typed; a field's value; a proximity operator as typed
    field: str | None = None  # for FIELD: title | year | date | doc_type | region | issuer | doc_no;
    # for NEAR: sentence | paragraph | the number of characters
    typed: str = dataclasses.field(default="", compare=False)  # for FIELD: its name and colon as typed (type:, 类型：), for notices


def near_operator(word: str) -> str | None:
    """What a word means as a proximity operator (sentence, paragraph or a number of characters), or None."""
    m = _NEAR.fullmatch(unicodedata.normalize("NFKC", word))
    if m is None:
        return None
    if m.group(1) or (m.group(3) or "").lower() == "s":
        return "sentence"
    if m.group(2) or m.group(3):
        return "paragraph"
    return str(int(m.group(4)))


def tokenize(q: str) -> tuple[list[Token], list[str]]:
    """The tokens of a query, and notices about what was read other than as typed."""
    toks: list[Token] = []
    notices: list[str] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "(（" and not _HEADING_NUMBER.match(q, i):
            toks.append(Token("LP"))
            i += 1
        elif c in ")）":
            toks.append(Token("RP"))
            i += 1
        elif c in QUOTES:
            i, text = _phrase(q, i, notices)
            toks.append(Token("PHRASE", text))
        elif c in "-－":
            toks.append(Token("NEG"))
            i += 1
        else:
            j = _word_end(q, i)
            word = q[i:j]
            i = j
            typed, sep, value = word.partition(":") if ":" in word else word.partition("：")
            name = unicodedata.normalize("NFKC", typed)  # ＴＩＴＬＥ, ＯＲ: typed in a full-width input mode
            op = unicodedata.normalize("NFKC", word)
            if sep and name.lower() in FIELDS:
                if not value and i < n and q[i] in QUOTES:
                    i, value = _phrase(q, i, notices)
                toks.append(Token("FIELD", value, FIELDS[name.lower()], typed + sep))
            elif sep and _FIELD_LIKE.match(name) and value and not value.startswith("//"):
                notices.append(f"没有“{name}:”这个字段{_closest_field(name)}，已把“{word}”当作普通文字检索。"
                               f"可用的字段：{KNOWN_FIELDS}")
                toks.append(Token("WORD", word))
            elif op in ("OR", "|", "||"):
                toks.append(Token("OR"))
            elif op in ("AND", "&&"):
                toks.append(Token("AND"))
            elif op == "NOT":
                toks.append(Token("NOT"))
            elif (near := near_operator(word)) is not None:
                toks.append(Token("NEAR", word, near))
            else:
                toks += _glued(word)
    return toks, notices


def _glued(word: str) -> list[Token]:
    """A word with /句 or /段 inside (防溺水/句家长) as the words and operators it holds."""
    out: list[Token] = []
    pos = 0
    for m in _NEAR_GLUED.finditer(word):
        if m.start() > pos:
            out.append(Token("WORD", word[pos:m.start()]))
        out.append(Token("NEAR", m.group(), near_operator(m.group())))
        pos = m.end()
    if pos < len(word) or not out:
        out.append(Token("WORD", word[pos:]))
    return out


def _word_end(q: str, i: int) -> int:
    """Where a bare word starting at i ends: at a space, quote or parenthesis, unless the parenthesis
    is a heading number such as （二）, which is part of the word."""
    j = i
    while j < len(q) and not q[j].isspace():
        if q[j] in "()（）" + QUOTES:
            m = _HEADING_NUMBER.match(q, j)
            if not m:
                break
            j = m.end()
        else:
            j += 1
    return j


def corrected_fields(q: str) -> str | None:
    """The query with each unknown field name (yaer:2012) replaced by the known one it is closest to
    (year:2012), the rest kept as typed; None when no name needed it."""
    out, changed = [], False
    for word in re.split(r"(\s+)", q):
        name, sep, value = word.partition(":") if ":" in word else word.partition("：")
        key = unicodedata.normalize("NFKC", name).lower()
        close = difflib.get_close_matches(key, [f for f in FIELDS if f.isascii()], n=1, cutoff=0.6) \
            if sep and value and key and key not in FIELDS else []
        out.append(f"{close[0]}:{value}" if close else word)
        changed = changed or bool(close)
    return "".join(out) if changed else None


def _closest_field(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), [f for f in FIELDS if f.isascii()], n=1, cutoff=0.6)
    return f"（是不是想写 {close[0]}:？）" if close else ""


def _phrase(q: str, i: int, notices: list[str]) -> tuple[int, str]:
    """(where the phrase opening at q[i] ends, its text); an unclosed quote runs to the end."""
    close = {'"': '"', "“": "”", "”": "”", "「": "」", "」": "」"}[q[i]]
    end = q.find(close, i + 1)
    if close == "”" and end < 0:
        end = q.find('"', i + 1)
    if end < 0:
        notices.append("引号没有配对，已把引号后的全部内容当作一个短语。")
        return len(q), q[i + 1:]
    return end + 1, q[i + 1:end]
