"""Variants that two sources agree on, and variants that a source must not make.

A name that the need's purpose (the chain map's inputs of its application) and the wanted
term's own form agree on counts as the term's own name; a sibling of it stays a guess. The
synonym lexicon's antonym pairs, two-character cuts that are words of their own and long
forms of known words are dropped.
"""

from matching import NeedRecord, SupplierIndex
from matching.supplier_index import names_the_term
from matching.variants import NameVariants, SynonymGroups, name_dictionary
from tests.matching.records import lexicon, profile


def test_an_input_written_as_the_terms_other_form_ranks_above_its_sub_types() -> None:
    # the shipped chain map: a 水泥 (cement) kiln takes 铁精粉; the buyer writes 铁精矿
    suppliers = [
        profile(1, "铁精矿"),
        profile(2, "铁精粉"),
        profile(3, "钒钛铁精矿"),
        profile(4, "铁精矿粉末包装"),
    ]
    index = SupplierIndex().fit(suppliers)
    for_cement = NeedRecord(id=1, title="采购铁精矿", products=("铁精矿",), application="水泥")
    got = index.shortlist(for_cement)
    assert [m.id for m in got][:3] == [1, 2, 3]
    assert got[0].score > got[1].score > got[2].score
    assert got[1].reasons.name_variants == (("铁精矿", "铁精粉", "purpose"),)
    # without the purpose 铁精粉 is no variant, and the sub-type keeps its place
    plain = index.shortlist(NeedRecord(id=2, title="采购铁精矿", products=("铁精矿",)))
    assert [m.id for m in plain][:2] == [1, 3]
    assert all(m.reasons.name_variants == () for m in plain)


def test_a_long_form_input_counts_and_a_sibling_input_stays_a_guess() -> None:
    # a 安全灶 (safety stove) takes 天然气 and 液化石油气; the buyer wants 液化气
    suppliers = [
        profile(1, "液化气"),
        profile(2, "液化石油气"),
        profile(3, "车用液化气"),
        profile(4, "天然气"),
    ]
    index = SupplierIndex().fit(suppliers)
    need = NeedRecord(id=1, title="采购液化气", products=("液化气",), application="安全灶")
    assert index.query_terms(need)[0].aliases == ("天然气", "液化石油气")
    order = [m.id for m in index.shortlist(need, min_score=0.0)]
    # 液化石油气 is 液化气 written out: just below the term, above its sub-type; 天然气,
    # another gas, shares only the head and stays below both
    assert order[:3] == [1, 2, 3]
    assert order.index(4) > order.index(3)


def test_names_the_term_asks_for_the_terms_characters_or_another_last_one() -> None:
    assert names_the_term("密度板", "中密度纤维板")
    assert names_the_term("电容", "电容器")
    assert names_the_term("联轴节", "联轴器")
    assert not names_the_term("铜管", "钢管")  # another modifier: a sibling
    assert not names_the_term("装饰纸", "装饰纸")
    assert not names_the_term("逆变电源", "逆变器")  # two characters cut: not sure enough
    assert not names_the_term("气体", "气泵")  # two characters: too short to swap a head
    # one element for another is another compound, not the same goods
    element = name_dictionary().is_element
    assert names_the_term("铁精矿", "铁精粉", element)
    assert not names_the_term("氯化钠", "氯化钾", element)


def test_a_variant_that_the_purpose_names_too_counts_as_the_terms_own() -> None:
    # 换热器 is 热交换器 in another order (a weak last resort on its own); a 气封冷却器
    # takes 换热器 in the chain map, so the two sources agree
    suppliers = [profile(1, "热交换器"), profile(2, "换热器"), profile(3, "全热交换器")]
    index = SupplierIndex().fit(suppliers)
    for_cooler = NeedRecord(
        id=1, title="采购热交换器", products=("热交换器",), application="气封冷却器"
    )
    got = index.shortlist(for_cooler)
    assert [m.id for m in got][:3] == [1, 2, 3]
    assert got[1].reasons.name_variants[0][:2] == ("热交换器", "换热器")
    alone = index.shortlist(NeedRecord(id=2, title="采购热交换器", products=("热交换器",)))
    assert [m.id for m in alone][:2] == [1, 3]


def test_a_synonym_group_never_pairs_a_word_with_its_negation() -> None:
    groups = SynonymGroups([("金属", "非金属", "五金"), ("极性", "非极性")])
    assert groups.mates("金属") == ("五金",)
    assert groups.mates("非金属") == ("五金",)
    assert groups.mates("极性") == ()


def test_a_two_character_cut_that_is_a_word_of_its_own_is_no_short_form() -> None:
    # 果糖 is fructose in the dictionary, not 果寡糖 (fructo-oligosaccharide) cut short
    found = NameVariants(lexicon("果糖", "低聚果糖")).of("果寡糖")
    assert "果糖" not in [v.text for v in found]
    # a cut nobody's dictionary knows as a word still is one (温度控制器 → 温控器)
    assert [v.text for v in NameVariants(lexicon("温控器")).of("温度控制器")] == ["温控器"]


def test_a_known_word_is_not_read_as_a_name_cut_short() -> None:
    # 电瓶 is a battery (蓄电池), not 电水瓶 (an electric kettle) with a character left out
    found = [(v.text, v.kind) for v in NameVariants(lexicon("蓄电池", "电水瓶")).of("电瓶")]
    assert found == [("蓄电池", "synonym")]
    # an unknown word still reaches its long form (无缝管 → 无缝钢管)
    assert [v.text for v in NameVariants(lexicon("无缝钢管")).of("无缝管")] == ["无缝钢管"]


def test_a_synonym_meaning_the_terms_sense_first_ranks_above_a_side_sense() -> None:
    # 豉油 is soy sauce: 酱油 first; 豆油 is soy bean oil first, soy sauce only in a dialect
    found = {v.text: v.factor for v in NameVariants(lexicon("酱油", "豆油")).of("豉油")}
    assert set(found) == {"酱油", "豆油"}
    assert found["酱油"] > found["豆油"]
    index = SupplierIndex().fit([profile(1, "豆油"), profile(2, "酱油")])
    got = index.shortlist(NeedRecord(id=1, title="采购豉油", products=("豉油",)))
    assert [m.id for m in got] == [2, 1]


def test_dictionary_and_synonym_group_agreeing_make_the_same_goods() -> None:
    # 砼 and 混凝土: both "concrete" first in the dictionary, and grouped by the lexicon
    names = ("砼", "商砼", "商品砼", "沥青砼", "砼结构构件", "预制砼构件", "混凝土", "商品混凝土")
    found = {v.text: v for v in NameVariants(lexicon(*names, "混凝土管桩")).of("砼")}
    assert found["混凝土"].exact
    assert found["混凝土"].factor < 1.0
    index = SupplierIndex().fit([profile(1, "砼"), profile(2, "混凝土"), profile(3, "石料")])
    got = index.shortlist(NeedRecord(id=1, title="采购砼", products=("砼",)))
    assert [m.id for m in got] == [1, 2]
    assert got[1].reasons.name_variants == (("砼", "混凝土", "synonym"),)
