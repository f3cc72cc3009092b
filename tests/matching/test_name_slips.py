"""Names written in traditional characters, with input-method slips, or in English with a
buyer's modifiers still reach the suppliers listing the name, below an exact match."""

import gzip
from importlib import resources

from matching import NeedRecord, SupplierIndex
from matching.catalog import product_key
from matching.tokenize import normalize
from matching.variants import (
    FUZZY_SOUND,
    HOMOPHONE,
    SWAPPED,
    NameVariants,
    SynonymGroups,
    name_dictionary,
)
from tests.matching.records import lexicon, profile


def need(product: str) -> NeedRecord:
    return NeedRecord(id=1, title=f"采购{product}", products=(product,))


def finder(*names: str, groups: SynonymGroups | None = None) -> NameVariants:
    return NameVariants(lexicon(*names), groups=groups)


def shipped_table() -> dict[str, str]:
    blob = resources.files("matching.data").joinpath("traditional_chars.tsv.gz").read_bytes()
    lines = gzip.decompress(blob).decode("utf-8").splitlines()
    assert lines[0].startswith("#")
    assert "CC-CEDICT" in lines[0]
    assert "CC BY-SA 4.0" in lines[0]
    return dict(line.split("\t") for line in lines[1:] if line)


# -- traditional characters ----------------------------------------------------------------


def test_traditional_characters_normalise_to_the_simplified_name() -> None:
    assert normalize("齒輪") == "齿轮"
    assert normalize("軸承、鋰電池") == "轴承、锂电池"
    assert product_key(" 不鏽鋼 管 ") == "不锈钢管"


def test_simplified_text_and_ambiguous_traditional_characters_are_left_alone() -> None:
    text = "锂电池用于电动汽车 著名品牌的干燥剂"
    assert normalize(text) == text
    # 乾 is 干 in 乾燥 but stays 乾 in 乾坤, 著 is 着 or 著: no guess is made
    assert normalize("乾燥劑") == "乾燥剂"
    table = shipped_table()
    assert "乾" not in table
    assert "著" not in table
    assert "於" not in table
    # a simplified form is never itself rewritten, so normalising twice changes nothing
    assert not set(table) & set(table.values())
    assert len(table) > 2000


def test_a_need_in_traditional_characters_is_an_exact_match() -> None:
    index = SupplierIndex().fit([profile(1, "齿轮"), profile(2, "齿轮箱"), profile(3, "轮胎")])
    got = index.shortlist(need("齒輪"))
    assert [m.id for m in got][:2] == [1, 2]
    assert got[0].reasons.name_variants == ()  # the term itself, not a variant


def test_a_catalog_name_in_traditional_characters_matches_a_simplified_need() -> None:
    index = SupplierIndex().fit([profile(1, "軸承"), profile(2, "钢材")])
    got = index.shortlist(need("轴承"))
    assert [m.id for m in got] == [1]
    assert got[0].reasons.name_variants == ()


def test_a_free_text_need_in_traditional_characters_is_read() -> None:
    index = SupplierIndex().fit([profile(1, "轴承"), profile(2, "风力发电机")])
    got = index.shortlist(
        NeedRecord(id=1, title="採購軸承", description="採購軸承，用於風力發電機。")
    )
    assert got
    assert got[0].id == 1


# -- input-method slips ---------------------------------------------------------------------


def test_a_fuzzy_pinyin_sound_finds_the_name_below_a_homophone() -> None:
    # liu / niu (n/l): 牛量计 for 流量计; chi / ci (平翘舌): 磁轮 for 齿轮
    found = finder("流量计", "电量计").of("牛量计")
    assert [(v.text, v.kind, v.factor) for v in found] == [("流量计", "typo", FUZZY_SOUND)]
    assert [v.text for v in finder("齿轮", "磁铁").of("磁轮")] == ["齿轮"]
    assert FUZZY_SOUND < HOMOPHONE
    # a true homophone comes first, the fuzzy reading after it
    found = finder("流量计", "牛量计").of("留量计")
    assert [(v.text, v.factor) for v in found] == [("流量计", HOMOPHONE), ("牛量计", FUZZY_SOUND)]


def test_a_fuzzy_slip_ranks_below_the_exact_name() -> None:
    index = SupplierIndex().fit([profile(1, "流量计"), profile(2, "电表")])
    slip = index.shortlist(need("牛量计"))
    exact = index.shortlist(need("流量计"))
    assert [m.id for m in slip] == [1] == [m.id for m in exact]
    assert slip[0].score < exact[0].score
    assert slip[0].reasons.name_variants == (("牛量计", "流量计", "typo"),)


def test_two_neighbouring_characters_swapped() -> None:
    found = finder("除湿机", "湿度计").of("湿除机")
    assert [(v.text, v.kind, v.factor) for v in found][:1] == [("除湿机", "typo", SWAPPED)]
    # two characters swapped are another word as often as a slip (奶牛 / 牛奶): not guessed
    assert "牛奶" not in [v.text for v in finder("牛奶").of("奶牛")]


def test_a_swap_is_no_slip_of_a_listed_term() -> None:
    # suppliers list 湿除机 themselves: it is not taken for a slip (the last-resort
    # reordering of another name may still offer 除湿机, as a synonym)
    found = finder("除湿机", "湿除机").of("湿除机")
    assert all(v.kind != "typo" for v in found)


def test_a_one_character_head_from_a_synonym_group_must_end_a_name() -> None:
    groups = SynonymGroups([("备", "成")])
    assert finder("配电成套设备", groups=groups).of("配电备") == [] or all(
        v.text != "配电成" for v in finder("配电成套设备", groups=groups).of("配电备")
    )
    assert "配电成" in [v.text for v in finder("高压配电成", groups=groups).of("配电备")]


# -- English ---------------------------------------------------------------------------------


def test_english_name_after_a_buyers_modifier() -> None:
    assert "挖掘机" in name_dictionary().translate("excavator")
    index = SupplierIndex().fit([profile(1, "挖掘机"), profile(2, "起重机")])
    got = index.shortlist(need("heavy-duty excavators"))
    assert [m.id for m in got] == [1]
    assert got[0].reasons.name_variants[0][1] == "挖掘机"
    assert got[0].reasons.name_variants[0][2] == "english"
    plain = index.shortlist(need("excavator"))
    assert plain[0].id == 1
    assert plain[0].score >= got[0].score


def test_an_english_word_by_word_reading_reaches_its_listed_short_form() -> None:
    # induction 感应 + motor 电动机: suppliers list 感应电机
    index = SupplierIndex().fit([profile(1, "感应电机"), profile(2, "汽车"), profile(3, "电感")])
    got = index.shortlist(need("induction motor"))
    assert [m.id for m in got][:1] == [1]
    assert got[0].reasons.name_variants == (("INDUCTION MOTOR", "感应电机", "english"),)
