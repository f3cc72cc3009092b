"""Links the chain map states only from the input's side (its ``downstream`` rows) put the
exact makers of those inputs first in chain discovery."""

import pytest

from matching import ProductItem, SupplierIndex
from matching.catalog import ChainLink, chain_links
from matching.upstream import UpstreamPredictor
from tests.matching.records import profile as firm

# 玻璃 takes 纯碱 and 石英砂 by its own list; 芒硝 says, from its side, that it goes into 玻璃,
# and 玻璃's list lacks it. 纯碱 also says so, but 玻璃's list has it already.
LINKS = [
    ChainLink(product="玻璃", input="纯碱"),
    ChainLink(product="玻璃", input="石英砂"),
    ChainLink(product="玻璃", input="纯碱", stated_by="input"),
    ChainLink(product="玻璃", input="芒硝", stated_by="input"),
    ChainLink(product="陶瓷", input="高岭土"),
]


@pytest.fixture
def index() -> SupplierIndex:
    return SupplierIndex().fit(
        [
            firm(1, "纯碱", "石英砂"),  # makes two inputs the product's own list names
            firm(2, "石英砂"),
            firm(3, "芒硝"),  # makes the input only the input's side states
            firm(4, "精制芒硝"),  # a sub-type of it, not the input by name
        ]
    )


def test_fit_keeps_only_links_no_product_side_row_states() -> None:
    est = UpstreamPredictor().fit(LINKS)
    assert est.input_side_ == {"玻璃": frozenset({"芒硝"})}
    plain = UpstreamPredictor().fit([("芒硝", "玻璃"), ("纯碱", "玻璃")])
    assert plain.input_side_ == {}


def test_the_shipped_map_marks_its_downstream_rows() -> None:
    sides = {link.stated_by for link in chain_links()}
    assert sides == {"product", "input"}
    shipped = UpstreamPredictor().fit()
    assert shipped.input_side_
    for product, found in list(shipped.input_side_.items())[:50]:
        assert found <= set(shipped.inputs_[shipped.products_.index(product)])


def test_the_exact_maker_of_an_input_side_link_comes_first(index: SupplierIndex) -> None:
    est = UpstreamPredictor().fit(LINKS)
    ranked = [m.id for m in est.rank_suppliers(index, ["玻璃"])]
    assert ranked[0] == 3
    off = UpstreamPredictor(input_side_products=0).fit(LINKS)
    before = [m.id for m in off.rank_suppliers(index, ["玻璃"])]
    assert before[0] == 1  # without the rule, the maker of two listed inputs leads
    assert sorted(ranked) == sorted(before)  # the same firms, only re-ordered
    assert [i for i in ranked if i != 3] == [i for i in before if i != 3]


def test_a_sub_type_of_the_input_is_not_lifted(index: SupplierIndex) -> None:
    est = UpstreamPredictor().fit(LINKS)
    ranked = [m.id for m in est.rank_suppliers(index, ["玻璃"])]
    off = UpstreamPredictor(input_side_products=0).fit(LINKS)
    before = [m.id for m in off.rank_suppliers(index, ["玻璃"])]
    assert 4 in before
    assert ranked.index(4) > ranked.index(3)
    assert ranked.index(4) == before.index(4)  # it keeps its place behind the others


def test_the_lifted_maker_survives_a_short_list(index: SupplierIndex) -> None:
    est = UpstreamPredictor().fit(LINKS)
    assert [m.id for m in est.rank_suppliers(index, ["玻璃"], k=1)] == [3]


def test_only_the_buyers_first_products_count(index: SupplierIndex) -> None:
    est = UpstreamPredictor(input_side_products=2, known_inputs_depth=0).fit(LINKS)
    main_line = [m.id for m in est.rank_suppliers(index, ["玻璃", "陶瓷", "物业服务"])]
    assert main_line[0] == 3
    side_line = [m.id for m in est.rank_suppliers(index, ["陶瓷", "物业服务", "玻璃"])]
    assert side_line[0] != 3
    assert 3 in side_line  # still a supplier of an input, just not put first


def test_makers_of_a_common_input_material_lead_the_lifted_ones() -> None:
    # 芒硝 is an input of three other products by their own lists, 碳酸锂 of none; the maker of
    # 碳酸锂 also makes 石英砂 and so leads by score alone.
    links = [
        *LINKS,
        ChainLink(product="玻璃", input="碳酸锂", stated_by="input"),
        ChainLink(product="洗涤剂", input="芒硝"),
        ChainLink(product="染料", input="芒硝"),
        ChainLink(product="纸浆", input="芒硝"),
    ]
    index = SupplierIndex().fit([firm(1, "碳酸锂", "石英砂"), firm(2, "芒硝"), firm(3, "纯碱")])
    est = UpstreamPredictor(input_side_takers=3).fit(links)
    assert est.input_takers_["芒硝"] == 3
    assert "碳酸锂" not in est.input_takers_
    assert [m.id for m in est.rank_suppliers(index, ["玻璃"])] == [2, 1, 3]
    flat = UpstreamPredictor(input_side_takers=0).fit(links)
    assert [m.id for m in flat.rank_suppliers(index, ["玻璃"])] == [1, 2, 3]
    rare = UpstreamPredictor(input_side_takers=4).fit(links)  # 芒硝 is not common enough
    assert [m.id for m in rare.rank_suppliers(index, ["玻璃"])] == [1, 2, 3]


def test_input_side_inputs_read_only_the_main_lines() -> None:
    est = UpstreamPredictor(input_side_products=1).fit(LINKS)
    assert est.input_side_inputs(["玻璃", "陶瓷"]) == frozenset({"芒硝"})
    assert est.input_side_inputs(["陶瓷", "玻璃"]) == frozenset()
    assert est.input_side_inputs(["平衡项目", "玻璃"]) == frozenset({"芒硝"})  # not a product
    off = UpstreamPredictor(input_side_products=0).fit(LINKS)
    assert off.input_side_inputs(["玻璃"]) == frozenset()


def test_main_lines_are_the_largest_revenue_shares() -> None:
    est = UpstreamPredictor(input_side_products=1).fit(LINKS)
    glass_first = [ProductItem("陶瓷", 0.1), ProductItem("玻璃", 0.8)]
    assert est.input_side_inputs(glass_first) == frozenset({"芒硝"})
    glass_small = [ProductItem("玻璃", 0.1), ProductItem("陶瓷", 0.8)]
    assert est.input_side_inputs(glass_small) == frozenset()
