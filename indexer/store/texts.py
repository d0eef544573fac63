"""Each section's text and Markdown source as written, for display: one file per exact segment.

Whoosh kept both in every section's stored record, pickled and zlib-compressed one section at a
time: the largest part of writing a segment after jieba. Here a segment's sections are one UTF-8
file and an array of byte spans, written in one call and read with os.pread just for the sections
a page shows (a search's ten snippets, one report). A Markdown source that is the text itself (most
sections of a Markdown file) is not written twice.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from indexer.store.exact import Column, FileBytes

DATA = "sections.utf8"
SPANS = "sections.npy"
_SAME = -1  # a Markdown span starting here: the Markdown source is the text


def save(folder: Path, texts: list[str], markdowns: list[str | None]) -> None:
    """The texts and Markdown sources (None where the file was not Markdown) of a segment's
    sections, in sid order ("" and None for a removed section)."""
    folder.mkdir(parents=True, exist_ok=True)
    parts: list[bytes] = []
    spans = np.full((len(texts), 4), _SAME, dtype=np.int64)  # a Markdown span left at _SAME: the text
    at = 0
    for i, (text, md) in enumerate(zip(texts, markdowns, strict=True)):
        for j, value in enumerate([text] if md == text else [text, md or ""]):
            parts.append(value.encode("utf-8", "surrogatepass"))
            spans[i, 2 * j: 2 * j + 2] = at, at + len(parts[-1])
            at += len(parts[-1])
    (folder / DATA).write_bytes(b"".join(parts))
    np.save(folder / SPANS, spans.ravel(), allow_pickle=False)  # one dimension, for Column


class SectionTexts:
    """A segment's section texts and Markdown sources, read on demand (the spans too: a server
    holds none of it)."""

    def __init__(self, folder: Path):
        self.data = FileBytes(folder / DATA)
        self.spans = Column(folder / SPANS)

    def __len__(self) -> int:
        return len(self.spans) // 4

    def __getitem__(self, local: int) -> tuple[str, str]:
        """(text, Markdown source): the source is "" where the file was not Markdown."""
        ta, tb, ma, mb = self.spans[4 * local: 4 * local + 4].tolist()
        text = self._read(ta, tb)
        return text, text if ma == _SAME else self._read(ma, mb)

    def _read(self, a: int, b: int) -> str:
        return self.data[a:b].decode("utf-8", "surrogatepass")
