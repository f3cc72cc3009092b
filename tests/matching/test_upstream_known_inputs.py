"""For a buyer whose main lines have no input-side link, makers of an input that the chain
map's product side already lists for one of the buyer's products (a link the map has, not a
gap) are moved down in chain discovery (``known_inputs_depth``)."""

import pytest

from matching import SupplierIndex
from matching.catalog import ChainLink
from matching.upstream import UpstreamPredictor
from tests.matching.records import profile as firm
from tests.matching.records import upstream_ids as ids

# 陶瓷 lists 高岭土 by its own row: a known link. 长石 reaches 陶瓷 only through the similar
# 日用陶瓷, so it is a guess at a link 陶瓷's own list lacks. 高岭土 is the stronger input.
LINKS = [
    ChainLink(product="陶瓷", input="高岭土"),
    ChainLink(product="日用陶瓷", input="长石"),
    ChainLink(product="日用陶瓷", input="石英"),
]


@pytest.fixture
def index() -> SupplierIndex:
    return SupplierIndex().fit(
        [firm(1, "高岭土"), firm(2, "长石"), firm(3, "石英"), firm(4, "高岭土矿")]
    )


def test_known_inputs_are_the_product_sides_rows_of_every_product() -> None:
    est = UpstreamPredictor().fit(
        [*LINKS, ChainLink(product="陶瓷", input="芒硝", stated_by="input")]
    )
    assert est.known_inputs(["陶瓷"]) == frozenset({"高岭土"})  # 芒硝: the input's side only
    # a product far down the buyer's list counts too; a product that is no node adds nothing
    many = ["砖", "瓦", "釉料", "窑具", "砂浆", "混凝土", "石材", "涂料", "日用陶瓷"]
    assert est.known_inputs(many) == frozenset({"长石", "石英"})


def test_the_maker_of_a_known_input_goes_behind_the_others(index: SupplierIndex) -> None:
    off = UpstreamPredictor(known_inputs_depth=0).fit(LINKS)
    before = ids(off, index, ["陶瓷"])
    assert before[0] == 1  # by score alone the exact maker of 高岭土 leads
    on = UpstreamPredictor().fit(LINKS)
    after = ids(on, index, ["陶瓷"])
    assert sorted(after) == sorted(before)  # the same firms
    assert after.index(1) > after.index(2)
    assert after.index(1) > after.index(3)
    assert [i for i in after if i != 1] == [i for i in before if i != 1]  # others keep order


def test_only_exact_makers_are_moved(index: SupplierIndex) -> None:
    # 高岭土矿 answers 高岭土 as a sub-type, not by its exact name: it keeps its place
    # relative to the firms that were not moved
    off = UpstreamPredictor(known_inputs_depth=0).fit(LINKS)
    on = UpstreamPredictor().fit(LINKS)
    before, after = ids(off, index, ["陶瓷"]), ids(on, index, ["陶瓷"])
    assert 4 in before
    assert [i for i in after if i != 1] == [i for i in before if i != 1]


def test_only_the_first_places_are_looked_at(index: SupplierIndex) -> None:
    before = ids(UpstreamPredictor(known_inputs_depth=0).fit(LINKS), index, ["陶瓷"])
    # with a depth of one, the maker is moved behind one other firm and no further
    est = UpstreamPredictor(known_inputs_depth=1).fit(LINKS)
    assert ids(est, index, ["陶瓷"])[:2] == [before[1], 1]


def test_a_buyer_with_an_input_side_link_is_left_alone(index: SupplierIndex) -> None:
    # 长石 states from its own side that it goes into 陶瓷: the buyer has an input-side link,
    # and that rule orders its list, not this one
    links = [*LINKS, ChainLink(product="陶瓷", input="长石", stated_by="input")]
    est = UpstreamPredictor(input_side_takers=0).fit(links)
    got = ids(est, index, ["陶瓷"])
    assert got[0] == 2
    assert got[1] == 1  # 高岭土's maker is not moved behind 石英's
    plain = UpstreamPredictor(input_side_takers=0, known_inputs_depth=0).fit(links)
    assert got == ids(plain, index, ["陶瓷"])


def test_it_is_off_with_the_input_side_rule(index: SupplierIndex) -> None:
    plain = UpstreamPredictor(input_side_products=0, known_inputs_depth=0).fit(LINKS)
    no_side = UpstreamPredictor(input_side_products=0).fit(LINKS)
    assert ids(no_side, index, ["陶瓷"]) == ids(plain, index, ["陶瓷"])


def test_an_input_known_for_one_product_stays_known_whatever_the_order() -> None:
    # 芒硝 is on 陶瓷's own row but stated only from its own side for 玻璃
    est = UpstreamPredictor().fit(
        [
            ChainLink(product="陶瓷", input="芒硝"),
            ChainLink(product="玻璃", input="芒硝", stated_by="input"),
            ChainLink(product="玻璃", input="纯碱"),
        ]
    )
    assert est.known_inputs(["陶瓷", "玻璃"]) == frozenset({"芒硝", "纯碱"})
    assert est.known_inputs(["玻璃", "陶瓷"]) == frozenset({"芒硝", "纯碱"})
