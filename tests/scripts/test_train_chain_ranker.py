"""scripts/train_chain_ranker.py: the candidates' signals, the JSON model and its scoring."""

import json

import numpy as np
import pytest

from matching import ProductItem, ProfileRecord, SupplierIndex
from matching.upstream import UpstreamPredictor
from tests.scripts.loading import load_script


def _profile(pid: int, *products: str) -> ProfileRecord:
    return ProfileRecord(pid, f"企业{pid}", products=tuple(ProductItem(p, 0.5) for p in products))


def test_signals_say_where_the_input_came_from_and_how_the_product_answers_it() -> None:
    mod = load_script("train_chain_ranker")
    predictor = UpstreamPredictor().fit([("隔膜", "锂电池"), ("电解液", "锂电池")])
    index = SupplierIndex().fit(
        [_profile(1, "隔膜"), _profile(2, "锂电池隔膜"), _profile(3, "电解液"), _profile(9, "手机")]
    )
    buyer = [ProductItem("锂电池", 1.0)]
    found = mod.engine_candidates(predictor, index, buyer, 10, {9})
    x = mod.features_of(predictor, found, buyer)
    col = {f: i for i, f in enumerate(mod.FEATURES)}
    row = {m.id: x[i] for i, m in enumerate(found.matches)}
    assert set(row) == {1, 2, 3}
    assert all(
        r[col["origin_own"]] == 1.0 and r[col["origin_similar"]] == 0.0 for r in row.values()
    )
    assert row[1][col["match_exact"]] == 1.0
    assert row[1][col["match_subtype"]] == 0.0
    assert row[2][col["match_subtype"]] == 1.0
    assert row[2][col["match_exact"]] == 0.0
    assert row[1][col["log_makers_of_input"]] == pytest.approx(np.log1p(2))  # 1 and 2: 隔膜
    assert row[3][col["log_makers_of_input"]] == pytest.approx(np.log1p(1))
    assert list(x[:, col["log_rank"]]) == pytest.approx(np.log1p(np.arange(3)).tolist())


def test_exported_trees_score_as_the_classifier_and_survive_json() -> None:
    mod = load_script("train_chain_ranker")
    rng = np.random.default_rng(0)
    x = rng.random((600, len(mod.FEATURES)))
    y = (x[:, 0] + 0.3 * x[:, 5] + 0.1 * rng.random(600)) > 0.8
    ranker = mod.fit_trees(
        x, y, 0, max_iter=5
    )  # raises if its trees do not reproduce the classifier
    again = mod.ChainRanker.from_dict(json.loads(json.dumps(ranker.to_dict())))
    assert np.allclose(again.decision(x[:50]), ranker.decision(x[:50]))
    high, low = np.full((1, len(mod.FEATURES)), 0.9), np.full((1, len(mod.FEATURES)), 0.1)
    assert again.decision(high)[0] > again.decision(low)[0]


def test_a_model_of_other_features_is_refused() -> None:
    mod = load_script("train_chain_ranker")
    data = mod.fit_logistic(np.eye(len(mod.FEATURES)), np.arange(len(mod.FEATURES)) % 2 == 0)
    raw = data.to_dict()
    raw["features"] = list(reversed(raw["features"]))
    with pytest.raises(ValueError, match="features"):
        mod.ChainRanker.from_dict(raw)


def test_positives_missing_from_the_candidates_count_against_recall() -> None:
    mod = load_script("train_chain_ranker")
    example = mod.Example("b", np.zeros((3, len(mod.FEATURES))), np.array([False, True, False]), 2)
    got = mod.evaluate([example], None)
    assert got["recall@50"] == 0.5
