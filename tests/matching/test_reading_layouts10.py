"""Reading needs written as prose the ways the tenth round of our own probes found unread: a
buyer's paragraph with its background, an engineer who names the part only as the cause of a
fault, a denied want, goods bought abroad to be made at home, the input that weighs most, a
part named by its role with its name in brackets, specifications before the goods.

Every text is written for these tests: not the shared dev probes, not
``scripts/evaluate.py --perturb`` and not the templates of ``scripts/make_probes.py``.
"""

from matching.clauses import is_generic, is_product_like
from tests.matching.records import read_products as products

# -- what is not goods ---------------------------------------------------------------------------


def test_a_ratio_or_a_target_is_not_goods() -> None:
    assert products("扩产说明", "明年订单要翻两倍，采购今年定了降本的硬指标") == []
    assert not any(is_product_like(x) for x in ("翻一倍", "三倍", "三成", "硬指标"))


def test_a_specification_or_a_price_term_is_not_goods() -> None:
    assert not any(
        is_product_like(x) for x in ("纯度≥99%", "灰分≤0.5%", "细度200目", "到厂价含9%票", "规格")
    )
    assert is_product_like("35%盐酸")  # a concentration before the goods is part of the name


def test_which_goods_without_naming_them_is_generic() -> None:
    assert is_generic("关键零部件")
    assert is_generic("更可靠的产品")
    assert not is_generic("关键尺寸检具")


def test_who_writes_and_where_from_are_not_goods() -> None:
    assert not any(is_product_like(x) for x in ("结构工程师", "国内", "海外", "会员", "转发如下"))


# -- prose that names the goods once -------------------------------------------------------------


def test_a_buyer_adding_suppliers_of_goods_in_a_titled_note() -> None:
    found = products(
        "关于新增碳纤维预浸料供应商的说明",
        "受风电叶片订单带动，今年产量要翻一倍，原来的进口渠道交期太长，"
        "采购部也背着降本的指标，希望引入两家国内厂家做验证。",
    )
    assert found == ["碳纤维预浸料"]


def test_an_engineer_naming_the_part_as_the_cause_of_a_fault() -> None:
    found = products(
        "求助",
        "我们的储能变流器在满载时温升异常，排查了散热和程序，最后问题定位到薄膜电容上，"
        "想找能提供更可靠产品的厂家。",
    )
    assert found == ["薄膜电容"]


def test_a_denied_want_is_not_read() -> None:
    found = products("", "我们不需要整机，也不找贴牌，要的是无刷电机的定子铁芯。")
    assert found == ["定子铁芯"]


def test_goods_bought_abroad_and_to_be_made_at_home_are_wanted() -> None:
    assert products("", "目前高纯氧化铝粉仍然依赖进口，价格一年涨了两次。") == ["高纯氧化铝粉"]
    assert products("", "今年要完成谐波减速器的国产替代。") == ["谐波减速器"]


def test_the_input_that_weighs_most_is_wanted() -> None:
    assert products("利润太薄", "成本里面环氧树脂占比最大，想换一家。") == ["环氧树脂"]


def test_a_part_named_by_its_role_with_its_name_in_brackets() -> None:
    found = products("寻关键配套件", "整车里起安全作用的那个部件（安全气囊气体发生器）想换供方。")
    assert found == ["安全气囊气体发生器"]


def test_specifications_first_then_the_goods_after_a_dash() -> None:
    found = products(
        "参数：纯度≥99.9%", "纯度≥99.9%，粒径D50≤2μm，吨袋包装，到厂价含税——纳米氧化锌，橡胶制品用"
    )
    assert found == ["纳米氧化锌"]


def test_a_standard_before_the_procedure_word_is_not_part_of_the_goods() -> None:
    assert products("铝合金型材按国标采购") == ["铝合金型材"]


def test_a_chinese_team_word_after_an_english_cue_is_a_department() -> None:
    assert products("", "我们的sourcing团队在找锂电池隔膜的vendor") == ["锂电池隔膜"]


# -- round 10b: the same kinds in other words ----------------------------------------------------


def test_a_cause_found_in_a_part_of_poor_quality() -> None:
    found = products("", "分析下来，根本原因在于外购的硅胶密封圈一致性差，现在想换一家靠谱的厂家。")
    assert found == ["硅胶密封圈"]


def test_a_want_of_something_unnamed_then_its_name_in_brackets() -> None:
    found = products("", "眼下缺一样东西：让叶轮转得更平稳的那个零件（也就是动平衡配重块）")
    assert found == ["动平衡配重块"]


def test_only_one_part_still_foreign_is_wanted() -> None:
    found = products("", "我们的整机目前只有高压共轨喷油器还在用国外品牌。")
    assert found == ["高压共轨喷油器"]


def test_the_largest_item_of_cost_is_wanted() -> None:
    assert products("", "钛白粉是我们原料里最大的一块开支。") == ["钛白粉"]


def test_specifications_then_the_goods_they_are_of() -> None:
    found = products(
        "Φ32×2.5mm，材质316L", "外径32mm，壁厚2.5mm，材质316L，以上为不锈钢无缝管的要求。"
    )
    assert found == ["不锈钢无缝管"]


def test_a_labelled_model_number_is_not_part_of_the_name() -> None:
    assert products("型号KX-200 变频器") == ["变频器"]


def test_a_cue_alone_or_doing_words_are_not_goods() -> None:
    assert not any(is_product_like(x) for x in ("比一比", "老乡", "招募岗位", "本周", "验证"))
    found = products("采购清单", "1. 氧化铁红：5吨，涂料主料，需找长期供应商\n2. 封箱胶带：20卷")
    assert found[0] == "氧化铁红"


def test_an_english_cue_before_goods_and_a_chinese_cue_after() -> None:
    assert products("Looking for 光刻胶 supplier / 寻找供应商") == ["光刻胶"]


# -- round 10c: a third wording ------------------------------------------------------------------


def test_the_part_a_fault_was_found_to_be_caused_by() -> None:
    found = products(
        "", "经过反复试验，最终确认是导热硅脂老化导致的，准备另找一家有实力的做对比验证。"
    )
    assert found == ["导热硅脂"]


def test_a_buyer_bringing_in_one_more_supplier_of_the_goods() -> None:
    assert products("", "计划年内新引入至少一家氮化硅陶瓷球供方。") == ["氮化硅陶瓷球"]


def test_a_workshop_request_heads_its_items() -> None:
    found = products("物料申请", "涂装车间申请：环氧底漆 2吨（主要消耗）；砂纸 50张")
    assert found[0] == "环氧底漆"


def test_a_second_source_of_the_goods() -> None:
    assert products(
        "New supplier needed", "原供应商要phase out，急需找IGBT模块的second source"
    ) == ["IGBT模块"]


def test_goods_meeting_the_listed_conditions() -> None:
    found = products("参数", "耐压≥1000V，温升≤40K，满足以上条件的接线端子，欢迎报价。")
    assert found == ["接线端子"]


def test_goods_held_by_foreign_makers_and_the_largest_spend() -> None:
    assert products("", "关键材料中光刻胶长期被国外厂商垄断。") == ["光刻胶"]
    assert products("", "算了下账，不锈钢板这一项花得最多。") == ["不锈钢板"]


def test_a_standard_number_is_not_part_of_the_goods() -> None:
    assert products("按GB/T 3091标准 焊接钢管") == ["焊接钢管"]


def test_cantonese_find_and_now_are_folded() -> None:
    assert products("", "而家想揾个做硅胶按键嘅厂家") == ["硅胶按键"]
