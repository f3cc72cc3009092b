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

:func:`pair_features` and :func:`rerank` live in :mod:`matching.reorder` (no scikit-learn:
every shortlist uses them) and are re-exported here; this module, which imports
scikit-learn, is imported only where a model is trained or loaded.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping, Sequence
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted, validate_data

from matching.reorder import FEATURE_NAMES, Ranked, explore_positions, pair_features, rerank

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

ARTIFACT_FORMAT = "xieshou.pairwise-reranker/1"


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
