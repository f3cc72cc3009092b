"""Re-ordering a shortlist: the features of a (need, supplier) pair and :func:`rerank`.

The part of :mod:`matching.rerank` every shortlist uses, with or without a learned model:
:func:`pair_features`, :func:`rerank` and :class:`Ranked`. It imports no scikit-learn, so a
process that answers shortlists without a trained model never imports it;
:class:`~matching.rerank.PairwiseReranker` (the model, a scikit-learn estimator) lives in
:mod:`matching.rerank`, which re-exports all of this.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matching.catalog import product_key
from matching.records import TIERS, Match
from matching.tokenize import char_ngrams

if TYPE_CHECKING:
    from matching.rerank import PairwiseReranker

__all__ = ["FEATURE_NAMES", "Ranked", "explore_positions", "pair_features", "rerank"]

FloatArray = npt.NDArray[np.float64]

FEATURE_NAMES: tuple[str, ...] = (
    "score",  # the engine's score in [0, 1]
    "matched_terms",  # wanted terms that matched a product (reasons keep ≤ 5), / 5
    "exact",  # the best matched product is the wanted term itself
    "subtype",  # … ends with the wanted term (a kind of it, by the head word)
    "contains",  # … contains the wanted term elsewhere
    "overlap",  # character-bigram Jaccard of the best (wanted, offered) pair
    "context_only",  # matched only an input of the application (weak context)
    "same_city",
    "same_province",
    "near",  # exp(-distance / 400 km); 0 when unknown
    "preferred_region",
    "tier",  # 0 none … 1 小巨人
    "shared_industry",
    "certifications_met",  # share of required certifications met (1 when none required)
)
"""The order of :func:`pair_features`; part of every artifact, checked on load."""


def _bigram_jaccard(a: str, b: str) -> float:
    x, y = set(char_ngrams(a, 2, 2)), set(char_ngrams(b, 2, 2))
    if not x or not y:
        return 1.0 if a == b and a else 0.0
    return len(x & y) / len(x | y)


def pair_features(match: Match) -> FloatArray:
    """The feature vector of one ranked pair, in the order of :data:`FEATURE_NAMES`.

    Examples
    --------
    >>> from matching.records import Match, Reasons
    >>> m = Match(1, 0.8, Reasons(matched_products=(("电池", "锂电池"),), same_city=True))
    >>> dict(zip(FEATURE_NAMES, pair_features(m).round(2).tolist()))["subtype"]
    1.0
    """
    r = match.reasons
    exact = subtype = contains = overlap = 0.0
    if r.matched_products:
        wanted, offered = (product_key(x) for x in r.matched_products[0])
        exact = float(wanted == offered)
        subtype = float(not exact and offered.endswith(wanted))
        contains = float(not exact and not subtype and wanted in offered)
        overlap = _bigram_jaccard(wanted, offered)
    required = len(r.certifications_met) + len(r.certifications_missing)
    tier = (TIERS.index(r.tier) + 1) / len(TIERS) if r.tier in TIERS else 0.0
    near = 0.0 if r.distance_km is None else math.exp(-r.distance_km / 400.0)
    return np.array(
        [
            match.score,
            len({w for w, _ in r.matched_products}) / 5.0,
            exact,
            subtype,
            contains,
            overlap,
            float(not r.matched_products and bool(r.context_products)),
            float(r.same_city),
            float(r.same_province),
            near,
            float(bool(r.in_preferred_region)),
            tier,
            float(bool(r.shared_industry_codes)),
            len(r.certifications_met) / required if required else 1.0,
        ],
        dtype=np.float64,
    )


class Ranked(NamedTuple):
    """One re-ranked result: the engine's match, its features, and whether it was explored.

    ``features`` is ``None`` when no model ranked the list (nothing needed them); read them
    with :meth:`pair_vector`, which computes them then.
    """

    match: Match
    features: FloatArray | None
    explored: bool

    def pair_vector(self) -> FloatArray:
        """The pair's :func:`pair_features`, as the model saw them or computed now."""
        return pair_features(self.match) if self.features is None else self.features


def explore_positions(k: int, slots: int) -> list[int]:
    """0-based positions reserved for exploration in a list of ``k``: spread, never first.

    At most one slot per 8 results (none in a list shorter than 8).

    Examples
    --------
    >>> explore_positions(20, 2), explore_positions(10, 2), explore_positions(5, 2)
    ([6, 12], [4], [])
    """
    n = min(slots, k // 8)
    return [round((i + 1) * k / (n + 1)) - 1 for i in range(n)]


def rerank(
    matches: Sequence[Match],
    k: int,
    *,
    model: PairwiseReranker | None = None,
    impressions: Mapping[int, int] | None = None,
    explore_slots: int = 2,
    new_below: int = 20,
) -> list[Ranked]:
    """Re-order the engine's candidates (best first, already filtered) and keep ``k``.

    Without a model the engine's order is kept as it is. With one, candidates are ordered by
    the model's score (ties by the engine's order); then up to ``explore_slots`` positions
    (see :func:`explore_positions`) go to the engine's best candidates outside the top ``k``
    that were shown fewer than ``new_below`` times (``impressions``: profile id → count).
    Nothing is added that the engine did not return, and each match keeps its reasons.

    Examples
    --------
    >>> from matching.records import Match
    >>> ms = [Match(i, 1 - i / 100) for i in range(30)]
    >>> [r.match.id for r in rerank(ms, 3)]
    [0, 1, 2]
    """
    if model is None or not matches:
        return [Ranked(m, None, False) for m in matches[:k]]
    features = [pair_features(m) for m in matches]
    scores = model.decision_function(np.vstack(features))
    order = sorted(range(len(matches)), key=lambda i: (-scores[i], i))
    top, rest = order[:k], order[k:]
    seen = impressions or {}
    newcomers = sorted(i for i in rest if seen.get(matches[i].id, 0) < new_below)
    explored: set[int] = set()
    for position, i in zip(
        explore_positions(min(k, len(order)), explore_slots), newcomers, strict=False
    ):
        top.insert(position, i)
        explored.add(i)
    kept = [i for i in top if i in explored] + [i for i in top if i not in explored]
    cut = set(kept[:k])  # explored first: a slot reserved for them is not given back
    return [Ranked(matches[i], features[i], i in explored) for i in top if i in cut]
