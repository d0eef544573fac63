"""The exact-match index: character unigram and bigram postings, verified, and a suffix array.

A query string can only occur in a section that holds all of its bigrams (or
its one character), so intersecting the rarest bigram postings gives a superset
of the answer; checking each candidate with str.find on the folded text makes
it exact. Nothing is missed and nothing is guessed, and unlike Whoosh phrase
queries over bigrams the cost is a few numpy lookups plus C-speed finds. A
string of one or two characters is its own gram: its postings are the answer.
A plain string of three or more is looked up in the segment's suffix array
(suffixes.py), which gives its sections and counts without reading the text;
Latin words and numbers are found there too, whole (2020年 not in 12020年); the
postings serve a typo's variants and the term dictionary.

Headings and bodies have separate gram tables, and each posting carries the
gram's count in that section, so ranking features for tens of thousands of
candidates come from arrays rather than from a Python loop.

One segment covers a contiguous run of section ids (sids). Arrays are saved as
.npy files beside the UTF-8 text (UTF-8 is self-synchronising: a byte match of a
whole encoded term starts on a character boundary). An opened segment keeps only its section boundaries in memory and
reads the rest with os.pread, just the bytes a query asks for: a memory map
would do the same work, but every page it touches stays in the process's
resident set (and the kernel maps a file's cached pages in blocks of up to
2 MB), so a server's RSS grew with the corpus as queries touched the index.
Only a typo's variants are looked for by scanning the text (filled), through a
map whose pages a reader drops again once they pass a budget (IndexReader.trim).
"""

from __future__ import annotations

import json
import mmap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.store import suffixes
from indexer.store.columns import Column, FileBytes, run
from indexer.store.suffixes import Suffixes, utf8_offsets
from indexer.text.wholeword import boundaries

SEP = "\x00"  # between sections, and between a section's heading and its body
_CHAR_BITS = 21  # Unicode code points fit in 21 bits
_SID_BITS = 21  # up to 2,097,152 sections per segment
MAX_SEGMENT_SECTIONS = 1 << _SID_BITS
_ARRAYS = ("starts", "mids", "head_keys", "head_ptr", "head_post", "body_keys", "body_ptr", "body_post", "body_tf")
_BYTE_ARRAYS = ("bstarts", "bmids")  # the same boundaries as byte offsets into text.utf8
_IN_MEMORY = ("head_keys", "head_ptr")  # a few kB a segment, looked up by every query


def exact_heading(title: str, heading: str) -> str:
    """What the exact index holds as a report's first heading: the title before it,
    so a query that only the title holds finds the top of the report."""
    return f"{title} {heading}".strip() if heading else title


def gram_keys(term: str) -> list[int]:
    if len(term) == 1:
        return [ord(term)]
    return sorted({(ord(a) << _CHAR_BITS) | ord(b) for a, b in zip(term, term[1:], strict=False)})


@dataclass
class Candidates:
    """Sections that may hold a term: local numbers, with an upper bound of the body count."""

    head: np.ndarray  # sorted local numbers whose heading has every gram
    body: np.ndarray  # sorted local numbers whose body has every gram
    body_tf: np.ndarray  # per body candidate: the smallest gram count, >= true count


@dataclass
class ExactSegment:
    base: int  # first sid
    data: bytes | FileBytes  # UTF-8; each section is heading SEP body SEP
    starts: np.ndarray | Column  # int64, n+1: in characters, section k is text[starts[k]:starts[k+1]-1]
    mids: np.ndarray | Column  # int64, n: position (in characters) of the SEP between heading and body
    head_keys: np.ndarray | Column
    head_ptr: np.ndarray | Column
    head_post: np.ndarray | Column
    body_keys: np.ndarray | Column
    body_ptr: np.ndarray | Column
    body_post: np.ndarray | Column
    body_tf: np.ndarray | Column
    bstarts: np.ndarray  # starts, in bytes of data (in memory: a scan for a typo's variants reads them)
    bmids: np.ndarray  # mids, in bytes of data
    suffixes: Suffixes | None = None  # every occurrence of a string (a build adds them last: suffixes.build_saved)

    @property
    def size(self) -> int:
        return len(self.starts) - 1

    # -- building ------------------------------------------------------------

    @classmethod
    def build(cls, base: int, headings: list[str], bodies: list[str], with_suffixes: bool = True) -> ExactSegment:
        """Folded heading and body of each section, in sid order. with_suffixes=False: without the
        suffix array (a build sorts the suffixes of its final, merged segments)."""
        n = len(headings)
        if n >= MAX_SEGMENT_SECTIONS:
            raise ValueError("too many sections for one exact segment")
        hl = np.fromiter((len(h) for h in headings), dtype=np.int64, count=n)
        bl = np.fromiter((len(b) for b in bodies), dtype=np.int64, count=n)
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(hl + bl + 2, out=starts[1:])
        mids = starts[:-1] + hl
        text = "".join(f"{h}{SEP}{b}{SEP}" for h, b in zip(headings, bodies, strict=True))
        data = text.encode("utf-8", "surrogatepass")
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        del text
        offsets = utf8_offsets(codes)
        bstarts, bmids = offsets[starts], offsets[mids]
        del offsets
        section = np.repeat(np.arange(n, dtype=np.uint32), hl + bl + 2)
        in_head = np.repeat(np.tile(np.array([1, 0], dtype=bool), n), np.column_stack([hl + 1, bl + 1]).ravel())
        hk, hp, hpost, _ = _table(codes, section, in_head)
        np.logical_not(in_head, out=in_head)
        bk, bp, bpost, btf = _table(codes, section, in_head)
        del section, in_head
        sfx = Suffixes.build(data, codes, starts, mids) if with_suffixes else None
        return cls(base, data, starts, mids, hk, hp, hpost, bk, bp, bpost, btf, bstarts, bmids, sfx)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "text.utf8").write_bytes(self.data)
        for name in _ARRAYS + _BYTE_ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)
        if self.suffixes is not None:
            self.suffixes.save(folder)
        (folder / "segment.json").write_text(json.dumps({"base": self.base, "size": self.size}))

    @classmethod
    def load(cls, folder: Path) -> ExactSegment:
        meta = json.loads((folder / "segment.json").read_text())
        arrays = {n: Column(folder / f"{n}.npy", sorted_=n.endswith("_keys")) for n in _ARRAYS}
        # in memory: the byte offsets every scan reads (four bytes each while the text is under
        # 4 GB), and the headings' small gram table
        arrays.update({n: np.load(folder / f"{n}.npy", allow_pickle=False) for n in _IN_MEMORY})
        for n in _BYTE_ARRAYS:
            offsets = np.load(folder / f"{n}.npy", allow_pickle=False)
            arrays[n] = offsets.astype(np.uint32) if len(offsets) and offsets.max() < 1 << 32 else offsets
        data = FileBytes(folder / "text.utf8")
        sfx = Suffixes.load(folder, data, meta["size"]) if suffixes.exists(folder) else None
        return cls(meta["base"], data, **arrays, suffixes=sfx)

    # -- querying --------------------------------------------------------------

    def text_between(self, a: int, b: int) -> str:
        """The folded text between two UTF-8 offsets (bstarts, bmids)."""
        return self.data[a:b].decode("utf-8", "surrogatepass")

    def section_text(self, local: int, mapped: bool = False) -> tuple[str, str]:
        """(heading, body) with one read; mapped: sliced from the memory map instead (for many sections
        in a row, as a scan reads them; IndexReader.trim drops its pages)."""
        a, mid = int(self.bstarts[local]), int(self.bmids[local])
        data = self._scanned() if mapped else self.data
        return _heading_and_body(data[a:int(self.bstarts[local + 1]) - 1], mid - a)

    def section_texts(self, local: np.ndarray) -> list[tuple[str, str]]:
        """section_text of each of these sections, their offsets looked up together: the second stage
        reads a hundred at a time."""
        starts, mids, ends = self.bstarts[local].tolist(), self.bmids[local].tolist(), self.bstarts[local + 1].tolist()
        return [_heading_and_body(self.data.read(a, end - 1 - a), mid - a) for a, mid, end in zip(starts, mids, ends, strict=True)]

    def body_length(self) -> np.ndarray:
        return np.asarray(self.starts[1:]) - np.asarray(self.mids) - 2

    def occurrences(self, term: str, prefix: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sorted local numbers of the sections whose heading holds term, of those whose body does,
        the body's count of it): exact, from the suffix array, no text read. A Latin word or a number
        is whole (wholeword.term_pattern; prefix: it may run on at its end)."""
        return self.suffixes.occurrences(term.encode("utf-8", "surrogatepass"), *boundaries(term, prefix))

    def candidates(self, term: str, memo: dict | None = None) -> Candidates:
        """memo: what this segment's lookups read, kept by the caller for the strings it looks up
        next (a typo's variants share most of their grams)."""
        keys = gram_keys(term)
        head_table, body_table = self._tables(memo)
        return Candidates(_lookup(head_table, keys)[0], *_lookup(body_table, keys))

    def holding(self, keys: list[int], memo: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(headings, bodies): sorted local numbers of the sections whose heading (body) holds every
        one of these grams."""
        head_table, body_table = self._tables(memo)
        return _lookup(head_table, keys)[0], _lookup(body_table, keys)[0]

    def _tables(self, memo: dict | None) -> tuple[_Table, _Table]:
        """The headings' and the bodies' gram tables, their reads kept in memo."""
        return (_Table(self.head_keys, self.head_ptr, self.head_post, None, memo, "head"),
                _Table(self.body_keys, self.body_ptr, self.body_post, self.body_tf, memo, "body"))

    def _spans(self, idx: np.ndarray, heading: bool) -> tuple[np.ndarray, np.ndarray]:
        """UTF-8 (start, end) in the text of each section's heading, or body."""
        if heading:
            return self.bstarts[idx], self.bmids[idx]
        return self.bmids[idx] + 1, self.bstarts[idx + 1] - 1

    def _scanned(self) -> bytes | mmap.mmap:
        """The text to scan many sections of: its memory map (IndexReader.trim drops its pages)."""
        return self.data.mapped() if isinstance(self.data, FileBytes) else self.data

    def filled(self, locals_: np.ndarray, heading: bool, before: str, after: str,
               chars: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """For each c of chars, (the sections of locals_ whose heading or body holds before + c + after,
        how many times), from one scan of their text: every occurrence of before (else of after) is
        found, and the character beside it read. A typo's variants at one place share all of their
        text but that character: counting them one by one scanned the same sections once per variant."""
        out = {c: (locals_[:0], np.zeros(0, dtype=np.int64)) for c in chars}
        if not len(locals_) or not chars:
            return out
        idx = np.asarray(locals_)
        lo, hi = (a.astype(np.int64) for a in self._spans(idx, heading))
        data = self._scanned()
        pre, post = before.encode("utf-8", "surrogatepass"), after.encode("utf-8", "surrogatepass")
        anchor = pre or post
        sec, at = _every(data, anchor, lo, hi)  # sec: index into idx; at: byte offset of the anchor
        if not len(sec):
            return out
        buf = np.frombuffer(data, dtype=np.uint8)
        end = len(buf)
        # the character beside each occurrence, as the integer of its UTF-8 bytes (3 or 4: chars are Han)
        if pre:
            first = at + len(pre)
            lead = buf[np.minimum(first, end - 1)]
            width = np.where(lead >= 0xF0, 4, 3)
        else:
            three = buf[np.maximum(at - 3, 0)]
            width = np.where((three >= 0xE0) & (three < 0xF0), 3, 4)  # else a 4-byte one, if any
            first = at - width
        code = np.zeros(len(at), dtype=np.int64)
        for k in range(4):
            byte = buf[np.clip(first + k, 0, end - 1)].astype(np.int64)
            code = np.where(k < width, (code << 8) | byte, code)
        ok = (first >= lo[sec]) & (first + width + (len(post) if pre else 0) <= hi[sec])
        if pre and post:  # the rest of the string after the character
            tail = first + width
            cols = buf[np.clip(tail[:, None] + np.arange(len(post)), 0, end - 1)]
            ok &= (cols == np.frombuffer(post, dtype=np.uint8)).all(axis=1)
        wanted = {int.from_bytes(c.encode("utf-8", "surrogatepass"), "big"): c for c in chars}
        keys = np.array(sorted(wanted), dtype=np.int64)
        pos = np.minimum(np.searchsorted(keys, code), len(keys) - 1)
        ok &= keys[pos] == code
        sec, pos = sec[ok], pos[ok]
        for j, key in enumerate(keys.tolist()):
            n = np.bincount(sec[pos == j], minlength=len(idx))
            where = np.flatnonzero(n)
            out[wanted[key]] = idx[where], n[where]
        return out

    def drop_pages(self) -> None:
        """Take the pages a scan mapped out of this process (see IndexReader.trim)."""
        if isinstance(self.data, FileBytes):
            self.data.drop()


def _find_each(data: bytes | mmap.mmap, needle: bytes, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Where needle first occurs in each data[lo[i]:hi[i]] (-1: nowhere), all searched in one call: the
    text is viewed as a single numpy bytes value (no copy) and np.strings.find runs CPython's own
    string search over every span in C, about twice as fast as calling find once per span."""
    if not len(data):
        return np.full(len(lo), -1, dtype=np.int64)
    whole = np.frombuffer(data, dtype=f"S{len(data)}", count=1)
    return np.strings.find(whole, needle, lo, hi)


def _every(data: bytes | mmap.mmap, needle: bytes, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every occurrence of needle in each data[lo[i]:hi[i]] (overlapping ones too): (i, byte offset)
    pairs, found by np.strings.find over all spans still holding one, as many rounds as the most
    occurrences in one span."""
    found_i, found_at = [], []
    alive = np.arange(len(lo))
    start = lo.copy()
    while len(alive):
        f = _find_each(data, needle, start[alive], hi[alive])
        hit = f >= 0
        alive, f = alive[hit], f[hit]
        found_i.append(alive)
        found_at.append(f)
        start[alive] = f + 1
    return np.concatenate(found_i), np.concatenate(found_at)


class _Table:
    """One gram table of a segment (headings' or bodies'), its reads kept in memo when one is given."""

    def __init__(self, keys, ptr, post, tf, memo: dict | None, name: str):
        self.keys, self.ptr, self.post, self.tf, self.memo, self.name = keys, ptr, post, tf, memo, name

    def span(self, key: int) -> tuple[int, int] | None:
        """Where the key's postings are, None when the table lacks it."""
        if self.memo is not None and (self.name, key) in self.memo:
            return self.memo[self.name, key]
        i = _find(self.keys, key)
        out = None if i < 0 else _pair(self.ptr, i)
        if self.memo is not None:
            self.memo[self.name, key] = out
        return out

    def postings(self, a: int, b: int) -> tuple[np.ndarray, np.ndarray | None]:
        """(sections, counts) of postings a..b (counts None for a table without them)."""
        if self.memo is not None and (self.name, a, b) in self.memo:
            return self.memo[self.name, a, b]
        out = run(self.post, a, b), (run(self.tf, a, b) if self.tf is not None else None)
        if self.memo is not None:
            self.memo[self.name, a, b] = out
        return out


def _lookup(table: _Table, wanted: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Sections whose postings hold every gram, and the smallest of their counts: the shortest
    posting list is read first, and each longer one only while something is left."""
    spans = []
    empty = np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint16)
    for key in wanted:
        span = table.span(key)
        if span is None:
            return empty
        a, b = span
        spans.append((b - a, a, b))
    spans.sort()
    _, a, b = spans[0]
    result, counts = table.postings(a, b)
    for _, a, b in spans[1:]:
        if not len(result):
            break
        other, their_counts = table.postings(a, b)
        idx = np.minimum(other.searchsorted(result), len(other) - 1)
        keep = other[idx] == result
        result = result[keep]
        if counts is not None:
            counts = np.minimum(counts[keep], their_counts[idx[keep]])
    return result, (counts if counts is not None else empty[1])


def _heading_and_body(raw: bytes, mid: int) -> tuple[str, str]:
    """A section's bytes, its heading's end at mid (the SEP between them), as (heading, body)."""
    return raw[:mid].decode("utf-8", "surrogatepass"), raw[mid + 1:].decode("utf-8", "surrogatepass")


def _pair(ptr: np.ndarray | Column, i: int) -> tuple[int, int]:
    a, b = run(ptr, i, i + 2).tolist()
    return a, b


def _find(keys: np.ndarray | Column, key: int) -> int:
    if isinstance(keys, Column):
        return keys.find(key)
    i = int(np.searchsorted(keys, keys.dtype.type(key)))  # typed: an int would convert all of keys
    return i if i < len(keys) and int(keys[i]) == key else -1


def _table(codes: np.ndarray, section: np.ndarray, mask: np.ndarray):
    """Sorted (gram, section) postings with counts, for the positions in mask.
    Unigrams and bigrams are packed into one preallocated uint64 array and sorted
    in place: the build's memory is about 20 bytes per character, not 100."""
    ok = mask & (codes != 0)
    pair = ok[:-1] & ok[1:]
    nu, nb = int(np.count_nonzero(ok)), int(np.count_nonzero(pair))
    combined = np.empty(nu + nb, dtype=np.uint64)
    uni, bi = combined[:nu], combined[nu:]
    uni[:] = codes[ok]
    uni <<= np.uint64(_SID_BITS)
    uni |= section[ok]
    bi[:] = codes[:-1][pair]
    bi <<= np.uint64(_CHAR_BITS)
    bi |= codes[1:][pair]
    bi <<= np.uint64(_SID_BITS)
    bi |= section[:-1][pair]
    del ok, pair, uni, bi
    combined.sort()
    if not len(combined):
        empty = np.empty(0, dtype=np.uint64)
        return empty, np.zeros(1, dtype=np.int64), empty.astype(np.uint32), empty.astype(np.uint16)
    new = np.empty(len(combined), dtype=bool)
    new[0] = True
    np.not_equal(combined[1:], combined[:-1], out=new[1:])
    firsts = np.flatnonzero(new)
    del new
    counts = np.diff(np.append(firsts, len(combined)))
    pairs = combined[firsts]
    del combined, firsts
    keys_all = pairs >> np.uint64(_SID_BITS)
    post = (pairs & np.uint64(MAX_SEGMENT_SECTIONS - 1)).astype(np.uint32)
    knew = np.empty(len(keys_all), dtype=bool)
    knew[0] = True
    np.not_equal(keys_all[1:], keys_all[:-1], out=knew[1:])
    kfirst = np.flatnonzero(knew)
    ptr = np.append(kfirst, len(keys_all)).astype(np.int64)
    return keys_all[kfirst], ptr, post, np.minimum(counts, 65535).astype(np.uint16)
