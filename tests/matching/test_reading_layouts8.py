"""Reading needs laid out the ways the eighth round of our own probes found unread: social posts
with hashtags, spare parts named for a machine, a 单一来源 公示's description field and a tender
document's table of contents.

Every text is written for these tests: not the shared dev probes, not
``scripts/evaluate.py --perturb`` and not the templates of ``scripts/make_probes.py``.
"""

from matching.notice import clean, parse_lines
from tests.matching.records import read_products as products

# -- posts with hashtags ---------------------------------------------------------------------


def test_a_post_wrapped_in_hashtags_still_names_what_it_buys() -> None:
    found = products("动态", "#求购# #纺织# 长期收涤纶短纤 量大从优 #靠谱#")
    assert found[:1] == ["涤纶短纤"]


def test_a_hashtag_topic_comes_after_the_posts_own_words() -> None:
    assert clean("#五金# 求购不锈钢合页") == "求购不锈钢合页。五金"


def test_a_grade_sign_is_not_a_hashtag() -> None:
    assert "0#柴油" in clean("急需0#柴油20吨，3#仓库交货")


# -- spare parts -------------------------------------------------------------------------------


def test_the_part_after_a_spares_label_is_wanted_not_the_machine() -> None:
    found = products("", "注塑机今年大修，需更换的易损件：止逆环，请报价")
    assert found[:1] == ["止逆环"]


def test_a_labelled_spare_for_a_named_machine_is_a_product_field() -> None:
    lines = parse_lines("用于空压机的配件：油气分离器")
    assert [(x.kind, x.value) for x in lines] == [("product", "油气分离器")]


def test_spares_of_a_named_machine_do_not_name_the_wanted_part() -> None:
    found = products("破碎机设备检修备件采购", "需更换备件：锤头，要求高锰钢材质")
    assert "破碎机设备检修备件" not in found
    assert found[:1] == ["锤头"]


# -- notices -----------------------------------------------------------------------------------


def test_the_goods_description_field_of_a_sole_source_notice_is_read() -> None:
    text = "一、采购人名称：某某医院\n二、拟采购的货物或服务的说明：拟采购血液透析机2台\n三、预算：80万元"
    found = products("单一来源采购公示", text)
    assert found[:1] == ["血液透析机"]
    assert "说明" not in found


def test_a_table_of_contents_names_the_goods_of_its_requirements_chapter() -> None:
    text = (
        "目 录\n第一章 投标邀请……1\n第二章 投标人须知……4\n第三章 合同条款……20\n"
        "第四章 采购需求（叉车，用于仓储）……31\n第五章 投标文件格式……40"
    )
    found = products("招标文件", text)
    assert found[:1] == ["叉车"]
    assert not any(f.startswith("第") or f == "目录" for f in found)


def test_a_new_chapter_ends_the_previous_chapters_section() -> None:
    lines = parse_lines(
        "第二章 投标人须知\n保证金：五千元\n第三章 评分办法\n第四章 采购需求：吸塑托盘"
    )
    assert [(x.kind, x.value) for x in lines if x.kind == "product"] == [("product", "吸塑托盘")]


# -- messages and documents --------------------------------------------------------------------


def test_a_message_that_drops_one_need_wants_what_it_changes_to() -> None:
    found = products("", "上周问的铝型材先不要了，换成镀锌角钢吧，工地等着用")
    assert found[:1] == ["镀锌角钢"]
    assert not any("换成" in f for f in found)


def test_a_changed_date_or_count_is_not_goods() -> None:
    assert products("", "交货期改为30天，其余条款不变") == []


def test_a_bilingual_document_name_is_not_goods() -> None:
    found = products("詢價單 Request for Quotation", "現需採購碳化硅砂輪，請報價")
    assert found[:1] == ["碳化硅砂轮"]
    assert not any("QUOTATION" in f for f in found)


def test_a_bill_of_quantities_description_column_is_not_goods() -> None:
    text = (
        "项目编码\t项目名称\t项目特征描述\t计量单位\t工程量\n040101001\t挖一般土方\t三类土\tm3\t500"
    )
    assert "描述" not in products("工程量清单", text)


# -- written Cantonese and stock questions ------------------------------------------------------


def test_written_cantonese_function_words_are_read_as_standard_chinese() -> None:
    assert clean("我哋想問下有冇現貨") == "我们想问下有没有现货"


def test_a_hong_kong_stock_question_names_its_goods() -> None:
    found = products("詢價", "我哋公司做印刷，想問熱熔膠有冇貨？大約 50 kg，唔該")
    assert found[:1] == ["热熔胶"]


def test_asking_whether_goods_are_in_stock_wants_the_goods() -> None:
    assert products("", "请问氧化铝陶瓷球有没有现货")[:1] == ["氧化铝陶瓷球"]
    assert products("", "想问一下PVC软管有货吗")[:1] == ["PVC软管"]


def test_a_result_notice_title_with_a_bracketed_alternative_is_stripped() -> None:
    found = products("园林灌溉设备项目中标（成交）结果公告")
    assert not any("中标" in f or "成交" in f for f in found)


def test_a_project_name_repeating_the_title_does_not_outweigh_the_won_item() -> None:
    text = "一、项目名称：城市绿道项目\n二、中标信息\n主要标的名称：透水砖\n数量：1批"
    assert products("城市绿道项目中标结果公告", text) == ["透水砖"]
