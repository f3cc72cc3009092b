"""The curated trade aliases (``matching/data/trade_aliases.csv``): loaded as synonym groups."""

import csv
from importlib import resources

from matching import NeedRecord, SupplierIndex
from matching.tokenize import normalize
from matching.variants import describe, synonym_groups, trade_aliases
from tests.matching.records import profile


def test_the_table_is_loaded_as_synonym_groups() -> None:
    groups = trade_aliases()
    assert len(groups) >= 50
    assert ["电石", "碳化钙"] in groups
    shipped = synonym_groups()
    assert "碳化钙" in shipped.mates("电石")
    assert "硬质合金" in shipped.mates("钨钢")
    assert {"商品混凝土", "预拌混凝土"} <= set(shipped.mates("商砼"))
    # the cnsyn groups are still there beside them
    assert "混凝土" in shipped.mates("砼")


def test_each_group_holds_distinct_normalised_names_and_a_note() -> None:
    text = resources.files("matching.data").joinpath("trade_aliases.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    assert list(rows[0]) == ["names", "note"]
    seen: set[str] = set()
    for row in rows:
        names = row["names"].split("/")
        assert 2 <= len(names) <= 6, names
        assert len(set(names)) == len(names), names
        assert all(n and n == normalize(n) and " " not in n for n in names), names
        assert row["note"].strip(), names
        key = "/".join(sorted(names))
        assert key not in seen, names
        seen.add(key)


def test_a_buyer_naming_a_trade_alias_finds_the_makers_of_its_mate_below_exact_ones() -> None:
    suppliers = [
        profile(1, "碳化钙"),
        profile(2, "电石"),
        profile(3, "石灰"),
        profile(4, "乙炔"),
    ]
    index = SupplierIndex().fit(suppliers)
    got = index.shortlist(NeedRecord(id=1, title="采购电石", products=("电石",)), min_score=0.0)
    assert [m.id for m in got][:2] == [2, 1]
    assert got[1].score < got[0].score
    assert ("电石", "碳化钙", "synonym") in got[1].reasons.name_variants
    assert describe("电石", "碳化钙", "synonym") == "电石 ≈ 碳化钙 (同义)"
    assert {m.id for m in got}.isdisjoint({3, 4})


def test_an_alias_inside_a_longer_name_reads_as_its_mate_there() -> None:
    suppliers = [profile(1, "硬质合金刀具"), profile(2, "高速钢刀具"), profile(3, "陶瓷刀具")]
    index = SupplierIndex().fit(suppliers)
    got = index.shortlist(NeedRecord(id=1, title="钨钢刀具", products=("钨钢刀具",)))
    assert [m.id for m in got][:1] == [1]
    assert ("钨钢刀具", "硬质合金刀具", "synonym") in got[0].reasons.name_variants
