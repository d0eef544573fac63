"""Results taken away: every hit of a search, or every line of a concordance, as CSV (UTF-8 with a
BOM, so Excel reads it) or JSON Lines, and a trend table as CSV. Everything is a generator of text pieces, built a batch
of hits at a time, so a web response or a file can stream a hundred thousand rows."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

from indexer.search.kwic import KwicLine, line_dict
from indexer.search.mentions import count_mentions, mention_needles
from indexer.search.parser import parse_query
from indexer.search.results import SearchResults
from indexer.search.trend import Trend, table
from indexer.store.reader import IndexReader

BOM = "\ufeff"
FIELDS = ["title", "doc_no", "date", "year", "doc_type", "issuer", "place", "region", "province", "heading_path",
          "url", "occurrences", "snippet"]  # the CSV's columns; JSON Lines also has issuers, the list
CSV_HEADER = ["报告标题", "文号", "成文日期", "年份", "类型", "发文机关", "所在地", "地区", "省份", "章节位置",
              "章节链接", "出现次数", "摘要"]
KWIC_FIELDS = ["left", "match", "right", "title", "year", "date", "doc_type", "place", "heading_path", "part", "url"]
KWIC_HEADER = ["左侧语境", "检索词", "右侧语境", "报告标题", "年份", "成文日期", "类型", "所在地", "章节位置", "位于",
               "链接"]
PART_NAMES = {"title": "标题", "heading": "章节标题", "body": "正文"}
_TAG = re.compile(r"</?mark>")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def plain(snippet_html: str) -> str:
    return html.unescape(_TAG.sub("", snippet_html))


def rows(reader: IndexReader, res: SearchResults, base_url: str = "") -> Iterator[dict]:
    """One dict per hit, in result order; links absolute when base_url is given, carrying ?q= for the marks."""
    base = base_url.rstrip("/")
    query = "?q=" + quote(res.query, safe="") + (f"&within={res.within}" if res.within else "") if res.query else ""
    needles = mention_needles(parse_query(res.query, res.within)) if res.mode == "exact" else res.needles  # as the trend counts
    for sids, hits in res.iter_hits(reader):
        counts = count_mentions(reader, sids, needles)
        for h, n in zip(hits, counts, strict=True):
            path, _, anchor = h.url.partition("#")
            yield {"title": h.title, "doc_no": h.doc_no, "date": h.date, "year": h.year, "doc_type": h.doc_type,
                   "issuer": h.issuer, "issuers": h.issuers, "place": h.place, "region": h.region,
                   "province": h.province, "heading_path": h.heading_path, "url": f"{base}{path}{query}#{anchor}",
                   "occurrences": int(n), "snippet": plain(h.snippet_html)}


def jsonl(items: Iterable[dict]) -> Iterator[str]:
    for item in items:
        yield json.dumps(item, ensure_ascii=False) + "\n"


def csv_text(items: Iterable[dict]) -> Iterator[str]:
    yield BOM + _line(CSV_HEADER)
    for item in items:
        cells = [item[k] for k in FIELDS]
        cells[FIELDS.index("heading_path")] = " › ".join(item["heading_path"])
        yield _line(cells)


def kwic_dicts(lines: Iterable[KwicLine]) -> Iterator[dict]:
    """A concordance's lines as the JSON Lines export writes them (the fields of KwicLine)."""
    return (line_dict(line) for line in lines)


def kwic_csv(lines: Iterable[KwicLine]) -> Iterator[str]:
    yield BOM + _line(KWIC_HEADER)
    for line in lines:
        d = line_dict(line)
        d["heading_path"] = " › ".join(d["heading_path"])
        d["part"] = PART_NAMES[d["part"]]
        yield _line([d[k] for k in KWIC_FIELDS])


def trend_csv(tr: Trend) -> Iterator[str]:
    header, body = table(tr)
    yield BOM + _line(header)
    for r in body:
        yield _line(r)


def _line(cells: list) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow([_safe(c) for c in cells])
    return buf.getvalue()


def _safe(cell):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if cell is None:
        return ""
    if isinstance(cell, str) and cell.startswith(_FORMULA):
        return "'" + cell
    return cell
