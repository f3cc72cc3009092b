"""Two written forms of one character (黏 / 粘) are the same text on both sides of a match."""

from matching import NeedRecord, SupplierIndex
from matching.catalog import product_key
from matching.tokenize import normalize
from matching.variants import folded_senses, name_dictionary
from tests.matching.records import profile


def test_either_form_of_the_character_normalises_to_one_text() -> None:
    assert normalize("环氧胶黏剂") == normalize("环氧胶粘剂")
    assert product_key("黏度计") == product_key("粘度计")
    # text without a variant form is left as it was
    assert normalize("粘胶纤维") == "粘胶纤维"


def test_dictionary_headwords_fold_and_keep_every_sense() -> None:
    merged = folded_senses([["黏结剂", "binder"], ["粘结剂", "bonding agent|binder"]])
    assert merged == {"粘结剂": ("binder", "bonding agent")}
    # the shipped dictionary answers for the folded spelling a buyer's text now has
    d = name_dictionary()
    assert d.senses.get("粘土")
    assert "黏土" not in d.senses


def test_a_supplier_writing_the_other_form_is_an_exact_match() -> None:
    suppliers = [profile(1, "聚氨酯胶黏剂"), profile(2, "聚氨酯泡沫"), profile(3, "胶带")]
    index = SupplierIndex().fit(suppliers)
    need = NeedRecord(id=1, title="采购聚氨酯胶粘剂", products=("聚氨酯胶粘剂",))
    got = index.shortlist(need, min_score=0.0)
    assert got[0].id == 1
    assert not got[0].reasons.name_variants  # the same name, not a guessed variant


def test_a_synonym_reaches_suppliers_of_either_spelling() -> None:
    # the dictionary's *glue* words: a buyer's 胶水 reaches both ways of writing the adhesive
    suppliers = [profile(1, "胶黏剂"), profile(2, "胶粘剂"), profile(3, "水泥"), profile(4, "胶带")]
    index = SupplierIndex().fit(suppliers)
    need = NeedRecord(id=1, title="采购胶水", products=("胶水",))
    got = index.shortlist(need, min_score=0.0)
    assert {m.id for m in got[:2]} == {1, 2}
    assert got[0].score == got[1].score
