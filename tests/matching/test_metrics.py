"""Metrics, checked against hand-computed values."""

import math

import pytest

from matching.metrics import mrr, ndcg_at_k, recall_at_k


def test_ndcg_perfect_ranking_is_one() -> None:
    assert ndcg_at_k(["a", "b", "x"], {"a", "b"}) == pytest.approx(1.0)


def test_ndcg_hand_computed() -> None:
    # hits at ranks 2 and 3: DCG = 1/log2(3) + 1/log2(4); ideal over 2 hits = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 0.5) / (1 + 1 / math.log2(3))
    assert ndcg_at_k(["x", "a", "b"], {"a", "b"}) == pytest.approx(expected)


def test_ndcg_ideal_is_over_min_of_k_and_relevant() -> None:
    relevant = {f"r{i}" for i in range(15)}
    ranked = sorted(relevant)[:10]
    assert ndcg_at_k(ranked, relevant, 10) == pytest.approx(1.0)
    # one hit at rank 1 out of 15 relevant: 1 / sum_{i<10} 1/log2(i+2)
    ideal = sum(1 / math.log2(i + 2) for i in range(10))
    assert ndcg_at_k(["r0", "x"], relevant, 10) == pytest.approx(1 / ideal)


def test_ndcg_ignores_hits_after_k_and_empty_relevance() -> None:
    assert ndcg_at_k(["x"] * 10 + ["a"], {"a"}, 10) == 0.0
    assert ndcg_at_k(["a"], set(), 10) == 0.0


def test_recall_at_k() -> None:
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}, 2) == pytest.approx(0.25)
    assert recall_at_k(["a", "x", "b"], {"a", "b", "c", "d"}, 50) == pytest.approx(0.5)
    assert recall_at_k(["a"], set(), 50) == 0.0


def test_mrr() -> None:
    assert mrr(["x", "y", "a", "b"], {"a", "b"}) == pytest.approx(1 / 3)
    assert mrr(["x"], {"a"}) == 0.0
