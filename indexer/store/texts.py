"""Each section's text as written and, for Markdown, its HTML rendered at index time, for display:
one file per exact segment.

Whoosh kept the texts in every section's stored record, pickled and zlib-compressed one section at
a time: the largest part of writing a segment after jieba. Here a segment's sections are one UTF-8
file and an array of byte spans, written in one call and read with os.pread just for the sections
a page shows (a search's ten snippets, one report). The HTML is the sanitised rendering of the
section's Markdown, made once when the file was read, so that opening a report renders nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.store.columns import Column, FileBytes

DATA = "sections.utf8"
SPANS = "sections.npy"
_NONE = -1  # an HTML span left here: the section has no HTML (the file was not Markdown)


def save(folder: Path, texts: list[str], htmls: list[str | None]) -> None:
    """The texts and HTML (None where the file was not Markdown) of a segment's sections, in sid
    order ("" and None for a removed section)."""
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[bytes] = []
    spans = np.full((len(texts), 4), _NONE, dtype=np.int64)
    at = 0
    for i, (text, html) in enumerate(zip(texts, htmls, strict=True)):
        for j, value in enumerate([text] if html is None else [text, html]):
            parts.append(value.encode("utf-8", "surrogatepass"))
            spans[i, 2 * j: 2 * j + 2] = at, at + len(parts[-1])
            at += len(parts[-1])
    (folder / DATA).write_bytes(b"".join(parts))
    np.save(folder / SPANS, spans.ravel(), allow_pickle=False)  # one dimension, for Column


class SectionTexts:
    """A segment's section texts and HTML, read on demand (the spans too: a server holds none of it)."""

    def __init__(self, folder: Path):
        self.data = FileBytes(folder / DATA)
        self.spans = Column(folder / SPANS)

    def __len__(self) -> int:
        return len(self.spans) // 4

    def __getitem__(self, local: int) -> tuple[str, str | None]:
        """(text, HTML): the HTML is None where the file was not Markdown."""
        ta, tb, ha, hb = self.spans[4 * local: 4 * local + 4].tolist()
        return self._read(ta, tb), None if ha == _NONE else self._read(ha, hb)

    def text(self, local: int) -> str:
        """The text alone (its HTML left unread)."""
        ta, tb = self.spans[4 * local: 4 * local + 2].tolist()
        return self._read(ta, tb)

    def _read(self, a: int, b: int) -> str:
        return self.data[a:b].decode("utf-8", "surrogatepass")
