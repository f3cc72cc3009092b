"""The curated English trade glossary (``matching/data/trade_glossary.csv``): English trade
names for the most listed goods CC-CEDICT has no English for (DAP, cement clinker, solar
inverter). An English need must find the supplier listing the Chinese name, show the alias in
the reasons as English, and score below the Chinese name asked for itself; a Chinese need
reads as before.
"""

import gzip
import json
from importlib import resources
from pathlib import Path

import pytest

from matching import Match, NeedRecord, SupplierIndex
from matching.catalog import product_key, product_vocabulary
from matching.lexicon import Lexicon
from matching.variants import NameDictionary, NameVariants, name_dictionary, trade_glossary
from tests.matching.records import profile

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "app" / "demo" / "data" / "catalog.jsonl.gz"


def need(product: str) -> NeedRecord:
    return NeedRecord(id=1, title=f"采购{product}", products=(product,))


def by_id(matches: list[Match]) -> dict[int, Match]:
    return {m.id: m for m in matches}


def english(names: tuple[str, ...], term: str) -> dict[str, float]:
    lexicon = Lexicon()
    for name in names:
        lexicon.add(name)
    return {v.text: v.factor for v in NameVariants(lexicon).of(term) if v.kind == "english"}


def rows() -> list[list[str]]:
    text = resources.files("matching.data").joinpath("trade_glossary.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "chinese,english,note"
    return [line.split(",") for line in lines[1:]]


def test_the_glossary_is_loaded_into_the_shipped_dictionary() -> None:
    assert len(rows()) >= 400
    assert all(len(row) == 3 and row[0] and row[1] for row in rows())
    assert "磷酸二铵" in trade_glossary()["diammonium phosphate"]
    assert "磷酸二铵" in name_dictionary().translate("DAP")


def test_the_file_says_where_it_comes_from() -> None:
    text = resources.files("matching.data").joinpath("trade_glossary.csv").read_text("utf-8")
    head = text.split("chinese,english,note")[0]
    assert "written by hand" in head.lower()
    assert "selection rule" in head.lower()


def test_every_chinese_name_is_a_catalog_or_chain_map_name() -> None:
    # the demo catalog ships the firms of shared/data/firms.jsonl
    names = set(product_vocabulary())
    with gzip.open(DEMO_CATALOG, "rt", encoding="utf-8") as fh:
        for line in fh:
            names.update(product_key(str(name)) for name, _ in json.loads(line)["products"])
    missing = sorted({row[0] for row in rows()} - names)
    assert not missing, missing


def test_no_chinese_name_is_one_the_dictionary_already_gives_english_for() -> None:
    senses = name_dictionary().senses
    assert not sorted({row[0] for row in rows()} & set(senses))


@pytest.mark.parametrize(
    ("phrase", "chinese"),
    [
        ("diammonium phosphate", "磷酸二铵"),
        ("DAP", "磷酸二铵"),
        ("APT", "仲钨酸铵"),
        ("cement clinker", "商品熟料"),
        ("solar inverters", "光伏逆变器"),  # a plural
        ("aluminium ingot", "铝锭"),  # British spelling
        ("aluminum ingots", "铝锭"),  # American, plural
        ("lithium iron phosphate", "磷酸铁锂"),
        ("copper-clad laminate", "覆铜板"),  # a hyphen read as a space
        ("inverter", "逆变器"),  # the dictionary's 反相器 (a logic gate) is listed by nobody
    ],
)
def test_an_english_trade_name_reads_as_the_chinese_name(phrase: str, chinese: str) -> None:
    assert chinese in english((chinese, "硫酸", "电池"), phrase.upper())


def test_without_the_glossary_the_dictionary_does_not_know_these_names() -> None:
    bare = NameDictionary(name_dictionary().senses)
    assert "磷酸二铵" not in bare.translate("DAP")
    assert "商品熟料" not in bare.translate("cement clinker")


def test_the_dictionarys_listed_name_is_not_joined_by_the_glossarys() -> None:
    # plywood is 胶合板 in CC-CEDICT; the glossary's 多层板 (mostly a circuit board here) is
    # not read for it while suppliers list 胶合板
    assert english(("胶合板", "多层板"), "PLYWOOD") == {"胶合板": pytest.approx(0.9)}


def test_a_glossary_name_for_a_part_adds_to_the_dictionarys_reading() -> None:
    found = english(("磷酸二铵", "化肥", "肥料"), "GRANULAR DAP FERTILIZER")
    assert "磷酸二铵" in found
    assert {"化肥", "肥料"} & set(found)  # the dictionary's reading of the rest stays


def test_a_glossary_name_of_the_whole_phrase_is_the_reading() -> None:
    # the glossary names *cement clinker*; the dictionary's *cement* alone is not added
    found = english(("商品熟料", "水泥", "熟料"), "CEMENT CLINKER")
    assert "商品熟料" in found
    assert "水泥" not in found


def test_a_glossary_name_counts_as_a_main_sense() -> None:
    found = english(("磷酸二铵", "磷酸一铵", "复合肥"), "DIAMMONIUM PHOSPHATE")
    assert found == {"磷酸二铵": pytest.approx(0.9)}


def test_a_buyers_modifier_is_left_out_of_a_glossary_name() -> None:
    found = english(("光伏逆变器", "逆变器"), "GRID TIED SOLAR INVERTER")
    assert "光伏逆变器" in found


def test_the_english_alias_shows_in_the_reasons_and_scores_below_the_chinese_name() -> None:
    index = SupplierIndex().fit(
        [profile(1, "磷酸二铵"), profile(2, "磷酸一铵"), profile(3, "硫酸"), profile(4, "商品熟料")]
    )
    dap = by_id(index.shortlist(need("DAP")))
    chinese = by_id(index.shortlist(need("磷酸二铵")))
    assert list(dap)[:1] == [1]
    assert dap[1].reasons.name_variants == (("DAP", "磷酸二铵", "english"),)
    assert dap[1].score < chinese[1].score
    clinker = index.shortlist(need("cement clinker"))
    assert [m.id for m in clinker][:1] == [4]
    assert clinker[0].reasons.name_variants[0][1:] == ("商品熟料", "english")


def test_a_chinese_need_reads_no_glossary_variant() -> None:
    index = SupplierIndex().fit([profile(1, "磷酸二铵"), profile(2, "磷酸一铵")])
    got = index.shortlist(need("磷酸二铵"))
    assert [m.id for m in got][:1] == [1]
    assert all(kind != "english" for m in got for *_, kind in m.reasons.name_variants)


@pytest.mark.parametrize(
    ("term", "chinese"),
    [
        ("PTA(PURIFIED TEREPHTHALIC ACID)", "精对苯二甲酸"),
        ("PURIFIED TEREPHTHALIC ACID (PTA)", "精对苯二甲酸"),
        ("CAUSTIC SODA(SODIUM HYDROXIDE)", "烧碱"),
    ],
)
def test_a_name_with_another_name_in_brackets_reads_as_each(term: str, chinese: str) -> None:
    assert chinese in english((chinese, "硫酸"), term)
