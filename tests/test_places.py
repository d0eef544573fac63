"""Unit tests of indexer.ingest.places: the issuer's place, province and level, on names written as
official documents write them."""

from __future__ import annotations

import pytest

from indexer.ingest.places import Place, divisions_named, place_of


@pytest.mark.parametrize(("issuer", "place", "province", "level"), [
    ("淮安市洪泽区人民政府", "江苏省淮安市洪泽区", "江苏省", "区"),
    ("江苏省淮安市洪泽区教育体育局", "江苏省淮安市洪泽区", "江苏省", "区"),
    ("淮安市人民政府办公室", "江苏省淮安市", "江苏省", "市"),
    ("苏州市教育局", "江苏省苏州市", "江苏省", "市"),  # a city without its province
    ("上海市人民政府办公厅", "上海市", "上海市", "省"),  # a municipality is a province
    ("重庆市教育委员会办公室", "重庆市", "重庆市", "省"),
    ("北京市昌平区人民政府办公室", "北京市昌平区", "北京市", "区"),
    ("广西壮族自治区教育厅", "广西壮族自治区", "广西壮族自治区", "省"),
    ("延边朝鲜族自治州教育局", "吉林省延边朝鲜族自治州", "吉林省", "市"),  # 自治州 is 市
    ("锡林郭勒盟行政公署", "内蒙古自治区锡林郭勒盟", "内蒙古自治区", "市"),  # so is 盟
    ("昆山市人民政府", "江苏省苏州市昆山市", "江苏省", "县"),  # 县级市 is 县
    ("睢宁县教育局", "江苏省徐州市睢宁县", "江苏省", "县"),
    ("新疆生产建设兵团办公厅", "新疆生产建设兵团", "新疆生产建设兵团", "省"),
    ("廣東省教育廳", "广东省", "广东省", "省"),  # traditional forms
    ("江蘇省淮安市洪澤區人民政府", "江苏省淮安市洪泽区", "江苏省", "区"),
])
def test_the_issuer_gives_the_place(issuer, place, province, level):
    assert place_of(issuer, "关于做好学校美育工作的通知", "各学校：\n现将有关事项通知如下。") == Place(place, province, level)


@pytest.mark.parametrize("issuer", ["国务院办公厅", "教育部", "教育部办公厅", "中共中央办公厅、国务院办公厅",
                                    "中共中央办公厅 国务院办公厅", "教育部、财政部", "全国人民代表大会常务委员会"])
def test_central_bodies_are_the_whole_country_with_no_place(issuer):
    assert place_of(issuer, "关于全面加强学校美育工作的意见", "各省、自治区、直辖市人民政府：") == Place(None, None, "全国")


def test_the_title_gives_the_place_before_what_it_cites():
    title = "重庆市人民政府办公厅关于贯彻落实国务院办公厅关于全面加强学校美育工作意见的通知"
    assert place_of(None, title, "") == Place("重庆市", "重庆市", "省")
    relay = "合肥市教育局转发安徽省教育厅关于开展学校美育培训的通知"
    assert place_of(None, relay, "").place == "安徽省合肥市"


def test_a_bad_issuer_falls_back_to_the_title():
    """An issuer taken from the addressee line (直辖市教育厅) names no division: the title decides."""
    assert place_of("直辖市教育厅", "淮安市洪泽区人民政府关于印发学校美育工作方案的通知", "").place == "江苏省淮安市洪泽区"


def test_a_title_that_opens_with_its_issuer_outweighs_a_misread_issuer():
    title = "淮安市人民政府办公室关于全面加强学校美育工作的实施意见"
    assert place_of("和江苏省教育厅", title, "").place == "江苏省淮安市"


def test_a_division_name_inside_a_phrase_is_no_place():
    law = "中国人民解放军选举全国人民代表大会和县级以上地方各级人民代表大会代表的办法"  # 和县 is in Anhui
    assert place_of(None, law, "") == Place(None, None, "全国")
    assert place_of(None, "2024年教育工作总结", "全县上下，乡镇和县直部门协同。") == Place(region="县")
    assert place_of("中共淮安市委、淮安市人民政府", "关于加强学校美育工作的意见", "").place == "江苏省淮安市"
    assert place_of("沛县教育局", "关于加强学校美育工作的通知", "").place == "江苏省徐州市沛县"


def test_addressee_lines_never_give_the_place():
    text = "各县（区）人民政府，市各委办局：\n南京市、苏州市、无锡市的做法值得学习。全国上下"
    assert place_of(None, "关于加强学校美育工作的通知", text) == Place()


def test_a_name_two_divisions_share_is_settled_by_the_other_names_in_the_text():
    assert place_of("朝阳区教育委员会", "关于美育的通知", "按照北京市教育委员会的部署，北京市各区……").place == "北京市朝阳区"
    assert place_of("朝阳区教育局", "关于美育的通知", "根据长春市教育局的安排，长春市……").place == "吉林省长春市朝阳区"
    # nothing to tell them apart: the level is known, the place is not guessed
    assert place_of("朝阳区教育局", "关于美育的通知", "学校工作平稳。") == Place(None, None, "区")
    assert place_of(None, "北京市朝阳区教育委员会关于美育的通知", "").place == "北京市朝阳区"


def test_a_report_with_no_issuer_is_placed_by_how_it_speaks_of_itself():
    text = "——2030年1月20日在贵州省第十四届人民代表大会第五次会议上\n过去一年，全省上下……我省经济……四川省"
    assert place_of(None, "政府工作报告", text) == Place("贵州省", "贵州省", "省")
    assert place_of(None, "2024年教育工作总结", "全县教育发展。我县新建学校。全市统一部署。") == Place(region="县")
    assert place_of(None, "2024年教育工作总结", "我省全省统筹，省委部署，全市落实。") == Place(region="省")
    assert place_of(None, "2024年教育工作总结", "学校工作平稳。") == Place()


@pytest.mark.parametrize(("title", "level"), [
    ("中华人民共和国教育法", "全国"),
    ("国务院关于加强教师队伍建设的意见", "全国"),
    ("中共中央关于教育的决定", "全国"),
    ("浙江省教育厅2024年工作要点", "省"),
    ("广西壮族自治区教育工作要点", "省"),
    ("杭州市教育局工作总结", "市"),
    ("深圳经济特区教育条例", "市"),
    ("青山县教育局工作总结", "县"),  # a made-up county keeps the level its title names
    ("xx县教育局工作总结", "县"),
    ("朝阳区教育工作总结", "区"),
])
def test_the_title_gives_the_level_over_the_text(title, level):
    assert place_of(None, title, "全市统一部署。").region == level


@pytest.mark.parametrize(("asked", "paths"), [
    ("江苏", {"江苏省"}),
    ("江苏省", {"江苏省"}),
    ("江蘇", {"江苏省"}),
    ("淮安市", {"江苏省淮安市"}),
    ("洪泽区", {"江苏省淮安市洪泽区"}),
    ("洪泽", {"江苏省淮安市洪泽区"}),
    ("淮安市洪泽区", {"江苏省淮安市洪泽区"}),
    ("广西", {"广西壮族自治区"}),
    ("内蒙古", {"内蒙古自治区"}),
    ("海南", {"海南省"}),  # the province, not 乌海市海南区
    ("县", set()),
    ("全国", set()),
    ("教育", set()),
])
def test_the_divisions_a_query_names(asked, paths):
    assert {d.path for d in divisions_named(asked)} == paths
