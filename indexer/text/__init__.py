"""Text forms: what a string is for matching, and which words jieba makes of it.

The lowest layer: it reads no files and knows no index. Entry points:

- ``normalize.fold_text`` / ``normalize.fold``: the matching form (NFKC, casefold, traditional →
  simplified one character for one, whitespace between Chinese characters removed), with the map
  back to the original offsets so marks land on the characters as written.
- ``analysis.load_jieba``, ``analysis.words_analyzer``, ``analysis.query_words``: jieba with the shipped
  and user dictionaries, as Whoosh's analyzer for the words fields and for queries.
- ``jiebacut.Tokenizer``: jieba's best route found in one pass (the same words as stock jieba).
- ``wholeword.term_pattern``: where a Latin word or a number must not run on into more of its kind.
"""
