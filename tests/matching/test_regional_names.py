"""Goods named with the words written in Taiwan (OpenCC's phrase tables, shipped as
``matching/data/regional_names.tsv.gz``) reach the suppliers listing the mainland word."""

import gzip
from importlib import resources

from matching import NeedRecord, SupplierIndex
from matching.tokenize import normalize
from matching.variants import (
    PART_SYNONYM,
    REGIONAL,
    NameVariants,
    RegionalNames,
    describe,
    regional_names,
)
from tests.matching.records import lexicon, profile


def test_the_shipped_table_holds_goods_words_and_leaves_mainland_words_out() -> None:
    table = regional_names()
    assert table.mainland("记忆体") == ("内存",)
    assert table.mainland("计程车") == ("出租车",)
    # written by mainland suppliers too (装置 is a mainland word for a device), or no goods
    for left_out in ("装置", "整合", "设定", "新增", "内存"):
        assert table.mainland(left_out) == ()
    blob = resources.files("matching.data").joinpath("regional_names.tsv.gz").read_bytes()
    rows = [r for r in gzip.decompress(blob).decode("utf-8").splitlines() if r[:1] != "#"]
    # simplified on both sides, and never the same word twice
    pairs = [tuple(r.split("\t")) for r in rows]
    assert all(normalize(a) == a and normalize(b) == b and a != b for a, b in pairs)


def test_a_regional_word_reads_as_the_listed_mainland_word_below_an_exact_match() -> None:
    finder = NameVariants(lexicon("内存", "内存条", "出租车"))
    got = finder.of("记忆体")
    assert [(v.text, v.kind) for v in got] == [("内存", "regional")]
    assert got[0].factor == REGIONAL < 1
    assert describe("记忆体", "内存", "regional") == "记忆体 ≈ 内存 (两岸用语)"
    # traditional characters read the same way once normalised
    assert [v.text for v in finder.of(normalize("計程車"))] == ["出租车"]


def test_a_regional_word_inside_a_longer_name_keeps_the_rest() -> None:
    finder = NameVariants(lexicon("屏幕保护膜", "屏幕"))
    got = finder.of("萤幕保护膜")
    assert [(v.text, v.kind) for v in got] == [("屏幕保护膜", "regional")]
    assert got[0].factor == PART_SYNONYM < REGIONAL
    # both regional words of one term replaced at once
    table = RegionalNames([("奈米", "纳米"), ("萤幕", "屏幕")])
    assert ("纳米屏幕", False) in table.replaced("奈米萤幕")


def test_no_variant_where_the_catalog_does_not_list_the_mainland_word() -> None:
    assert NameVariants(lexicon("鼠标垫")).of("计程车") == []
    # a word left out of the table is no regional word (设定 is *to set*, no goods)
    assert all(v.kind != "regional" for v in NameVariants(lexicon("设置")).of("设定"))


def test_the_shortlist_ranks_the_exact_name_first_and_explains_the_mainland_one() -> None:
    index = SupplierIndex().fit([profile(1, "出租车"), profile(2, "计程车"), profile(3, "轿车")])
    got = index.shortlist(NeedRecord(id=1, title="采购计程车", products=("计程车",)))
    assert [m.id for m in got][:2] == [2, 1]
    assert got[0].score > got[1].score
    assert got[1].reasons.name_variants == (("计程车", "出租车", "regional"),)
