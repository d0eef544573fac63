"""Series: the reports one body issues again and again — this year's 工作要点 and last year's, the 年报 of
2023 and 2024, each summer's 防溺水 notice — found from the catalog alone, so that a report page can
lead to the year before and after and a comparison of the two.

Two reports are of one series when they have
- the same body: the same issuers (each session of a congress counted as the congress: the 决议 of
  第十四届全国人民代表大会第二次会议 and of its 第三次会议 are one body's), when every one names its place (白石县教育局, 教育部); an issuer
  that does not (县教育局, 教育局), or none, counts with the report's place (江苏省淮安市洪泽区), and a
  report with neither a named issuer nor a place is in no series: its title alone cannot tell one
  county's 工作要点 from another's;
- the same kind (doc_type);
- the same title once years, numbers, bracketed notes (（摘要） （2024年）), the country's name and the
  body's own name are taken out (政府工作报告 and 2024年中华人民共和国国务院政府工作报告 are one series) (a numbered part stays: 解释（一） and 解释（二） are two documents, not two versions): 2023年白石县教育局工作要点 and 2024年…工作要点 are one series, …党建工作要点 another, and
  关于做好2030年暑期防溺水工作的通知 follows 关于做好2029年… while 关于印发美育方案的通知 does not;
- a known year or date, by which they are ordered; reports of the same date are copies of one
  version, not versions of one another.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from indexer.ingest.headings import cn_number
from indexer.store.catalog import ReportRow, date_span
from indexer.text.normalize import fold_text

_PLACE_LEAD = set("省市县区州盟旗乡镇")  # 县教育局: a body named by its level, not its place
_BARE = {"教育局", "教育厅", "教育部门", "教育委员会", "教委", "教育体育局", "教体局", "人民政府", "政府",
         "人民政府办公室", "政府办公室", "人民政府办公厅", "政府办公厅", "办公室", "办公厅"}
_NOTE = re.compile(r"[（(【\[〔][^）)】\]〕]{0,20}[）)】\]〕]")
_PART = re.compile(r"[（(]([一二三四五六七八九十]{1,3}|\d{1,2})[）)]")  # 解释（一）, 解释（二）: parts, not versions
_NUMBERS = re.compile(r"[0-9〇零一二两三四五六七八九十百千]+")
_NOT_WORD = re.compile(r"[\W_]+")
_SESSION = re.compile(r"^第[0-9一二三四五六七八九十]+届(.+?)(?:第[0-9一二三四五六七八九十]+次(?:全体)?会议)?$")
_COUNTRY = "中华人民共和国"  # printed before a national body's title, or not: 2024年中华人民共和国国务院政府工作报告


@dataclass
class SeriesIndex:
    """Each report's series: the reports of it ordered by date (then doc id), as catalog row numbers."""

    of_report: dict[int, int] = field(default_factory=dict)  # report row → series number
    members: list[list[int]] = field(default_factory=list)  # series number → its rows, oldest first
    steps: list[list[int]] = field(default_factory=list)  # series number → each row's date key, as members

    def series(self, report: int) -> list[int]:
        s = self.of_report.get(report)
        return [] if s is None else self.members[s]

    def neighbours(self, report: int) -> tuple[int | None, int | None]:
        """The report of the nearest earlier and later date in its series (the first of several copies)."""
        s = self.of_report.get(report)
        if s is None:
            return None, None
        rows, keys = self.members[s], self.steps[s]
        here = keys[rows.index(report)]
        earlier = [i for i, k in enumerate(keys) if k < here]
        later = [i for i, k in enumerate(keys) if k > here]
        prev = rows[keys.index(keys[earlier[-1]])] if earlier else None
        nxt = rows[later[0]] if later else None
        return prev, nxt


def build_series(reports: list[ReportRow], live: np.ndarray) -> SeriesIndex:
    """The series of the live reports (see the module's docstring); a series has two dates at least."""
    groups: dict[tuple, list[tuple[int, str, int]]] = defaultdict(list)
    for i, r in enumerate(reports):
        if not live[i]:
            continue
        key = series_key(r)
        when = date_span(r.date, r.year)[0]
        if key is not None and when:
            groups[key].append((when, r.doc_id, i))
    out = SeriesIndex()
    for rows in groups.values():
        if len({when for when, _, _ in rows}) < 2:
            continue
        rows.sort()
        number = len(out.members)
        out.members.append([i for _, _, i in rows])
        out.steps.append([when for when, _, _ in rows])
        for _, _, i in rows:
            out.of_report[i] = number
    return out


def series_key(r: ReportRow) -> tuple[str, str, str] | None:
    """(body, kind, title stem), or None when the body is unknown."""
    body = body_of(r)
    if body is None:
        return None
    names = [n for n in body.split("|")[-1].split("、") if n]
    return body, r.doc_type, title_stem(r.title, names)


def body_of(r: ReportRow) -> str | None:
    names = sorted({_body_name(n) for n in (r.issuers or ([r.issuer] if r.issuer else [])) if _body_name(n)})
    if names and not any(_generic(n) for n in names):
        return "、".join(names)
    if r.place:
        return f"{r.place}|{'、'.join(names)}"
    return None


def title_stem(title: str, names: list[str]) -> str:
    """The title without what changes from one version to the next, nor the body's name."""
    t = _PART.sub(lambda m: f"part{_part_letter(m.group(1))}", fold_text(title))
    t = _bare(_NOTE.sub("", t)).replace(_COUNTRY, "")
    for n in sorted(names, key=len, reverse=True):
        t = _without_name(t, n)
    return _NUMBERS.sub("", t.replace("年度", "").replace("年", ""))


def _part_letter(number: str) -> str:
    """A part's number as letters, which the stem keeps (it drops numerals): 一 → b, 十二 → bc."""
    return "".join("abcdefghij"[int(d)] for d in str(cn_number(number)))


def _without_name(title: str, name: str) -> str:
    """The title without the body's name, or without the longest head (白石县) and tail (政府, 教育局) of
    it that the title writes: 2024年白石县人民政府工作报告 and 白石县2025年政府工作报告 are one series."""
    if name in title:
        return title.replace(name, "")
    for part in (name[:k] for k in range(len(name) - 1, 1, -1)):
        if part in title:
            title = title.replace(part, "")
            break
    for part in (name[-k:] for k in range(len(name) - 1, 1, -1)):
        if part in title:
            return title.replace(part, "")
    return title


def _body_name(name: str) -> str:
    """An issuer as a body: a session of a congress (第十四届全国人民代表大会第二次会议) as the congress."""
    bare = _bare(name)
    m = _SESSION.match(bare)
    return m.group(1) if m else bare


def _bare(text: str) -> str:
    return _NOT_WORD.sub("", fold_text(text or ""))


def _generic(name: str) -> bool:
    return name[0] in _PLACE_LEAD or name in _BARE
