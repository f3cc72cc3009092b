"""ChainPlacer on synthetic chain maps whose right answers are known."""

import pytest
from sklearn.exceptions import NotFittedError

from matching.placement import ChainPlacer, NodeDoc, PlacementTerm

NODES = [
    NodeDoc(1, 10, "正极材料", ("磷酸铁锂", "三元正极材料", "钴酸锂"), ("正极",)),
    NodeDoc(2, 10, "隔膜", ("锂电池隔膜", "湿法隔膜"), ("隔膜",)),
    NodeDoc(3, 10, "动力电池", ("锂电池", "动力电池", "电芯"), ("电池",)),
    NodeDoc(4, 20, "硅片", ("单晶硅片", "多晶硅片"), ("硅片",)),
    NodeDoc(5, 20, "逆变器", ("光伏逆变器", "并网逆变器"), ("逆变器",)),
    NodeDoc(6, 30, "减速器", ("谐波减速器", "RV减速器"), ("减速器", "减速机")),
]


@pytest.fixture(scope="module")
def placer() -> ChainPlacer:
    return ChainPlacer().fit(NODES)


@pytest.mark.parametrize(
    ("term", "node"),
    [
        ("三元正极材料", 1),  # a listed product
        ("高镍三元正极材料", 1),  # a sub-type by the head word
        ("陶瓷涂覆隔膜", 2),
        ("储能锂电池", 3),
        ("N型单晶硅片", 4),
        ("组串式光伏逆变器", 5),
        ("行星减速机", 6),  # a keyword of the node
        ("锂电池隔膜销售", 2),  # the generic 销售 does not count
    ],
)
def test_a_term_lands_on_its_node_first(placer: ChainPlacer, term: str, node: int) -> None:
    placed = placer.place([PlacementTerm(term)])
    assert placed, term
    assert placed[0].node_id == node
    assert 0.0 <= placed[0].confidence <= 1.0
    assert placed[0].term == term


def test_unrelated_and_generic_terms_are_not_placed(placer: ChainPlacer) -> None:
    for term in ("月饼", "技术服务", "销售", "膏", ""):
        assert placer.place([PlacementTerm(term)]) == [], term


def test_the_head_word_decides_not_a_modifier(placer: ChainPlacer) -> None:
    """锂电池隔膜 is a separator (the head comes last), not a battery."""
    placed = placer.place([PlacementTerm("锂电池隔膜")])
    assert placed[0].node_id == 2
    assert all(p.node_id != 3 or p.confidence < placed[0].confidence for p in placed)


def test_weight_scales_confidence(placer: ChainPlacer) -> None:
    full = placer.place([PlacementTerm("谐波减速器", 1.0)])[0].confidence
    half = placer.place([PlacementTerm("谐波减速器", 0.5)])
    assert half == [] or half[0].confidence == pytest.approx(full * 0.5, abs=1e-3)


def test_a_subject_with_several_products_gets_several_nodes(placer: ChainPlacer) -> None:
    placed = placer.place([PlacementTerm("磷酸铁锂"), PlacementTerm("光伏逆变器")])
    assert {p.node_id for p in placed} == {1, 5}
    limited = ChainPlacer(max_nodes=1).fit(NODES)
    assert len(limited.place([PlacementTerm("磷酸铁锂"), PlacementTerm("光伏逆变器")])) == 1


def test_place_many_equals_place_one_by_one(placer: ChainPlacer) -> None:
    subjects = [[PlacementTerm("湿法隔膜")], [], [PlacementTerm("多晶硅片"), PlacementTerm("电芯")]]
    assert placer.place_many(subjects) == [placer.place(s) for s in subjects]


def test_unfitted_and_empty_fits_are_refused() -> None:
    with pytest.raises(NotFittedError):
        ChainPlacer().place([PlacementTerm("隔膜")])
    with pytest.raises(ValueError, match="at least one node"):
        ChainPlacer().fit([])
    assert ChainPlacer().get_params()["max_nodes"] == 3
