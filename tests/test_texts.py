"""Section texts and the HTML rendered at index time, kept beside the exact index, come back as written."""

from __future__ import annotations

from helpers import SEED_000

from indexer.store import texts


def test_texts_and_html_come_back_as_written(tmp_path):
    seed = SEED_000.read_text(encoding="utf-8")
    written = [seed, "", "𠀀龘 and \ud800 a lone surrogate", "一、防溺水", "二、安全"]
    htmls = [None, "", "<p>𠀀龘</p>", "<p>一、防溺水</p>", None]
    texts.save(tmp_path / "seg", written, htmls)
    read = texts.SectionTexts(tmp_path / "seg")
    assert len(read) == len(written)
    assert [read[i] for i in range(len(read))] == list(zip(written, htmls, strict=True))
    # a section without HTML writes its text only
    size = sum(len(x.encode("utf-8", "surrogatepass")) for x in [*written, *(h for h in htmls if h)])
    assert (tmp_path / "seg" / texts.DATA).stat().st_size == size
