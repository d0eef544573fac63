"""Report metadata read off the text: year, document type, issuer (the place is places.py's).

Only what the text (or its file name) states is taken; placeholders such as
20xx, xxxx or 202_ mean unknown and are never guessed.
"""

from __future__ import annotations

import re

from indexer.text.normalize import fold_text

_YEAR = re.compile(r"(?<![0-9A-Za-z])(1[89]\d\d|20\d\d)(?!\d)")
_YEAR_NIAN = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)年")
_CN_YEAR = re.compile(r"([一二][九〇零○][一二三四五六七八九〇零○]{2})年")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_OPENING_CHARS = 40

_LAW_END = re.compile(r"(?:法|条例|规定|办法|细则|解释|规则|修正案|决定|批复|章程|通则|准则)$")

# longest first, so 实施意见 is not taken for 意见 nor 复函 for 函
_OFFICIAL_KINDS = ("工作总结", "工作计划", "工作要点", "实施意见", "实施方案", "若干意见", "实施细则", "复函",
                   "决议", "决定", "命令", "公报", "公告", "通告", "意见", "通知", "通报", "报告", "请示", "批复",
                   "议案", "函", "纪要", "方案", "办法", "规定", "规程", "细则", "条例", "规划", "要点")
_OFFICIAL_ALIASES = {"若干意见": "意见", "实施细则": "细则", "要点": "工作要点"}
_ISSUER_BODY = re.compile(r"((?:[xX\u4e00-\u9fa5]{0,6}?[省市县区])?教育(?:局|厅|委员会))(?!和|、|的|正确|领导)")
_LAW_ISSUER = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日\s*(.+?)(?:第[一二三四五六七八九十百\d]+次(?:全体)?会议)?(?:通过|公布|发布|修订|修正|批准)")
_LOCAL_SESSION = re.compile(r"在([\u4e00-\u9fa5]{2,12}?(?:省|自治区|市|自治州|州|盟|县|自治县|旗|区))第[一二三四五六七八九十]+届人民代表大会")
_NPC_SESSION = re.compile(r"^(第[一二三四五六七八九十]+届全国人民代表大会第[一二三四五六七八九十]+次会议)")


def year_in(s: str) -> int | None:
    """A four-digit (or 一九五八-style) year written in s; None for 20xx-style placeholders."""
    s = fold_text(s)
    m = _YEAR.search(s)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(s)
    return int("".join(_CN_DIGIT[c] for c in m.group(1))) if m else None


def opening_year(text: str) -> int | None:
    """An explicit year opening the report: 2024年，… or 在过去的一年里——2024年…"""
    head = fold_text(text)[:_OPENING_CHARS]
    m = _YEAR_NIAN.search(head)
    return int(m.group(1)) if m else None


def meta_year(value) -> int | None:
    if isinstance(value, int):
        return value if 1000 <= value <= 2999 else None
    return year_in(str(value)) if value is not None else None


def doc_type_of(title: str, is_law: bool, official: bool = False) -> str:
    """The kind the title names. An official document (公文) is typed by the 公文 kinds (通知, 实施意见,
    办法 …; a notice issuing a 办法 is a 通知); other texts keep the facet's older names (法律法规)."""
    t = re.sub(r"[（(][^）)]*[）)]$", "", fold_text(title).replace(" ", ""))
    if t.endswith(("模板", "模版")):
        return "模板"
    if "信息公开" in t and ("年报" in t or "年度报告" in t):
        return "信息公开年报"
    if official and "政府工作报告" not in t:
        kind = next((k for k in _OFFICIAL_KINDS if t.endswith(k)), None)
        if kind:
            return _OFFICIAL_ALIASES.get(kind, kind)
    if is_law:
        return "法律法规"
    if t.endswith("决议"):
        return "决议"
    if "政府工作报告" in t:
        return "政府工作报告"
    for word, kind in (("总结", "工作总结"), ("要点", "工作要点"), ("计划", "工作计划")):
        if t.endswith(word):
            return kind
    if _LAW_END.search(t):
        return "法律法规"
    if t.endswith("报告"):
        return "报告"
    return "其他"


def issuer_of(title: str, opening: str) -> str | None:
    """Who issued the report, where the text says so. A session's resolution on the 政府工作报告 is the
    session's, though its opening names the 国务院总理 who gave the report: the title is read first."""
    m = _NPC_SESSION.match(title)
    if m:
        return m.group(1)
    if "政府工作报告" in title and ("国务院" in title or "国务院总理" in opening[:300] or "代表国务院" in opening[:300]):
        return "国务院"
    m = _LOCAL_SESSION.search(re.sub(r"\s+", "", opening[:300]))
    if "政府工作报告" in title and m:
        return m.group(1) + "人民政府"
    for line in opening.split("\n")[:6]:
        m = _LAW_ISSUER.match(line.strip())
        if m:
            return m.group(1).strip()
    first_sentence = opening.split("。")[0]
    m = _ISSUER_BODY.search(first_sentence)
    return m.group(1) if m else None
