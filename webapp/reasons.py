"""Why a file was skipped, in the interface's language.

The indexer words its reasons for the command line; the web pages are Chinese,
so each known reason has its Chinese form here, and an unknown one is shown
with a Chinese lead-in rather than not at all.
"""

from __future__ import annotations

import re

_REASONS: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^empty file"), "空文件"),
    (re.compile(r"^no text"), "只有空白，没有文字"),
    (re.compile(r"^binary file"), "二进制文件（含 NUL 字节），不是文本"),
    (re.compile(r"^not text in any known encoding"), "不是任何已知编码的文本（二进制或已损坏）"),
    (re.compile(r"^too large: (\d+) MB, the limit is (\d+) MB"), r"文件太大：\1 MB，上限 \2 MB（请拆分为单篇报告）"),
    (re.compile(r"^file vanished"), "读取前文件已被删除或移走"),
    (re.compile(r"^no such file"), "文件不存在"),
    (re.compile(r"^broken link or not a regular file"), "失效的链接，或不是普通文件"),
    (re.compile(r"^cannot read, old sections kept: (.*)"), r"无法读取（\1），保留原有章节"),
    (re.compile(r"^cannot read: (.*)"), r"无法读取：\1"),
    (re.compile(r"^starts with a (\S+) byte-order mark but is not valid"), r"以 \1 字节顺序标记开头，但内容不是有效的 \1"),
    (re.compile(r"^could not be parsed: (.*)"), r"无法解析：\1"),
    (re.compile(r"^scanned PDF"), "扫描版 PDF，没有文字层"),
    (re.compile(r"^encrypted"), "文件已加密"),
]


def zh_reason(reason: str) -> str:
    for pattern, zh in _REASONS:
        m = pattern.match(reason)
        if m:
            return m.expand(zh)
    return f"无法读取：{reason}"
