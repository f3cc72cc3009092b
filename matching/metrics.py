"""Ranking metrics with binary relevance."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import TypeVar

__all__ = ["mrr", "ndcg_at_k", "recall_at_k"]

T = TypeVar("T")


def ndcg_at_k(ranked: Sequence[T], relevant: Collection[T], k: int = 10) -> float:
    """Binary NDCG@k; the ideal DCG is over ``min(k, len(relevant))`` hits.

    Examples
    --------
    >>> round(ndcg_at_k(["a", "b"], {"b"}, 10), 4)
    0.6309
    """
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, x in enumerate(ranked[:k]) if x in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal


def recall_at_k(ranked: Sequence[T], relevant: Collection[T], k: int = 50) -> float:
    """Share of ``relevant`` found in the first ``k`` results.

    Examples
    --------
    >>> recall_at_k(["a", "b", "c"], {"c", "d"}, 2)
    0.0
    """
    if not relevant:
        return 0.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def mrr(ranked: Sequence[T], relevant: Collection[T]) -> float:
    """Reciprocal rank of the first relevant result (0 when none is ranked).

    Examples
    --------
    >>> mrr(["a", "b", "c"], {"c"})
    0.3333333333333333
    """
    for i, x in enumerate(ranked):
        if x in relevant:
            return 1.0 / (i + 1)
    return 0.0
