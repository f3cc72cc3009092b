"""The same goods named many ways: synonyms, English, short and long forms, pinyin typos.

Each kind of variant must find the suppliers, rank them below an exact match, and say so in
the reasons; a well-listed name must not be "corrected" into something else.
"""

import gzip
from importlib import resources

from matching import Match, NeedRecord, SupplierIndex
from matching.lexicon import Lexicon, TextStore
from matching.variants import (
    NameDictionary,
    NameVariants,
    SynonymGroups,
    describe,
    name_dictionary,
    qualifiers_agree,
    read_as_note,
    reading_key,
    synonym_groups,
)
from tests.matching.records import profile


def need(product: str) -> NeedRecord:
    return NeedRecord(id=1, title=f"采购{product}", products=(product,))


def by_id(matches: list[Match]) -> dict[int, Match]:
    return {m.id: m for m in matches}


def test_dictionary_synonym_finds_the_supplier_and_ranks_below_exact() -> None:
    index = SupplierIndex().fit(
        [profile(1, "三氯甲烷"), profile(2, "氯仿"), profile(3, "甲烷"), profile(4, "电池")]
    )
    got = index.shortlist(need("氯仿"))
    assert [m.id for m in got][:2] == [2, 1]
    assert got[0].score > got[1].score
    assert got[1].reasons.name_variants == (("氯仿", "三氯甲烷", "synonym"),)
    assert got[0].reasons.name_variants == ()


def test_synonym_of_an_unlisted_term_scores_like_a_near_exact_match() -> None:
    index = SupplierIndex().fit([profile(1, "碳酸钠"), profile(2, "纯净水")])
    got = index.shortlist(need("纯碱"))
    assert [m.id for m in got] == [1]
    assert got[0].reasons.matched_products == (("纯碱", "碳酸钠"),)
    assert got[0].reasons.name_variants == (("纯碱", "碳酸钠", "synonym"),)


def test_part_of_a_term_replaced_by_its_synonym() -> None:
    index = SupplierIndex().fit([profile(1, "蚝油"), profile(2, "酱油")])
    got = index.shortlist(need("牡蛎油"))
    assert [m.id for m in got][:1] == [1]
    assert got[0].reasons.name_variants == (("牡蛎油", "蚝油", "synonym"),)


def test_english_name_finds_the_chinese_product() -> None:
    index = SupplierIndex().fit(
        [profile(1, "换热器"), profile(2, "板式换热器"), profile(3, "热水器")]
    )
    got = index.shortlist(need("heat exchanger"))
    assert [m.id for m in got][:2] == [1, 2]
    assert got[0].reasons.name_variants == (("HEAT EXCHANGER", "换热器", "english"),)


def test_english_phrase_translated_word_by_word_in_chinese_order() -> None:
    # no dictionary sense is "copper foil"; copper is 铜 and foil (metal foil) 箔
    index = SupplierIndex().fit([profile(1, "铜箔"), profile(2, "铝箔"), profile(3, "铜")])
    got = index.shortlist(need("copper foils"))
    assert [m.id for m in got][:1] == [1]
    assert ("COPPER FOILS", "铜箔", "english") in got[0].reasons.name_variants


def test_homophone_typo_is_corrected_and_shown() -> None:
    index = SupplierIndex().fit(
        [profile(1, "蓄电池"), profile(2, "铅蓄电池"), profile(3, "电池"), profile(4, "锂电池")]
    )
    got = index.shortlist(need("畜电池"))
    assert [m.id for m in got][:2] == [1, 2]
    assert got[0].reasons.name_variants == (("畜电池", "蓄电池", "typo"),)
    exact = index.shortlist(need("蓄电池"))[0]
    assert got[0].score < exact.score


def test_short_and_long_forms_from_the_catalog() -> None:
    index = SupplierIndex().fit([profile(1, "锂电池"), profile(2, "无缝钢管"), profile(3, "钢管")])
    short = index.shortlist(need("锂离子电池"))
    assert short[0].id == 1
    assert short[0].reasons.name_variants == (("锂离子电池", "锂电池", "short"),)
    long = index.shortlist(need("无缝管"))
    assert long[0].id == 2
    assert long[0].reasons.name_variants == (("无缝管", "无缝钢管", "long"),)


def test_a_well_listed_name_is_not_read_as_a_synonym_or_typo() -> None:
    # 薄膜 is "film"; so is 电影 (a motion picture): the dictionary alone cannot tell them
    # apart, but suppliers listing 薄膜 many times show what buyers mean by it
    films = [
        profile(i, name)
        for i, name in enumerate(["薄膜", "光学薄膜", "包装薄膜", "BOPP薄膜", "薄膜电容"])
    ]
    index = SupplierIndex().fit([*films, profile(10, "电影"), profile(11, "簿膜")])
    got = index.shortlist(need("薄膜"))
    assert {m.id for m in got} == set(range(5))
    assert all(m.reasons.name_variants == () for m in got)


def test_listed_term_keeps_its_sub_types_above_dictionary_synonyms() -> None:
    index = SupplierIndex().fit([profile(1, "红外探测器"), profile(2, "探针")])
    got = index.shortlist(need("探测器"))
    assert got[0].id == 1


def test_variants_can_be_switched_off() -> None:
    index = SupplierIndex(name_variants=False).fit([profile(1, "碳酸钠")])
    assert index.shortlist(need("纯碱")) == []


def test_chain_terms_are_not_rewritten() -> None:
    from matching.query import WantedTerm

    index = SupplierIndex().fit([profile(1, "碳酸钠")])
    chain = [WantedTerm("纯碱", 1.0, "chain")]
    assert index.shortlist(NeedRecord(1, ""), terms=chain) == []
    typed = [WantedTerm("纯碱", 1.0, "products")]
    assert [m.id for m in index.shortlist(NeedRecord(1, ""), terms=typed)] == [1]


def test_reasons_read_as_the_issue_asks() -> None:
    assert describe("锂离子电池", "锂电池", "synonym") == "锂离子电池 ≈ 锂电池 (同义)"
    assert describe("理电池", "锂电池", "typo") == "理电池 → 锂电池 (疑似错字)"
    assert describe("LITHIUM BATTERY", "锂电池", "english") == "LITHIUM BATTERY → 锂电池 (英文)"


def test_variants_follow_a_growing_lexicon() -> None:
    lex = Lexicon()
    lex.add("电池")
    finder = NameVariants(lex)
    assert finder.of("畜电池") == []
    lex.add("蓄电池")
    assert [v.text for v in finder.of("畜电池")] == ["蓄电池"]


def test_readings_treat_homophones_alike() -> None:
    assert reading_key("硫化钠") == reading_key("流化钠")
    assert reading_key("硫化钠") != reading_key("氯化钠")
    assert reading_key("PVC管")[:3] == "PVC"


def test_shipped_dictionary_carries_its_licence_and_entries() -> None:
    blob = resources.files("matching.data").joinpath("cedict_goods.tsv.gz").read_bytes()
    header = gzip.decompress(blob).decode("utf-8").splitlines()[0]
    assert "CC-CEDICT" in header
    assert "CC BY-SA 4.0" in header
    d = name_dictionary()
    assert "碳酸钠" in dict(d.synonyms("纯碱"))
    assert "换热器" in d.translate("heat exchangers")


def test_text_store_finds_each_string_once_with_its_offset() -> None:
    store = TextStore()
    store.extend(["电池电池", "锂电池", "电"])
    assert list(store.occurrences("电池")) == [(0, 0), (1, 1)]
    store.extend(["电池"])
    assert [i for i, _ in store.occurrences("电池")] == [0, 1, 3]
    assert [(i, at, m.group()) for i, at, m in store.matches("锂.池")] == [(1, 0, "锂电池")]
    assert [(i, at) for i, at, _ in store.matches("池")] == [(0, 1), (1, 2), (3, 1)]


def test_a_slip_that_one_supplier_also_made_is_still_corrected() -> None:
    # 连轴器 is listed once (a supplier's own slip); 联轴器 is what the catalog calls it
    names = ["粘性连轴器", "联轴器", "万向联轴器", "鼓形齿式联轴器", "弹性联轴器"]
    index = SupplierIndex().fit([profile(i, n) for i, n in enumerate(names)])
    got = index.shortlist(need("连轴器"))
    assert {m.id for m in got} == set(range(5))
    assert got[0].id == 0  # the name as written still ranks first
    assert ("连轴器", "联轴器", "typo") in got[1].reasons.name_variants


def test_reasons_note_which_pairs_went_through_a_variant() -> None:
    index = SupplierIndex().fit([profile(1, "铅蓄电池", "电池")])
    got = index.shortlist(need("畜电池"))[0].reasons
    notes = {o: read_as_note(w, o, got.name_variants) for w, o in got.matched_products}
    assert notes["铅蓄电池"] == "畜电池 → 蓄电池 (疑似错字)"


def test_english_name_reaches_every_chinese_name_of_the_thing() -> None:
    # the dictionary gives soda ash as 纯碱; 纯碱 is also 碳酸钠, which is what is listed here
    index = SupplierIndex().fit([profile(1, "碳酸钠"), profile(2, "碳酸钙")])
    got = index.shortlist(need("soda ash"))
    assert [m.id for m in got] == [1]
    assert ("SODA ASH", "碳酸钠", "english") in got[0].reasons.name_variants


def test_well_listed_name_still_reaches_suppliers_of_its_other_name() -> None:
    # 砼 is listed by many, yet suppliers of 混凝土 (its dictionary synonym, itself widely
    # listed) make the shortlist, below the exact listers; 具体 (砼's other sense) does not
    names = ["砼", "商品砼", "预拌砼", "泵送砼", "砼外加剂", "砼搅拌站"]
    others = ["混凝土", "商品混凝土", "预拌混凝土"]
    index = SupplierIndex().fit(
        [profile(i, n) for i, n in enumerate(names, start=1)]
        + [profile(10 + i, n) for i, n in enumerate(others)]
        + [profile(20, "具体"), profile(21, "具体规格")]
    )
    got = by_id(index.shortlist(need("砼"), k=20))
    assert 10 in got
    assert got[10].score < got[1].score
    assert got[10].reasons.name_variants == (("砼", "混凝土", "synonym"),)
    assert 20 not in got


def test_interchangeable_last_character_learned_from_the_dictionary() -> None:
    # 器 / 机 end many pairs of dictionary synonyms: 减速器 is also written 减速机
    index = SupplierIndex().fit(
        [profile(1, "减速器"), profile(2, "减速机"), profile(3, "行星减速机"), profile(4, "速冻机")]
    )
    got = index.shortlist(need("减速器"))
    assert [m.id for m in got][:3] == [1, 2, 3]
    assert got[1].reasons.name_variants == (("减速器", "减速机", "synonym"),)
    assert got[1].score < got[0].score


def test_a_kind_of_the_heads_thing_stands_for_the_head() -> None:
    # 马达 is "motor"; 电动机 is "electric motor", listed shortened as 电机; the qualifier
    # 伺服 stays (a synonym of the head never drops the buyer's qualifier: no 高岭土 for 混泥土)
    index = SupplierIndex().fit(
        [profile(1, "伺服电机"), profile(2, "步进电机"), profile(3, "伺服阀"), profile(4, "高岭土")]
    )
    got = index.shortlist(need("伺服马达"))
    assert [m.id for m in got][:1] == [1]
    assert got[0].reasons.name_variants == (("伺服马达", "伺服电机", "synonym"),)
    assert 4 not in by_id(index.shortlist(need("混泥土")))


def test_the_same_characters_in_another_order_as_a_last_resort() -> None:
    index = SupplierIndex().fit(
        [profile(1, "换热器"), profile(2, "板式换热器"), profile(3, "热水器"), profile(4, "交换机")]
    )
    got = index.shortlist(need("热交换器"))
    assert [m.id for m in got][:1] == [1]
    assert got[0].reasons.name_variants == (("热交换器", "换热器", "synonym"),)
    assert 4 not in by_id(got)


def test_a_well_listed_name_takes_no_synonym_from_a_side_sense() -> None:
    # 传输 (transmission of signals) and 变速箱 (a gearbox first, a transmission second)
    names = ["传输", "传输设备", "光传输", "数据传输", "信号传输", "电力传输"]
    index = SupplierIndex().fit(
        [profile(i, n) for i, n in enumerate(names, start=1)]
        + [profile(10, "变速箱"), profile(11, "汽车变速箱"), profile(12, "农机变速箱")]
    )
    assert not {10, 11, 12} & set(by_id(index.shortlist(need("传输"), k=20)))


def test_a_dictionary_word_whose_other_name_is_listed_is_no_typo() -> None:
    lex = Lexicon()
    for name in ("酱油", "石油", "试油"):
        lex.add(name)
    # 豉油 reads like 石油 and 试油, but it is a word of its own: soy sauce, 酱油
    assert [(v.text, v.kind) for v in NameVariants(lex).of("豉油")] == [("酱油", "synonym")]
    index = SupplierIndex().fit([profile(1, "石油"), profile(2, "酱油")])
    assert [m.id for m in index.shortlist(need("豉油"))] == [2]


def test_a_wanted_term_may_name_an_input_of_what_it_is_for() -> None:
    # the chain map says a 淋浴房 takes 钢化玻璃; a buyer asking for 防爆玻璃 for one means it
    # (no dictionary or synonym group pairs the two)
    suppliers = [profile(1, "钢化玻璃"), profile(2, "防爆玻璃"), profile(3, "滑轮")]
    index = SupplierIndex().fit(suppliers)
    for_shower = NeedRecord(
        id=1, title="采购防爆玻璃", products=("防爆玻璃",), application="淋浴房"
    )
    got = index.shortlist(for_shower)
    assert [m.id for m in got][:2] == [2, 1]
    assert got[0].score > got[1].score
    assert got[1].reasons.name_variants == (("防爆玻璃", "钢化玻璃", "purpose"),)
    assert describe("防爆玻璃", "钢化玻璃", "purpose") == "防爆玻璃 ≈ 钢化玻璃 (按用途)"
    # without the purpose nothing says the two are the same goods
    alone = by_id(index.shortlist(need("防爆玻璃"), min_score=0.0))
    assert 1 not in alone or alone[1].reasons.name_variants == ()
    # a term the chain map lists for the purpose is taken as it is
    exact = NeedRecord(id=2, title="采购钢化玻璃", products=("钢化玻璃",), application="淋浴房")
    assert index.query_terms(exact)[0].aliases == ()


def test_english_gloss_pivot_is_specific_and_starts_from_the_terms_main_sense() -> None:
    d = NameDictionary(
        {
            "甲名": ("widget alloy", "metal"),
            "乙名": ("shiny thing", "widget alloy"),
            "丙名": ("lacquer",),
            "丁名": ("lacquer",),
            "戊名": ("lacquer", "varnish"),
            "己名": ("gadget salt",),
            "庚名": ("gadget salt solution",),
            "辛名": ("unsoftened gadget salt",),
        }
    )
    # the term's main sense, the other's side sense: a pivot, a little weaker
    assert d.pivots("甲名") == [("乙名", 0.9)]
    # from a side sense of the term: no pivot (乙名 is first a "shiny thing")
    assert d.pivots("乙名") == []
    # three words share "lacquer": too vague to be the same goods
    assert d.pivots("丙名") == []
    # a sense extended by a last word pivots, more weakly; an extra first word does not
    assert d.pivots("己名") == [("庚名", 0.85)]
    assert d.pivots("庚名") == [("己名", 0.85)]
    assert d.pivots("辛名") == []


def test_a_pivot_synonym_ranks_above_sub_types_of_a_listed_term_and_below_it() -> None:
    # 胶木 and 电木 are both "bakelite" (the shipped CC-CEDICT subset), and only they are
    index = SupplierIndex().fit(
        [
            profile(1, "胶木"),
            profile(2, "电木"),
            profile(3, "酚醛胶木板材"),
            profile(4, "胶木把手"),
            profile(5, "木材"),
        ]
    )
    got = index.shortlist(need("胶木"))
    order = [m.id for m in got]
    assert order[:2] == [1, 2]
    assert got[0].score > got[1].score > by_id(got)[3].score
    assert got[1].reasons.name_variants == (("胶木", "电木", "synonym"),)
    assert describe("胶木", "电木", "synonym") == "胶木 ≈ 电木 (同义)"


def test_pivot_variants_are_marked_exact_and_need_a_listed_name() -> None:
    d = NameDictionary({"甲名": ("widget alloy",), "乙名": ("widget alloy",)})
    lex = Lexicon()
    finder = NameVariants(lex, d)
    assert finder.of("甲名") == []  # nobody lists 乙名
    lex.add("乙名")
    (variant,) = finder.of("甲名")
    assert (variant.text, variant.kind, variant.exact, variant.confirmed) == (
        "乙名",
        "synonym",
        True,
        True,
    )
    assert variant.factor < 1


def test_an_interchangeable_last_character_counts_as_the_same_name() -> None:
    # 器 / 机 end many pairs of dictionary synonyms: 粉碎机 is the 粉碎器 asked for, above a
    # sub-type of the listed term, below the term itself
    index = SupplierIndex().fit(
        [
            profile(1, "粉碎器"),
            profile(2, "粉碎机"),
            profile(3, "家用食品粉碎器"),
            profile(4, "机器"),
        ]
    )
    got = index.shortlist(need("粉碎器"))
    assert [m.id for m in got][:3] == [1, 2, 3]
    assert got[1].reasons.name_variants == (("粉碎器", "粉碎机", "synonym"),)


def test_a_word_of_the_term_pivots_too_and_the_rest_is_kept() -> None:
    d = NameDictionary({"甲名": ("widget alloy",), "乙名": ("widget alloy",)})
    lex = Lexicon()
    for name in ("高纯乙名", "乙名"):
        lex.add(name)
    got = {v.text: v for v in NameVariants(lex, d).of("高纯甲名")}
    assert got["高纯乙名"].exact
    assert got["高纯乙名"].factor < NameVariants(lex, d).of("甲名")[0].factor < 1


def test_synonym_group_names_a_trade_name_the_dictionary_cannot() -> None:
    # 培林 (a loanword for a bearing) and 轴承 share a group of the shipped synonym lexicon
    index = SupplierIndex().fit([profile(1, "轴承"), profile(2, "培林"), profile(3, "滑轮")])
    got = index.shortlist(need("培林"))
    assert [m.id for m in got][:2] == [2, 1]
    assert got[0].score > got[1].score
    assert got[1].reasons.name_variants == (("培林", "轴承", "synonym"),)
    notes = [
        read_as_note(w, o, got[1].reasons.name_variants) for w, o in got[1].reasons.matched_products
    ]
    assert notes == ["培林 ≈ 轴承 (同义)"]
    assert 3 not in {m.id for m in got}


def test_synonym_group_replaces_a_word_of_the_term_but_never_makes_a_fragment() -> None:
    groups = SynonymGroups([("砼", "混凝土"), ("玻璃", "玻")])
    lex = Lexicon()
    for name in ("沥青混凝土", "强化玻璃制品", "玻"):
        lex.add(name)
    finder = NameVariants(lex, groups=groups)
    assert [(v.text, v.kind) for v in finder.of("沥青砼")] == [("沥青混凝土", "synonym")]
    # 强化玻 is only a piece of 强化玻璃制品, not a name
    assert "强化玻" not in {v.text for v in finder.of("强化玻璃")}


def test_shipped_synonym_groups_are_small_and_carry_their_source() -> None:
    blob = resources.files("matching.data").joinpath("synonym_groups.tsv.gz").read_bytes()
    lines = gzip.decompress(blob).decode("utf-8").splitlines()
    assert "cnsyn" in lines[0]
    assert "Apache-2.0" in lines[0]
    groups = [line.split("\t") for line in lines[1:]]
    assert len(groups) > 1000
    # two to four words, or up to eight where CC-CEDICT agrees (scripts/build_name_variants.py)
    assert all(2 <= len(g) <= 8 for g in groups)
    assert sum(len(g) > 4 for g in groups) < sum(len(g) <= 4 for g in groups) / 4
    assert "混凝土" in synonym_groups().mates("砼")


def test_register_labels_do_not_make_two_senses_disagree() -> None:
    d = NameDictionary(
        {
            "培林": ("bearing{mechanical; loanword}",),
            "轴承": ("bearing{mechanical}",),
            "方位": ("bearing{direction}",),
        }
    )
    assert d.synonyms("培林") == [("轴承", 0.9)]
    assert qualifiers_agree("mechanical", "direction") is None


def test_english_name_reaches_the_pivots_other_name() -> None:
    # hydrogen peroxide is 过氧化氢; suppliers sell it as 双氧水 (hydrogen peroxide solution)
    index = SupplierIndex().fit([profile(1, "双氧水"), profile(2, "过氧化钠")])
    got = index.shortlist(need("hydrogen peroxide"))
    assert [m.id for m in got][:1] == [1]
    assert ("HYDROGEN PEROXIDE", "双氧水", "english") in got[0].reasons.name_variants


def test_long_forms_two_characters_longer_and_of_two_character_terms() -> None:
    index = SupplierIndex().fit(
        [profile(1, "锂离子电池"), profile(2, "硝酸铵"), profile(3, "电池"), profile(4, "硝酸")]
    )
    lithium = index.shortlist(need("锂电池"))
    assert lithium[0].id == 1
    assert lithium[0].reasons.name_variants == (("锂电池", "锂离子电池", "long"),)
    # (硝铵 / 硝酸铵 is also a synonym group: without the groups, the catalog alone)
    lex = Lexicon()
    for name in ("硝酸铵", "硝酸", "硝化棉"):
        lex.add(name)
    found = NameVariants(lex, groups=SynonymGroups([])).of("硝铵")
    assert [(v.text, v.kind) for v in found] == [("硝酸铵", "long")]
    assert found[0].factor < 1


def test_english_phrase_translated_by_the_longest_phrases_the_dictionary_knows() -> None:
    # "stainless steel" is 不锈钢 (no word of it alone says so), "pipe" 管
    index = SupplierIndex().fit(
        [profile(1, "不锈钢管"), profile(2, "不锈钢板"), profile(3, "钢管")]
    )
    got = index.shortlist(need("stainless steel pipe"))
    assert [m.id for m in got][:1] == [1]
    assert ("STAINLESS STEEL PIPE", "不锈钢管", "english") in got[0].reasons.name_variants


def test_an_english_word_by_word_reading_must_not_be_a_piece_of_a_longer_word() -> None:
    # frequency is 频率 but also 率 (rate); 率转换器 ends 频率转换器, where 频率 is the word
    lex = Lexicon()
    lex.add("功率因数频率转换器")
    found = NameVariants(lex, groups=SynonymGroups([]))._translations(["FREQUENCY", "CONVERTER"])
    assert all(not text.startswith("率") for text, _ in found)


def test_a_one_character_guess_names_goods_and_never_swaps_one_element_for_another() -> None:
    lex = Lexicon()
    for name in ("氟铝酸钾", "电能表", "智能电能表", "鲜铁皮石斛系列"):
        lex.add(name)
    finder = NameVariants(lex, groups=SynonymGroups([]))
    # 度 / 能: a listed name one character apart, a guess shown as such
    assert [(v.text, v.kind) for v in finder.of("电度表")] == [("电能表", "typo")]
    # 钾 / 钠 are two elements: another compound, not a slip
    assert finder.of("氟铝酸钠") == []
    # 鲜铁皮 only starts a name (a modifier of 石斛), it names no goods
    assert finder.of("白铁皮") == []


def test_a_name_listed_after_the_first_look_up_is_found_by_the_next() -> None:
    lex = Lexicon()
    lex.add("滑轮")
    finder = NameVariants(lex, groups=SynonymGroups([("培林", "轴承")]))
    assert finder.of("培林") == []
    assert finder.evidence("轴承") == 0
    lex.add("深沟球轴承")
    assert finder.evidence("轴承") == 1
    assert [(v.text, v.kind) for v in finder.of("培林")] == [("轴承", "synonym")]


def test_english_name_with_a_hyphen_or_a_code_in_it() -> None:
    index = SupplierIndex().fit(
        [profile(1, "锂离子电池"), profile(2, "PVC管材"), profile(3, "PE管"), profile(4, "电池")]
    )
    lithium = index.shortlist(need("lithium-ion battery"))
    assert lithium[0].id == 1
    assert ("LITHIUM-ION BATTERY", "锂离子电池", "english") in lithium[0].reasons.name_variants
    pvc = index.shortlist(need("PVC pipe"))
    assert [m.id for m in pvc][:1] == [2]
    assert ("PVC PIPE", "PVC管", "english") in pvc[0].reasons.name_variants
    assert 3 not in {m.id for m in pvc}
