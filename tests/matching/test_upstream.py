"""The input predictor and upstream ranking, on small chain maps whose answers are known."""

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from matching import ProductItem, ProfileRecord, SupplierIndex
from matching.catalog import ChainLink, chain_links
from matching.upstream import UpstreamPredictor

LINKS = [
    ("隔膜", "锂电池"),
    ("电解液", "锂电池"),
    ("正极材料", "锂电池"),
    ("钢材", "汽车"),
    ("轮胎", "汽车"),
    ("天然橡胶", "轮胎"),
    ("石灰石", "水泥"),
]


def profile(pid: int, *products: str, **kw: object) -> ProfileRecord:
    return ProfileRecord(
        id=pid,
        name=f"企业{pid}",
        products=tuple(ProductItem(p, 0.5) for p in products),
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
def predictor() -> UpstreamPredictor:
    return UpstreamPredictor().fit(LINKS)


@pytest.fixture
def index() -> SupplierIndex:
    return SupplierIndex().fit(
        [
            profile(1, "锂电池隔膜"),
            profile(2, "电解液", region_code="440300"),
            profile(3, "钢材"),
            profile(4, "天然橡胶"),
            profile(5, "锂电池"),  # a competitor of a battery maker, not a supplier
            profile(6, "电解液", region_code="110000", tier="little_giant"),
        ]
    )


def test_predicting_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        UpstreamPredictor().predict_inputs(["锂电池"])


def test_fit_returns_self_and_stores_only_params_in_init() -> None:
    est = UpstreamPredictor(n_neighbors=5)
    assert est.get_params()["n_neighbors"] == 5
    assert not hasattr(est, "products_")
    assert est.fit(LINKS) is est
    assert est.n_links_ == len(LINKS)
    assert clone(est).get_params() == est.get_params()


def test_no_usable_links_is_an_error() -> None:
    with pytest.raises(ValueError, match="no usable chain links"):
        UpstreamPredictor().fit([("锂电池", "锂电池"), ("", "汽车")])


def test_a_node_gets_exactly_its_own_inputs(predictor: UpstreamPredictor) -> None:
    got = predictor.predict_inputs(["汽车"])
    assert {p.input for p in got} == {"钢材", "轮胎"}
    assert all(p.weight == 1.0 for p in got)
    assert all(s.via == "汽车" and s.similarity == 1.0 for p in got for s in p.sources)


def test_a_sub_type_inherits_the_inputs_of_its_head(predictor: UpstreamPredictor) -> None:
    got = {p.input: p for p in predictor.predict_inputs(["磷酸铁锂电池"])}
    assert set(got) == {"隔膜", "电解液", "正极材料"}
    assert {s.via for p in got.values() for s in p.sources} == {"锂电池"}
    assert all(s.product == "磷酸铁锂电池" for p in got.values() for s in p.sources)


def test_an_unrelated_product_predicts_nothing(predictor: UpstreamPredictor) -> None:
    assert predictor.predict_inputs(["软件开发服务"]) == []
    assert predictor.predict_inputs([]) == []


def test_inputs_named_by_more_and_bigger_products_weigh_more(predictor: UpstreamPredictor) -> None:
    got = predictor.predict_inputs(
        [ProductItem("汽车", 0.9), ProductItem("水泥", 0.05), ProductItem("平衡项目", 0.05)]
    )
    weights = {p.input: p.weight for p in got}
    assert weights["钢材"] == weights["轮胎"] == 1.0
    assert 0 < weights["石灰石"] < weights["钢材"]
    assert [p.input for p in got][-1] == "石灰石"


def test_max_inputs_caps_the_list() -> None:
    est = UpstreamPredictor(max_inputs=2).fit(LINKS)
    assert len(est.predict_inputs(["锂电池", "汽车"])) == 2


def test_links_may_be_chain_links_and_default_to_the_shipped_map() -> None:
    a = UpstreamPredictor().fit([ChainLink(product="汽车", input="钢材")])
    assert [p.input for p in a.predict_inputs(["汽车"])] == ["钢材"]
    shipped = UpstreamPredictor().fit()
    assert shipped.n_links_ == len({(link.input, link.product) for link in chain_links()})


def test_suppliers_of_inputs_rank_and_the_competitor_does_not(
    predictor: UpstreamPredictor, index: SupplierIndex
) -> None:
    ranked = predictor.rank_suppliers(index, ["磷酸铁锂电池"])
    assert {m.id for m in ranked} == {1, 2, 6}
    for m in ranked:
        assert m.paths
        for path in m.paths:
            assert path.buyer_product == "磷酸铁锂电池"
            assert path.via == "锂电池"
            assert path.input in {"隔膜", "电解液", "正极材料"}
            assert path.input in path.supplier_product


def test_the_buyer_is_excluded_and_filters_apply(
    predictor: UpstreamPredictor, index: SupplierIndex
) -> None:
    assert 2 not in {m.id for m in predictor.rank_suppliers(index, ["锂电池"], exclude={2})}
    near = predictor.rank_suppliers(index, ["锂电池"], region_prefix="44")
    assert [m.id for m in near] == [2]
    small = predictor.rank_suppliers(index, ["锂电池"], tier="little_giant")
    assert [m.id for m in small] == [6]
    assert predictor.rank_suppliers(index, ["锂电池"], min_score=1.01) == []
    assert len(predictor.rank_suppliers(index, ["锂电池"], k=1)) == 1


def test_nearness_to_the_buyer_breaks_ties(
    predictor: UpstreamPredictor, index: SupplierIndex
) -> None:
    centres = {"440300": (114.06, 22.54), "110000": (116.40, 39.90)}
    near_index = SupplierIndex(region_centres=centres).fit(
        [profile(2, "电解液", region_code="440300"), profile(6, "电解液", region_code="110000")]
    )
    ranked = predictor.rank_suppliers(near_index, ["锂电池"], region_code="440305")
    assert [m.id for m in ranked] == [2, 6]
    assert ranked[0].reasons.same_city
    assert ranked[0].reasons.distance_km is not None


def test_two_hops_are_not_taken(predictor: UpstreamPredictor, index: SupplierIndex) -> None:
    # 汽车 ← 轮胎 ← 天然橡胶: the rubber maker supplies the tyre maker, not the car maker
    assert 4 not in {m.id for m in predictor.rank_suppliers(index, ["汽车"])}
    assert 4 in {m.id for m in predictor.rank_suppliers(index, ["轮胎"])}


def test_updates_to_the_index_show_at_once(predictor: UpstreamPredictor) -> None:
    index = SupplierIndex().fit([profile(1, "钢材")])
    assert [m.id for m in predictor.rank_suppliers(index, ["汽车"])] == [1]
    index.add(profile(2, "子午线轮胎"))
    assert {m.id for m in predictor.rank_suppliers(index, ["汽车"])} == {1, 2}
    index.remove(1)
    assert [m.id for m in predictor.rank_suppliers(index, ["汽车"])] == [2]


def test_an_sme_making_more_of_the_inputs_ranks_higher(predictor: UpstreamPredictor) -> None:
    index = SupplierIndex().fit(
        [profile(1, "隔膜"), profile(2, "隔膜", "电解液"), profile(3, "电解液")]
    )
    ranked = predictor.rank_suppliers(index, ["锂电池"])
    assert ranked[0].id == 2
    assert ranked[0].score > ranked[1].score
    assert {p.input for p in ranked[0].paths} == {"隔膜", "电解液"}


def test_names_that_merely_mention_an_input_do_not_answer_it(
    predictor: UpstreamPredictor,
) -> None:
    index = SupplierIndex().fit([profile(1, "隔膜"), profile(2, "隔膜生产设备维修服务")])
    assert [m.id for m in predictor.rank_suppliers(index, ["锂电池"])] == [1]
    # known_inputs_depth=0: 隔膜 is a link the map has, which would move its maker behind
    loose = UpstreamPredictor(min_match_quality=0.0, known_inputs_depth=0).fit(LINKS)
    assert [m.id for m in loose.rank_suppliers(index, ["锂电池"])] == [1, 2]


def test_a_long_product_list_gives_what_its_parts_give(predictor: UpstreamPredictor) -> None:
    filler = [f"咨询服务{i}" for i in range(70)]  # more names than one look-up batch
    together = predictor.predict_inputs([*filler, "汽车", *filler, "水泥"])
    fresh = UpstreamPredictor().fit(LINKS)
    assert (
        {p.input for p in together}
        == {p.input for p in fresh.predict_inputs(["汽车", "水泥"])}
        == {"钢材", "轮胎", "石灰石"}
    )


def test_an_input_that_goes_with_the_predicted_ones_is_inferred() -> None:
    # 储能系统 takes 隔膜 and 电解液 as 锂电池 does, and 正极材料 too: the map lacks
    # 正极材料 → 锂电池, and the names share nothing, so only the inputs can tell.
    links = [
        ("隔膜", "锂电池"),
        ("电解液", "锂电池"),
        ("隔膜", "储能系统"),
        ("电解液", "储能系统"),
        ("正极材料", "储能系统"),
        ("水泥", "房屋"),
    ]
    got = {p.input: p for p in UpstreamPredictor().fit(links).predict_inputs(["锂电池"])}
    assert set(got) == {"隔膜", "电解液", "正极材料"}
    inferred = got["正极材料"]
    assert 0 < inferred.weight < got["隔膜"].weight == 1.0
    assert inferred.sources[0].product == "锂电池"
    assert inferred.sources[0].via == "储能系统"
    assert inferred.sources[0].similarity == 0.0
    off = UpstreamPredictor(cooccurrence_weight=0.0).fit(links).predict_inputs(["锂电池"])
    assert {p.input for p in off} == {"隔膜", "电解液"}


def test_the_inputs_known_for_a_node_keep_their_own_sources() -> None:
    # 钢材 and 轮胎 go together into 汽车 and 客车: each strengthens the other, and still
    # says it is an input of 汽车 itself.
    links = [("钢材", "汽车"), ("轮胎", "汽车"), ("钢材", "客车"), ("轮胎", "客车")]
    got = UpstreamPredictor().fit(links).predict_inputs(["汽车"])
    assert {p.input for p in got} == {"钢材", "轮胎"}
    assert all(s.via in {"汽车", "客车"} and s.similarity > 0 for p in got for s in p.sources)


def test_makers_of_other_inputs_come_up_between_makers_of_the_strongest() -> None:
    links = [("隔膜", "锂电池"), ("电解液", "锂电池"), ("隔膜", "储能电站")]
    index = SupplierIndex().fit(
        [profile(1, "隔膜"), profile(2, "隔膜"), profile(3, "隔膜"), profile(4, "电解液")]
    )
    buyer = ["锂电池", "储能电站"]

    def ranked(diversity: float) -> list[tuple[int, str]]:
        predictor = UpstreamPredictor(input_diversity=diversity).fit(links)
        return [(m.id, m.paths[0].input) for m in predictor.rank_suppliers(index, buyer)]

    plain = ranked(1.0)
    assert [i for _, i in plain] == ["隔膜", "隔膜", "隔膜", "电解液"]
    mixed = ranked(0.4)
    assert [i for _, i in mixed] == ["隔膜", "电解液", "隔膜", "隔膜"]
    assert sorted(mixed) == sorted(plain)  # the same SMEs, only re-ordered


def test_inputs_beyond_max_inputs_only_fill_in_below_the_main_ranking() -> None:
    # 锂电池 takes 隔膜 (named by both of the buyer's products) and 电解液 (by one): with room
    # for one input, 电解液 is a tail input, whose maker comes after the 隔膜 makers.
    links = [("隔膜", "锂电池"), ("电解液", "锂电池"), ("隔膜", "储能电站")]
    index = SupplierIndex().fit([profile(1, "隔膜"), profile(2, "隔膜"), profile(3, "电解液")])
    buyer = ["锂电池", "储能电站"]
    narrow = UpstreamPredictor(max_inputs=1, tail_inputs=0).fit(links)
    assert [p.input for p in narrow.predict_inputs(buyer)] == ["隔膜"]
    assert {m.id for m in narrow.rank_suppliers(index, buyer)} == {1, 2}
    tailed = UpstreamPredictor(max_inputs=1, tail_inputs=5).fit(links)
    assert [p.input for p in tailed.predict_inputs(buyer)] == ["隔膜"]  # the API's list
    ranked = tailed.rank_suppliers(index, buyer)
    assert [m.id for m in ranked][-1] == 3
    assert ranked[-1].paths[0].input == "电解液"
    assert ranked[-1].paths[0].buyer_product == "锂电池"
    assert ranked[-1].score < min(m.score for m in ranked[:-1])
    assert len(tailed.rank_suppliers(index, buyer, k=2)) == 2


def test_a_tail_makers_score_is_scaled_by_tail_weight() -> None:
    links = [("隔膜", "锂电池"), ("电解液", "锂电池"), ("隔膜", "储能电站")]
    index = SupplierIndex().fit([profile(1, "隔膜"), profile(3, "电解液")])
    buyer = ["锂电池", "储能电站"]

    def tail_score(weight: float) -> float:
        predictor = UpstreamPredictor(max_inputs=1, tail_weight=weight).fit(links)
        return next(m.score for m in predictor.rank_suppliers(index, buyer) if m.id == 3)

    assert tail_score(0.4) == pytest.approx(2 * tail_score(0.2))


def test_given_inputs_rank_as_predicted_ones_and_the_tail_skips_them() -> None:
    predictor = UpstreamPredictor().fit(chain_links())
    index = SupplierIndex().fit(
        [profile(i, name) for i, name in enumerate(["隔膜", "电解液", "铜箔", "铝箔", "钢材"])]
    )
    buyer = ["锂电池", "动力电池系统"]
    inputs = predictor.predict_inputs(buyer)
    given = predictor.rank_suppliers(index, buyer, inputs=inputs)
    assert [(m.id, m.score) for m in given] == [
        (m.id, m.score) for m in predictor.rank_suppliers(index, buyer)
    ]
    assert len({m.id for m in given}) == len(given)


def test_a_product_borrows_from_products_of_its_head_even_when_the_names_share_nothing_else() -> (
    None
):
    links = [("药物", "气雾剂"), ("辅料", "硬膏剂"), ("钢材", "汽车"), ("树脂", "ABC")]
    strict = {"min_similarity": 0.9}  # no n-gram neighbour qualifies: only the head can link
    with_heads = UpstreamPredictor(**strict).fit(links)  # type: ignore[arg-type]
    got = {p.input: p for p in with_heads.predict_inputs(["片剂"])}
    assert set(got) == {"药物", "辅料"}
    source = got["药物"].sources[0]
    assert (source.product, source.via, source.similarity) == ("片剂", "气雾剂", 0.2)
    assert with_heads.predict_inputs(["钢铁"]) == []  # 铁: no chain-map product ends in it
    assert with_heads.predict_inputs(["XBC"]) == []  # a Latin letter is no head
    off = UpstreamPredictor(head_neighbors=0, **strict).fit(links)  # type: ignore[arg-type]
    assert off.predict_inputs(["片剂"]) == []


def test_head_neighbors_keeps_the_most_similar_products_of_the_head() -> None:
    links = [("药物", "气雾剂"), ("辅料", "硬膏剂")]
    one = UpstreamPredictor(min_similarity=0.9, head_neighbors=1).fit(links)
    assert [p.input for p in one.predict_inputs(["软膏剂"])] == ["辅料"]  # 膏剂 in common
