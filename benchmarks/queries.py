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

# Queries that find nothing exactly (checked on laws: no section holds them, nor all of their words),
# kept apart from the ones above: what is timed is the answer's help, suggestions of what to try.
TYPOS = ["中华人民共合国", "义务教肓", "留手儿童", "人民法阮", "行政处法", "知识产杈", "食品安金", "环境保户", "刑事责仼",
         "安全生厂", "社会保验", "民事诉松", "行政复意", "国务院有光部门", "县级以上地方人民政腑", "个人信自", "公共卫主",
         "生态环竟", "消费者权宜", "传柒病", "残疾人保障发", "义物教育", "突发事牛", "未成年人保户", "检察阮", "幼儿圆"]
PASTED = ["关于进一步加强中小学生防溺水安全教育工作的通知", "各级人民政府应当保障农村留守儿童的受教育权利并加强关爱",
          "学校应当建立学生欺凌防控工作制度并定期开展排查", "如何申请行政复议以及复议期间是否停止执行",
          "企业违反安全生产法律法规造成重大事故应当承担什么责任", "网络运营者收集个人信息必须告知用户并取得同意否则要罚款",
          "消费者在网上购物后七天内可以无理由退货吗", "城市公交车司机驾驶时被乘客干扰应如何处理",
          "小区物业擅自提高停车费业主可以向哪个部门投诉", "农民工讨要拖欠工资时用人单位拒不支付怎么办"]


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


def zero_queries() -> list[dict]:
    """Typos and pasted sentences: each finds nothing, and its answer suggests what does."""
    return [{"q": q, "kind": "typo"} for q in TYPOS] + [{"q": q, "kind": "pasted"} for q in PASTED]


def write(path: Path, queries: list[dict] | None = None) -> list[dict]:
    qs = all_queries() if queries is None else queries
    path.write_text(json.dumps(qs, ensure_ascii=False, indent=1), encoding="utf-8")
    return qs


if __name__ == "__main__":
    print(len(all_queries()), len(zero_queries()))
