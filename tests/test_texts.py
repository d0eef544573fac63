"""Section texts and Markdown sources kept beside the exact index come back as written."""

from __future__ import annotations

from helpers import SEED_000

from indexer.store import texts


def test_texts_and_markdown_come_back_as_written(tmp_path):
    seed = SEED_000.read_text(encoding="utf-8")
    written = [seed, "", "𠀀龘 and \ud800 a lone surrogate", "一、防溺水", "二、安全"]
    markdowns = [None, "", "# 𠀀龘", "一、防溺水", None]
    texts.save(tmp_path / "seg", written, markdowns)
    read = texts.SectionTexts(tmp_path / "seg")
    assert len(read) == len(written)
    assert [read[i] for i in range(len(read))] == [(t, m or "") for t, m in zip(written, markdowns, strict=True)]
    # a Markdown source equal to its text is written once
    size = sum(len(x.encode("utf-8", "surrogatepass")) for x in [*written, "# 𠀀龘"])
    assert (tmp_path / "seg" / texts.DATA).stat().st_size == size
