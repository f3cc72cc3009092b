"""Fast tests of the matching library on small synthetic catalogs with known answers."""

from __future__ import annotations

import io
from datetime import date

import pytest

from matching.catalog import clean_products, profile_from_firm
from matching.geo import haversine_km, read_region_centres
from matching.index import NeedIndex, SupplierIndex
from matching.metrics import mrr, ndcg_at_k, recall_at_k
from matching.query import parse_need
from matching.records import CertificationItem, Match, NeedRecord, ProductItem, ProfileRecord
from matching.text import tokenize, units

TODAY = date(2025, 6, 1)
CENTRES = {
    "320000": (118.76, 32.06),
    "320500": (120.58, 31.30),
    "320100": (118.80, 32.06),
    "440000": (113.27, 23.13),
    "440300": (114.06, 22.54),
}


def prof(i: int, *products: str, **kw: object) -> ProfileRecord:
    return ProfileRecord(
        id=i,
        name=f"p{i}",
        products=tuple(ProductItem(p, 0.5) for p in products),
        **kw,  # type: ignore[arg-type]
    )


def ids(matches: list[Match]) -> list[int]:
    return [m.id for m in matches]


def test_cert_hard_filter_with_expiry() -> None:
    certs_ok = (CertificationItem("IATF 16949:2016", date(2026, 1, 1)),)
    certs_old = (CertificationItem("IATF16949", date(2024, 1, 1)),)
    idx = SupplierIndex().fit(
        [
            prof(1, "汽车轴承", certifications=certs_ok),
            prof(2, "汽车轴承", certifications=certs_old),
            prof(3, "汽车轴承"),
        ]
    )
    need = NeedRecord(id=1, title="采购轴承", required_certifications=("IATF 16949",))
    got = idx.shortlist(need, today=TODAY)
    assert ids(got) == [1]
    assert got[0].reasons.certifications_met == ("IATF 16949",)
    assert set(ids(idx.shortlist(need, today=date(2023, 1, 1)))) == {1, 2}


def test_application_is_not_wanted() -> None:
    idx = SupplierIndex().fit([prof(1, "电动工具"), prof(2, "锂电池"), prof(3, "电动工具配件")])
    need = NeedRecord(id=1, title="采购电池", products=("电池",), application="电动工具")
    assert ids(idx.shortlist(need)) == [2]
    free = NeedRecord(id=2, title="电池采购", description="我司电动工具产线需要采购电池，请联系。")
    assert ids(idx.shortlist(free))[0] == 2
    assert "电动工具" in parse_need(free).purpose


def test_region_then_tier_order_among_equals() -> None:
    profiles = [
        prof(1, "轴承", region_code="440305"),
        prof(2, "轴承", region_code="320102"),
        prof(3, "轴承", region_code="320506"),
        prof(4, "轴承", region_code="440305", tier="little_giant"),
    ]
    idx = SupplierIndex(region_centres=CENTRES).fit(profiles)
    got = idx.shortlist(NeedRecord(id=1, title="采购轴承", region_code="320508"))
    assert ids(got)[:2] == [3, 2]  # same city, then same province
    assert ids(got)[2:] == [4, 1]  # little giant first among equals
    assert got[0].reasons.same_city
    assert not got[1].reasons.same_city
    assert got[1].reasons.same_province
    assert got[2].reasons.distance_km is not None
    assert got[2].reasons.distance_km > 1000
    assert ids(idx.shortlist(NeedRecord(id=1, title="采购轴承"), region_prefix="44")) == [4, 1]
    assert ids(idx.shortlist(NeedRecord(id=1, title="采购轴承"), tier="little_giant")) == [4]


def _snapshot(idx: SupplierIndex, needs: list[NeedRecord]) -> list[list[tuple[int, float]]]:
    return [[(m.id, round(m.score, 5)) for m in idx.shortlist(n, k=10)] for n in needs]


def test_add_update_remove_equals_fresh_fit() -> None:
    base = [prof(i, p) for i, p in enumerate(["锂电池", "电池隔膜", "铅酸电池", "轮胎", "钢材"])]
    needs = [NeedRecord(id=1, title=f"采购{t}") for t in ("电池", "钢", "轮胎", "隔膜", "PCB")]
    idx = SupplierIndex().fit(base[:3])
    for p in base[3:]:
        idx.add(p)
    idx.add(prof(9, "PCB板"))
    idx.update(prof(0, "PCB"))
    idx.remove(9)
    want = [prof(0, "PCB"), *base[1:]]
    assert _snapshot(idx, needs) == _snapshot(SupplierIndex().fit(want), needs)
    with pytest.raises(ValueError, match="already"):
        idx.add(prof(1, "x"))
    with pytest.raises(KeyError):
        idx.remove(12345)


def test_many_adds_cross_merge_threshold() -> None:
    names = [f"产品{i}号" for i in range(700)]
    idx = SupplierIndex().fit([])
    for i, n in enumerate(names):
        idx.add(prof(i, n))
    fresh = SupplierIndex().fit([prof(i, n) for i, n in enumerate(names)])
    need = NeedRecord(id=1, title="采购产品7号")
    assert _snapshot(idx, [need]) == _snapshot(fresh, [need])
    assert ids(idx.shortlist(need))[0] == 7


def test_reasons_are_truthful() -> None:
    idx = SupplierIndex().fit([prof(1, "动力锂电池", "电机"), prof(2, "轮胎")])
    (m,) = idx.shortlist(NeedRecord(id=1, title="采购电池"))
    assert m.id == 1
    assert m.reasons.matched_products == (("电池", "动力锂电池"),)
    assert m.reasons.distance_km is None
    assert not m.reasons.same_city


def test_latin_codes_are_tokens() -> None:
    assert "IATF 16949" in tokenize("通过IATF 16949认证的PCB板")
    assert "PCB" in tokenize("通过IATF 16949认证的PCB板")
    assert units("5G基站MTBE") == ["5G", "基", "站", "MTBE"]
    idx = SupplierIndex().fit([prof(1, "PCB"), prof(2, "PC材料"), prof(3, "CB电缆")])
    assert ids(idx.shortlist(NeedRecord(id=1, title="采购ＰＣＢ")))[0] == 1


def test_noise_products_cleaned() -> None:
    raw: list[dict[str, object]] = [
        {"name": "平衡项目", "weight": 0.1},
        {"name": "分部间抵销", "weight": -0.2},
        {"name": "其他(补充)", "weight": 0.01},
        {"name": "其他业务", "weight": 0.01},
        {"name": "合计", "weight": 1.0},
        {"name": "内部抵消", "weight": 0.3},
        {"name": "锂 电池", "weight": 0.6},
        {"name": "ＬＥＤ显示屏", "weight": None},
        {"name": "其他电子设备", "weight": 0.02},
    ]
    got = clean_products(raw)
    assert [p.name for p in got] == ["锂电池", "LED显示屏", "其他电子设备"]
    assert got[1].weight is None
    p = profile_from_firm({"code": "1", "short_name": "甲", "products": raw}, 3)
    assert p.id == 3
    assert len(p.products) == 3


def test_metrics_by_hand() -> None:
    ranked = ["a", "x", "b", "y"]
    # DCG = 1 + 1/log2(4) = 1.5; ideal over 2 = 1 + 1/log2(3)
    assert ndcg_at_k(ranked, {"a", "b"}, 10) == pytest.approx(1.5 / (1 + 1 / 1.5849625007))
    assert ndcg_at_k(ranked, {"z"}, 10) == 0.0
    assert ndcg_at_k(["x", "a"], {"a"}, 1) == 0.0
    assert recall_at_k(ranked, {"b", "z"}, 3) == 0.5
    assert mrr(ranked, {"b"}) == pytest.approx(1 / 3)


def test_need_index_opportunities() -> None:
    needs = [
        NeedRecord(id=1, title="采购电池", region_code="320500"),
        NeedRecord(id=2, title="采购轮胎"),
        NeedRecord(id=3, title="采购电池", deadline=date(2024, 1, 1)),
        NeedRecord(id=4, title="采购锂电池", required_certifications=("ISO 9001",)),
        NeedRecord(id=5, title="采购电池", region_code="440300"),
    ]
    idx = NeedIndex(region_centres=CENTRES).fit(needs)
    p = prof(1, "锂电池", region_code="320506")
    assert ids(idx.opportunities(p, today=TODAY)) == [1, 5]
    certified = prof(1, "锂电池", certifications=(CertificationItem("ISO9001:2015", None),))
    assert ids(idx.opportunities(certified, today=TODAY))[0] == 4
    assert ids(idx.opportunities(p, today=TODAY, region_prefix="44")) == [5]
    idx.remove(5)
    idx.update(NeedRecord(id=2, title="电池采购"))
    assert set(ids(idx.opportunities(p, today=TODAY))) == {1, 2}


def test_geo() -> None:
    got = read_region_centres(
        io.StringIO("adcode,name,center_lng,center_lat\n320500,苏州,120.58,31.30\n")
    )
    assert got == {"320500": (120.58, 31.30)}
    assert haversine_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(111.2, abs=0.1)


def test_unfitted_raises() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SupplierIndex().shortlist(NeedRecord(id=1, title="x"))
