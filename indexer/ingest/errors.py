"""Why a file cannot be used: the one error type every reader raises, and the table of its reasons.

A reason is a stable code (kept in the manifest, given to programs), a Chinese message for the
people who read the web pages, and an English detail for logs and the command line. The numbers a
message needs (a size and its limit) travel beside the code as params, so the message is written
when it is shown and stays in this one table. Sizes are in MiB (2^20 bytes), worded MiB in both
languages, and computed by mib() alone, so that a 16 MiB limit never reads as 17 MB.
"""

from __future__ import annotations

# code → Chinese message; {name} is filled from the reason's params.
MESSAGES: dict[str, str] = {
    "too_large": "文件过大（{size} MiB，上限 {limit} MiB），请拆分成多个报告",
    "vanished": "读取前文件已被删除或移走",
    "cannot_read": "无法读取文件（系统错误）",
    "cannot_read_kept": "无法读取文件（系统错误），保留上次索引的内容",
    "not_regular_file": "失效的链接，或不是普通文件",
    "link_outside": "链接指向来源文件夹之外，未读取（可把目标文件夹加为来源）",
    "empty": "空文件",
    "no_text": "没有文字内容",
    "bad_bom": "文件以 {encoding} 字节顺序标记开头，但内容不是有效的 {encoding}",
    "binary": "二进制文件（含 NUL 字节），不是文本",
    "undecodable": "不是任何已知编码的文本（二进制或已损坏）",
    "pdf_scanned": "扫描版 PDF，没有文字层",
    "pdf_no_text": "PDF 中没有文字",
    "pdf_encrypted": "PDF 已加密，需要密码",
    "pdf_unsupported_security": "PDF 使用了不支持的加密方式",
    "pdf_corrupt": "PDF 已损坏或不完整",
    "pdf_too_many_pages": "PDF 共 {pages} 页，上限 {limit} 页，请拆分成多个报告",
    "docx_corrupt": ".docx 文件已损坏",
    "docx_encrypted_or_doc": "不是 .docx：可能是加密的 Word 文件，或改了扩展名的旧版 .doc",
    "docx_bomb": ".docx 解压后超过 {size} MiB，上限 {limit} MiB（压缩炸弹，或不是报告）",
    "docx_too_many_paragraphs": ".docx 有 {paragraphs} 个以上段落，上限 {limit} 个（不是报告，或文件异常）",
    "doc_rtf": "扩展名是 .doc/.wps，实为 RTF 文件",
    "doc_not_word": "扩展名是 .doc/.wps，但不是 Word 97-2003/WPS 文件",
    "doc_no_tool": "Word 97-2003/WPS 文件：服务器未安装转换工具",
    "doc_failed": "Word 97-2003/WPS 文件无法转换",
    "over_time": "读取用时超过每个文件 {limit} 秒的上限，已跳过（文件异常或过于复杂）",
    "over_memory": "读取所需内存超过每个文件 {limit} MiB 的上限，已跳过（压缩炸弹，或不是报告）",
    "reader_crashed": "读取时程序意外退出（文件可能已损坏）",
    "parse_error": "解析时出错（程序的问题，请报告此文件）",
    "unknown": "无法读取（原因未记录）",
}


class Unreadable(Exception):
    """The file cannot be used: a code from MESSAGES, the English detail, and the numbers its
    message needs. str() is the detail, for the run summary."""

    def __init__(self, code: str, detail: str, params: dict | None = None):
        if code not in MESSAGES:
            raise ValueError(f"unknown skip reason {code!r}")
        super().__init__(code, detail, params or {})  # args as given, so it pickles across processes
        self.code, self.detail, self.params = code, detail, params or {}

    def __str__(self) -> str:
        return self.detail


def mib(size: int) -> int | float:
    """A size in MiB as messages write it: whole when it is (16), else to one decimal rounded up
    (16.1 for a byte over 16 MiB), so that a size over a limit never reads as the limit."""
    tenths = -(-size * 10 // (1 << 20))
    return tenths // 10 if tenths % 10 == 0 else tenths / 10


def message(code: str, params: dict | None = None) -> str:
    """The Chinese message of a code; an unknown code (from a newer or older index) reads as unknown."""
    template = MESSAGES.get(code, MESSAGES["unknown"])
    return template.format_map(_Params(params or {}))


class _Params(dict):
    """A missing number shows as a question mark rather than failing the page that shows it."""

    def __missing__(self, key: str) -> str:
        return "？"
