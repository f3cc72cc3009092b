"""Which dictionary synonym a buyer's word most likely means, and which long forms are pieces."""

from matching.variants import NameDictionary, NameVariants, RegionalNames, SynonymGroups
from tests.matching.records import lexicon


def finder(names: tuple[str, ...], senses: dict[str, tuple[str, ...]]) -> NameVariants:
    return NameVariants(
        lexicon(*names), NameDictionary(senses), SynonymGroups([]), RegionalNames([])
    )


def factors(found: NameVariants, term: str) -> dict[str, float]:
    return {v.text: v.factor for v in found.of(term)}


def test_a_synonym_through_the_terms_earlier_sense_ranks_higher() -> None:
    # 板子 is first a wrench, then a lever: 扳手 (a wrench first) before 杠杆 (a lever)
    senses = {"板子": ("wrench", "lever"), "扳手": ("wrench",), "杠杆": ("lever",)}
    got = factors(finder(("扳手", "杠杆"), senses), "板子")
    assert got["扳手"] > got["杠杆"]
    # the third sense weighs less than the second
    senses3 = {"吊具": ("hoist", "crane", "lift"), "起重器": ("crane",), "升降台": ("lift",)}
    got3 = factors(finder(("起重器", "升降台"), senses3), "吊具")
    assert got3["起重器"] > got3["升降台"]


def test_a_synonym_meaning_all_the_term_means_is_the_same_goods() -> None:
    # (a third word shares *shirt*: no pivot through an only other name)
    senses = {"衬衣": ("shirt",), "衬衫": ("shirt", "blouse"), "恤衫": ("shirt",)}
    found = {v.text: v for v in finder(("衬衫",), senses).of("衬衣")}
    assert found["衬衫"].exact


def test_a_term_with_a_sense_the_synonym_lacks_stays_a_guess() -> None:
    # the buyer's word may mean the other thing the synonym is not
    senses = {
        "砂石": ("sandstone", "sand and stone"),
        "砂岩": ("sandstone",),
        "沙岩": ("sandstone",),
    }
    found = {v.text: v for v in finder(("砂岩",), senses).of("砂石")}
    assert not found["砂岩"].exact


def test_a_long_form_starting_inside_a_word_of_the_name_is_no_variant() -> None:
    # 机零件 read inside 相机零件 would start in the middle of 相机: no name of machine parts
    senses: dict[str, tuple[str, ...]] = {"相机": ("camera",), "零件": ("part",)}
    assert "机零件" not in factors(finder(("相机零件",), senses), "机件")
    # the same text listed as a name of its own is a long form
    assert "机零件" in factors(finder(("相机零件", "机零件"), senses), "机件")


def test_a_word_is_not_taken_for_another_word_one_sound_off() -> None:
    # 菜 cai and 柴 chai differ by c/ch, which input methods let pass; but a kitchen knife
    # written as it is meant is no hatchet misheard
    words = ("柴刀",)
    senses: dict[str, tuple[str, ...]] = {"菜刀": ("kitchen knife",), "柴刀": ("hatchet",)}
    assert "柴刀" not in factors(finder(words, senses), "菜刀")
    # a word the dictionary does not know may still be that slip
    assert "柴刀" in factors(finder(words, {"柴刀": ("hatchet",)}), "菜刀")
