"""Reading needs laid out in ways a parser meets late: spreadsheet pastes, lists inside a line,
dictated speech, chat decoration, two languages, notices about a deal rather than its goods.

Every text is written for these tests: not the shared dev probes, not
``scripts/evaluate.py --perturb`` and not the templates of ``scripts/make_probes.py``.
"""

import pytest

from matching.clauses import read_sentences
from matching.notice import parse_lines, strip_emoji
from matching.reading import NO_PRODUCT, read_text
from tests.matching.records import read_products as products

# -- tables --------------------------------------------------------------------------------


def test_a_spreadsheet_row_with_an_empty_cell_keeps_its_columns() -> None:
    text = "序号\t物料名称\t规格\t数量\t备注\n1\t齿轮泵\t\t6\t\n2\t油封\tTC 40×62×8\t50\t易损件"
    lines = parse_lines(text)
    named = [(x.label, x.value) for x in lines if x.kind == "product"]
    assert named == [("物料名称", "齿轮泵"), ("物料名称", "油封")]
    # the blank 规格 of row 1 must not shift 数量 into its place
    assert ("数量", "6") in [(x.label, x.value) for x in lines]


def test_a_table_whose_columns_are_parted_by_single_spaces_is_read_by_column() -> None:
    reading = read_text(
        "月度领料计划", "序号 物料名称 数量 单位\n1 氢氧化钾 12 吨\n2 片状石蜡 3 吨"
    )
    assert [p.text for p in reading.products] == ["氢氧化钾", "片状石蜡"]
    assert all(p.where == "field" for p in reading.products)


def test_a_sentence_with_spaces_is_not_taken_for_a_table_header() -> None:
    lines = parse_lines("我们 想 采购 一批 铝型材\n1 2 3")
    assert all(x.kind == "text" for x in lines)


def test_a_label_naming_who_drew_up_the_form_is_boilerplate() -> None:
    reading = read_text("领用申请", "填报单位：热处理分厂\n物资名称：淬火油")
    assert [p.text for p in reading.products] == ["淬火油"]


# -- lists ---------------------------------------------------------------------------------


def test_an_inline_numbered_list_after_a_colon_names_each_item() -> None:
    text = "为充实合格供方名录，现对下列品类公开征集：1.球墨铸铁管 2.橡胶接头 3.闸阀"
    assert products("合格供方征集", text) == ["球墨铸铁管", "橡胶接头", "闸阀"]


def test_a_list_of_conditions_under_如下_is_not_a_list_of_goods() -> None:
    text = "我司拟采购玻璃棉卷毡，要求如下：\n1、容重不低于16kg\n2、送货到厂\n3、开具专票"
    assert products("玻璃棉卷毡询价", text) == ["玻璃棉卷毡"]


def test_a_closing_request_after_a_list_of_goods_is_not_an_item() -> None:
    text = "各车间：\n因检修安排，需采购以下材料：\n石棉垫片 300片\n耐火泥 2吨\n请于本周内报计划。"
    assert products("检修材料", text) == ["石棉垫片", "耐火泥"]


# -- fields --------------------------------------------------------------------------------


def test_a_bracketed_purpose_in_a_goods_field_is_an_application() -> None:
    reading = read_text("竞买公告", "竞买标的：尿素（用于脱硝还原剂）\n竞买方式：线上")
    assert [p.text for p in reading.products] == ["尿素"]
    assert "脱硝还原剂" in reading.applications


def test_a_scope_field_names_the_goods_before_the_services_around_them() -> None:
    text = "招标范围：冷却塔的设计、制造、运输、安装及调试服务\n投标保证金：3万元"
    assert products("某热电厂改造工程招标公告", text) == ["冷却塔"]


def test_a_field_naming_an_ambitious_development_reads_the_thing_developed() -> None:
    reading = read_text("技术攻关需求", "需求名称：高性能碳化硅陶瓷膜研制\n发布单位：某某水务集团")
    assert [p.text for p in reading.products] == ["碳化硅陶瓷膜"]


# -- sentences -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "description", "wanted", "application"),
    [
        ("", "你好我们是做地毯的想找做丙纶纱线的厂家最好是山东的有没有推荐", "丙纶纱线", "地毯"),
        ("", "喂 你好 我们这边 想找 那个 聚氨酯胶 做 鞋底 用", "聚氨酯胶", None),
        ("", "做滤芯需要用到熔喷布，有渠道的老板联系我", "熔喷布", "滤芯"),
        ("", "我们需要一个能做精密冲压件的工厂，给电动工具开关用", "精密冲压件", "电动工具开关"),
        ("问一下", "请问谁能提供食品级硅油？要用在脱模上", "食品级硅油", "脱模"),
        ("", "厂里新上压缩机项目，漆包线需求量很大，寻求长期合作", "漆包线", None),
    ],
)
def test_spoken_and_chat_phrasings_read_the_wanted_product(
    title: str, description: str, wanted: str, application: str | None
) -> None:
    reading = read_text(title, description)
    assert reading.products
    assert reading.products[0].text == wanted
    if application is not None:
        assert application in reading.applications
        assert application not in [p.text for p in reading.products]


def test_emoji_decoration_is_not_part_of_a_phrase() -> None:
    assert strip_emoji("⭐求购⭐").strip() == "求购"
    reading = read_text("", "📣 收购：废旧锂电池\n✅ 我们做电池回收的")
    assert [p.text for p in reading.products] == ["废旧锂电池"]
    assert "电池回收" in reading.applications


def test_a_generic_word_with_the_goods_in_brackets_reads_the_goods() -> None:
    assert products("", "现需购买一种助剂（消泡剂），请有货的联系") == ["消泡剂"]
    # a specific product with a note in brackets is left as it is
    assert products("", "需要不锈钢丝网（过滤用）") == ["不锈钢丝网"]


def test_a_department_is_not_a_purchase_cue() -> None:
    assert read_sentences("请采购部尽快下单").wanted == ()
    assert read_sentences("我司采购科研仪器").wanted == ("科研仪器",)


def test_the_buyer_described_as_a_leading_firm_is_an_application_not_a_want() -> None:
    reading = read_text("", "某某股份是国内领先的光模块企业。现寻找陶瓷插芯供应商。")
    assert [p.text for p in reading.products] == ["陶瓷插芯"]
    assert "光模块" in reading.applications


# -- English and two languages -------------------------------------------------------------


def test_an_english_inquiry_reads_the_goods_after_the_quantity() -> None:
    reading = read_text(
        "Purchase inquiry", "We need 2,000 pcs of nylon cable ties for our switchgear."
    )
    assert [p.text for p in reading.products] == ["NYLON CABLE TIES"]
    assert "SWITCHGEAR" in reading.applications


def test_a_product_named_in_english_with_its_chinese_name_in_brackets_reads_both() -> None:
    assert products("", "Do you sell zinc stearate (硬脂酸锌)? Thanks.") == [
        "ZINC STEARATE",
        "硬脂酸锌",
    ]


def test_a_signature_naming_a_sourcing_department_is_not_a_want() -> None:
    assert products("Hello", "Best regards,\nLi Na | Sourcing Department") == []


# -- notices about the deal ----------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "关于电缆桥架采购项目的答疑公告",
        "某某公司2027年电缆桥架集中采购项目中标候选人公示",
        "电缆桥架网上竞价公告",
        "电缆桥架采购需求发布",
    ],
)
def test_a_title_about_the_deal_reads_its_goods_not_the_deal(title: str) -> None:
    assert products(title, "其他事项不变。") == ["电缆桥架"]


def test_an_invitation_to_quote_names_the_goods_of_the_deal() -> None:
    text = "尊敬的供应商：\n我司诚邀贵司参加氮化硼粉项目的报价。\n请于3个工作日内回复。"
    assert products("报价邀请", text) == ["氮化硼粉"]


def test_boilerplate_alone_still_says_no_product_was_found() -> None:
    reading = read_text(
        "合作伙伴招募启事",
        "🔔 报名须知：\n1.注册资本不低于200万元\n2.未被信用中国列入失信名单\n联系人：孟经理 13700001234",
    )
    assert reading.products == ()
    assert NO_PRODUCT in reading.warnings


# -- pasted from a web page or a form --------------------------------------------------------


def test_markup_copied_from_a_web_page_is_read_as_lines() -> None:
    text = "<div><p>采购内容：&nbsp;环氧地坪漆</p><p>用途：厂房地面</p></div>"
    reading = read_text("采购公告", text)
    assert [p.text for p in reading.products] == ["环氧地坪漆"]
    assert "厂房地面" in reading.applications


def test_a_catalogue_code_before_the_goods_is_not_part_of_their_name() -> None:
    assert products("采购公告", "采购品目：C0301 橡胶输送带\n采购方式：询价") == ["橡胶输送带"]


def test_a_placeholder_category_cell_names_no_goods() -> None:
    text = "品目 | 货物名称 | 数量\n其他 | 电动葫芦 | 4台"
    assert products("货物清单", text) == ["电动葫芦"]


def test_this_deals_goods_before_a_list_of_requirements_are_wanted() -> None:
    text = "本次采购的石英砂须满足以下要求：\n1.二氧化硅含量不低于99%\n2.粒度均匀"
    assert products("采购公告", text) == ["石英砂"]


def test_a_project_of_works_before_the_goods_is_an_application() -> None:
    reading = read_text("", "城南污水厂提标改造工程采购膜组件")
    assert [p.text for p in reading.products] == ["膜组件"]
    assert reading.applications == ("城南污水厂提标",)


def test_cells_of_a_tab_parted_line_without_a_header_are_clauses() -> None:
    reading = read_text("", "采购调味品\t数量若干\t用于员工食堂")
    assert [p.text for p in reading.products] == ["调味品"]


# -- texts that ask for nothing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("关于变更开标地点的通知", "各投标人：开标地点改为二号楼会议室，其余不变。"),
        ("报价提醒", "请各供应商于周三前报价，含税含运费。"),
        ("关于开展供应商年度评价工作的通知", "请于月底前提交自评表。"),
        ("", "收到，谢谢。明天上午十点电话沟通。\nBest regards,\nSusan"),
    ],
)
def test_a_text_that_asks_for_no_goods_says_so_instead_of_reading_junk(
    title: str, description: str
) -> None:
    reading = read_text(title, description)
    assert reading.products == ()
    assert NO_PRODUCT in reading.warnings


def test_a_question_about_quality_points_back_to_the_goods_named_before() -> None:
    assert products("", "注塑模具用的热流道，哪家质量好？") == ["热流道"]
    assert products("", "铝箔胶带哪家便宜") == ["铝箔胶带"]


def test_an_approximate_quantity_before_the_goods_is_not_part_of_them() -> None:
    assert products("", "我们每周需要大约5吨工业盐用于软化水") == ["工业盐"]


def test_a_pasted_csv_table_is_read_by_its_columns() -> None:
    text = "物料清单\n序号,物料名称,数量,单位\n1,导热硅脂,30,支\n2,绝缘垫片,500,片"
    assert products("询价", text) == ["导热硅脂", "绝缘垫片"]


def test_field_labels_on_lines_of_their_own_take_the_next_line_as_value() -> None:
    reading = read_text("物资招标", "招标物资名称\n镀锌钢绞线\n招标物资用途\n配电线路")
    assert [p.text for p in reading.products] == ["镀锌钢绞线"]


def test_a_label_naming_the_notice_then_the_goods_with_their_procedure_word() -> None:
    assert products("", "【采购公告】锂电池隔膜采购，截止日期另行通知") == ["锂电池隔膜"]


def test_a_quantity_in_chinese_numerals_after_the_goods_is_dropped() -> None:
    assert products("紧急采购", "因停机检修，需紧急采购减速机两台，请今日报价。") == ["减速机"]


def test_the_works_that_come_with_the_goods_are_not_goods() -> None:
    text = "项目名称：办公楼提升改造项目\n采购需求：多联机空调等设备采购及安装\n最高限价：88万元"
    assert products("竞争性磋商公告", text) == ["多联机空调"]


@pytest.mark.parametrize(
    ("title", "description", "wanted"),
    [
        ("RFQ", "Hi team, please quote copper busbars for our inverter line.", "COPPER BUSBARS"),
        ("Inquiry about 钛白粉", "您好，想了解贵司钛白粉的价格和交期。", "钛白粉"),
        ("", "Need 石墨电极 urgently!! 做炼钢的", "石墨电极"),
        (
            "Sourcing request: 氧化锆",
            "Dear all,\nPlease reply with price.\nRegards,\nAnna",
            "氧化锆",
        ),
    ],
)
def test_english_and_mixed_inquiries_read_the_goods_only(
    title: str, description: str, wanted: str
) -> None:
    assert products(title, description) == [wanted]
