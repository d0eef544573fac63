"""Below Whoosh's API: Whoosh's segment files written and read the way this index needs them.

Everything here depends on whoosh3's internals, which is why pyproject.toml pins its series and the
tests compare these parts with Whoosh's own: ``segwriter`` (a batch's segment written with numpy),
``postpool`` (postings grouped by term when Whoosh merges), ``mapped`` (segment files read with pread),
``docmap`` (Whoosh's document numbers ↔ sids, from the sid column read in one go).
"""
