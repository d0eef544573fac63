"""Query text → a small tree, never an exception (the tokens come from lexer.py).

Language: a run of characters is an exact string; space means AND; OR; -term
and NOT term; "quoted phrases" (also “…”); parentheses; title:…; year:2019,
year:2015-2020, year:2015-, year:unknown; date:2016-06, date:2016-01..2016-06;
type:…, region:…, issuer:…, docno:〔2016〕24号. Latin words and
numbers match as whole words, case-insensitively; a trailing * on a Latin word
makes it a prefix. Proximity: A /句 B (one sentence), A /段 B (one paragraph),
A /20 B (at most 20 characters between them, either order), binding tighter
than AND and OR; an operand is a term, a quoted phrase or a bracketed OR of
them. Whatever cannot be understood is read as plain text, and the notices
say what was done.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from indexer.search.facets import Years, missing_day, parse_date, parse_year
from indexer.search.lexer import Token, tokenize
from indexer.search.limits import MAX_DEPTH, MAX_NEAR_CHARS, MAX_QUERY_CHARS, MAX_TERM_CHARS, MAX_TERMS
from indexer.text.normalize import fold_text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_WILDCARDS = "*?？＊"


WITHIN = ("sentence", "paragraph")  # the search form's 词间关系, besides the whole section


def parse_query(q: str, within: str | None = None) -> ParsedQuery:
    """The tree of a query and notices saying what was read other than as typed; never raises.
    within (sentence | paragraph): the search form's choice, for readers who do not type /句 or
    /段: the terms a query ANDs (outside exclusions) must then be in one sentence or paragraph."""
    notices: list[str] = []
    q = _CONTROL.sub(" ", q or "")
    if len(q) > MAX_QUERY_CHARS:
        q = q[:MAX_QUERY_CHARS]
        notices.append(f"检索式过长，只用了前 {MAX_QUERY_CHARS} 个字符。")
    toks, lexed = tokenize(q)
    notices += lexed
    root = _Parser(toks, notices).parse()
    if within in WITHIN:
        root = _within(root, within)
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
    years: Years


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


@dataclass
class Near:
    """Strings close together in one field of a section (title, heading or text): all in one
    sentence, all in one paragraph, or (chars, two operands) at most `distance` characters between
    an occurrence of one and an occurrence of the other, in either order. proximity.py says exactly
    what a sentence and a paragraph are."""

    kind: str  # sentence | paragraph | chars
    operands: list[Term | Or]  # a Term, or an Or of Terms: any one of them will do
    distance: int = 0  # for chars

    @property
    def label(self) -> str:
        """The operator as the help page writes it."""
        return {"sentence": "/句", "paragraph": "/段"}.get(self.kind, f"/{self.distance}")

    def alternatives(self) -> list[list[Term]]:
        """Per operand, the terms any of which satisfies it."""
        return [[o] if isinstance(o, Term) else list(o.children) for o in self.operands]

    def key(self) -> tuple:
        """What makes two proximity conditions the same (for caching their sections)."""
        return self.kind, self.distance, tuple(tuple((t.text, t.prefix) for t in alts) for alts in self.alternatives())

    def describe(self) -> dict:
        """The condition in the JSON of a search: operator, kind, distance, each operand's strings."""
        return {"operator": self.label, "kind": self.kind, "distance": self.distance if self.kind == "chars" else None,
                "operands": [[t.raw for t in alts] for alts in self.alternatives()]}


Node = Term | Title | Facet | Year | Date | Not | And | Or | Near


@dataclass
class ParsedQuery:
    root: Node | None
    notices: list[str] = field(default_factory=list)

    def searchable(self) -> bool:
        """Something to look for: a term, a title: term or a filter (type:, region:, year:, date:, issuer:,
        docno:) not under NOT. Exclusions alone would list nearly everything, so they are not."""
        return self.root is not None and any(self._positive(k) for k in (Term, Title, Facet, Year, Date))

    def positive_terms(self) -> list[Term]:
        """Terms a result must or may contain (not those under NOT), proximity operands included,
        for ranking and explanations."""
        return _distinct(self._positive(Term))

    def free_terms(self) -> list[Term]:
        """Positive terms outside any proximity condition: marked wherever they occur."""
        return _distinct(self._positive(Term, into_near=False))

    def proximities(self) -> list[Near]:
        """Positive proximity conditions: their strings are marked only where they are satisfied."""
        out: list[Near] = []
        for n in self._positive(Near):
            if all(o.key() != n.key() for o in out):
                out.append(n)
        return out

    def facets(self) -> list[Facet]:
        return self._positive(Facet)

    def title_terms(self) -> list[Term]:
        return [t.term for t in self._positive(Title)]

    def _positive(self, kind: type, into_near: bool = True) -> list:
        """Nodes of this kind that are not under a NOT, in query order."""
        out: list = []

        def walk(n: Node | None, neg: bool) -> None:
            if isinstance(n, kind) and not neg:
                out.append(n)
            elif isinstance(n, Not):
                walk(n.child, not neg)
            elif isinstance(n, And | Or):
                for c in n.children:
                    walk(c, neg)
            elif isinstance(n, Near) and into_near:
                for c in n.operands:
                    walk(c, neg)

        walk(self.root, False)
        return out


def _distinct(terms: list[Term]) -> list[Term]:
    out: list[Term] = []
    for t in terms:
        if all(o.text != t.text for o in out):
            out.append(t)
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

    def unary(self, near: bool = True) -> Node | None:
        """-x, NOT x, and (with near) a chain of proximity operators: x /句 y /句 z."""
        negate = False
        t = self.take()
        while t.kind in ("NEG", "NOT"):  # -x, NOT x, - -x …: a run of negations, read without recursion
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "RP", "AND", "NEAR"):
                self.notices.append(f"“{'-' if t.kind == 'NEG' else 'NOT'}”后面没有检索词，已忽略。")
                return None
            negate = not negate
            t = self.take()
        node = self.primary(t)
        if near and self.peek() is not None and self.peek().kind == "NEAR":
            node = self.near_chain(node)
        return Not(node) if negate and node is not None else node

    def near_chain(self, first: Node | None) -> Node | None:
        """x /op y /op z …: the operands (each read as unary, so that -y is seen and refused) and the
        operators between them; an operand that came to nothing takes its operator with it."""
        operands, ops = [first], []
        while (t := self.peek()) is not None and t.kind == "NEAR":
            op = self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "RP", "AND", "NEAR"):
                self.notices.append(f"“{op.text}”后面没有检索词，已忽略。")
                continue
            operands.append(self.unary(near=False))
            ops.append(op)
        kept, kept_ops = [], []
        for i, node in enumerate(operands):
            if node is None:
                continue
            if kept and i:
                kept_ops.append(ops[i - 1])
            kept.append(node)
        if not kept:
            return None
        if len(kept) == 1:
            self.notices.append(f"“{ops[0].text if ops else '/'}”两边要各有一个检索词，已忽略。")
            return kept[0]
        return self.near(kept, kept_ops)

    def near(self, operands: list[Node], ops: list[Token]) -> Node | None:
        """The proximity condition of a chain. /句 /句 … and /段 /段 …: all in one sentence or
        paragraph; /N (two operands) or mixed operators: each pair of neighbours, all holding."""
        shown = " ".join(o.text for o in ops)
        flat = [_operand(o) for o in operands]
        if any(o is None for o in flat):
            self.notices.append(f"“{shown}”两边只能是检索词、引号里的短语或括号里用 OR 连接的检索词，"
                                f"已改为同时包含（AND）。")
            return _and(operands)
        conds = []
        for op in ops:
            if op.field not in ("sentence", "paragraph") and int(op.field) > MAX_NEAR_CHARS:
                self.notices.append(f"“{op.text}”的距离超过 {MAX_NEAR_CHARS} 个字，按 /{MAX_NEAR_CHARS} 处理。")
            conds.append((op.field, 0) if op.field in ("sentence", "paragraph")
                         else ("chars", min(int(op.field), MAX_NEAR_CHARS)))
        if len(set(conds)) == 1 and (conds[0][0] != "chars" or len(flat) == 2):
            return Near(conds[0][0], flat, conds[0][1])
        self.notices.append(f"连续的位置运算符（{shown}）按相邻的两个检索词分别理解，各条件同时满足。")
        return And([Near(kind, [flat[i], flat[i + 1]], dist) for i, (kind, dist) in enumerate(conds)])

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
        if t.kind == "NEAR":
            self.notices.append(f"“{t.text}”前面没有检索词，已忽略。")
        return None

    def field(self, t: Token) -> Node | None:
        value = t.text.strip()
        if not value:
            self.notices.append(f"“{t.typed or t.field + ':'}”后面没有内容，已忽略。")
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
        years = parse_year(value)
        if years is None:
            self.notices.append(f"年份“{value}”看不懂（可写 year:2019、year:2015-2020、year:2015,2018 或 year:近五年），已忽略。")
            return None
        return Year(years)

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


def _operand(n: Node) -> Term | Or | None:
    """A node as an operand of a proximity operator: a term, or an OR of terms (brackets nested
    inside it flattened); None for anything else (a field, an exclusion, an AND, a proximity)."""
    if isinstance(n, Term):
        return n
    if isinstance(n, Or):
        terms: list[Term] = []
        for c in n.children:
            inner = _operand(c)
            if inner is None:
                return None
            terms += [inner] if isinstance(inner, Term) else inner.children
        return Or(terms)
    return None


def _within(n: Node | None, kind: str) -> Node | None:
    """The search form's 同句/同段: in every AND outside an exclusion, the terms, phrases and OR groups
    of terms become one proximity condition (the rest of the AND stays beside it)."""
    if isinstance(n, Or):
        return Or([_within(c, kind) for c in n.children])
    if not isinstance(n, And):
        return n
    kids = [_within(c, kind) for c in n.children]
    operands = [o for o in map(_operand, kids) if o is not None]
    if len(operands) < 2:
        return And(kids)
    rest = [c for c in kids if _operand(c) is None]
    return _and([Near(kind, operands), *rest])


def _and(nodes: list[Node]) -> Node | None:
    nodes = [n for n in nodes if n is not None]
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else And(nodes)
