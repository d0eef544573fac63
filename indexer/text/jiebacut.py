"""jieba's cutting, with each block's best route found in one pass.

jieba cuts a block of Han text by building a DAG of every dictionary word starting at each
character (get_DAG), then choosing, right to left, the route of highest log probability (calc),
then running its HMM over the runs of single characters. The first two steps are most of the
cost of a build: get_DAG looks each fragment up twice, and calc slices and looks every word up
again, taking a logarithm per candidate. Tokenizer here does both in one right-to-left pass,
with one lookup per fragment and the logarithm of each frequency value computed once. The
arithmetic and the tie-breaking are jieba's own, so the words are the same, to the bit
(tests/test_jiebacut.py compares them with stock jieba on the bundled reports); everything
else (the dictionary, user words, the HMM, search mode) is jieba's code.
"""

from __future__ import annotations

import math

import jieba
from jieba import finalseg


class Tokenizer(jieba.Tokenizer):
    """A jieba.Tokenizer whose cut finds the best route in one pass; same words as jieba's."""

    _logs: dict[int, float]
    _logs_total: float | None = None

    def _log_probability(self) -> dict[int, float]:
        """Frequency → log(frequency) - log(total), as jieba's calc computes it, per frequency value
        (far fewer than words); rebuilt when add_word changes the total."""
        if self._logs_total != self.total:
            self._logs, self._logs_total = _LogTable(math.log(self.total)), self.total
        return self._logs

    def best_route(self, sentence: str) -> list[int]:
        """For each position, where jieba's best route goes next (get_DAG and calc in one pass:
        the highest probability wins, a tie goes to the longer word, as max() over (p, x) does)."""
        self.check_initialized()
        logs, freq = self._log_probability(), self.FREQ.get
        n = len(sentence)
        prob = [0.0] * (n + 1)
        nxt = [0] * n
        for idx in range(n - 1, -1, -1):
            best, end = None, idx
            i, frag = idx, sentence[idx]
            while (f := freq(frag)) is not None:  # a word or a prefix of one
                if f:
                    p = logs[f] + prob[i + 1]
                    if best is None or p >= best:
                        best, end = p, i
                i += 1
                if i >= n:
                    break
                frag = sentence[idx:i + 1]
            prob[idx] = logs.unknown + prob[idx + 1] if best is None else best
            nxt[idx] = end + 1
        return nxt

    def _Tokenizer__cut_DAG(self, sentence):  # noqa: N802 - jieba.Tokenizer.__cut_DAG, as cut() calls it
        """jieba's __cut_DAG on best_route: words of the route, runs of single characters through
        the HMM unless the run is itself a dictionary word."""
        nxt = self.best_route(sentence)
        n, x, buf = len(sentence), 0, ""
        while x < n:
            y = nxt[x]
            if y - x == 1:
                buf += sentence[x]
            else:
                if buf:
                    yield from self._single_run(buf)
                    buf = ""
                yield sentence[x:y]
            x = y
        if buf:
            yield from self._single_run(buf)

    def _single_run(self, buf: str):
        if len(buf) == 1:
            yield buf
        elif not self.FREQ.get(buf):
            yield from finalseg.cut(buf)
        else:
            yield from buf


class _LogTable(dict):
    """log(f) - log(total) per frequency f, filled as frequencies are met."""

    def __init__(self, logtotal: float):
        super().__init__()
        self.logtotal = logtotal
        self.unknown = math.log(1) - logtotal  # jieba's `log(FREQ.get(w) or 1) - logtotal` for a non-word

    def __missing__(self, f: int) -> float:
        value = self[f] = math.log(f) - self.logtotal
        return value
