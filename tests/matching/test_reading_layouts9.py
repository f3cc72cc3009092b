"""Reading needs laid out the ways the ninth round of our own probes found unread: e-procurement
寻源 notices, 分包 tables with bracketed units, files attached to an inquiry, approval forms,
对接会 回执, machine-translated inquiries, a tender's clarification Q&A and R&D needs.

Every text is written for these tests: not the shared dev probes, not
``scripts/evaluate.py --perturb`` and not the templates of ``scripts/make_probes.py``.
"""

from matching.notice import label_kind, parse_lines
from matching.reading import read_text
from tests.matching.records import read_products as products

# -- numbers, titles and counts ------------------------------------------------------------------


def test_a_label_ending_in_a_number_word_is_boilerplate() -> None:
    assert [label_kind(x) for x in ("寻源单号", "采购需求单号", "项目代号", "订单号")] == [
        "boilerplate"
    ] * 4
    assert label_kind("规格型号") == "spec"


def test_a_sourcing_number_is_not_read_as_goods() -> None:
    found = products("寻源公告", "寻源单号：SRC-2026-11-0087\n物料名称：碳化硅陶瓷管")
    assert found == ["碳化硅陶瓷管"]


def test_a_platform_title_is_parted_at_its_bar_and_loses_its_number() -> None:
    assert products("询价公告｜不锈钢球阀询价（XJ-2026-0311）") == ["不锈钢球阀"]


def test_a_count_of_lines_is_not_goods() -> None:
    found = products("寻源公告", "需求明细：共3行，详见附件\n物料名称：聚氨酯密封圈")
    assert found == ["聚氨酯密封圈"]


def test_a_division_before_the_goods_is_the_buyer() -> None:
    assert products("", "寻源标题：动力电池事业部铝塑膜年度寻源") == ["铝塑膜"]


def test_a_numbered_clarification_title_names_no_goods() -> None:
    assert "第2号" not in products("某某项目招标文件澄清公告（第2号）", "投标截止时间不变。")


def test_an_international_tender_title_names_the_goods_not_the_procedure() -> None:
    assert products("电站项目汽轮机国际招标公告") == ["汽轮机"]


# -- tables and attachments -----------------------------------------------------------------------


def test_a_package_table_with_bracketed_units_in_its_header_is_read() -> None:
    text = (
        "本项目分为2个包：\n包号\t采购内容\t数量\t最高投标限价（万元）\t投标保证金（元）\n"
        "1包\t电动葫芦\t6台\t45.00\t8000\n2包\t安装服务\t1项\t5.00\t1000"
    )
    assert products("设备采购招标公告", text) == ["电动葫芦"]


def test_an_attached_specification_names_the_goods_and_other_files_do_not() -> None:
    text = "附件为本次询价资料，请查收。\n1. 液压油缸技术要求V3.docx\n2. 报价表.xlsx\n3. 供应商承诺书.pdf"
    lines = parse_lines(text)
    assert [(x.kind, x.value) for x in lines if x.kind == "product"] == [("product", "液压油缸")]
    assert products("询价资料", text) == ["液压油缸"]


def test_a_labelled_attachment_is_read_the_same_way() -> None:
    assert products("询价", "附件：输送带图纸.dwg") == ["输送带"]


# -- forms ----------------------------------------------------------------------------------------


def test_an_approval_record_ends_the_item_list() -> None:
    text = (
        "采购明细\n物品名称：工业酒精\n数量：20桶\n审批流程\n张伟 发起申请 03-02 09:15\n"
        "刘洋（主管） 已同意 03-02 10:40"
    )
    assert products("张伟提交的采购申请", text) == ["工业酒精"]


def test_the_buyers_main_products_are_what_the_goods_are_for() -> None:
    reading = read_text("对接会回执", "主营产品：儿童推车\n需求产品：铝合金管材")
    assert [p.text for p in reading.products] == ["铝合金管材"]
    assert reading.applications == ("儿童推车",)


# -- letters and questions ------------------------------------------------------------------------


def test_interest_in_the_suppliers_goods_is_a_want() -> None:
    found = products("询价", "我们从网上看到你的公司，我们对你的产品硅胶按键非常感兴趣。请报价。")
    assert found == ["硅胶按键"]


def test_the_suppliers_goods_are_read_without_whose_they_are() -> None:
    assert products("询价 您的产品石英砂") == ["石英砂"]


def test_a_question_about_the_goods_terms_names_the_goods() -> None:
    text = "问题1：招标文件第三章中电动执行器的品牌有无要求？\n答复：无品牌要求。"
    assert products("项目澄清公告", text) == ["电动执行器"]


def test_the_maker_authorising_a_bid_names_the_goods() -> None:
    text = "答复：代理商投标的，须提供变频器制造商出具的授权书。"
    assert products("澄清公告", text) == ["变频器"]


# -- R&D and samples ------------------------------------------------------------------------------


def test_goods_bought_in_today_are_read_without_the_dependence() -> None:
    text = "我公司净水器所用反渗透膜目前依赖外购，希望合作开发。"
    assert products("技术需求", text) == ["反渗透膜"]


def test_improving_the_goods_performance_wants_the_goods() -> None:
    assert products("", "需求名称：密封胶性能提升及国产化开发") == ["密封胶"]


def test_a_sample_of_the_goods_wants_the_goods_and_a_new_product_is_not_goods() -> None:
    found = products("扫地机器人新品样件试制需求", "需齿轮箱壳体样件试制，首批3件")
    assert found == ["齿轮箱壳体"]


# -- round 9b: the same kinds in other words ------------------------------------------------------


def test_a_forms_blank_does_not_head_the_table_below_it() -> None:
    text = "投标人名称：\n| 序号 | 投标货物 | 数量 |\n| 1 | 冷却塔 | 2台 |\n日期："
    assert products("开标一览表", text) == ["冷却塔"]


def test_the_goods_a_bid_offers_is_a_goods_column() -> None:
    assert label_kind("投标货物") == "product"


def test_an_introducing_sentence_does_not_make_the_answers_boilerplate() -> None:
    text = "现将投标人提出的问题答复如下：\n问1：热电偶的品牌有无要求？\n答1：无要求。"
    assert products("关于某项目招标答疑的通知", text) == ["热电偶"]


def test_a_label_of_several_label_words_is_read_by_its_first() -> None:
    text = "招标产品名称、数量及主要技术规格：离心压缩机，2台，详见招标文件"
    assert products("进口设备国际招标公告", text) == ["离心压缩机"]


def test_a_row_of_building_works_beside_a_row_of_goods_is_another_lot() -> None:
    text = "标段\t标段名称\t控制价（元）\n一标段\t叉车供货\t500,000\n二标段\t仓库地坪改造\t200,000"
    assert products("物流中心项目招标公告", text) == ["叉车"]


def test_a_table_of_works_only_is_still_read() -> None:
    text = "标段\t标段名称\t控制价（元）\n一标段\t钢结构厂房施工\t800,000"
    assert products("招标公告", text) != []


def test_a_pdf_tables_header_broken_over_lines_is_not_items() -> None:
    text = "存货\n名称\n规格\n计量\n单位\n数量\n1\n硫酸铵\n标准\n吨\n8"
    assert products("订货单", text) == ["硫酸铵"]


def test_a_procurement_verb_alone_names_no_goods() -> None:
    assert products("", "需求类别：采购需求\n需求物资名称：丁腈手套") == ["丁腈手套"]


def test_the_material_of_the_goods_is_a_spec() -> None:
    assert products("【加工定制】合页", "货品名称：合页\n材料：不锈钢304\n数量：800件") == ["合页"]


def test_a_titles_spaced_dash_parts_it() -> None:
    assert products("SRM询价单 - 液位计", "物资描述：液位计\n报价截止：2026-12-20") == ["液位计"]


def test_key_process_development_of_the_goods_wants_the_goods() -> None:
    assert products("", "需求标题：陶瓷轴承关键工艺研发") == ["陶瓷轴承"]


def test_a_proofing_order_wants_the_goods_and_after_validation_is_not_goods() -> None:
    assert products("", "需要硅胶垫片打样20套，验证合格后批量订货") == ["硅胶垫片"]


def test_a_requirements_survey_names_its_goods_not_the_survey() -> None:
    text = "现就超声波流量计开展采购需求调查（市场调研），本次调查不代表采购承诺。"
    assert products("水务研究所采购需求调查公告", text) == ["超声波流量计"]


def test_the_live_streamer_asked_is_not_goods() -> None:
    text = (
        "网友甲：主播这个怎么卖\n老王：有没有螺杆泵厂家？我们做包装的，长期要\n主播：加粉丝群私聊哈"
    )
    assert products("直播间", text) == ["螺杆泵"]


def test_a_kind_of_cooperation_is_not_goods() -> None:
    assert products("校企合作需求") == []
