"""The parts of an official document (公文, GB/T 9704-2012) and the provider wrappers around it.

`unwrap` takes a file's text before it is split into reports and removes what a provider added
(the 北大法宝 header, page toolbars, browser print headers, a photo caption, a page's 来源/时间 lines),
keeping the 原文链接 and the page's date. `read_parts` takes one report's lines and tells its parts
apart: 版头, 发文字号, 标题, 主送机关, 正文, 附件说明, 发文机关署名, 成文日期, 附注, 版记, and a
publication block (信息名称/发文字号/生成日期…). Only 正文 stays in the lines; the others become fields,
so a cited document's 文号 or the addressee line can never be taken for the report's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.ingest.headings import parse_heading
from indexer.ingest.model import DocParts
from indexer.text.normalize import fold_text


@dataclass
class Unwrapped:
    """A file's text without its provider's additions, and what those additions told."""

    text: str
    source_url: str | None = None  # the 北大法宝 原文链接
    page_date: str | None = None  # a web page's 时间 line, ISO


@dataclass
class Gongwen:
    """One report's lines split into its 正文 and the parts around it."""

    lines: list[str]  # the 正文, with any text after the signature that is neither 附注 nor 版记
    title: str | None = None  # as printed, joined when printed over several lines
    doc_no: str | None = None
    date: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    issuers: list[str] = field(default_factory=list)
    official: bool = False  # it has the parts of a 公文 (文号, 主送, publication block)
    parts: DocParts = field(default_factory=DocParts)


def unwrap(text: str) -> Unwrapped:
    """Remove provider additions from a whole file's text. Headers, toolbars and page furniture sit in
    the first and last lines; only browser print headers and footers repeat through the middle."""
    lines = text.split("\n")
    out = Unwrapped(text=text)
    if len(lines) > 2 * _EDGE_LINES:
        middle = lines[_EDGE_LINES:-_EDGE_LINES]
        if _PRINTED.search("\n".join(lines[:_EDGE_LINES])):  # a browser prints them on every page
            middle = [x for x in middle if not (_PRINT_HEADER.match(x.strip()) or _PRINT_FOOTER.match(x.strip()))]
        edges = lines[:_EDGE_LINES], lines[-_EDGE_LINES:]
    else:
        middle, edges = [], (lines, [])
    head, tail = (_unwrap_edge(x, out) for x in edges)
    keep = _drop_page_trailer(head + middle + tail)
    if len(keep) != len(lines):
        out.text = "\n".join(keep)
    return out


def _unwrap_edge(lines: list[str], out: Unwrapped) -> list[str]:
    keep: list[str] = []
    toolbar: list[str] = []
    bare_source = False
    for line in lines:
        s = line.strip()
        if s in _TOOLBAR_WORDS or _TOOLBAR_OPEN.match(s):
            toolbar.append(line)
            continue
        if toolbar:
            keep.extend(_flush_toolbar(toolbar))
            toolbar = []
        if not (bare_source or _EDGE_ANY.match(s) or "记者" in s):  # most lines: text
            keep.append(line)
            continue
        if _PKULAW_CODE.match(s):
            continue
        m = _PKULAW_LINK.match(s)
        if m:
            out.source_url = out.source_url or m.group(1)
            continue
        if _PRINT_HEADER.match(s) or _PRINT_FOOTER.match(s) or _PHOTO_CAPTION.search(s):
            continue
        m = _PAGE_TIME.match(s) or _PAGE_TIME_ALONE.match(s)
        if m:
            out.page_date = out.page_date or iso_date(m.group(1))
            continue
        if _PAGE_SOURCE.match(s):
            bare_source = s.rstrip("：:") == "来源"  # its name follows on the next line
            continue
        if bare_source and 0 < len(s) <= 12:
            bare_source = False
            continue
        bare_source = False
        keep.append(line)
    keep.extend(_flush_toolbar(toolbar))
    return keep


def strip_site_suffix(title: str) -> str:
    """教育部关于… - 中华人民共和国教育部政府门户网站 → 教育部关于…"""
    return _SITE_SUFFIX.sub("", title).strip()


def strip_provider_code(name: str) -> str:
    """The 北大法宝 code in an exported file's name: …实施意见(FBM-CLI-12-1240943) → …实施意见"""
    return _FBM.sub("", name).strip()


def read_parts(lines: list[str], title: str | None, page_date: str | None = None) -> Gongwen:
    """Tell a report's parts apart; lines of a document without them come back unchanged."""
    body = list(lines)
    gw = Gongwen(lines=body, title=title)
    pub = _take_publication_block(body)
    head_end = _read_head(body, gw)
    _read_tail(body, gw, head_end)
    if pub.get("发文字号") and not gw.doc_no:
        gw.doc_no = pub["发文字号"]
    gw.official = gw.official or bool(pub)
    if gw.date is None:
        gw.date = _dateline(body) or _session_date(body) or iso_date(pub.get("成文日期") or pub.get("生成日期") or pub.get("发布日期")
                                              or "") or page_date
    if not gw.issuers and pub.get("发文机构"):
        gw.issuers = [_central(x) for x in re.split(r"[\s、]+", pub["发文机构"]) if x]
    return gw


def official_title(title: str) -> bool:
    """A title in the shape of a 公文's: 某机关关于某事的通知, 印发/转发 …"""
    return bool(_OFFICIAL_TITLE.search(fold_text(title)))


def doc_no_year(doc_no: str | None) -> int | None:
    m = _DOC_NO_YEAR.search(fold_text(doc_no or ""))
    return int(m.group(1)) if m else None


def iso_date(s: str) -> str | None:
    """二〇一六年六月七日, 2016年6月7日, 2016-06-07 or 2016年 → ISO, as much as is stated."""
    s = fold_text(s).replace(" ", "")
    m = _ISO.search(s)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}" + (f"-{int(m.group(3)):02d}" if m.group(3) else "")
    m = _DATE_ANY.search(s)
    if not m:
        return None
    year = _number(m.group(1))
    if year is None or not 1900 <= year <= 2100:
        return None
    month = _number(m.group(2)) if m.group(2) else None
    day = _number(m.group(3)) if m.group(3) else None
    if month is None or not 1 <= month <= 12:
        return str(year)
    if day is None or not 1 <= day <= 31:
        return f"{year}-{month:02d}"
    return f"{year}-{month:02d}-{day:02d}"


# --- provider wrappers ---------------------------------------------------------------------------

_EDGE_LINES = 60
_EDGE_ANY = re.compile(r"北大法宝|原文链接|\d{4}/|https?:|时间|发布|来源|\d{4}年\d{1,2}月\d{1,2}日\s*\d")
_PKULAW_CODE = re.compile(r"^北大法宝\s*【法宝引证码】")
_PKULAW_LINK = re.compile(r"^原文链接[：:]\s*(https?://\S+)")
_FBM = re.compile(r"\s*[（(]FBM-CLI-[\d.\-]+[)）]")
_SITE_SUFFIX = re.compile(r"\s*[-—_|｜]+\s*[^-—_|｜]{2,30}(?:门户网站|政府网站|政府网|网站|官网)\s*$")
_TOOLBAR_WORDS = frozenset(
    ["下载", "打印", "全屏", "收藏", "分享", "分享：", "分享:", "加大", "还原", "减小", "大", "中", "小", "】", "打印本页", "关闭窗口", "关闭", "【打印】", "【关闭】", "【字体：大", "中", "小】", "扫一扫在手机打开当前页"])
_TOOLBAR_OPEN = re.compile(r"^【\s*(?:字号|字体)\s*[：:]")
_TOOLBAR_SURE = frozenset(["下载", "打印", "全屏", "收藏", "分享：", "分享:", "打印本页", "关闭窗口", "扫一扫在手机打开当前页"])
_PRINT_HEADER = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}\s*(?:上午|下午)?\s*\d{1,2}:\d{2}(?::\d{2})?\s+\S")
_PRINT_FOOTER = re.compile(r"^https?://\S+\s+\d+/\d+$")
_PRINTED = re.compile(r"^\s*(?:\d{4}/\d{1,2}/\d{1,2}\s|https?://\S+\s+\d+/\d+\s*$)", re.M)
_PHOTO_CAPTION = re.compile(r"记者\s*\S{1,8}\s*摄。?$")
_PAGE_TIME = re.compile(r"^(?:时间|发布时间|发布日期)[：:]\s*(\d{4}[-年./]\d{1,2}[-月./]\d{1,2}日?)")
_PAGE_TIME_ALONE = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日)\s*\d{1,2}时\d{1,2}分$")
_PAGE_SOURCE = re.compile(r"^来源[：:]\s*\S{0,20}$")
_PAGE_TRAILER = re.compile(r"^(?:责任编辑[：:]|相关报道[：:]?$|相关附件>>|相关链接>>)")


def _flush_toolbar(run: list[str]) -> list[str]:
    """A run of toolbar words is a toolbar only if it holds a word no text line would be (大/中/小 alone
    could be a table's cells)."""
    sure = any(x.strip() in _TOOLBAR_SURE or _TOOLBAR_OPEN.match(x.strip()) for x in run)
    return [] if sure and len(run) >= 2 else run


def _drop_page_trailer(lines: list[str]) -> list[str]:
    """A web page's furniture after the text (责任编辑, related links, the title again)."""
    tail_from = max(0, len(lines) - 40)
    for i in range(tail_from, len(lines)):
        if _PAGE_TRAILER.match(lines[i].strip()):
            return lines[:i]
    return lines


# --- the head: 版头, 文号, 标题, 主送 -------------------------------------------------------------

_DOC_NO = r"[\u4e00-\u9fa5A-Za-z]{1,12}(?:[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号|令第\s*\d{1,5}\s*号)"
# the 文号 alone on its line, or with the date beside it: （鲁教体发〔2018〕1号 2018年4月16日）
_DOC_NO_LINE = re.compile(rf"^[（(]?\s*({_DOC_NO})\s*(\d{{4}}\s*年(?:\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?)?)?\s*[）)]?$")
_DOC_NO_YEAR = re.compile(r"[〔\[［【(（]\s*(\d{4})\s*[〕\]］】)）]")
_DATE_UNDER_TITLE = re.compile(r"^[（(]\s*(\S*?\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?)")
_BARE_DATE = re.compile(r"^[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]$")
_BANTOU = re.compile(r"^(\S{2,30}?)\s*文件$")
_ADDRESSEE_NOT = re.compile(r"^(?:各位代表|同志们|附件|现将|根据|为|按照|经)")
_OFFICIAL_TITLE = re.compile(r"关于|印发|转发|(?:通知|意见|通报|批复|复函|函|请示|决定|公告|通告)$")
_HEAD_LINES = 8


def _read_head(body: list[str], gw: Gongwen) -> int:
    """Take the 版头, a repeated or continued title, the 文号 and the 主送 line off the top; return
    where the 正文 starts."""
    i = _next(body, 0)
    seen = 0
    while i < len(body) and seen < _HEAD_LINES:
        s = _squash(body[i])
        if gw.title and s == _squash(gw.title):
            body[i] = ""  # the title printed again (北大法宝, web pages)
        elif m := _DOC_NO_LINE.match(s):
            if not gw.doc_no:
                gw.doc_no = m.group(1)
                gw.official = True
            d = iso_date(m.group(2)) if m.group(2) else None
            gw.date = gw.date or (d if d and len(d) > 4 else None)  # （…106号 2017年）: no day stated
            body[i] = ""
        elif (m := _DATE_UNDER_TITLE.match(s)) and len(s) <= 40 and not s.endswith("会议上）"):
            gw.date = gw.date or iso_date(m.group(1))
            if _BARE_DATE.match(s):  # （2017年8月14日）; a note such as （…会议通过） stays text
                body[i] = ""
        elif (m := _BANTOU.match(s)) and seen == 0 and not gw.issuers:
            gw.issuers = [m.group(1)]
            body[i] = ""
        elif gw.title is None and seen == 0 and _title_candidate(s):
            j = _join_title(body, i)
            if j is None:
                break
            gw.title, i = j
            continue
        elif gw.title and seen <= 1 and _continues_title(gw.title, s):
            gw.title += s
            body[i] = ""
        elif _is_addressee(s):
            gw.parts.addressee = s.rstrip("：:")
            gw.official = True
            body[i] = ""
            return i + 1
        else:
            return i
        i = _next(body, i + 1)
        seen += 1
    return i


def _title_candidate(s: str) -> bool:
    return 4 <= len(s) <= 60 and not re.search(r"[。；;！？：:，]", s) and parse_heading(s) is None


def _join_title(body: list[str], i: int) -> tuple[str, int] | None:
    """A title printed over up to three lines, known by what follows it: a 文号 or 主送 line."""
    parts: list[str] = []
    j = i
    while j < len(body) and len(parts) < 3:
        s = _squash(body[j])
        if parts and s == "".join(parts):  # printed again under itself
            body[j] = ""
            j = _next(body, j + 1)
            continue
        if _DOC_NO_LINE.match(s) or _DATE_UNDER_TITLE.match(s) or (parts and _is_addressee(s)):
            if not parts:
                return None
            for k in range(i, j):
                body[k] = ""
            return "".join(parts), j
        if not _title_candidate(s):
            return None
        parts.append(s)
        j = _next(body, j + 1)
    return None


def _continues_title(title: str, s: str) -> bool:
    """The second line of a title the splitter took one line of: …关于印发 / …方案的通知."""
    if not _title_candidate(s) or len(s) > 30 or _DOC_NO_LINE.match(s):
        return False
    open_quote = title.count("《") > title.count("》")
    return open_quote or bool(re.search(r"(?:关于|印发|转发|的|和|及|与|暨|《)$", title)) or s.startswith(("的", "》"))


def _is_addressee(s: str) -> bool:
    return (s.endswith(("：", ":")) and 2 <= len(s) <= 200 and "。" not in s
            and not _ADDRESSEE_NOT.match(s) and parse_heading(s) is None)


# --- the tail: 附件说明, 署名, 成文日期, 附注, 版记 ------------------------------------------------

_CN_NUM = "〇○零O一二三四五六七八九十"
_DATE_ANY = re.compile(
    rf"(\d{{4}}|[一二][{_CN_NUM}]{{3}})年(?:(\d{{1,2}}|[{_CN_NUM}]{{1,3}})月(?:(\d{{1,2}}|[{_CN_NUM}]{{1,3}})日)?)?")
_ISO = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_DATE_LINE = re.compile(
    rf"^(?:\d{{4}}|[一二][{_CN_NUM}]{{3}})年(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})月(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})日$")
_ORG_END = re.compile(r"(?:厅|局|委|委员会|政府|办公室|办公厅|部|院|中心|处|室|会|府|所|兵团|组|署|社|党委|支队|公司)$")
_ATTACHMENT = re.compile(r"^附件\s*\d*\s*[：:]\s*(.*)$")
_NUMBERED = re.compile(r"^(\d{1,2})\s*[.．、]\s*(.+)$")
_NOTE = re.compile(r"^[（(](?:此件|联系人|此文|本文|本件).*[）)]$")
_RECORD = re.compile(r"^(?:抄送|抄报|分送)[：:]|印发$|^\S{2,30}\s+\d{4}年\d{1,2}月\d{1,2}日印发")
_SESSION = re.compile(r"(\d{4}年\d{1,2}月\d{1,2}日)在\S{2,40}?(?:人民代表大会|代表大会)\S{0,12}?会议上")
_DATELINE = re.compile(r"新华社\S{0,6}?(\d{4}年\d{1,2}月\d{1,2}日)电")


def _read_tail(body: list[str], gw: Gongwen, start: int) -> None:
    """The first date standing alone on its line after the 正文 is the 成文日期; the organisation
    names just above it are the 署名, the 附件 list above them the 附件说明; 附注 and 版记 follow.
    A report without a 公文's parts (a 工作总结) is signed only by what closes it: its last lines."""
    if gw.official or gw.doc_no or gw.parts.addressee:
        k = next((i for i in range(start, len(body)) if _DATE_LINE.match(_squash(body[i]))), None)
    else:
        k = _closing_date(body, start)
    if k is None:
        return
    gw.parts.signed = body[k].strip()
    gw.date = iso_date(_squash(body[k])) or gw.date
    body[k] = ""
    names: list[str] = []
    i = _prev(body, k)
    while i is not None and len(names) < 3:
        s = body[i].strip()
        if not _signs(s):
            break
        names.insert(0, s)
        body[i] = ""
        i = _prev(body, i)
    if names:
        gw.parts.signature = "\n".join(names)
        gw.issuers = [x for n in names for x in re.split(r"\s+", n) if x]
    _read_attachments(body, gw, i, start)
    _read_after(body, gw, k + 1)


def _closing_date(body: list[str], start: int) -> int | None:
    """The last line, when it is a full date (2022年12月20日) under an organisation's name (白石县教育局):
    a plain report's signature. A date or a name alone closing the text is text."""
    k = _prev(body, len(body))
    if k is None or k < start or not _DATE_LINE.match(_squash(body[k])):
        return None
    above = _prev(body, k)
    return k if above is not None and above >= start and _signs(body[above].strip()) else None


def _signs(s: str) -> bool:
    """A line that is an organisation's name (in traditional characters too: 白石縣教育局)."""
    return bool(s) and len(s) <= 40 and bool(_ORG_END.search(fold_text(s))) and not re.search(r"[。，；：:]", s)


def _read_attachments(body: list[str], gw: Gongwen, end: int | None, start: int) -> None:
    """附件：1.… / 2.… just above the signature."""
    if end is None:
        return
    lo = max(start, end - 12)
    at = next((i for i in range(lo, end + 1) if _ATTACHMENT.match(body[i].strip())), None)
    if at is None:
        return
    names = []
    for i in range(at, end + 1):
        s = body[i].strip()
        if not s:
            continue
        m = _ATTACHMENT.match(s)
        item = m.group(1) if m else s
        n = _NUMBERED.match(item)
        if not m and not n:
            return  # not a list after all: leave it in the text
        names.append((n.group(2) if n else item).strip())
    for i in range(at, end + 1):
        body[i] = ""
    gw.parts.attachments = [x for x in names if x]


def _read_after(body: list[str], gw: Gongwen, start: int) -> None:
    notes, record = [], []
    for i in range(start, len(body)):
        s = body[i].strip()
        if not s:
            continue
        if _NOTE.match(s) and not record:
            notes.append(s)
        elif _RECORD.search(s):
            record.append(s)
        else:
            continue
        body[i] = ""
    gw.parts.notes = "\n".join(notes) or None
    gw.parts.record = "\n".join(record) or None


def _session_date(body: list[str]) -> str | None:
    """The day a 政府工作报告 was delivered: ——2026年1月26日在某省第十四届人民代表大会第五次会议上."""
    head = _squash("".join(x for x in body[:40] if x.strip())[:200])
    m = _SESSION.search(head)
    return iso_date(m.group(1)) if m else None


def _dateline(body: list[str]) -> str | None:
    for line in body[:30]:
        m = _DATELINE.search(line)
        if m:
            return iso_date(m.group(1))
    return None


# --- the publication block of a government site (信息名称 / 发文字号 / 生成日期 …) -----------------

_PUB_KEY = re.compile(r"(信息名称|信息索引|索引号|生成日期|发布日期|成文日期|发文机构|发文机关|发文字号|文号|"
                      r"信息类别|主题分类|内容概述|公开方式|公开范围)\s*[：:]")


def _take_publication_block(body: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    n = 0
    for i, line in enumerate(body):
        s = line.strip()
        if not s:
            continue
        n += 1
        if n > 12:
            break
        keys = list(_PUB_KEY.finditer(s))
        if not keys or keys[0].start() != 0:
            if fields:
                break
            continue
        for a, b in zip(keys, keys[1:] + [None], strict=True):
            fields[a.group(1)] = s[a.end(): b.start() if b else len(s)].strip()
        body[i] = ""
    if "发文机关" in fields:
        fields.setdefault("发文机构", fields["发文机关"])
    if "文号" in fields:
        fields.setdefault("发文字号", fields["文号"])
    return {k: v for k, v in fields.items() if v}


# --- issuers ---------------------------------------------------------------------------------------

_TITLE_ISSUER = re.compile(r"^(.{2,40}?)(?:关于|印发|转发)")
_REPORT_ISSUER = re.compile(r"^(.{2,30}?)(?:\d{4}|[一二][〇○零][一二三四五六七八九〇○零]{2})\s*年")


def issuers_from_title(title: str) -> list[str]:
    """The 发文机关 a title names before 关于/印发/转发 (or before the year, in a 年报's title)."""
    for rx in (_TITLE_ISSUER, _REPORT_ISSUER):
        m = rx.match(title.strip())
        if m:
            names = [x for x in re.split(r"[\s、]+", m.group(1).strip()) if x]
            if names and all(_ORG_END.search(x) for x in names):
                return names
    return []


def _central(name: str) -> str:
    """中华人民共和国教育部 is 教育部 as it signs."""
    return re.sub(r"^中华人民共和国(?=\S+(?:部|委员会|局|署|总局|办公厅)$)", "", name)


# --- small helpers ---------------------------------------------------------------------------------

def _squash(s: str) -> str:
    return re.sub(r"[\s\u3000]+", "", s)


def _next(body: list[str], i: int) -> int:
    while i < len(body) and not body[i].strip():
        i += 1
    return i


def _prev(body: list[str], i: int) -> int | None:
    i -= 1
    while i >= 0 and not body[i].strip():
        i -= 1
    return i if i >= 0 else None


def _number(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0}
    if len(s) == 4:
        return int("".join(str(digits[c]) for c in s)) if all(c in digits for c in s) else None
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(s) if len(s) == 1 else None
