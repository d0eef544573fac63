"""The metadata benchmark's scoring: what counts as the same value, the labels' kinds in the facet's
names, which headings are table debris, and one labelled corpus of our own scored end to end."""

from __future__ import annotations

from benchmarks.metadata import KIND_NAMES, is_debris, label_values, measure, norm, read_labels, same, table


def test_whitespace_width_and_brackets_are_one():
    assert same("青政办发〔2019〕7号", "青政办发[2019]7号")
    assert same("青政办发［2019］7号", "青政办发 〔2019〕 7号")
    assert same("青政办发〔２０１９〕７号", "青政办发[2019]7号")
    assert same("２０１９年 工作总结", "2019年工作总结")
    assert same("", "")
    assert norm("（部分）") == "(部分)"


def test_other_differences_stay_wrong():
    assert not same("青政办发〔2019〕7号", "")
    assert not same("", "青政办发〔2019〕7号")
    assert not same("青政办发〔2019〕7号", "青政办发（2019）7号")  # round brackets are another form
    assert not same("某县人民政府办公室", "某县人民政府")
    assert not same("某縣教育局", "某县教育局")  # traditional forms are not folded here


def test_kinds_are_named_as_the_facet_names_them():
    row = {"title": "", "doc_no": "", "issuer": "", "date": "", "year": "", "region_level": "",
           "region_name": "", "kind": "政府信息公开工作年度报告", "attachments": "2"}
    got = label_values(row)
    assert got["kind"] == "信息公开年报"
    assert got["reports"] == "3"
    assert label_values({**row, "kind": "实施意见", "attachments": ""})["kind"] == "实施意见"
    assert label_values({**row, "kind": "复函"})["kind"] == "复函"  # the kind its title names, as labelled
    assert all(v for v in KIND_NAMES.values())


def test_table_debris_headings():
    assert is_debris("果")
    assert is_debris(" 、 ")
    assert is_debris("一、本年收到申请数量 12 0 0 3 0 0 15")
    assert is_debris("（二）部分公开 4 0 0 0 0 0 4")
    assert is_debris("3.重复申请 0 0 0 0 0 0 0")
    assert is_debris("（七）总计 1.5 2 12%")


def test_real_headings_are_not_debris():
    assert not is_debris("")
    assert not is_debris("一、总体情况")
    assert not is_debris("（三）不予公开")
    assert not is_debris("二、2023年工作回顾")
    assert not is_debris("三、到2025年 建成 100 所示范学校")  # one number is text, not columns
    assert not is_debris("本年度工作 12 0 0 3")  # not numbered


_LABELS = (
    "path\tset\ttitle\tdoc_no\tissuer\tdate\tyear\tregion_level\tregion_name\tkind\tattachments\tnotes\n"
    "a.txt\tdev\t某县教育局关于开展暑期安全教育的通知\t某教发〔2021〕9号\t某县教育局\t2021-06-30\t2021"
    "\t县\t某省某市某县\t通知\t0\t\n"
    "gone.txt\tother\t不在的文件\t\t\t\t\t\t\t其他\t0\t\n"
)

_NOTICE = """某县教育局关于开展暑期安全教育的通知

各中小学：

一、工作内容

放假前每校开一次安全教育课，讲清防溺水和交通安全。

二、工作要求

各校于七月十日前报送小结。

某县教育局
2021年6月30日
"""


def test_a_labelled_corpus_scored(tmp_path):
    (tmp_path / "LABELS.tsv").write_text(_LABELS, encoding="utf-8")
    (tmp_path / "a.txt").write_text(_NOTICE, encoding="utf-8")
    rows = read_labels(tmp_path / "LABELS.tsv")
    assert [r["set"] for r in rows] == ["dev", "other"]
    score = measure(tmp_path, rows)
    assert score.documents == 2
    for name, misses in score.misses.items():
        assert score.right[name] + len(misses) == 2
        assert "gone.txt" in [m.path for m in misses]  # a file that cannot be read is wrong in every field
    assert score.misses["title"][-1].got.startswith("(Unreadable")
    assert "a.txt" not in [m.path for m in score.misses["reports"]]
    assert score.debris == []
    shown = table(score)
    assert f"| title | {score.right['title']} | 2 |" in shown
    assert "Table-debris headings: 0 in 0 files." in shown
