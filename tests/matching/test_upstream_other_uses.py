"""For a buyer whose main lines have no input-side link, makers of an input whose own rows
name other uses only are moved down in chain discovery (``other_uses_depth``)."""

import pytest

from matching import SupplierIndex
from matching.catalog import ChainLink
from matching.upstream import UpstreamPredictor
from tests.matching.records import profile as firm
from tests.matching.records import upstream_ids as ids

# 芒硝 states from its own side that it goes into 玻璃 (玻璃's list lacks it), and 陶瓷 lists it
# by its own row. So a 陶瓷 maker has no input-side link, while 芒硝's stated use is 玻璃 only.
# 日用陶瓷 makes 芒硝 the strongest input predicted for 陶瓷.
LINKS = [
    ChainLink(product="玻璃", input="纯碱"),
    ChainLink(product="玻璃", input="芒硝", stated_by="input"),
    ChainLink(product="陶瓷", input="芒硝"),
    ChainLink(product="陶瓷", input="高岭土"),
    ChainLink(product="陶瓷", input="长石"),
    ChainLink(product="日用陶瓷", input="芒硝"),
]


@pytest.fixture
def index() -> SupplierIndex:
    return SupplierIndex().fit(
        [firm(1, "芒硝"), firm(2, "高岭土"), firm(3, "长石"), firm(4, "纯碱")]
    )


def test_fit_collects_the_inputs_stated_from_their_own_side() -> None:
    est = UpstreamPredictor().fit(LINKS)
    assert est.input_side_sources_ == frozenset({"芒硝"})
    only_products = UpstreamPredictor().fit([("芒硝", "玻璃"), ("高岭土", "陶瓷")])
    assert only_products.input_side_sources_ == frozenset()


def test_the_maker_of_such_an_input_goes_behind_the_others(index: SupplierIndex) -> None:
    # known_inputs_depth=0: 陶瓷's own row lists all three inputs, which would move every maker;
    # co_inputs=0: 纯碱 goes with 芒硝 into 玻璃, which would put its maker first
    off = UpstreamPredictor(other_uses_depth=0, known_inputs_depth=0, co_inputs=0).fit(LINKS)
    before = ids(off, index, ["陶瓷"])
    assert before[0] == 1  # by score alone it leads
    on = UpstreamPredictor(known_inputs_depth=0, co_inputs=0).fit(LINKS)
    after = ids(on, index, ["陶瓷"])
    assert sorted(after) == sorted(before)  # the same firms
    assert after[-1] == 1
    assert [i for i in after if i != 1] == [i for i in before if i != 1]  # others keep order


def test_a_short_list_drops_it_when_others_fill_it(index: SupplierIndex) -> None:
    est = UpstreamPredictor().fit(LINKS)
    assert 1 not in ids(est, index, ["陶瓷"], k=2)


def test_only_the_first_places_are_looked_at(index: SupplierIndex) -> None:
    # with a depth of one, the maker is moved behind one other firm and no further
    est = UpstreamPredictor(other_uses_depth=1, known_inputs_depth=0, co_inputs=0).fit(LINKS)
    assert ids(est, index, ["陶瓷"])[:2] == [2, 1]
    deeper = UpstreamPredictor(other_uses_depth=2, known_inputs_depth=0, co_inputs=0).fit(LINKS)
    assert ids(deeper, index, ["陶瓷"])[:3] == [2, 3, 1]


def test_a_buyer_with_an_input_side_link_is_left_alone(index: SupplierIndex) -> None:
    # for a 玻璃 maker, 芒硝 is the missing link itself: its maker stays first
    est = UpstreamPredictor().fit(LINKS)
    assert ids(est, index, ["玻璃"])[0] == 1


def test_it_is_off_with_the_input_side_rule(index: SupplierIndex) -> None:
    plain = UpstreamPredictor(input_side_products=0, other_uses_depth=0).fit(LINKS)
    no_side = UpstreamPredictor(input_side_products=0).fit(LINKS)
    assert ids(no_side, index, ["陶瓷"]) == ids(plain, index, ["陶瓷"])
