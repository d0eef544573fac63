"""Posting lists read block by block with numpy are exactly what Whoosh's matcher walks one by one."""

from __future__ import annotations

import numpy as np

from indexer import postings


def test_block_reader_matches_the_matcher(reader):
    s = reader.searcher()
    subs = s.subsearchers or [(s, 0)]
    checked = 0
    for field in ("title", "heading", "body"):
        for word in ("教育", "学校", "安全", "政府", "工作", "2008", "人民", "发展"):
            ids, weights = postings.read_postings(s, field, word)
            want_ids, want_weights = [], []
            for sub, offset in subs:
                r = sub.reader()
                if (field, word) in r:
                    i, w = postings._one_by_one(r.postings(field, word))
                    want_ids += [d + offset for d in i]
                    want_weights += w
            assert np.array_equal(ids, np.asarray(want_ids, dtype=np.int64)), (field, word)
            assert np.array_equal(weights, np.asarray(want_weights, dtype=np.float32)), (field, word)
            checked += len(want_ids)
    assert checked > 1000
