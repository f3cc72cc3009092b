"""Goods named the way trade English writes them: British spellings, grades and sizes glued to
the name, modifiers around a known phrase.

Each English alias must find the supplier listing the Chinese name, show in the reasons, and
score below the Chinese name asked for itself.
"""

import pytest

from matching import Match, NeedRecord, SupplierIndex
from matching.clauses import read_sentences
from matching.lexicon import Lexicon
from matching.query import wanted_terms
from matching.variants import NameVariants, name_dictionary, without_specs
from tests.matching.records import profile


def need(product: str) -> NeedRecord:
    return NeedRecord(id=1, title=f"采购{product}", products=(product,))


def variants(names: tuple[str, ...], term: str) -> dict[str, float]:
    lexicon = Lexicon()
    for name in names:
        lexicon.add(name)
    return {v.text: v.factor for v in NameVariants(lexicon).of(term) if v.kind == "english"}


@pytest.mark.parametrize(
    ("british", "chinese"),
    [
        ("sulphuric acid", "硫酸"),
        ("tyres", "轮胎"),
        ("aluminium foil", "铝箔"),
        ("fibre", "纤维"),
        ("jewellery", "首饰"),
        ("moulds", "模具"),
    ],
)
def test_a_british_spelling_finds_the_dictionarys_american_sense(
    british: str, chinese: str
) -> None:
    assert chinese in name_dictionary().translate(british)


def test_a_word_the_dictionary_knows_is_not_respelled() -> None:
    d = name_dictionary()
    assert d._american("centre") == "centre"  # a sense of its own (基点)
    assert d._american("series glasses") == "series glasses"


@pytest.mark.parametrize(
    ("term", "kept"),
    [
        ("SULPHURIC ACID98%", "SULPHURIC ACID"),
        ("READY MIXED CONCRETE C30", "READY MIXED CONCRETE"),
        ("8MM COPPER WIRE ROD", "COPPER WIRE ROD"),
        ("IRON ORE FINES62%FE", "IRON ORE FINES"),
        ("IGBT", "IGBT"),
        ("CO2", "CO2"),  # nothing but a formula: kept as it is
    ],
)
def test_grades_and_sizes_are_left_out_of_an_english_name(term: str, kept: str) -> None:
    assert without_specs(term) == kept


def test_a_graded_english_name_finds_the_chinese_product() -> None:
    found = variants(("硫酸", "硫酸铵"), "SULPHURIC ACID98%")
    assert 0 < found["硫酸"] < 1
    assert "COTTON YARN" not in found
    assert "棉纱" in variants(("棉纱", "纱线"), "COTTON YARN32S")


def test_the_head_of_a_british_plural_is_kept_when_the_phrase_is_unknown() -> None:
    found = variants(("轮胎", "卡车"), "TRUCK TYRES")
    assert "轮胎" in found
    assert found["轮胎"] < 0.9  # the buyer's modifier left out: weaker than a whole name


def test_a_phrase_inside_a_longer_name_beats_its_last_word_alone() -> None:
    # *touch screen* is a dictionary phrase, *panel* alone a vaguer word (仪表盘, 面板)
    found = variants(("触摸屏", "仪表盘"), "CAPACITIVE TOUCH SCREEN PANEL")
    assert max(found, key=found.__getitem__) == "触摸屏"


def test_no_phrase_starts_or_ends_with_a_function_word() -> None:
    found = variants(("绷带", "医药"), "FOR MEDICAL BANDAGES")
    assert list(found)[:1] == ["绷带"]


def by_id(matches: list[Match]) -> dict[int, Match]:
    return {m.id: m for m in matches}


def test_the_english_alias_shows_in_the_reasons_and_scores_below_the_chinese_name() -> None:
    index = SupplierIndex().fit([profile(1, "硫酸"), profile(2, "盐酸"), profile(3, "轮胎")])
    english = by_id(index.shortlist(need("sulphuric acid 98%")))
    chinese = by_id(index.shortlist(need("硫酸")))
    assert list(english) == [1]
    assert english[1].reasons.name_variants == (("SULPHURIC ACID98%", "硫酸", "english"),)
    assert english[1].score < chinese[1].score
    tyres = index.shortlist(need("truck tyres"))
    assert [m.id for m in tyres] == [3]
    assert tyres[0].reasons.name_variants[0][1:] == ("轮胎", "english")


def test_a_plastics_symbol_reads_as_the_plastics_name() -> None:
    found = variants(("聚丙烯", "颗粒", "碎石"), "PP GRANULES")
    assert max(found, key=found.__getitem__) == "聚丙烯"
    assert "聚氯乙烯" in variants(("聚氯乙烯",), "PVC")


def test_an_ambiguous_trade_abbreviation_is_not_spelled_out() -> None:
    # PC is as often a personal computer, PI a proforma invoice: not read as plastics
    assert "聚碳酸酯" not in variants(("聚碳酸酯",), "PC")


# -- English RFQ sentences ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "goods"),
    [
        ("Looking for a supplier of crushed stone aggregates, 20mm.", "CRUSHED STONE AGGREGATES"),
        ("We need a reliable manufacturer of hydraulic cylinders.", "HYDRAULIC CYLINDERS"),
        ("Our client needs stainless steel seamless tubes.", "STAINLESS STEEL SEAMLESS TUBES"),
        ("Surfactants needed", "SURFACTANTS"),
        ("Telecom equipment tender", "TELECOM EQUIPMENT"),
        ("Servo motor supplier wanted", "SERVO MOTOR"),
    ],
)
def test_an_english_rfq_names_the_goods_not_its_boilerplate(text: str, goods: str) -> None:
    assert read_sentences(text).wanted == (goods,)


def test_an_english_rfq_finds_the_supplier_through_its_chinese_name() -> None:
    index = SupplierIndex().fit([profile(1, "骨料"), profile(2, "高速公路"), profile(3, "石料")])
    rfq = NeedRecord(
        id=1,
        title="Inquiry",
        description="Dear Sir, we are looking for a supplier of aggregates for a highway "
        "project. Please quote MOQ and price.",
    )
    got = index.shortlist(rfq)
    assert [m.id for m in got][:1] == [1]
    assert got[0].reasons.name_variants == (("AGGREGATES", "骨料", "english"),)


def test_a_leading_modifier_is_not_read_as_the_goods() -> None:
    # 高精度 starts listed names (高精度丝杠) but ends none: a modifier, not goods
    found = variants(("高精度丝杠", "螺杆", "螺丝"), "HIGH PRECISION BALL SCREWS")
    assert "高精度" not in found
    assert {"螺杆", "螺丝"} & set(found)


def test_a_dictionary_name_nobody_lists_stands_for_its_listed_head() -> None:
    # desktop computer is 台式电脑 in the dictionary; suppliers list 电脑
    found = variants(("电脑", "笔记本电脑"), "DESKTOP COMPUTERS")
    assert 0 < found["电脑"] < 0.9


def test_the_boilerplate_of_an_english_rfq_is_not_wanted() -> None:
    rfq = NeedRecord(
        id=1,
        title="RFQ",
        description="Dear Sir/Madam, we are looking for a reliable supplier of hydraulic "
        "cylinders for our excavator line. Please quote your best price, MOQ and lead time. "
        "Qty: 500 pcs. Please send samples and your company profile.",
    )
    assert [t.text for t in wanted_terms(rfq)] == ["HYDRAULIC CYLINDERS"]


def test_a_chinese_name_written_in_pinyin_reads_as_the_listed_name() -> None:
    found = variants(("白酒", "黄酒", "啤酒"), "CHINESE BAIJIU")
    assert list(found) == ["白酒"]
    assert found["白酒"] < 0.9
    assert "硫酸" in variants(("硫酸",), "LIUSUAN")
    # an English word is never read as pinyin, even where the syllables would fit
    assert variants(("长鹅",), "CHANGE") == {}
