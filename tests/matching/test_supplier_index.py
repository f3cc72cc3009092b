"""The shortlist: hard filters, soft signals, incremental updates, truthful reasons."""

import math
import random
from datetime import date

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from matching import (
    CertificationItem,
    Match,
    NeedRecord,
    ProductItem,
    ProfileRecord,
    SupplierIndex,
)
from matching.geo import haversine_km

TODAY = date(2025, 6, 1)
CENTRES = {
    "440000": (113.280637, 23.125178),  # 广东
    "440300": (114.085947, 22.547),  # 深圳
    "440100": (113.280637, 23.125178),  # 广州
    "110000": (116.405285, 39.904989),  # 北京
    "310000": (121.472644, 31.231706),  # 上海
}


def profile(pid: int, *products: str, **kw: object) -> ProfileRecord:
    return ProfileRecord(
        id=pid,
        name=f"企业{pid}",
        products=tuple(ProductItem(p, 0.5) for p in products),
        **kw,  # type: ignore[arg-type]
    )


def need(*products: str, **kw: object) -> NeedRecord:
    title = kw.pop("title", "采购" + "、".join(products))
    return NeedRecord(id=1, title=str(title), products=tuple(products), **kw)  # type: ignore[arg-type]


def ids(matches: list[Match]) -> list[int]:
    return [m.id for m in matches]


def test_shortlist_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        SupplierIndex().shortlist(need("隔膜"))


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="already indexed"):
        SupplierIndex().fit([profile(1, "隔膜"), profile(1, "铜箔")])


def test_exact_product_before_sub_type_before_mere_mention() -> None:
    index = SupplierIndex().fit(
        [profile(1, "电池回收服务"), profile(2, "锂电池"), profile(3, "电池"), profile(4, "轮胎")]
    )
    assert ids(index.shortlist(need("电池"))) == [3, 2, 1]


def test_application_is_not_treated_as_wanted() -> None:
    index = SupplierIndex(application_context=False).fit(
        [profile(1, "锂电池"), profile(2, "锂电池隔膜"), profile(3, "储能系统")]
    )
    structured = index.shortlist(need("隔膜", application="锂电池"))
    assert ids(structured) == [2]
    free = index.shortlist(
        NeedRecord(2, "采购隔膜", "我司锂电池产线需要采购隔膜，请有能力的企业联系。")
    )
    assert ids(free) == [2]


def test_required_certification_is_a_hard_filter_with_expiry() -> None:
    index = SupplierIndex().fit(
        [
            profile(1, "PCB"),  # no certificate
            profile(2, "PCB", certifications=(CertificationItem("IATF 16949", date(2025, 5, 31)),)),
            profile(3, "PCB", certifications=(CertificationItem("IATF16949:2016", TODAY),)),
            profile(4, "PCB", certifications=(CertificationItem("iatf 16949", None),)),
            profile(5, "PCB", certifications=(CertificationItem("ISO 9001", None),)),
        ]
    )
    found = index.shortlist(need("PCB", required_certifications=("IATF 16949",)), today=TODAY)
    assert sorted(ids(found)) == [3, 4]
    assert all(m.reasons.certifications_met == ("IATF 16949",) for m in found)
    assert all(m.reasons.certifications_missing == () for m in found)
    # the day after profile 3's certificate expires, only profile 4 is left
    later = index.shortlist(
        need("PCB", required_certifications=("IATF 16949",)), today=date(2025, 6, 2)
    )
    assert ids(later) == [4]
    assert len(index.shortlist(need("PCB"), today=TODAY)) == 5


def test_region_orders_equals_same_city_then_province_then_distance() -> None:
    index = SupplierIndex(region_centres=CENTRES).fit(
        [
            profile(1, "隔膜", region_code="110105"),  # 北京
            profile(2, "隔膜", region_code="440106"),  # 广州: same province
            profile(3, "隔膜", region_code="440305"),  # 深圳: same city
            profile(4, "隔膜", region_code="310115"),  # 上海: nearer than 北京
            profile(5, "隔膜"),  # region unknown
        ]
    )
    found = index.shortlist(need("隔膜", region_code="440304"))
    assert ids(found) == [3, 2, 4, 1, 5]
    assert found[0].reasons.same_city
    assert found[0].reasons.same_province
    assert found[1].reasons.same_province
    assert not found[1].reasons.same_city
    assert found[4].reasons.distance_km is None


def test_region_prefix_filters_and_preferred_regions_rerank() -> None:
    index = SupplierIndex(region_centres=CENTRES).fit(
        [profile(1, "隔膜", region_code="110105"), profile(2, "隔膜", region_code="440305")]
    )
    assert ids(index.shortlist(need("隔膜"), region_prefix="44")) == [2]
    assert ids(index.shortlist(need("隔膜"), region_prefix="440000")) == [2]
    preferred = index.shortlist(need("隔膜", preferred_regions=("110000",)))
    assert ids(preferred) == [1, 2]
    assert preferred[0].reasons.in_preferred_region is True
    assert preferred[1].reasons.in_preferred_region is False


def test_little_giant_first_among_equals_and_tier_filter() -> None:
    index = SupplierIndex().fit(
        [
            profile(1, "隔膜", tier="innovative"),
            profile(2, "隔膜"),
            profile(3, "隔膜", tier="little_giant"),
            profile(4, "隔膜", tier="specialized"),
        ]
    )
    assert ids(index.shortlist(need("隔膜"))) == [3, 4, 1, 2]
    assert ids(index.shortlist(need("隔膜"), tier="specialized")) == [4]


def test_soft_signals_do_not_override_a_much_better_text_match() -> None:
    index = SupplierIndex(region_centres=CENTRES).fit(
        [
            profile(1, "隔膜", region_code="110105"),
            profile(2, "隔膜回收业务", region_code="440305", tier="little_giant"),
        ]
    )
    assert ids(index.shortlist(need("隔膜", region_code="440305"))) == [1, 2]


def test_k_and_min_score() -> None:
    index = SupplierIndex().fit(
        [profile(i, "隔膜") for i in range(30)] + [profile(99, "隔膜回收业务")]
    )
    assert len(index.shortlist(need("隔膜"), k=5)) == 5
    assert ids(index.shortlist(need("隔膜"), k=3)) == [0, 1, 2]  # ties broken by id
    top = index.shortlist(need("隔膜"), k=100)
    assert len(top) == 31
    assert all(0 < m.score <= 1 for m in top)
    cut = top[0].score - 1e-9
    assert 99 not in ids(index.shortlist(need("隔膜"), k=100, min_score=cut))


def test_reasons_are_truthful() -> None:
    catalog = [
        profile(
            1,
            "锂电池隔膜",
            "铜箔",
            region_code="440305",
            tier="little_giant",
            certifications=(CertificationItem("ISO 9001", None),),
            industry_codes=("3841",),
        ),
        profile(2, "隔膜", region_code="110105"),
    ]
    index = SupplierIndex(region_centres=CENTRES).fit(catalog)
    wanted = need(
        "隔膜",
        "铜箔",
        region_code="440106",
        required_certifications=("ISO 9001",),
        industry_codes=("3849",),
    )
    (match,) = index.shortlist(wanted)
    r = match.reasons
    offered = {p.name for p in catalog[0].products}
    assert r.matched_products
    assert all(w in wanted.products and o in offered for w, o in r.matched_products)
    assert ("铜箔", "铜箔") in r.matched_products
    assert ("隔膜", "锂电池隔膜") in r.matched_products
    assert r.certifications_met == ("ISO 9001",)
    assert r.tier == "little_giant"
    assert r.same_province
    assert not r.same_city
    assert r.distance_km == pytest.approx(
        haversine_km(CENTRES["440300"], CENTRES["440100"]), rel=1e-4
    )
    assert r.shared_industry_codes == ("38",)


def _random_catalog(rng: random.Random, n: int, start: int = 0) -> list[ProfileRecord]:
    vocab = ["锂电池", "隔膜", "铜箔", "电解液", "PCB", "多层PCB板", "轮胎", "电池回收服务", "电池"]
    regions = ["440305", "440106", "110105", None]
    tiers = [None, "innovative", "specialized", "little_giant"]
    return [
        profile(
            i,
            *rng.sample(vocab, rng.randint(1, 3)),
            region_code=rng.choice(regions),
            tier=rng.choice(tiers),
            certifications=(
                (CertificationItem("ISO 9001", date(2025, rng.randint(1, 12), 1)),)
                if rng.random() < 0.5
                else ()
            ),
        )
        for i in range(start, start + n)
    ]


QUERIES = [
    need("电池", region_code="440304"),
    need("PCB", required_certifications=("ISO 9001",)),
    need("隔膜", "铜箔", preferred_regions=("110000",)),
]


def _results(index: SupplierIndex) -> list[list[tuple[int, float]]]:
    return [
        [(m.id, round(m.score, 9)) for m in index.shortlist(q, k=50, today=TODAY)] for q in QUERIES
    ]


@pytest.mark.parametrize("n", [40, 1500])  # 1500: removals trigger a compaction
def test_add_update_remove_match_a_fresh_fit(n: int) -> None:
    rng = random.Random(n)
    base = _random_catalog(rng, n)
    index = SupplierIndex(region_centres=CENTRES).fit(base)
    products_store = index.products_
    current = {p.id: p for p in base}
    for p in _random_catalog(rng, n // 4, start=n):
        index.add(p)
        current[p.id] = p
    for pid in rng.sample(sorted(current), n // 3):
        index.remove(pid)
        del current[pid]
    for p in _random_catalog(rng, n // 5, start=0):
        if p.id in current or rng.random() < 0.5:
            index.update(p)
            current[p.id] = p
    assert index.products_ is products_store  # updated in place, not rebuilt
    assert index.n_profiles_ == len(current)
    fresh = SupplierIndex(region_centres=CENTRES).fit(sorted(current.values(), key=lambda p: p.id))
    assert _results(index) == _results(fresh)
    assert all(_results(fresh))


def test_remove_unknown_id_raises() -> None:
    index = SupplierIndex().fit([profile(1, "隔膜")])
    with pytest.raises(KeyError):
        index.remove(2)


def test_latin_code_need_matches_latin_code_product() -> None:
    index = SupplierIndex().fit(
        [profile(1, "多层PCB板"), profile(2, "MTBE"), profile(3, "5G基站天线")]
    )
    assert ids(index.shortlist(need("pcb"))) == [1]
    assert ids(index.shortlist(NeedRecord(2, "求购MTBE"))) == [2]
    assert ids(index.shortlist(need("5G"))) == [3]


def test_scores_are_finite_and_sorted() -> None:
    rng = random.Random(3)
    index = SupplierIndex(region_centres=CENTRES).fit(_random_catalog(rng, 200))
    for q in QUERIES:
        scores = [m.score for m in index.shortlist(q, k=200, today=TODAY)]
        assert scores == sorted(scores, reverse=True)
        assert all(math.isfinite(s) for s in scores)


def test_weak_application_context_is_reported_apart_from_what_was_wanted() -> None:
    # the shipped chain map lists ABS工程塑料 as an input of ABS安全帽
    index = SupplierIndex().fit(
        [profile(1, "ABS工程塑料"), profile(2, "安全帽衬垫"), profile(3, "ABS安全帽")]
    )
    found = index.shortlist(need("安全帽衬垫", application="ABS安全帽"))
    assert ids(found) == [2, 1]  # never 3: making the application is not supplying it
    assert found[0].reasons.matched_products == (("安全帽衬垫", "安全帽衬垫"),)
    assert found[1].reasons.matched_products == ()
    assert found[1].reasons.context_products == (("ABS工程塑料", "ABS工程塑料"),)
    assert found[1].score < found[0].score / 3


def test_sparse_and_dense_gathering_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    import matching.supplier_index as module

    index = SupplierIndex(region_centres=CENTRES).fit(_random_catalog(random.Random(9), 300))
    monkeypatch.setattr(module, "DENSE_SHARE", 0)  # always sort the hits
    sparse = _results(index)
    monkeypatch.setattr(module, "DENSE_SHARE", 10**9)  # always a catalog-sized array
    assert _results(index) == sparse
    assert all(sparse)


def test_combining_many_terms_by_sorting_or_scattering_equals_the_dense_way() -> None:
    from matching.query import WantedTerm
    from matching.supplier_index import (
        Evidence,
        _best_per_row_scattered,
        _best_per_row_sorted,
    )

    rng = random.Random(5)
    index = SupplierIndex().fit([profile(i, "钢材") for i in range(50)])
    for _ in range(20):
        evidence: list[Evidence] = []
        for t in range(rng.randint(1, 12)):
            rows = np.array([rng.randrange(50) for _ in range(rng.randint(1, 30))], dtype=np.int64)
            vals = np.array([rng.random() for _ in rows])
            evidence.append(Evidence(rows, vals, rows, WantedTerm(f"t{t}", 1.0, "products"), {}))
        dense = index._best_per_row_dense(evidence)
        for ranked in (_best_per_row_scattered(evidence, 50), _best_per_row_sorted(evidence)):
            assert dense[0].tolist() == ranked[0].tolist()
            assert np.allclose(dense[1], ranked[1])
            assert np.allclose(dense[2], ranked[2])
