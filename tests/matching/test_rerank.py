"""The learned re-ranker: features, fitting, JSON artifacts, hard filters, exploration."""

import json
from datetime import date

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from matching import CertificationItem, Match, NeedRecord, ProductItem, ProfileRecord, SupplierIndex
from matching.records import Reasons
from matching.rerank import (
    FEATURE_NAMES,
    PairwiseReranker,
    explore_positions,
    pair_features,
    rerank,
)

TODAY = date(2025, 6, 1)
TIER = FEATURE_NAMES.index("tier")


def _groups(n_groups: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Synthetic shortlists: the engine score falls with position; buyers want tier ≥ 2/3."""
    rng = np.random.default_rng(seed)
    rows, ys, groups = [], [], []
    for g in range(n_groups):
        for position in range(size):
            x = rng.random(len(FEATURE_NAMES))
            x[0] = 1.0 - position / size
            x[TIER] = rng.choice([0.0, 1 / 3, 2 / 3, 1.0])
            rows.append(x)
            ys.append(float(x[TIER] >= 0.6))
            groups.append(g)
    return np.array(rows), np.array(ys), np.array(groups)


def test_features_have_the_documented_names_and_come_from_the_reasons() -> None:
    reasons = Reasons(
        matched_products=(("电池", "锂电池"),),
        certifications_met=("IATF 16949",),
        certifications_missing=(),
        distance_km=0.0,
        same_city=True,
        same_province=True,
        tier="little_giant",
        shared_industry_codes=("38",),
    )
    got = dict(zip(FEATURE_NAMES, pair_features(Match(7, 0.9, reasons)).tolist(), strict=True))
    assert got["score"] == 0.9
    assert (got["exact"], got["subtype"], got["contains"]) == (0.0, 1.0, 0.0)
    assert got["same_city"] == got["shared_industry"] == got["tier"] == got["near"] == 1.0
    assert got["certifications_met"] == 1.0
    assert got["preferred_region"] == 0.0
    bare = pair_features(Match(8, 0.1, Reasons(context_products=(("钢材", "钢板"),))))
    assert bare[FEATURE_NAMES.index("context_only")] == 1.0
    assert bare.shape == (len(FEATURE_NAMES),)


def test_predict_before_fit_raises() -> None:
    with pytest.raises(NotFittedError):
        PairwiseReranker().decision_function(np.zeros((1, len(FEATURE_NAMES))))


def test_fit_returns_self_and_learns_what_buyers_preferred() -> None:
    x, y, groups = _groups(30, 10, seed=1)
    model = PairwiseReranker()
    assert model.fit(x, y, groups) is model
    assert model.n_features_in_ == len(FEATURE_NAMES)
    assert int(np.argmax(model.coef_)) == TIER
    x2, y2, g2 = _groups(10, 10, seed=2)
    scores = model.decision_function(x2)
    for g in range(10):
        rows = g2 == g
        top = np.argsort(-scores[rows])[: int(y2[rows].sum())]
        assert y2[rows][top].all()


def test_fit_without_preference_pairs_is_refused() -> None:
    x = np.random.default_rng(0).random((6, len(FEATURE_NAMES)))
    with pytest.raises(ValueError, match="no preference pairs"):
        PairwiseReranker().fit(x, np.zeros(6), np.array([1, 1, 1, 2, 2, 2]))
    with pytest.raises(ValueError, match="one group id per row"):
        PairwiseReranker().fit(x, np.ones(6), np.array([1, 2]))


def test_artifact_round_trips_through_json_without_pickle() -> None:
    x, y, groups = _groups(10, 8, seed=3)
    model = PairwiseReranker(C=0.5).fit(x, y, groups)
    text = json.dumps(model.to_dict())
    assert "pickle" not in text
    loaded = PairwiseReranker.from_dict(json.loads(text))
    assert loaded.C == 0.5
    np.testing.assert_allclose(loaded.decision_function(x), model.decision_function(x))
    data = json.loads(text)
    assert data["versions"]["scikit-learn"]
    assert data["feature_names"] == list(FEATURE_NAMES)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "pickle"}, "not a"),
        ({"feature_names": ["score"]}, "other features"),
        ({"coef": [1.0]}, "coef"),
        ({"mean": [float("nan")] * len(FEATURE_NAMES)}, "mean"),
        ({"scale": [0.0] * len(FEATURE_NAMES)}, "scale"),
    ],
)
def test_a_bad_artifact_is_refused(change: dict[str, object], message: str) -> None:
    x, y, groups = _groups(5, 6, seed=4)
    data = PairwiseReranker().fit(x, y, groups).to_dict() | change
    with pytest.raises(ValueError, match=message):
        PairwiseReranker.from_dict(data)


def _tier_lover() -> PairwiseReranker:
    """A model that loves 小巨人 far more than text relevance."""
    x, y, groups = _groups(30, 10, seed=5)
    return PairwiseReranker().fit(x, y, groups)


def test_a_learned_model_never_brings_in_a_filtered_candidate() -> None:
    profiles = [
        ProfileRecord(
            i,
            f"企业{i}",
            (ProductItem("压力传感器", 0.5),),
            tier="little_giant" if i % 2 else None,
            certifications=(CertificationItem("IATF 16949", date(2030, 1, 1 + i % 20)),)
            if i % 3
            else (CertificationItem("IATF 16949", date(2020, 1, 1)),),
        )
        for i in range(60)
    ]
    index = SupplierIndex().fit(profiles)
    wanted = NeedRecord(1, "采购压力传感器", products=("压力传感器",))
    strict = NeedRecord(
        1, "采购压力传感器", products=("压力传感器",), required_certifications=("IATF 16949",)
    )
    allowed = {m.id for m in index.shortlist(strict, k=100, today=TODAY)}
    assert allowed
    assert len(allowed) < 60
    engine = index.shortlist(strict, k=50, today=TODAY)
    ranked = rerank(engine, 20, model=_tier_lover(), impressions={})
    assert {r.match.id for r in ranked} <= allowed
    by_id = {m.id: m for m in engine}
    assert all(r.match is by_id[r.match.id] for r in ranked), "reasons are the engine's own"
    learned_first = [
        r.match.id
        for r in rerank(
            index.shortlist(wanted, k=50, today=TODAY),
            10,
            model=_tier_lover(),
            impressions=dict.fromkeys(range(60), 99),
        )
    ]
    assert all(i % 2 for i in learned_first), "the model did re-order (小巨人 first)"


def test_without_a_model_the_engine_order_is_kept() -> None:
    matches = [Match(i, 1.0 - i / 100) for i in range(30)]
    assert [r.match.id for r in rerank(matches, 20)] == list(range(20))
    assert not any(r.explored for r in rerank(matches, 20))


def test_new_profiles_get_reserved_slots_and_seen_ones_do_not() -> None:
    reasons_giant = Reasons(matched_products=(("传感器", "传感器"),), tier="little_giant")
    plain = Reasons(matched_products=(("传感器", "传感器"),))
    # 40 well-known 小巨人 the model loves, then 10 plain profiles it ranks last
    matches = [Match(i, 0.9, reasons_giant) for i in range(40)]
    matches += [Match(100 + i, 0.95, plain) for i in range(10)]
    seen = {m.id: 50 for m in matches}
    seen[105] = 0  # a new profile
    ranked = rerank(matches, 20, model=_tier_lover(), impressions=seen)
    ids = [r.match.id for r in ranked]
    assert len(ids) == 20
    assert 105 in ids, "the new profile is shown"
    assert [r.match.id for r in ranked if r.explored] == [105]
    assert ids.index(105) in explore_positions(20, 2)
    assert not {100, 101, 102, 103, 104, 106} & set(ids), "seen profiles earn no slot"
    everyone_seen = rerank(
        matches, 20, model=_tier_lover(), impressions={m.id: 50 for m in matches}
    )
    assert not any(r.explored for r in everyone_seen)
