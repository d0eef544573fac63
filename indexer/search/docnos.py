"""A 文号 typed as text (教体艺[2014]1号), as people used to 北大法宝 look a document up: the report
whose 文号 it is comes first, before the sections that quote it.

The parser reads such a term as its string with the year in any bracket form, or that report's
opening section (parser._doc_no); its reader took the 文号 out of the text into the header, so the
text scores nothing for it and ranking alone would put it last. This lifts it, and says so.
"""

from __future__ import annotations

import numpy as np

from indexer.search.matching import Evaluator
from indexer.search.parser import DocNo, Or, ParsedQuery
from indexer.search.ranking import Ranked
from indexer.store.catalog import doc_no_forms, fold_doc_no
from indexer.store.reader import IndexReader


def own_first(reader: IndexReader, ev: Evaluator, parsed: ParsedQuery, result: Ranked) -> tuple[Ranked, list[str]]:
    """(the ranking with the opening sections of the reports whose 文号 the query names first, each part
    in its order, their scores raised above the rest's; a notice naming those 文号, if any matched)."""
    own = parsed.doc_nos()
    if not own or not len(result):
        return result, []
    ranked, scores = result.sids, result.scores
    top = ev.node(Or([c for o in own for c in o.children if isinstance(c, DocNo)]))[ranked]
    if not top.any():
        return result, []
    order = np.concatenate([np.flatnonzero(top), np.flatnonzero(~top)])
    lifted = scores + np.where(top, float(scores.max(initial=0.0)) + 1.0, 0.0)
    reports = reader.catalog.section_report[ranked[top]]
    numbers: dict[str, str] = {}  # copies of one document may write its brackets differently: named once
    for i in reports:
        number = reader.catalog.reports[int(i)].doc_no or ""
        numbers.setdefault(fold_doc_no(number), number)
    told = f"文号为 {'、'.join(numbers.values())} 的文件排在最前"
    if not top.all():
        told += "，其后是正文中引用它的章节"
        if any(len(doc_no_forms(x)) > 1 for x in numbers.values()):
            told += "（年份外的括号写作 〔〕 [] ［］ 【】 （） () 的都算）"
    return Ranked.of(ranked[order], lifted[order]), [told + "。"]
