"""A page's records as JSON: results.record gives what dataclasses.asdict gives, lists copied."""

from __future__ import annotations

from dataclasses import asdict

from indexer.search.results import Hit, ReportGroup, Source, SourceSection, record


def _hit(**over) -> Hit:
    fields = dict(doc_id="gov/2021.md", section_id="s-2", title="白石县2021年教育工作总结", year=2021, doc_type="工作总结",
                  doc_no=None, date="2021-12-30", issuer="白石县教育局", issuers=["白石县教育局"], place="白石县",
                  region="县级", province=None, heading_path=["一、安全", "（二）防溺水"], source="gov/2021.md",
                  url="/doc/gov/2021.md#s-2", snippet_html="开展<mark>防溺水</mark>演练", score=3.25, page=4,
                  sources=[Source(doc_id="web/2021.html", title="白石县2021年教育工作总结", source="web/2021.html",
                                  source_url=None, url="/doc/web/2021.html",
                                  sections=[SourceSection(section_id="s-2", heading_path=["一、安全"], url="/doc/x#s-2")])],
                  distinguish=None)
    fields.update(over)
    return Hit(**fields)


def test_record_is_asdict_with_its_lists_copied():
    hit = _hit()
    out = record(hit)
    assert out == asdict(hit)
    out["heading_path"].append("x")
    out["sources"][0]["sections"][0]["heading_path"].append("y")
    assert hit.heading_path == ["一、安全", "（二）防溺水"] and hit.sources[0].sections[0].heading_path == ["一、安全"]
    group = ReportGroup(doc_id="gov/2021.md", title="t", year=None, doc_type="", doc_no=None, date=None, issuer=None,
                        issuers=[], place=None, region=None, province=None, url="/doc/gov/2021.md", total=2,
                        hits=[hit, _hit(section_id="s-3", sources=[])])
    assert record(group) == asdict(group)
