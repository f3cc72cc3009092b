"""For a buyer whose main lines have no input-side link, the makers of the inputs that go
into the same chain-map products as its main lines' known inputs (``co_inputs``) come first
in chain discovery."""

import pytest

from matching import SupplierIndex
from matching.catalog import ChainLink
from matching.upstream import UpstreamPredictor
from tests.matching.records import profile as firm
from tests.matching.records import upstream_ids as ids

# 陶瓷's own row lists 石英砂 only. 石英砂 goes into 玻璃 together with 纯碱 and 芒硝, so those
# two are the likeliest inputs 陶瓷's list is missing. 日用陶瓷, a near name, takes 高岭土: the
# predicted input that leads the ordinary ranking.
LINKS = [
    ChainLink(product="陶瓷", input="石英砂"),
    ChainLink(product="日用陶瓷", input="高岭土"),
    ChainLink(product="玻璃", input="石英砂"),
    ChainLink(product="玻璃", input="纯碱"),
    ChainLink(product="玻璃", input="芒硝"),
    ChainLink(product="轮胎", input="橡胶"),
]


@pytest.fixture
def index() -> SupplierIndex:
    return SupplierIndex().fit(
        [
            firm(1, "高岭土"),
            firm(2, "纯碱"),
            firm(3, "石英砂"),
            firm(4, "纯碱贸易"),
            firm(5, "芒硝"),
            firm(6, "橡胶"),
        ]
    )


def test_co_inputs_go_with_the_known_inputs_and_leave_them_out() -> None:
    est = UpstreamPredictor().fit(LINKS)
    got = est.co_inputs_of(["陶瓷"])
    assert [p.input for p in got] == ["纯碱", "芒硝"]  # a tie, by name; 石英砂 is known
    assert got[0].weight == 1.0
    source = got[0].sources[0]
    assert (source.product, source.via, source.similarity) == ("陶瓷", "玻璃", 0.0)
    assert [p.input for p in UpstreamPredictor(co_inputs=1).fit(LINKS).co_inputs_of(["陶瓷"])] == [
        "纯碱"
    ]


def test_an_input_known_for_any_product_of_the_buyer_is_left_out() -> None:
    est = UpstreamPredictor().fit([*LINKS, ChainLink(product="釉料", input="纯碱")])
    # 釉料 is far down the list, not a main line: its known input is still left out
    many = ["陶瓷", "砖", "瓦", "窑具", "砂浆", "混凝土", "石材", "涂料", "釉料"]
    assert [p.input for p in est.co_inputs_of(many)] == ["芒硝"]


def test_no_co_inputs_for_a_buyer_with_an_input_side_link_or_when_off() -> None:
    links = [*LINKS, ChainLink(product="陶瓷", input="长石", stated_by="input")]
    assert UpstreamPredictor().fit(links).co_inputs_of(["陶瓷"]) == []
    assert UpstreamPredictor(co_inputs=0).fit(LINKS).co_inputs_of(["陶瓷"]) == []
    assert UpstreamPredictor(input_side_products=0).fit(LINKS).co_inputs_of(["陶瓷"]) == []
    # a buyer none of whose main lines has known inputs has none
    assert UpstreamPredictor().fit(LINKS).co_inputs_of(["日用陶瓷"]) == []


def test_their_exact_makers_come_first(index: SupplierIndex) -> None:
    off = UpstreamPredictor(co_inputs=0).fit(LINKS)
    before = ids(off, index, ["陶瓷"])
    assert before[0] == 1  # the 高岭土 maker leads the ordinary ranking
    est = UpstreamPredictor().fit(LINKS)
    ranked = est.rank_suppliers(index, ["陶瓷"])
    got = [m.id for m in ranked]
    assert got[:2] == [2, 5]  # 纯碱, then 芒硝, by the inputs' rank
    first = ranked[0].paths[0]
    assert (first.buyer_product, first.input, first.supplier_product, first.via) == (
        "陶瓷",
        "纯碱",
        "纯碱",
        "玻璃",
    )
    # 纯碱贸易 answers 纯碱 only loosely: it is not lifted, and the others keep their order
    rest = [i for i in got if i not in (2, 5)]
    assert rest == [i for i in before if i not in (2, 5)]
    assert 6 not in got  # 橡胶 goes with nothing the buyer takes


def test_a_short_list_holds_them(index: SupplierIndex) -> None:
    est = UpstreamPredictor().fit(LINKS)
    assert ids(est, index, ["陶瓷"], k=1) == [2]
