"""Learning to re-rank a shortlist from what buyers did, without overriding the rules.

Three pieces, all plain data:

- :func:`pair_features`: a small, stable feature vector per (need, supplier) pair, computed
  from a :class:`~matching.records.Match` alone (its engine score and its reasons), so it can
  be logged when a shortlist is shown and recomputed by anyone holding the match.
- :class:`PairwiseReranker`: a linear scorer fitted on pairs "this candidate got a better
  response than that one, for the same need" (a logistic regression on feature differences,
  RankSVM-style). Pairs inside one shortlist cancel most of the position bias a pointwise
  model would learn. Its state is a handful of floats: :meth:`PairwiseReranker.to_dict`
  and :meth:`PairwiseReranker.from_dict` round-trip it through JSON, never a pickle.
- :func:`rerank`: re-orders the engine's top candidates, which have passed every hard filter
  already, so a learned model can never bring in a filtered candidate; reasons stay the
  engine's. Profiles with few impressions get reserved slots (exploration), so a model that
  never saw them cannot starve them.
"""

from __future__ import annotations

import math
import platform
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple, Self

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted, validate_data

from matching.catalog import product_key
from matching.records import TIERS, Match
from matching.tokenize import char_ngrams

__all__ = [
    "ARTIFACT_FORMAT",
    "FEATURE_NAMES",
    "PairwiseReranker",
    "Ranked",
    "explore_positions",
    "pair_features",
    "rerank",
]

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

ARTIFACT_FORMAT = "xieshou.pairwise-reranker/1"


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


def _pairs(
    z: FloatArray, y: FloatArray, groups: npt.NDArray[Any], max_pairs: int, seed: int
) -> tuple[FloatArray, FloatArray]:
    """Differences ``z[i] - z[j]`` for ``y[i] > y[j]`` in one group, and their mirror images."""
    rng = np.random.default_rng(seed)
    diffs: list[FloatArray] = []
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        better = y[rows][:, None] > y[rows][None, :]
        i, j = np.nonzero(better)
        if i.size > max_pairs:
            keep = rng.choice(i.size, max_pairs, replace=False)
            i, j = i[keep], j[keep]
        if i.size:
            diffs.append(z[rows[i]] - z[rows[j]])
    if not diffs:
        return np.zeros((0, z.shape[1])), np.zeros(0)
    d = np.vstack(diffs)
    return np.vstack([d, -d]), np.concatenate([np.ones(len(d)), np.zeros(len(d))])


class PairwiseReranker(BaseEstimator):  # type: ignore[misc]
    """A linear re-ranker fitted on within-query preference pairs.

    Parameters
    ----------
    C
        Inverse L2 regularisation strength of the logistic regression.
    max_pairs_per_group
        At most this many preference pairs are drawn from one group (one need).
    random_state
        Seed of the pair sampling.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Weights on the standardised features.
    mean_, scale_ : ndarray of shape (n_features,)
        Standardisation learned from the training rows.
    n_features_in_ : int
        Number of features seen in :meth:`fit`.
    n_pairs_ : int
        Preference pairs the model was fitted on.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.9, 0.0], [0.8, 1.0], [0.7, 0.0], [0.6, 1.0]])
    >>> y = np.array([0, 1, 0, 1])  # the buyers liked the second feature, not the score
    >>> model = PairwiseReranker().fit(X, y, groups=np.array([1, 1, 2, 2]))
    >>> sorted(model.decision_function(X).argsort()[::-1][:2].tolist())
    [1, 3]
    """

    def __init__(
        self,
        C: float = 1.0,  # noqa: N803 (scikit-learn's name)
        *,
        max_pairs_per_group: int = 400,
        random_state: int = 0,
    ) -> None:
        self.C = C
        self.max_pairs_per_group = max_pairs_per_group
        self.random_state = random_state

    def fit(self, X: Any, y: Any, groups: Any) -> Self:  # noqa: N803
        """Fit on rows ``X`` with graded responses ``y`` (higher is better) per group.

        Parameters
        ----------
        X
            Array of shape (n_rows, n_features), e.g. rows of :func:`pair_features`.
        y
            Response per row: 0 shown without response, higher for better responses.
        groups
            Group (query) id per row; only rows of one group are compared.

        Returns
        -------
        PairwiseReranker
            ``self``.

        Raises
        ------
        ValueError
            If no group holds two rows with different responses.
        """
        rows, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        groups = np.asarray(groups)
        if groups.shape != (rows.shape[0],):
            raise ValueError("groups must give one group id per row")
        self.mean_ = rows.mean(axis=0)
        scale = rows.std(axis=0)
        self.scale_ = np.where(scale > 1e-9, scale, 1.0)
        z = (rows - self.mean_) / self.scale_
        diffs, labels = _pairs(z, y, groups, self.max_pairs_per_group, self.random_state)
        if diffs.shape[0] == 0:
            raise ValueError("no preference pairs: every group has one response level only")
        model = LogisticRegression(C=self.C, fit_intercept=False, max_iter=1000)
        model.fit(diffs, labels)
        self.coef_ = model.coef_[0].astype(np.float64)
        self.n_pairs_ = diffs.shape[0] // 2
        return self

    def decision_function(self, X: Any) -> FloatArray:  # noqa: N803
        """Scores, higher is better (comparable within one group only)."""
        check_is_fitted(self)
        rows = validate_data(self, X, dtype=np.float64, reset=False)
        out: FloatArray = ((rows - self.mean_) / self.scale_) @ self.coef_
        return out

    def to_dict(self, *, feature_names: Sequence[str] = FEATURE_NAMES) -> dict[str, Any]:
        """The fitted model as plain JSON-able data, with the library versions."""
        check_is_fitted(self)
        if len(feature_names) != self.n_features_in_:
            raise ValueError("one feature name per feature")
        return {
            "format": ARTIFACT_FORMAT,
            "feature_names": list(feature_names),
            "coef": self.coef_.tolist(),
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "params": self.get_params(),
            "n_pairs": int(self.n_pairs_),
            "versions": {
                "python": platform.python_version(),
                "numpy": np.__version__,
                "scikit-learn": sklearn.__version__,
            },
        }

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, feature_names: Sequence[str] = FEATURE_NAMES
    ) -> PairwiseReranker:
        """Rebuild a model from :meth:`to_dict` output (plain numbers only, no code).

        Raises
        ------
        ValueError
            If the format or feature names differ, or an array has the wrong length.
        """
        if data.get("format") != ARTIFACT_FORMAT:
            raise ValueError(f"not a {ARTIFACT_FORMAT} artifact: {data.get('format')!r}")
        if list(data.get("feature_names", ())) != list(feature_names):
            raise ValueError("the artifact was trained on other features")
        params = {k: v for k, v in dict(data.get("params", {})).items() if k in cls().get_params()}
        model = cls(**params)
        arrays = {}
        for key in ("coef", "mean", "scale"):
            values = np.asarray(data[key], dtype=np.float64)
            if values.shape != (len(feature_names),) or not np.all(np.isfinite(values)):
                raise ValueError(f"{key}: expected {len(feature_names)} finite numbers")
            arrays[key] = values
        if np.any(arrays["scale"] <= 0):
            raise ValueError("scale: must be positive")
        model.coef_, model.mean_, model.scale_ = arrays["coef"], arrays["mean"], arrays["scale"]
        model.n_features_in_ = len(feature_names)
        model.n_pairs_ = int(data.get("n_pairs", 0))
        return model


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
