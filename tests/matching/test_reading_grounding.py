"""Read products grounded in the names firms list (matching.grounding, read_need's lexicon)."""

from __future__ import annotations

from matching.catalog import product_key
from matching.clauses import is_generic
from matching.grounding import ground_phrase, is_grounded, is_prose_word, title_names
from matching.lexicon import Lexicon
from matching.query import wanted_terms
from matching.reading import NO_PRODUCT, read_need
from matching.records import NeedRecord, ProductItem, ProfileRecord
from matching.supplier_index import SupplierIndex

NAMES = (
    "氯化钙",
    "高纯氯化钙",
    "氧化钙",
    "轴承",
    "深沟球轴承",
    "玻璃纤维",
    "锂电池",
    "隔膜",
    "新款女装",
    "企业",
    "配套产品",
    "配套",
)


def _lexicon(names: tuple[str, ...] = NAMES) -> Lexicon:
    lex = Lexicon()
    for name in names:
        lex.add(name)
    return lex


def _products(title: str, description: str, lexicon: Lexicon | None) -> list[str]:
    return [p.text for p in read_need(NeedRecord(1, title, description), lexicon).products]


def test_words_around_a_listed_name_are_trimmed() -> None:
    lex = _lexicon()
    # without the lexicon the reader keeps the prose around the goods
    assert _products("寻找供应商", "我们现在缺的其实就是氯化钙，欢迎联系。", None) != ["氯化钙"]
    assert _products("寻找供应商", "我们现在缺的其实就是氯化钙，欢迎联系。", lex) == ["氯化钙"]
    assert _products("采购", "轴承哪家便宜哪家耐用就选哪家的", lex) == ["轴承"]


def test_the_trimmed_name_keeps_what_listed_names_hold_around_it() -> None:
    lex = _lexicon()
    # 高纯氯化钙 is listed: 高纯 stays, 仅仅是 goes
    assert _products("求购", "我们缺的仅仅是高纯氯化钙", lex) == ["高纯氯化钙"]
    assert ground_phrase("仅仅是高纯氯化钙", lex) == "高纯氯化钙"


def test_a_modifier_listed_names_use_is_kept() -> None:
    lex = _lexicon()
    # 新款 runs in a listed name (新款女装): a qualifier, not prose
    assert _products("求购", "需要新款轴承", lex) == ["新款轴承"]
    # characters that listed names hold may still qualify the name; 就是 holds none
    assert ground_phrase("新款轴承", _lexicon(("轴承", "新疆棉", "款式"))) == "新款轴承"
    # a rare word before the name qualifies it even where no listed name holds it (a small
    # catalog); everyday prose (就是, 知道哪里能) is cut
    assert ground_phrase("新款轴承", _lexicon(("轴承", "女装"))) == "新款轴承"
    assert ground_phrase("曳引机制动器", _lexicon(("制动器", "女装"))) == "曳引机制动器"
    assert ground_phrase("就是轴承", _lexicon(("轴承", "女装"))) == "轴承"
    assert ground_phrase("有人知道哪里能定做轴承", _lexicon(("轴承", "女装"))) == "轴承"


def test_a_compound_of_listed_names_is_left_as_read() -> None:
    lex = _lexicon()
    assert ground_phrase("锂电池隔膜", lex) == "锂电池隔膜"
    assert _products("求购", "需要锂电池隔膜", lex) == ["锂电池隔膜"]
    assert ground_phrase("深沟球轴承", lex) == "深沟球轴承"  # a listed name as it is


def test_a_phrase_naming_no_listed_goods_gives_way() -> None:
    lex = _lexicon()
    assert _products("求购", "采购氯化钙、质量稳定", None) == ["氯化钙", "质量稳定"]
    assert _products("求购", "采购氯化钙、质量稳定", lex) == ["氯化钙"]
    assert not is_grounded("质量稳定", lex)
    assert is_grounded("钙", lex)  # part of listed names


def test_the_title_names_the_goods_when_nothing_read_does() -> None:
    lex = _lexicon()
    assert _products("玻璃纤维供应商招募令", "你要：产能稳定、交期准时", None) != ["玻璃纤维"]
    assert _products("玻璃纤维供应商招募令", "你要：产能稳定、交期准时", lex) == ["玻璃纤维"]

    # a generic listed name covers its parts (配套产品: not 配套), a word of prose is no goods
    def skip(name: str) -> bool:
        return is_generic(name) or is_prose_word(name)

    assert list(title_names("需要一种配套产品", lex, skip)) == []
    assert list(title_names("需要一种配套产品", lex)) == ["配套产品"]
    assert list(title_names("企业合作说明", lex, skip)) == []
    assert _products("企业合作说明", "你要：产能稳定、交期准时", lex) == _products(
        "企业合作说明", "你要：产能稳定、交期准时", None
    )


def test_latin_phrases_are_not_judged() -> None:
    lex = _lexicon()
    assert ground_phrase("PTFE", lex) == "PTFE"
    assert is_grounded("lithium battery", lex)


def test_nothing_read_stays_nothing_read() -> None:
    lex = _lexicon()
    reading = read_need(NeedRecord(1, "采购氯化钙合作说明会", "联系人：王工"), lex)
    plain = read_need(NeedRecord(1, "采购氯化钙合作说明会", "联系人：王工"))
    assert [p.text for p in reading.products] == [p.text for p in plain.products]
    empty = read_need(NeedRecord(1, "招标公告", "联系人：王工"), lex)
    assert empty.products == ()
    assert NO_PRODUCT in empty.warnings


def test_the_buyers_own_products_are_never_grounded() -> None:
    lex = _lexicon()
    need = NeedRecord(1, "求购", "我们缺的其实就是氯化钙", products=("其实就是氯化钙",))
    assert [p.text for p in read_need(need, lex).products] == ["其实就是氯化钙"]


def test_the_reading_shows_the_grounded_name() -> None:
    lex = _lexicon()
    need = NeedRecord(1, "寻找供应商", "我们现在缺的其实就是氯化钙，欢迎联系。")
    assert read_need(need, lex).sentence().startswith("我们理解您需要：氯化钙")
    assert [t.text for t in wanted_terms(need, lex)] == ["氯化钙"]


def test_the_supplier_index_grounds_in_its_listed_names() -> None:
    profiles = [
        ProfileRecord(1, "甲", (ProductItem("氯化钙", 1.0),)),
        ProfileRecord(2, "乙", (ProductItem("轴承", 1.0),)),
    ]
    index = SupplierIndex().fit(profiles)
    need = NeedRecord(1, "寻找供应商", "我们现在缺的其实就是氯化钙，欢迎联系。")
    assert [t.text for t in index.query_terms(need) if t.source != "context"] == ["氯化钙"]
    assert product_key("氯化钙") == "氯化钙"
