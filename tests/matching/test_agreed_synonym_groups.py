"""Larger groups of the synonym lexicon, shipped only where CC-CEDICT agrees with them
(``scripts/build_name_variants.py``: ``dictionary_agrees``), and what a buyer gets from them."""

from matching import NeedRecord, SupplierIndex
from matching.variants import synonym_groups
from tests.matching.records import profile
from tests.scripts.loading import load_script

SENSES = {
    "缝纫机": ["sewing machine"],
    "缝衣机": ["sewing machine"],
    "黑麦": ["rye"],
    "荞麦": ["buckwheat"],
    "麻油": ["sesame oil", "tahini{dialect}"],
    "芝麻酱": ["tahini", "sesame paste"],
    "芝麻油": ["sesame oil"],
    "针": ["needle", "pin"],
}


def test_a_group_whose_known_words_share_their_main_senses_is_confirmed() -> None:
    build = load_script("build_name_variants")
    # 衣车 and 针车 are unknown to the dictionary: they are not held against the group
    assert build.dictionary_agrees(("缝纫机", "衣车", "针车", "缝衣机", "平车"), SENSES)
    # a single character (针: needle) is no name of the goods and is not compared either
    assert build.dictionary_agrees(("缝纫机", "针", "缝衣机", "衣车", "平车"), SENSES)


def test_a_class_of_siblings_or_a_side_sense_makes_the_dictionary_disagree() -> None:
    build = load_script("build_name_variants")
    assert not build.dictionary_agrees(("黑麦", "荞麦", "燕麦", "雀麦", "麦子"), SENSES)
    # 麻油 has 芝麻酱's main sense (tahini) only in a dialect: one way is not enough
    assert not build.dictionary_agrees(("芝麻油", "麻油", "芝麻酱", "香油", "胡麻油"), SENSES)


def test_the_shipped_groups_hold_an_agreed_large_group_but_no_sibling_class() -> None:
    groups = synonym_groups()
    assert "缝纫机" in groups.mates("衣车")
    assert "奶酪" in groups.mates("起司")
    # 挖掘机, 推土机 and 掘进机 are grouped in the lexicon, but excavators are no bulldozers
    assert "推土机" not in groups.mates("挖掘机")


def test_a_buyer_writing_a_workshop_word_finds_the_suppliers_of_the_standard_name() -> None:
    suppliers = [
        profile(1, "工业缝纫机"),
        profile(2, "缝纫机"),
        profile(3, "衣架"),
        profile(4, "车床"),
    ]
    index = SupplierIndex().fit(suppliers)
    need = NeedRecord(id=1, title="采购衣车", products=("衣车",))
    got = index.shortlist(need, min_score=0.0)
    assert [m.id for m in got][:2] == [2, 1]
    assert ("衣车", "缝纫机", "synonym") in got[0].reasons.name_variants
    assert {m.id for m in got}.isdisjoint({3, 4})
