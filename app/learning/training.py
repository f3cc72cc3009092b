"""``xieshou train``: fit a re-ranker on logged shortlists and responses, promote it if better.

Data: every (need, profile) pair shown in an open need's shortlist to its firm, with the pair
features logged when it was first shown, and a graded response from the interactions:
``buyer.interested`` 1, ``sme.interested`` 0.5, a meeting of the two firms with outcome
意向 or 签约 1, a response to the need's challenge (揭榜) 1, its selection (遴选) 2 (summed; a
withdrawn mark counts no more, a decline is 0). One group per need.

Evaluation: a time split on the needs (by when each was first shown): the latest
``test_fraction`` of the needs with a response are held out. The candidate, fitted on the
earlier needs, and the current ranking (the active version, or the engine's own score when
none is active) are compared by NDCG@10 on the held-out needs. The candidate is promoted
only if it beats the current ranking by more than ``min_gain`` (default 0.005) on average
*and* the gain holds up under a paired bootstrap over the held-out needs (the 5th percentile
of the resampled mean gain is above zero): a few lucky needs do not promote a model. Either
way it is stored, refitted on all needs, with its metrics.

Caveat: the held-out responses were collected under the current ranking (position bias),
so the comparison leans towards the current ranking; a promotion is conservative.
"""

import json
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import ndcg_score
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.learning import registry
from app.models import CapabilityProfile, Impression, Interaction, SupplyNeed
from matching.rerank import FEATURE_NAMES, PairwiseReranker

GAIN_BUYER = 1.0
GAIN_SME = 0.5
GAIN_MEETING = 1.0
#: A response filed to the need's challenge: the SME did real work for this buyer.
GAIN_RESPONDED = 1.0
#: A response selected after review: the strongest word a buyer gives on a pair.
GAIN_SELECTED = 2.0
POSITIVE_OUTCOMES = frozenset({"intent", "signed"})
MIN_GAIN = 0.005
"""Default NDCG@10 margin a candidate must win by: smaller gains are within the noise of a
few hundred logged needs (see ``scripts/bench_learning.py``)."""


@dataclass
class Dataset:
    """Rows of shown pairs: features, graded responses, and the need (group) of each."""

    X: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    groups: npt.NDArray[np.int64]
    first_shown: dict[int, datetime] = field(default_factory=dict)
    n_impressions: int = 0
    n_interactions: int = 0

    @property
    def n_responses(self) -> int:
        """Shown pairs that got a positive response."""
        return int((self.y > 0).sum())


def load_dataset(session: Session) -> Dataset:
    """Join the impression and interaction logs into training rows."""
    first: dict[tuple[int, int], tuple[datetime, list[float]]] = {}
    n_impressions = 0
    rows = session.execute(
        select(
            Impression.need_id, Impression.profile_id, Impression.shown_at, Impression.features
        ).order_by(Impression.id)
    )
    for need_id, profile_id, shown_at, features in rows:
        n_impressions += 1
        if len(features) == len(FEATURE_NAMES) and (need_id, profile_id) not in first:
            first[(need_id, profile_id)] = (shown_at, features)
    marks: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    met: set[tuple[int, int]] = set()
    challenged: dict[tuple[int, int], float] = {}
    n_interactions = 0
    events = session.execute(
        select(
            Interaction.kind,
            Interaction.need_id,
            Interaction.profile_id,
            Interaction.buyer_organization_id,
            Interaction.sme_organization_id,
        ).order_by(Interaction.id)
    )
    for kind, mark_need, mark_profile, buyer_org, sme_org in events:
        n_interactions += 1
        head, _, value = kind.partition(".")
        if head in ("buyer", "sme") and mark_need is not None and mark_profile is not None:
            if value == "withdrawn":
                marks[(mark_need, mark_profile)].pop(head, None)
            else:
                marks[(mark_need, mark_profile)][head] = value
        elif head == "meeting" and value in POSITIVE_OUTCOMES and buyer_org and sme_org:
            met.add((buyer_org, sme_org))
        elif head == "challenge" and mark_need is not None and mark_profile is not None:
            earned = GAIN_SELECTED if value == "selected" else GAIN_RESPONDED
            pair = (mark_need, mark_profile)
            challenged[pair] = max(challenged.get(pair, 0.0), earned)
    need_org, profile_org = _organizations(session, first) if met else ({}, {})
    rows_x, y, groups = [], [], []
    first_shown: dict[int, datetime] = {}
    for (need_id, profile_id), (shown_at, features) in first.items():
        mark = marks.get((need_id, profile_id), {})
        gain = GAIN_BUYER * (mark.get("buyer") == "interested")
        gain += GAIN_SME * (mark.get("sme") == "interested")
        orgs = (need_org.get(need_id), profile_org.get(profile_id))
        gain += GAIN_MEETING * (orgs in met)
        gain += challenged.get((need_id, profile_id), 0.0)
        rows_x.append(features)
        y.append(gain)
        groups.append(need_id)
        if need_id not in first_shown or shown_at < first_shown[need_id]:
            first_shown[need_id] = shown_at
    return Dataset(
        X=np.array(rows_x, dtype=np.float64).reshape(-1, len(FEATURE_NAMES)),
        y=np.array(y, dtype=np.float64),
        groups=np.array(groups, dtype=np.int64),
        first_shown=first_shown,
        n_impressions=n_impressions,
        n_interactions=n_interactions,
    )


def _organizations(
    session: Session, pairs: dict[tuple[int, int], Any]
) -> tuple[dict[int, int], dict[int, int]]:
    need_ids = sorted({n for n, _ in pairs})
    profile_ids = sorted({p for _, p in pairs})
    needs: dict[int, int] = {}
    profiles: dict[int, int] = {}
    for i in range(0, len(need_ids), 900):
        chunk = need_ids[i : i + 900]
        needs.update(
            session.execute(
                select(SupplyNeed.id, SupplyNeed.organization_id).where(SupplyNeed.id.in_(chunk))
            ).all()
        )
    for i in range(0, len(profile_ids), 900):
        chunk = profile_ids[i : i + 900]
        profiles.update(
            session.execute(
                select(CapabilityProfile.id, CapabilityProfile.organization_id).where(
                    CapabilityProfile.id.in_(chunk)
                )
            ).all()
        )
    return needs, profiles


def group_ndcg(
    scores: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    groups: npt.NDArray[np.int64],
    k: int = 10,
) -> npt.NDArray[np.float64]:
    """Graded NDCG@k of each group, in ``np.unique(groups)`` order (ties averaged)."""
    return np.array(
        [
            ndcg_score(y[groups == g][None, :], scores[groups == g][None, :], k=k)
            for g in np.unique(groups)
        ],
        dtype=np.float64,
    )


def mean_ndcg(
    scores: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    groups: npt.NDArray[np.int64],
    k: int = 10,
) -> float:
    """Mean graded NDCG@k over the groups (ties in ``scores`` averaged, as scikit-learn does)."""
    values = group_ndcg(scores, y, groups, k)
    return float(values.mean()) if values.size else 0.0


BOOTSTRAP_SAMPLES = 2000


def gain_lower_bound(
    candidate: npt.NDArray[np.float64], current: npt.NDArray[np.float64], *, seed: int = 0
) -> float:
    """5th percentile of the mean per-need gain under a paired bootstrap over the needs.

    Above zero means the candidate's gain is not the luck of a few needs (one-sided, 95 %).

    >>> import numpy as np
    >>> gain_lower_bound(np.array([0.9, 0.8, 0.7]), np.array([0.5, 0.5, 0.5])) > 0
    True
    >>> gain_lower_bound(np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.1, 0.1])) < 0
    True
    """
    diff = candidate - current
    if diff.size == 0:
        return 0.0
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, diff.size, size=(BOOTSTRAP_SAMPLES, diff.size))
    return float(np.percentile(diff[picks].mean(axis=1), 5))


@dataclass
class TrainReport:
    """What ``xieshou train`` did."""

    status: str  # promoted, rejected or skipped
    reason: str
    metrics: dict[str, Any]
    version_id: int | None = None

    def to_json(self) -> str:
        """One JSON line."""
        return json.dumps(
            {
                "status": self.status,
                "reason": self.reason,
                "version": self.version_id,
                **self.metrics,
            },
            ensure_ascii=False,
        )


@dataclass
class Comparison:
    """A candidate fitted on the earlier groups and both rankings' NDCG@10 on the later ones."""

    candidate: PairwiseReranker
    candidate_ndcg: float
    current_ndcg: float
    train_groups: int
    test_groups: list[int]
    gain_lower_bound: float = 0.0

    def better(self, min_gain: float = MIN_GAIN) -> bool:
        """Promote? A mean gain above ``min_gain`` that survives the paired bootstrap."""
        return self.candidate_ndcg > self.current_ndcg + min_gain and self.gain_lower_bound > 0


def compare_on_time_split(
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    groups: npt.NDArray[np.int64],
    chronological: list[int],
    current: Callable[[npt.NDArray[np.float64]], npt.NDArray[np.float64]] | None,
    *,
    test_fraction: float = 0.25,
    C: float = 1.0,  # noqa: N803 (scikit-learn's name)
) -> Comparison | str:
    """Hold out the latest groups with a response, fit on the rest, compare with ``current``.

    ``chronological`` lists the group ids oldest first; ``current`` scores rows the way the
    service ranks now (``None``: the engine's own score, column 0). Returns the comparison,
    or why there is none.
    """
    eligible = [g for g in chronological if _has_pairs(y[groups == g])]
    n_test = max(1, round(len(eligible) * test_fraction))
    if len(eligible) - n_test < 1:
        return f"only {len(eligible)} needs with a response"
    test_groups = eligible[-n_test:]
    test = np.isin(groups, test_groups)
    try:
        candidate = PairwiseReranker(C=C).fit(x[~test], y[~test], groups[~test])
    except ValueError as exc:
        return str(exc)
    now = current(x[test]) if current else x[test][:, 0]
    theirs = group_ndcg(now, y[test], groups[test])
    ours = group_ndcg(candidate.decision_function(x[test]), y[test], groups[test])
    return Comparison(
        candidate=candidate,
        candidate_ndcg=float(ours.mean()),
        current_ndcg=float(theirs.mean()),
        train_groups=len(eligible) - n_test,
        test_groups=test_groups,
        gain_lower_bound=gain_lower_bound(ours, theirs),
    )


def train(
    session: Session,
    *,
    min_interactions: int = 50,
    test_fraction: float = 0.25,
    min_gain: float = MIN_GAIN,
    C: float = 1.0,  # noqa: N803 (scikit-learn's name)
    step: Callable[[str], None] | None = None,
) -> TrainReport:
    """Fit, compare and store a re-ranker (see the module doc); flushes, does not commit."""
    say = step or (lambda _: None)
    say("loading impressions and interactions")
    data = load_dataset(session)
    metrics: dict[str, Any] = {
        "impressions": data.n_impressions,
        "interactions": data.n_interactions,
        "pairs": len(data.y),
        "responses": data.n_responses,
        "needs": len(data.first_shown),
    }
    if data.n_responses < min_interactions:
        return TrainReport(
            "skipped",
            f"{data.n_responses} shown pairs with a response, fewer than {min_interactions}",
            metrics,
        )
    chronological = sorted(data.first_shown, key=lambda g: (data.first_shown[g], g))
    current = registry.load_active(session)
    say("fitting on the earlier needs, holding out the latest")
    compared = compare_on_time_split(
        data.X,
        data.y,
        data.groups,
        chronological,
        current[1].decision_function if current else None,
        test_fraction=test_fraction,
        C=C,
    )
    if isinstance(compared, str):
        return TrainReport("skipped", compared, metrics)
    say(
        f"fitted on {compared.train_groups} needs; evaluated on the latest "
        f"{len(compared.test_groups)} against the current ranking"
    )
    promote = compared.better(min_gain)
    metrics |= {
        "train_needs": compared.train_groups,
        "test_needs": len(compared.test_groups),
        "split_at": min(data.first_shown[g] for g in compared.test_groups).isoformat(),
        "current": f"version {current[0]}" if current else "engine",
        "ndcg@10": {
            "candidate": round(compared.candidate_ndcg, 4),
            "current": round(compared.current_ndcg, 4),
        },
        "min_gain": min_gain,
        "gain_lower_bound": round(compared.gain_lower_bound, 4),
    }
    say("refitting on every need and storing")
    final = PairwiseReranker(C=C).fit(data.X, data.y, data.groups)
    version = registry.store(session, final.to_dict(), metrics, promote=promote)
    reason = (
        f"NDCG@10 {compared.candidate_ndcg:.4f} vs {compared.current_ndcg:.4f} "
        f"({metrics['current']}) on the {len(compared.test_groups)} latest needs"
    )
    return TrainReport("promoted" if promote else "rejected", reason, metrics, version.id)


def _has_pairs(y: npt.NDArray[np.float64]) -> bool:
    return y.size >= 2 and bool(y.max() > y.min())


def run_command(
    database_url: str,
    *,
    min_interactions: int,
    test_fraction: float,
    min_gain: float,
    C: float,  # noqa: N803
) -> int:
    """``xieshou train``: progress on stderr, the comparison as one JSON line on stdout."""
    from tqdm import tqdm

    from app.platform.db import make_engine, make_sessionmaker, session_scope

    engine = make_engine(database_url)
    try:
        with tqdm(total=4, desc="train", file=sys.stderr, leave=False) as bar:

            def step(message: str) -> None:
                bar.set_postfix_str(message)
                bar.update(1)
                print(message, file=sys.stderr)

            for session in session_scope(make_sessionmaker(engine)):
                report = train(
                    session,
                    min_interactions=min_interactions,
                    test_fraction=test_fraction,
                    min_gain=min_gain,
                    C=C,
                    step=step,
                )
        print(report.to_json())
        print(f"{report.status}: {report.reason}", file=sys.stderr)
    finally:
        engine.dispose()
    return 0
