"""The second ranking stage on small made-up sections: each kind of evidence moves a section the right way."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search import ranking
from indexer.search.engine import find, search
from indexer.search.ranking import TermStats, paragraph_starts, score_sections
from indexer.text.normalize import fold_text
from indexer.text.wholeword import term_pattern

AVG = 800.0
FILLER = "加强基础设施建设,推进城乡协调发展。" * 30


def stats(*texts: str) -> list[TermStats]:
    return [TermStats(t, 2.0, term_pattern(t)) for t in texts]


def scores(sections, *terms):
    return score_sections(sections, stats(*terms), AVG)


def test_lead_sentence_counts_like_a_heading_cue():
    lead = ("", FILLER + "四是推进素质教育。每所学校都要把学生的全面成长放在首位。")
    plain = ("", FILLER + "要推进素质教育,每所学校都要把学生的全面成长放在首位。")
    first_sentence = ("", "一要全面推进素质教育,深化课程教学改革。" + FILLER)
    s_lead, s_plain, s_first = scores([lead, plain, first_sentence], "素质教育")
    assert s_lead > s_plain
    assert s_first > s_plain


def test_heading_beats_body():
    in_head = ("二、推进中小学素质教育", FILLER)
    in_body = ("二、其他工作", FILLER + "推进素质教育。")
    assert scores([in_head, in_body], "素质教育")[0] > scores([in_head, in_body], "素质教育")[1]


def test_cited_document_title_counts_less():
    cited = ("", FILLER + "废止《关于加快学前教育改革与发展的若干意见》。")
    discussed = ("", FILLER + "加快学前教育改革与发展,增加普惠资源。")
    s_cited, s_discussed = scores([cited, discussed], "学前教育")
    assert s_cited < s_discussed


def test_tiny_section_does_not_win_on_one_mention():
    tiny = ("", "办好特殊教育。")
    longer = ("", FILLER[:400] + "全省特殊学校校长培训现场会在我市召开,办好特殊教育。")
    s_tiny, s_longer = scores([tiny, longer], "特殊教育")
    assert s_tiny <= s_longer  # below the length floor, shortness earns nothing


def test_terms_in_one_sentence_beat_terms_far_apart():
    together = ("", FILLER + "改善乡村教师待遇,农村教师每月发放补贴。" + FILLER)
    apart = ("", "农村校舍改造。" + FILLER + "教师培训。" + FILLER + "提高退休人员待遇。")
    s_together, s_apart = scores([together, apart], "农村", "教师", "待遇")
    assert s_together > s_apart


def test_latin_terms_count_whole_words_only():
    whole = ("", FILLER + "细颗粒物(pm2.5)浓度下降。")
    part = ("", FILLER + "细颗粒物(pm2.55)浓度下降。")
    s_whole, s_part = scores([whole, part], "pm2.5")
    assert s_whole > s_part


def test_short_sentence_opening_a_paragraph_counts_like_a_lead():
    # the paragraph opens with the topic, then sets out the measures
    topic = "扎实推进教育公平。新建改建农村寄宿制学校二十所。全县免收寄宿生住宿费。"
    body = FILLER + topic
    opens_paragraph = score_sections([("", body)], stats("教育公平"), AVG, lambda i: [0, len(FILLER)])
    inside_paragraph = score_sections([("", body)], stats("教育公平"), AVG, lambda i: [0])
    assert opens_paragraph[0] > inside_paragraph[0]


def test_topic_line_needs_a_paragraph_after_it():
    # a one-sentence paragraph is a list entry, not the lead of a discussion
    item = "办好特殊教育。"
    body = FILLER + item + FILLER
    alone = score_sections([("", body)], stats("特殊教育"), AVG, lambda i: [0, len(FILLER), len(FILLER) + len(item)])
    inside = score_sections([("", body)], stats("特殊教育"), AVG, lambda i: [0])
    assert alone == inside


def test_long_sentence_opening_a_paragraph_is_no_lead():
    opening = "全面推进素质教育,县内中小学都要开齐开足音体美课程,努力培养学生的实践能力和健康体魄。"
    body = FILLER + opening + FILLER
    opens = score_sections([("", body)], stats("素质教育"), AVG, lambda i: [0, len(FILLER)])
    inside = score_sections([("", body)], stats("素质教育"), AVG, lambda i: [0])
    assert opens == inside


def test_paragraph_breaks_of_stored_text_map_onto_the_folded_body():
    text = "一是加强学校安全。\n　　扎实推进教育公平。深入贯彻落实规划纲要。\n\n办好ＰＭ2.5 监测。"
    folded = fold_text(text)
    starts = paragraph_starts(text, folded)
    assert [folded[s:s + 4] for s in starts] == ["一是加强", "扎实推进", "办好pm"]


def test_numbered_lead_after_a_colon_counts():
    # 今年要办好三件实事：一要全面推进素质教育 …
    after_colon = ("", FILLER + "今年要办好三件实事:一要全面推进素质教育,深化课程教学改革。完善中考招生办法。")
    plain = ("", FILLER + "今年要办好三件实事,全面推进素质教育,深化课程教学改革。完善中考招生办法。")
    s_colon, s_plain = scores([after_colon, plain], "素质教育")
    assert s_colon > s_plain


def test_an_item_of_an_enumeration_counts_less():
    # 助学贷款 as one scheme in a list, against a sentence about it
    listed = ("", FILLER + "完善奖学金、助学金和助学贷款等资助办法。")
    discussed = ("", FILLER + "生源地助学贷款每生每年额度提高到一万二千元。")
    s_listed, s_discussed = scores([listed, discussed], "助学贷款")
    assert s_listed < s_discussed
    after_comma = ("", FILLER + "办好特殊教育、继续教育,引导民办教育规范发展。")
    in_list = ("", FILLER + "办好民族教育、特殊教育、继续教育,引导民办教育规范发展。")
    assert scores([in_list], "特殊教育")[0] < scores([after_comma], "民办教育")[0]


def _pad(n: int) -> str:
    return ("加强基础设施建设" * 10)[:n]


def test_a_lead_opening_reaches_forty_characters_into_its_sentence():
    # 一是 … 素质教育: counted while the term starts at most LEAD_REACH - 1 characters after the sentence's start
    def lead_and_plain(pad: int) -> tuple[float, float]:
        lead = ("", FILLER + "一是" + _pad(pad) + "素质教育,提高质量。" + FILLER)
        plain = ("", FILLER + "一项" + _pad(pad) + "素质教育,提高质量。" + FILLER)
        s_lead, s_plain = scores([lead, plain], "素质教育")
        return s_lead, s_plain

    near, near_plain = lead_and_plain(37)
    far, far_plain = lead_and_plain(38)
    assert near > near_plain
    assert far == far_plain


def test_a_topic_line_is_at_most_sixteen_characters():
    def opens_and_inside(pad: int) -> tuple[float, float]:
        body = FILLER + "素质教育" + _pad(pad) + "。全县新建改建农村寄宿制学校二十所。" + FILLER
        opens = score_sections([("", body)], stats("素质教育"), AVG, lambda i: [0, len(FILLER)])
        inside = score_sections([("", body)], stats("素质教育"), AVG, lambda i: [0])
        return opens[0], inside[0]

    short, short_inside = opens_and_inside(12)  # 16 characters before the stop
    long, long_inside = opens_and_inside(13)
    assert short > short_inside
    assert long == long_inside


def test_terms_in_one_sentence_are_closer_than_across_a_stop():
    same = ("", FILLER + "推进学前教育,保障校园安全,加强管理。" + FILLER)
    across = ("", FILLER + "推进学前教育。保障校园安全,加强管理。" + FILLER)
    apart = ("", "推进学前教育。" + FILLER + "保障校园安全。" + FILLER)
    s_same, s_across, s_apart = scores([same, across, apart], "学前教育", "安全")
    assert s_same > s_across > s_apart


@pytest.mark.parametrize("q", ["教育", "学校 OR 安全", "工作"])
def test_every_page_is_cut_from_one_order(reader, monkeypatch, q):
    """Walking the pages by relevance lists every matching section once, in the order an export
    lists them: the second stage's depth follows the page asked for, never a hit's place."""
    monkeypatch.setattr(ranking, "RERANK", 6)  # blocks of 6 and a cap of 24 on a corpus of a few hundred sections
    monkeypatch.setattr(ranking, "RERANK_MAX", 24)
    whole = find(reader, q, need=24)
    assert whole.total > 40  # past the cap, so pages cross blocks and the cap
    walked = []
    for page in range(1, -(-whole.total // 5) + 1):
        walked += [(h.doc_id, h.section_id) for h in search(reader, q, page=page, per_page=5).hits]
    assert len(walked) == len(set(walked)) == whole.total
    assert walked == [(h.doc_id, h.section_id) for h in whole.hits(reader, 0, whole.total)]


@pytest.mark.parametrize("q", ["教育", "学校 OR 安全", "工作", "教育 学校"])
def test_a_page_inside_a_block_is_cut_from_the_whole_block(reader, monkeypatch, q):
    """The block holding the asked page's end is scored only as far as the page needs (best bound first,
    until no bound left reaches its last score), the rest of it when something reads on: every cut is
    the fully scored block's, scores included, and a first hit scores fewer sections than its block."""
    monkeypatch.setattr(ranking, "RERANK", 12)
    monkeypatch.setattr(ranking, "RERANK_MAX", 48)
    whole = find(reader, q, need=48)  # every block scored in full
    n = min(48, whole.total)
    full = list(zip(whole.sids[:n].tolist(), whole.scores[:n].tolist(), strict=True))
    assert whole.total > 24
    for need in range(n):  # 0: a date sort's, which reads every match in its own order
        cut = find(reader, q, need=need)
        assert list(zip(*(a.tolist() for a in cut.ranked.part(0, need)), strict=True)) == full[:need]
        depth = min(-(-max(need, 1) // 12) * 12, n)  # the blocks the cut reranks: its last one's rest, once read
        assert list(zip(cut.sids[:depth].tolist(), cut.scores[:depth].tolist(), strict=True)) == full[:depth]
    scored = []
    monkeypatch.setattr(ranking, "_score", lambda *a, real=ranking._score: scored.append(1) or real(*a))
    find(reader, q, need=1)
    assert len(scored) < 12


# The lead and topic-line rules as whole-body regex passes (how the second stage first found them): the
# per-occurrence look-back must say the same for every occurrence of every made-up body.
_STOP_CLASS = "[" + re.escape(ranking._STOPS) + "]"
_LEAD_STOP_CLASS = "[" + re.escape(ranking._STOPS + ranking.LEAD_AFTER) + "]"
_LEAD_OPENING = re.compile(f"(?:^|(?<={_LEAD_STOP_CLASS})){ranking._LEAD.pattern}")
_SHORT = re.compile(f"(?:^|(?<={_STOP_CLASS}))[^{re.escape(ranking._STOPS)}]{{0,{ranking.TOPIC_LINE}}}{_STOP_CLASS}")


def _lead_by_whole_passes(body: str, p: int, starts: list[int]) -> bool:
    for m in _LEAD_OPENING.finditer(body):
        stop = re.compile(_LEAD_STOP_CLASS).search(body, m.start())
        end = min(stop.start() if stop else len(body), m.start() + ranking.LEAD_REACH - (m.start() > 0))
        if m.end() <= p <= end:
            return True
    for m in _SHORT.finditer(body):
        start, stop = m.start(), m.end() - 1
        if start <= p <= min(stop, start + ranking.TOPIC_LINE - (start > 0)) and start in starts:
            after = [s for s in starts if s > start]
            if (after[0] if after else len(body)) > stop + 1:
                return True
    return False


_OPENINGS = ["", "一是", "第三,", "首先", "十要", "、", "教育"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_OPENINGS), st.one_of(st.integers(min_value=0, max_value=48), st.sampled_from([13, 14, 15, 16, 37, 38, 39])),
                          st.sampled_from(["。", ";", ":", "!", ""]), st.booleans()), max_size=6))
def test_a_lead_is_found_from_its_occurrence_as_by_passes_over_the_whole_body(sentences):
    body, starts = "", [0]
    for opening, n, stop, opens_paragraph in sentences:  # a made-up sentence, maybe a paragraph's first
        if opens_paragraph and body:
            starts.append(len(body))
        body += opening + ("素质教育推进" * 9)[:n] + stop
    for p in range(len(body) + 1):
        brk = ranking._Breaks(lambda i: starts, 0)
        assert ranking._in_lead(body, p, brk) == _lead_by_whole_passes(body, p, starts), (body, p, starts)
    for step in (1, 3, 7):  # many occurrences at once: a body without a lead opening is seen at once
        positions = list(range(step - 1, len(body) + 1, step))
        expected = any(_lead_by_whole_passes(body, p, starts) for p in positions)
        assert ranking._any_in_lead(body, positions, ranking._Breaks(lambda i: starts, 0)) == expected, (body, step)
