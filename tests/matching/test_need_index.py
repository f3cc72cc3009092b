"""The opportunity feed: needs ranked for a supplier."""

import random
from datetime import date

import pytest
from sklearn.exceptions import NotFittedError

from matching import CertificationItem, NeedIndex, NeedRecord, ProductItem, ProfileRecord

TODAY = date(2025, 6, 1)


def supplier(*products: str, **kw: object) -> ProfileRecord:
    return ProfileRecord(1, "甲", tuple(ProductItem(p, 0.5) for p in products), **kw)  # type: ignore[arg-type]


def test_opportunities_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        NeedIndex().opportunities(supplier("隔膜"))


def test_needs_wanting_what_the_supplier_makes_rank_first() -> None:
    index = NeedIndex().fit(
        [
            NeedRecord(1, "采购电池"),  # more general than 锂电池: still a fit
            NeedRecord(2, "采购锂电池"),
            NeedRecord(3, "采购轮胎"),
            NeedRecord(4, "采购正极材料", application="锂电池"),  # would be a competitor
            NeedRecord(5, "采购PCB", "我司锂电池产线需要采购PCB"),
        ]
    )
    found = index.opportunities(supplier("锂电池"), today=TODAY)
    assert [m.id for m in found] == [2, 1]
    assert found[0].reasons.matched_products == (("锂电池", "锂电池"),)


def test_expired_needs_and_missing_certifications_are_left_out() -> None:
    index = NeedIndex().fit(
        [
            NeedRecord(1, "采购隔膜", deadline=date(2025, 5, 31)),
            NeedRecord(2, "采购隔膜", deadline=TODAY),
            NeedRecord(3, "采购隔膜", required_certifications=("IATF 16949",)),
            NeedRecord(4, "采购隔膜", required_certifications=("ISO 9001",)),
        ]
    )
    holder = supplier("隔膜", certifications=(CertificationItem("ISO9001", TODAY),))
    found = index.opportunities(holder, today=TODAY)
    assert sorted(m.id for m in found) == [2, 4]
    assert next(m for m in found if m.id == 4).reasons.certifications_met == ("ISO 9001",)
    assert [m.id for m in index.opportunities(holder, today=date(2025, 6, 2))] == []


@pytest.mark.parametrize("n", [60, 1500])  # 1500: removals trigger a compaction
def test_add_update_remove_match_a_fresh_fit(n: int) -> None:
    rng = random.Random(n)
    words = ["锂电池", "隔膜", "铜箔", "PCB", "电池", "轮胎"]
    certs = [(), ("ISO 9001",), ("IATF 16949",)]

    def a_need(i: int) -> NeedRecord:
        return NeedRecord(
            i,
            "采购" + rng.choice(words),
            region_code=rng.choice(["440305", "110105", None]),
            required_certifications=rng.choice(certs),
            preferred_regions=rng.choice([(), ("440000",)]),
        )

    needs = {i: a_need(i) for i in range(n)}
    index = NeedIndex().fit(needs.values())
    for i in range(n, n + n // 3):
        needs[i] = a_need(i)
        index.add(needs[i])
    for i in rng.sample(sorted(needs), n // 2):
        index.remove(i)
        del needs[i]
    for i in list(needs)[: n // 6]:
        needs[i] = a_need(i)
        index.update(needs[i])
    fresh = NeedIndex().fit(sorted(needs.values(), key=lambda n: n.id))
    iso = (CertificationItem("ISO 9001", None),)
    for products in (["锂电池"], ["隔膜", "PCB"], ["轮胎"]):
        s = supplier(*products, region_code="440306", certifications=iso)
        got = [(m.id, round(m.score, 9)) for m in index.opportunities(s, k=100, today=TODAY)]
        want = [(m.id, round(m.score, 9)) for m in fresh.opportunities(s, k=100, today=TODAY)]
        assert got == want
        assert got
