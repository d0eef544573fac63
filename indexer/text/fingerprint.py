"""What makes two texts the same document: a MinHash signature to find texts that look alike, and
the difference that decides whether they are copies or two versions.

Both work on the folded text (normalize.fold_text: full/half width, case, traditional forms one),
compacted to its letters and digits, so that line wrapping, spacing and punctuation variants do not
count. The signature is datasketch's MinHash (its "affine32" scheme and permutations) over 5-character
shingles, computed for all shingles at once with numpy; a fixed quarter of the shingles is kept (those
whose mixed hash is divisible by 4), the same quarter in every copy, which leaves the estimate of
the resemblance unbiased at a quarter of the cost.

The signature only finds candidates: in a long text one rewritten paragraph moves the resemblance
less than a provider's header does in a short one. `difference` aligns the two texts, sentence by
sentence and then character by character inside the sentences that differ, and counts what a
reader would call a change: characters replaced, and runs of RUN_MIN or more characters that only
one text has, between the first and last passages they share. What only one copy has at its start
or end (a provider's header, a site's footer, a signature left out) and short one-sided runs (page
numbers, running heads, numbering a converter lost) are not changes.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import re
from dataclasses import dataclass

import numpy as np

NUM_PERM = 128  # MinHash permutations: about ±0.03 on a resemblance of 0.9
SEED = 1
SHINGLE = 5  # characters per shingle
SAMPLE = 4  # one shingle in SAMPLE is hashed into the signature (by its hash: the same ones in every copy)
RUN_MIN = 20  # characters: a run only one text has in the middle is a change from this length on
ANCHOR = 30  # characters: an equal run this long is a passage the texts share
GLUE = 3  # characters: differences this close are one region (a replaced figure aligns around a shared digit)
INNER_MAX = 4_000_000  # a character alignment larger than this (length × length) is not tried: all changed

_NOT_WORD = re.compile(r"[\W_]+")
_DIGIT = "[0-9〇○零一二三四五六七八九十]"
_CLOSING = re.compile(f"^(?:附件|抄送|主题词)|{_DIGIT}{{4}}年{_DIGIT}{{1,2}}月{_DIGIT}{{1,3}}日")  # compact: no spaces
_SENTENCE_END = re.compile(r"(?<=[。!?;])")  # 。！？； folded
_MAX = np.uint32(0xFFFFFFFF)
_ROLL = np.uint32(0x01000193)
_CHUNK = 8192  # shingles permuted at a time (CHUNK × NUM_PERM uint32 in memory)


def compact(folded: str) -> str:
    """The folded text's letters and digits alone: what is compared."""
    return _NOT_WORD.sub("", folded)


def digest(compact_text: str) -> str:
    """A short hash of the compact text: equal digests, equal texts."""
    return hashlib.blake2b(compact_text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def shingles(compact_text: str) -> np.ndarray:
    """Each SHINGLE-character window of the text as a 32-bit hash (a polynomial of its characters):
    what datasketch would be given as the values' hashes."""
    c = np.frombuffer(compact_text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(c) - SHINGLE + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint32)
    h = np.zeros(n, dtype=np.uint32)
    for j in range(SHINGLE):  # uint32 arithmetic wraps
        h = h * _ROLL + c[j:j + n]
    return h


def sampled(hashes: np.ndarray) -> np.ndarray:
    """The shingles kept for the signature (those whose mixed hash is divisible by SAMPLE), mixed as
    datasketch mixes a hash before its permutations; unique and sorted."""
    h = fmix32(hashes)
    return np.unique(h[h % np.uint32(SAMPLE) == 0])


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, datasketch's pre-mix for its affine32 permutations."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(compact_text: str) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32) of the text's sampled shingles: what datasketch's
    `MinHash(num_perm=NUM_PERM, seed=SEED)` (scheme affine32) updated with the kept shingles' hashes
    holds, computed for all of them at once; all-max when the text is shorter than a shingle."""
    a, b = _permutations()
    hashes = sampled(shingles(compact_text))
    sig = np.full(NUM_PERM, _MAX, dtype=np.uint32)
    for i in range(0, len(hashes), _CHUNK):
        sig = np.minimum(sig, (hashes[i:i + _CHUNK, None] * a + b).min(axis=0))
    return sig


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """(a, b), uint32, as datasketch draws them. Imported when a build first makes a signature: a server
    never does, and datasketch brings SciPy (56 MB of its memory) with it."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED).permutations


def resemblance(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard resemblance of two signatures' shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


@dataclass
class Difference:
    """How two texts differ, in characters of their compact forms."""

    changed: int  # replaced anywhere, or in one-sided runs of RUN_MIN or more between shared passages
    one_sided: int  # in shorter one-sided runs between shared passages (noise: page numbers, lost numbering)
    ends: int  # only one text has them, before the first or after the last shared passage
    shared: int  # in passages both have


def difference(a_folded: str, b_folded: str) -> Difference:
    """Align two folded texts (sentences first, then characters inside differing sentences) and
    count their differences. A shared passage is a run of ANCHOR or more equal characters: what one
    text has before the first (a header, the lines a reader took for the title, 文号 and addressee)
    is an end, and so is a run after the last that is short or holds the closing parts a reader
    may have kept in the text (附件说明, signature and date, 抄送); a paragraph more or less at the
    end is a change."""
    ops = _regions(_char_ops(_sentences(a_folded), _sentences(b_folded)))
    anchors = [i for i, (tag, x, _y) in enumerate(ops) if tag == "equal" and len(x) >= ANCHOR]
    first, last = (anchors[0], anchors[-1]) if anchors else (len(ops), -1)
    out = Difference(0, 0, 0, 0)
    for i, (tag, x, y) in enumerate(ops):
        if tag == "equal":
            out.shared += len(x)
        elif tag == "replace":
            out.changed += max(len(x), len(y))
        elif i < first or (i > last and (len(x + y) < RUN_MIN or _CLOSING.search(x + y))):
            out.ends += len(x + y)
        elif len(x + y) >= RUN_MIN:
            out.changed += len(x + y)
        else:
            out.one_sided += len(x + y)
    return out


def _regions(ops: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Differences no more than GLUE equal characters apart taken as one region (125克 → 150克
    aligns as 1, -2, 5, +0): a region where both texts have characters of their own is a
    replacement of them, else what one text has alone."""
    out: list[tuple[str, str, str]] = []
    i = 0
    while i < len(ops):
        if ops[i][0] == "equal":
            out.append(ops[i])
            i += 1
            continue
        x, y = ops[i][1], ops[i][2]
        i += 1
        while i < len(ops) and (ops[i][0] != "equal" or (
                len(ops[i][1]) <= GLUE and i + 1 < len(ops) and ops[i + 1][0] != "equal")):
            if ops[i][0] != "equal":
                x, y = x + ops[i][1], y + ops[i][2]
            i += 1
        out.append(("replace" if x and y else "delete" if x else "insert", x, y))
    return out


def _sentences(folded: str) -> list[str]:
    return [s for s in (compact(x) for x in _SENTENCE_END.split(folded)) if s]


def _char_ops(sa: list[str], sb: list[str]) -> list[tuple[str, str, str]]:
    """(tag, text of a, text of b) for each run of the alignment, adjacent runs of one tag merged:
    sentences aligned first, and characters inside each run of differing sentences (an equal run's
    text is a's)."""
    ops: list[tuple[str, str, str]] = []

    def add(tag: str, x: str, y: str) -> None:
        if not x and not y:
            return
        if ops and ops[-1][0] == tag:
            ops[-1] = (tag, ops[-1][1] + x, ops[-1][2] + y)
        else:
            ops.append((tag, x, y))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        x, y = "".join(sa[i1:i2]), "".join(sb[j1:j2])
        if tag == "equal":
            add(tag, x, "")
        elif tag != "replace":
            add(tag, x, y)
        elif len(x) * len(y) > INNER_MAX:
            add("replace", x, y)
        else:
            for t, a1, a2, b1, b2 in difflib.SequenceMatcher(None, x, y, autojunk=False).get_opcodes():
                add(t, x[a1:a2], "" if t == "equal" else y[b1:b2])
    return ops
