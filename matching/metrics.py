"""Ranking metrics with binary relevance (as the benchmark defines them)."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import TypeVar

__all__ = ["mrr", "ndcg_at_k", "recall_at_k"]

T = TypeVar("T")


def ndcg_at_k(ranked: Sequence[T], relevant: Collection[T], k: int = 10) -> float:
    """Binary NDCG@k, the ideal DCG taken over ``min(k, len(relevant))`` hits.

    Parameters
    ----------
    ranked
        Results, best first.
    relevant
        The relevant results.
    k
        Cut-off.

    Returns
    -------
    float
        In ``[0, 1]``; 0 when nothing is relevant.

    Examples
    --------
    >>> round(ndcg_at_k(["a", "b", "c"], {"b", "c"}, 10), 4)  # (1/log2 3 + 1/2)/(1 + 1/log2 3)
    0.6934
    """
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, x in enumerate(ranked[:k]) if x in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal


def recall_at_k(ranked: Sequence[T], relevant: Collection[T], k: int = 50) -> float:
    """Share of the relevant results found among the first ``k``.

    Examples
    --------
    >>> recall_at_k(["a", "b", "c"], {"c", "d"}, 2), recall_at_k(["a", "b", "c"], {"c", "d"}, 3)
    (0.0, 0.5)
    """
    if not relevant:
        return 0.0
    return sum(1 for x in ranked[:k] if x in relevant) / len(relevant)


def mrr(ranked: Sequence[T], relevant: Collection[T]) -> float:
    """Reciprocal rank of the first relevant result (0 if none).

    Examples
    --------
    >>> mrr(["a", "b", "c"], {"c"})
    0.3333333333333333
    """
    for i, x in enumerate(ranked):
        if x in relevant:
            return 1.0 / (i + 1)
    return 0.0
