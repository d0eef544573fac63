"""Query text → a small tree, never an exception (the tokens come from lexer.py).

Language: a run of characters is an exact string; space means AND; OR; -term
and NOT term; "quoted phrases" (also “…”); parentheses; title:…; year:2019,
year:2015-2020, year:2015-, year:unknown; date:2016-06, date:2016-01..2016-06;
type:…, region:…, issuer:…, docno:〔2016〕24号. Latin words and
numbers match as whole words, case-insensitively; a trailing * on a Latin word
makes it a prefix. Whatever cannot be understood is read as plain text, and
the notices say what was done.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from indexer.search.facets import missing_day, parse_date, parse_year
from indexer.search.lexer import Token, tokenize
from indexer.search.limits import MAX_DEPTH, MAX_QUERY_CHARS, MAX_TERM_CHARS, MAX_TERMS
from indexer.text.normalize import fold_text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_WILDCARDS = "*?？＊"


def parse_query(q: str) -> ParsedQuery:
    """The tree of a query and notices saying what was read other than as typed; never raises."""
    notices: list[str] = []
    q = _CONTROL.sub(" ", q or "")
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        notices.append(f"检索式过长，只用了前 {MAX_QUERY_CHARS} 个字符。")
    toks, lexed = tokenize(q)
    notices += lexed
    root = _Parser(toks, notices).parse()
    return ParsedQuery(root, list(dict.fromkeys(notices)))


@dataclass
class Term:
    text: str  # folded: what is matched
    raw: str  # as typed: what is shown
    prefix: bool = False  # Latin word with a trailing *


@dataclass
class Title:
    term: Term


@dataclass
class Facet:
    name: str  # doc_type | region | issuer | doc_no (issuer, doc_no: the report's field holds the value)
    value: str


@dataclass
class Year:
    lo: int | None
    hi: int | None
    unknown: bool = False


@dataclass
class Date:
    lo: int | None  # YYYYMMDD, None for an open end
    hi: int | None


@dataclass
class Not:
    child: Node


@dataclass
class And:
    children: list[Node]


@dataclass
class Or:
    children: list[Node]


Node = Term | Title | Facet | Year | Date | Not | And | Or


@dataclass
class ParsedQuery:
    root: Node | None
    notices: list[str] = field(default_factory=list)

    def searchable(self) -> bool:
        """Something to look for: a term, a title: term or a filter (type:, region:, year:, date:, issuer:,
        docno:) not under NOT. Exclusions alone would list nearly everything, so they are not."""
        return self.root is not None and any(self._positive(k) for k in (Term, Title, Facet, Year, Date))

    def positive_terms(self) -> list[Term]:
        """Terms a result must or may contain (not those under NOT), for ranking and marks."""
        out: list[Term] = []
        for t in self._positive(Term):
            if all(o.text != t.text for o in out):
                out.append(t)
        return out

    def facets(self) -> list[Facet]:
        return self._positive(Facet)

    def title_terms(self) -> list[Term]:
        return [t.term for t in self._positive(Title)]

    def _positive(self, kind: type) -> list:
        """Leaves of this kind that are not under a NOT, in query order."""
        out: list = []

        def walk(n: Node | None, neg: bool) -> None:
            if isinstance(n, kind) and not neg:
                out.append(n)
            elif isinstance(n, Not):
                walk(n.child, not neg)
            elif isinstance(n, And | Or):
                for c in n.children:
                    walk(c, neg)

        walk(self.root, False)
        return out


# -- grammar ---------------------------------------------------------------------


class _Parser:
    def __init__(self, toks: list[Token], notices: list[str]):
        self.toks, self.i, self.notices, self.terms, self.depth = toks, 0, notices, 0, 0

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self) -> Node | None:
        nodes = []
        while self.peek() is not None:
            node = self.or_expr()
            if node is not None:
                nodes.append(node)
            if self.peek() is not None and self.peek().kind == "RP":
                self.take()
                self.notices.append("多余的右括号已忽略。")
        return _and(nodes)

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while self.peek() is not None and self.peek().kind == "OR":
            self.take()
            parts.append(self.and_expr())
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(parts)

    def and_expr(self) -> Node | None:
        parts = []
        while (t := self.peek()) is not None and t.kind not in ("OR", "RP"):
            if t.kind == "AND":
                self.take()
                continue
            node = self.unary()
            if node is not None:
                parts.append(node)
        return _and(parts)

    def unary(self) -> Node | None:
        negate = False
        t = self.take()
        while t.kind in ("NEG", "NOT"):  # -x, NOT x, - -x …: a run of negations, read without recursion
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "RP", "AND"):
                self.notices.append(f"“{'-' if t.kind == 'NEG' else 'NOT'}”后面没有检索词，已忽略。")
                return None
            negate = not negate
            t = self.take()
        node = self.primary(t)
        return Not(node) if negate and node is not None else node

    def primary(self, t: Token) -> Node | None:
        if t.kind == "LP":
            if self.depth >= MAX_DEPTH:
                if self.depth == MAX_DEPTH:
                    self.notices.append(f"括号嵌套超过 {MAX_DEPTH} 层，更深的括号已忽略。")
                    self.depth += 1
                return None
            self.depth += 1
            inner = self.or_expr()
            self.depth -= 1
            if self.peek() is not None and self.peek().kind == "RP":
                self.take()
            else:
                self.notices.append("括号没有配对，已按补齐处理。")
            return inner
        if t.kind == "FIELD":
            return self.field(t)
        if t.kind in ("WORD", "PHRASE"):
            return self.term(t.text)
        return None

    def field(self, t: Token) -> Node | None:
        value = t.text.strip()
        if not value:
            self.notices.append(f"“{t.field}:”后面没有内容，已忽略。")
            return None
        if t.field == "year":
            return self.year(value)
        if t.field == "date":
            return self.date(value)
        if t.field == "title":
            term = self.term(value)
            return Title(term) if isinstance(term, Term) else None
        return Facet(t.field, value)

    def year(self, value: str) -> Node | None:
        parsed = parse_year(value)
        if parsed is None:
            self.notices.append(f"年份“{value}”看不懂（可写 year:2019 或 year:2015-2020），已忽略。")
            return None
        return Year(*parsed)

    def date(self, value: str) -> Node | None:
        parsed = parse_date(value)
        if parsed is None and (why := missing_day(value)):
            self.notices.append(f"日期“{value}”不存在（{why}），已忽略。")
            return None
        if parsed is None:
            self.notices.append(f"日期“{value}”看不懂（可写 date:2016、date:2016-06、date:2016-06-07 "
                                f"或 date:2016-01..2016-06），已忽略。")
            return None
        return Date(*parsed)

    def term(self, raw: str) -> Term | None:
        text = fold_text(raw)
        if text and not any(ch.isalnum() for ch in text):  # ，。！？ or !!! or 😀: nothing to look for
            punctuation = all(unicodedata.category(ch)[0] in "PZ" for ch in text)
            self.notices.append(f"“{raw[:20]}”只有{'标点' if punctuation else ''}符号，没有文字或数字，无法检索。")
            return None
        prefix = False
        if any(c in text for c in _WILDCARDS):
            stripped = text.rstrip(_WILDCARDS)
            prefix = stripped != text and bool(stripped) and stripped[-1].isascii() and stripped[-1].isalnum()
            text = "".join(c for c in stripped if c not in _WILDCARDS)
            self.notices.append("通配符 * ? 不需要：检索本来就按字符串匹配（拉丁词末尾的 * 表示前缀）。")
        if not text:
            return None
        if len(text) > MAX_TERM_CHARS:
            text = text[:MAX_TERM_CHARS]
            self.notices.append(f"检索词过长，只用了前 {MAX_TERM_CHARS} 个字。")
        self.terms += 1
        if self.terms > MAX_TERMS:
            if self.terms == MAX_TERMS + 1:
                self.notices.append(f"检索词过多，只用了前 {MAX_TERMS} 个。")
            return None
        return Term(text, raw, prefix)


def _and(nodes: list[Node]) -> Node | None:
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(nodes)
