"""Reading needs laid out the ways the seventh round of our own probes found unread: lists
whose principal item is not the first row, bilingual table headers, supplier-pool calls by
category, web forms, technical-exchange invitations, re-tenders and spoken slips.

Every text is written for these tests: not the shared dev probes, not
``scripts/evaluate.py --perturb`` and not the templates of ``scripts/make_probes.py``.
"""

from matching.clauses import is_generic, read_sentences
from matching.notice import parse_lines
from matching.reading import read_text
from tests.matching.records import read_products as products

# -- tables --------------------------------------------------------------------------------


def test_a_pipe_row_ending_in_an_empty_cell_is_still_a_row() -> None:
    text = "序号|物料名称|数量|说明\n1|液压油|20桶|\n2|滤芯|40只|易损"
    named = [x.value for x in parse_lines(text) if x.kind == "product"]
    assert named == ["液压油", "滤芯"]


def test_a_markdown_row_with_outer_pipes_keeps_its_columns() -> None:
    text = "| 序号 | 物料名称 | 数量 | 说明 |\n| 1 | 润滑脂 | 8桶 | |"
    lines = parse_lines(text)
    assert [(x.label, x.value) for x in lines if x.kind == "product"] == [("物料名称", "润滑脂")]
    assert ("数量", "8桶") in [(x.label, x.value) for x in lines]


def test_a_remark_marking_the_principal_item_leaves_the_other_rows_out() -> None:
    text = (
        "序号|品名|数量|备注\n1|编织袋|3000条|装袋用\n2|氧化锌|12吨|主要原料\n"
        "3|记号笔|20支|\n4|防尘口罩|100个|"
    )
    reading = read_text("橡胶车间四月份领料单", text)
    assert [p.text for p in reading.products] == ["氧化锌"]
    assert "装袋" not in reading.applications  # the extras' remarks say nothing of the need


def test_without_a_principal_mark_every_row_is_read() -> None:
    text = "序号|品名|数量|备注\n1|编织袋|3000条|装袋用\n2|氧化锌|12吨|"
    assert products("橡胶车间领料单", text) == ["编织袋", "氧化锌"]


def test_a_bilingual_header_is_read_by_its_chinese_words() -> None:
    text = "No. 序号 | Part Name 物料名称 | Q'ty 数量 | Note 备注\n1 | 齿形同步带 | 60 | spare"
    lines = parse_lines(text)
    assert [(x.label, x.value) for x in lines if x.kind == "product"] == [
        ("物料名称", "齿形同步带")
    ]
    assert products("RFQ", text) == ["齿形同步带"]


# -- fields --------------------------------------------------------------------------------


def test_a_category_letter_under_a_call_for_suppliers_names_goods() -> None:
    text = "一、入库品类\nA类：聚乙烯蜡\nB类：钛白粉"
    assert products("供应商入库征集", text) == ["聚乙烯蜡", "钛白粉"]


def test_a_category_word_with_its_goods_in_brackets_reads_the_goods() -> None:
    text = "征集范围：辅助材料（聚合氯化铝、聚丙烯酰胺等水处理用药剂）"
    assert products("合格供应商征集", text) == ["聚合氯化铝", "聚丙烯酰胺"]


def test_spares_of_any_machine_name_no_goods() -> None:
    assert is_generic("设备备品备件")
    assert is_generic("劳保")
    assert not is_generic("办公设备耗材")


def test_a_form_whose_description_is_one_phrase_names_the_goods() -> None:
    text = "姓名：李女士\n需求描述：不锈钢保温杯\n提交时间：2027-02-03"
    reading = read_text("留言", text)
    assert [(p.text, p.where) for p in reading.products] == [("不锈钢保温杯", "field")]


def test_a_form_whose_description_is_a_sentence_is_read_as_text() -> None:
    text = "需求描述：想了解一下贵司的产品目录"
    assert "产品目录" not in [p.text for p in read_text("留言", text).products if p.weight == 1]


# -- sentences -----------------------------------------------------------------------------


def test_a_technical_exchange_about_goods_names_the_goods() -> None:
    found = read_sentences("拟就碳化硅功率模块的工艺方案同国内厂商开展技术交流")
    assert found.wanted == ("碳化硅功率模块",)


def test_the_buyer_as_a_person_is_not_a_want_cue() -> None:
    found = read_sentences("经采购人同意，现重新组织招标")
    assert "人同意" not in found.wanted
    assert read_sentences("采购人脸识别闸机").wanted == ("人脸识别闸机",)


def test_a_re_tender_title_reads_the_goods_not_the_round() -> None:
    assert products("球墨铸铁管采购项目（第三次）重新招标公告") == ["球墨铸铁管"]


def test_an_english_deadline_and_a_document_number_are_not_goods() -> None:
    assert products("询价单 No. 88-0412", "Please quote before Friday.") == []
    assert products("询价单 No. 88-0412", "Please quote 3 sets of belt conveyor.") == [
        "BELT CONVEYOR"
    ]


def test_a_reference_to_what_was_said_before_is_not_goods() -> None:
    assert read_sentences("最终以发布的招标通知为准").wanted == ()
    assert read_sentences("采购上述同类商品").wanted == ()


def test_spoken_slips_about_tonnage_and_invoices_are_not_goods() -> None:
    found = read_sentences("我们要买石英砂，先要个三顿吧，要开增票的")
    assert found.wanted == ("石英砂",)


def test_income_and_expenditure_is_not_a_purchase() -> None:
    assert read_sentences("年度财务收支审计").wanted == ()


def test_a_need_overview_label_names_nothing() -> None:
    found = read_sentences("采购需求概况：购置离心风机两台")
    assert found.wanted == ("离心风机",)


def test_a_main_material_named_in_a_spec_cell_does_not_mark_the_principal_item() -> None:
    text = "序号|品名|规格|数量\n1|钢格板|主材Q235|20块\n2|不锈钢螺栓|M12|100套"
    assert products("平台检修材料", text) == ["钢格板", "不锈钢螺栓"]


def test_a_category_word_with_a_detail_in_brackets_names_nothing() -> None:
    assert products("采购", "采购内容：配件（按图纸加工）") == []
    assert products("采购", "采购内容：物资（第一批）") == []


def test_a_category_with_its_goods_in_brackets_inside_a_list_reads_the_goods() -> None:
    text = "征集范围：辅料（硬脂酸锌、石蜡等）、周转箱"
    assert products("供应商库征集", text) == ["硬脂酸锌", "石蜡", "周转箱"]


# -- round 7b: the same kinds in other words -----------------------------------------------


def test_stocking_up_in_dictated_speech_is_a_want() -> None:
    found = read_sentences("喂我们仓库这边下礼拜要进一批铝箔胶带哈大概二十来顿吧你看着报一下")
    assert "铝箔胶带" in found.wanted


def test_an_english_inquiry_for_goods_glued_to_chinese_reads_the_goods() -> None:
    found = read_sentences("Inquiry for 耐磨钢板")
    assert found.wanted == ("耐磨钢板",)
    assert read_sentences("we need 耐磨钢板 for a new crusher").wanted == ("耐磨钢板",)


def test_a_field_pointing_back_to_the_first_notice_names_no_goods() -> None:
    reading = read_text("轴流风机询价采购（二次）公告", "询价内容：同首次公告\n报价截止：三月底")
    assert [p.text for p in reading.products] == ["轴流风机"]


def test_a_seminar_the_buyer_holds_names_the_goods_and_their_use() -> None:
    found = read_sentences("本中心将召开氢燃料电池双极板技术研讨会，重点讨论其在重卡中的应用")
    assert found.wanted == ("氢燃料电池双极板",)
    assert found.applications == ("重卡",)


def test_how_many_and_a_trial_quantity_in_chat_are_not_goods() -> None:
    found = read_sentences("你们要多少？先要两吨试试")
    assert found.wanted == ()


def test_a_service_row_beside_the_goods_of_an_intention_list_is_not_read_as_wanted() -> None:
    text = (
        "序号\t采购项目名称\t采购需求概况\t预算金额（万元）\n"
        "1\t保安保洁服务\t办公区保安、保洁\t45\n"
        "2\t移动式空压机购置\t购置移动式空压机两台，用于隧道施工\t60"
    )
    assert products("区住建局2027年度政府采购意向", text) == ["移动式空压机"]
