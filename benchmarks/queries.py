"""The fixed benchmark queries: every kind a user types, with the needles peers search for.

Each query is an edusearch query string plus what it means for an engine without
edusearch's query language: strings that must all occur (folded), and a year range.
"""

from __future__ import annotations

import json
from pathlib import Path

from indexer.text.normalize import fold_text

ONE = "法税罚船矿粮债兵艺疫鱼桥邮酒枪"
TWO = ["法院", "教育", "环境", "税收", "罚款", "药品", "土地", "医疗", "劳动", "安全", "合同", "专利", "森林", "海关",
       "保险", "住房", "能源", "交通", "信息", "儿童"]
THREE = ["检察院", "公安局", "未成年", "防溺水", "消费者", "红十字", "互联网", "数据库", "传染病", "残疾人", "幼儿园",
         "律师费", "营业额", "救护车", "野生动"]
FOUR = ["人民法院", "县级以上地方人民政府", "国务院有关部门", "行政处罚", "义务教育", "知识产权", "食品安全", "环境保护",
        "未成年人保护", "个人信息", "突发事件", "安全生产", "社会保险", "民事诉讼", "刑事责任", "行政复议", "生态环境",
        "国家安全", "公共卫生", "中华人民共和国"]
MULTI = ["知识产权 保护", "食品安全 监督", "未成年人 网络", "土地 征收 补偿", "学校 安全", "教师 工资", "环境 污染 罚款",
         "医疗 纠纷", "消防 演练", "疫情 防控"]
QUOTED = ["依法 追究 刑事责任", "自公布之日起 施行", "由 县级以上 人民政府", "构成 犯罪", "处 五千元以上 五万元以下 罚款",
          "学校 安全", "国务院 规定", "公民 法人", "本条例 所称", "违反 本法 规定"]
YEAR = [("教育", 2015, 2020), ("环境保护", 2010, 2015), ("安全生产", 2020, 2025), ("疫情", 2020, 2023),
        ("个人信息", 2018, 2025), ("人民法院", 2000, 2010), ("罚款", 1990, 2000), ("学校", 2019, 2019),
        ("数据", 2021, 2025), ("农村", 1980, 1999)]
LATIN = ["pm2.5", "2008年", "2020年", "icp", "wto", "gps", "100万元", "5000元", "covid", "ISO"]


def all_queries() -> list[dict]:
    qs: list[dict] = []

    def add(q: str, kind: str, needles: list[str], year=None):
        qs.append({"q": q, "kind": kind, "needles": [fold_text(n) for n in needles], "year": year})

    for c in ONE:
        add(c, "1char", [c])
    for w in TWO:
        add(w, "2char", [w])
    for w in THREE:
        add(w, "3char", [w])
    for w in FOUR:
        add(w, "4plus", [w])
    for m in MULTI:
        add(m, "multi", m.split())
    for p in QUOTED:
        add(f'"{p}"', "quoted", [p.replace(" ", "")])
    for w, lo, hi in YEAR:
        add(f"{w} year:{lo}-{hi}" if lo != hi else f"{w} year:{lo}", "year", [w], [lo, hi])
    for w in LATIN:
        add(w, "latin", [w])
    return qs


def write(path: Path) -> list[dict]:
    qs = all_queries()
    path.write_text(json.dumps(qs, ensure_ascii=False, indent=1), encoding="utf-8")
    return qs


if __name__ == "__main__":
    print(len(all_queries()))
