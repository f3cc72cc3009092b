"""Among the makers lifted by the input-side rule of chain discovery, those of an input that
is a chain-map product of its own come first (``input_side_nodes_first``)."""

import pytest

from matching import SupplierIndex
from matching.catalog import ChainLink
from matching.upstream import UpstreamPredictor
from tests.matching.records import profile as firm
from tests.matching.records import upstream_ids as ids

# 电石 and 铁精粉 both state from their own side that they go into 水泥, whose own row lists
# neither. The map lists inputs of 电石 (it is made goods it describes), none of 铁精粉.
# 铁精粉 also goes into 水泥熟料, a near name, so it is the stronger input of a 水泥 maker.
LINKS = [
    ChainLink(product="水泥", input="石膏"),
    ChainLink(product="水泥", input="电石", stated_by="input"),
    ChainLink(product="水泥", input="铁精粉", stated_by="input"),
    ChainLink(product="水泥熟料", input="铁精粉"),
    ChainLink(product="电石", input="焦炭"),
    ChainLink(product="电石", input="石灰"),
]


@pytest.fixture
def index() -> SupplierIndex:
    return SupplierIndex().fit([firm(1, "铁精粉"), firm(2, "电石"), firm(3, "石膏")])


def test_the_maker_of_an_input_with_inputs_of_its_own_comes_first(
    index: SupplierIndex,
) -> None:
    off = UpstreamPredictor(input_side_nodes_first=False, input_side_takers=0).fit(LINKS)
    before = ids(off, index, ["水泥"])
    assert before[:2] == [1, 2]  # by score the 铁精粉 maker leads, both lifted
    on = UpstreamPredictor(input_side_takers=0).fit(LINKS)
    assert ids(on, index, ["水泥"]) == [2, 1, 3]


def test_a_common_input_still_comes_before_a_node() -> None:
    # 铁精粉 taken by five chain-map products is a common input: its maker leads again
    takers = [ChainLink(product=f"钢材{i}", input="铁精粉") for i in range(4)]
    est = UpstreamPredictor(input_side_takers=5).fit([*LINKS, *takers])
    index = SupplierIndex().fit([firm(1, "铁精粉"), firm(2, "电石"), firm(3, "石膏")])
    assert ids(est, index, ["水泥"])[:2] == [1, 2]


def test_the_others_keep_their_place(index: SupplierIndex) -> None:
    # the 石膏 maker is not lifted (水泥's own row lists 石膏): it stays behind both
    on = UpstreamPredictor(input_side_takers=0).fit(LINKS)
    assert ids(on, index, ["水泥"])[-1] == 3
