"""Plain records for scheduling a matchmaking session (洽谈会).

Everything here is a frozen dataclass or an enum: plain data in, plain data out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum


class Preference(StrEnum):
    """One side's stated wish to meet the other side of a pair."""

    MUST = "must"
    WOULD = "would"
    NONE = "none"
    NO = "no"


class Reason(StrEnum):
    """Why a wanted pair has no meeting in the final schedule."""

    FORBIDDEN = "forbidden"
    BUYER_CAP_REACHED = "buyer_cap_reached"
    SME_CAP_REACHED = "sme_cap_reached"
    NO_COMMON_FREE_SLOT = "no_common_free_slot"
    NO_TABLE = "no_table"
    LOWER_VALUE = "lower_value"


@dataclass(frozen=True)
class Buyer:
    """A large firm (链主) holding one or more tables.

    Parameters
    ----------
    buyer_id : str
        Stable identifier.
    cap : int or None
        Most meetings in the session; ``None`` means only tables × free slots limit it.
    blocked_slots : frozenset of int
        Slots in which the buyer cannot meet anyone.
    """

    buyer_id: str
    cap: int | None = None
    blocked_slots: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Sme:
    """An SME (专精特新企业) rotating between tables.

    Parameters
    ----------
    sme_id : str
        Stable identifier.
    cap : int or None
        Most meetings in the session; ``None`` means only free slots limit it.
    blocked_slots : frozenset of int
        Slots in which the SME cannot meet anyone.
    """

    sme_id: str
    cap: int | None = None
    blocked_slots: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Table:
    """A table owned by one buyer; it hosts at most one meeting per slot."""

    table_id: str
    buyer_id: str


@dataclass(frozen=True)
class PairInfo:
    """Preferences and match score of one buyer–SME pair.

    Pairs not listed have no stated preference and score 0; they are never scheduled.
    """

    buyer_id: str
    sme_id: str
    buyer_pref: Preference = Preference.NONE
    sme_pref: Preference = Preference.NONE
    score: float = 0.0

    @property
    def forbidden(self) -> bool:
        """``True`` if either side said no."""
        return Preference.NO in (self.buyer_pref, self.sme_pref)

    @property
    def wanted(self) -> bool:
        """``True`` if either side said must or would (the pair may still be forbidden)."""
        return bool({self.buyer_pref, self.sme_pref} & {Preference.MUST, Preference.WOULD})


@dataclass(frozen=True)
class ValueWeights:
    """How a meeting's value is built.

    ``value = side(buyer_pref) + side(sme_pref) + mutual (if both sides want it)
    + score_weight * score``, where ``side(must) = must``, ``side(would) = would``
    and ``side(none) = 0``.  The defaults make one "must" worth more than any pair of
    "would"s plus score, so must ≫ would, and mutual interest counts more.

    Pairs nobody asked for are candidates only when ``score >= score_threshold``, except
    for coverage: an SME with no candidate pair at all gets its ``coverage_pairs`` best
    scored pairs (score above 0, nobody said no) as candidates, so "every SME meets someone
    where that is possible" holds for SMEs nobody asked for too.
    """

    must: float = 100.0
    would: float = 10.0
    mutual: float = 20.0
    score_weight: float = 10.0
    score_threshold: float = 0.8
    coverage_pairs: int = 3

    def value(self, pair: PairInfo) -> float:
        """Value of a meeting between the two sides of ``pair`` (0 if forbidden).

        Parameters
        ----------
        pair : PairInfo
            The pair.

        Returns
        -------
        float
            Value of the meeting.

        Examples
        --------
        >>> w = ValueWeights()
        >>> w.value(PairInfo("b", "s", Preference.MUST, Preference.WOULD, 0.5))
        135.0
        """
        if pair.forbidden:
            return 0.0
        side = {Preference.MUST: self.must, Preference.WOULD: self.would}
        v = side.get(pair.buyer_pref, 0.0) + side.get(pair.sme_pref, 0.0)
        if pair.buyer_pref in side and pair.sme_pref in side:
            v += self.mutual
        return v + self.score_weight * float(pair.score)

    def is_candidate(self, pair: PairInfo) -> bool:
        """``True`` if the pair may be scheduled: wanted or high score, and not forbidden."""
        if pair.forbidden:
            return False
        return pair.wanted or pair.score >= self.score_threshold


@dataclass(frozen=True)
class LockedMeeting:
    """A meeting fixed in advance (e.g. already published): kept exactly as given."""

    buyer_id: str
    sme_id: str
    slot: int
    table_id: str


@dataclass(frozen=True)
class ScheduleProblem:
    """One session to schedule.

    Parameters
    ----------
    num_slots : int
        Slots are ``0 .. num_slots - 1``.
    tables : tuple of Table
        Every table with its buyer.
    buyers, smes : tuple of Buyer, tuple of Sme
        Participants with caps and blocked slots.
    pairs : tuple of PairInfo
        Sparse list of pairs with preferences and scores.
    locked : tuple of LockedMeeting
        Meetings fixed in advance; they count toward caps.
    weights : ValueWeights
        Meeting values and the candidate-pair rule.
    """

    num_slots: int
    tables: tuple[Table, ...]
    buyers: tuple[Buyer, ...]
    smes: tuple[Sme, ...]
    pairs: tuple[PairInfo, ...]
    locked: tuple[LockedMeeting, ...] = ()
    weights: ValueWeights = field(default_factory=ValueWeights)


@dataclass(frozen=True)
class Meeting:
    """A scheduled meeting."""

    buyer_id: str
    sme_id: str
    slot: int
    table_id: str
    value: float
    locked: bool = False


@dataclass(frozen=True)
class LeftOut:
    """A wanted pair without a meeting, with a reason that holds in the final schedule."""

    buyer_id: str
    sme_id: str
    reason: Reason
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Schedule:
    """A previous schedule, for re-planning.

    Parameters
    ----------
    meetings : tuple of Meeting
        The meetings of the previous plan.
    published : frozenset of (buyer_id, sme_id) or None
        Pairs already published (kept fixed when re-planning); ``None`` means all of them.
    """

    meetings: tuple[Meeting, ...]
    published: frozenset[tuple[str, str]] | None = None

    def is_published(self, m: Meeting) -> bool:
        """``True`` if ``m`` was published (or locked) and must be kept when re-planning."""
        return m.locked or self.published is None or (m.buyer_id, m.sme_id) in self.published


@dataclass(frozen=True)
class ScheduleStats:
    """Diagnostics of one solve.

    ``coverage`` is the share of SMEs with at least one meeting; ``coverage_upper_bound`` the
    share the selection relaxation could cover.  ``gap`` is ``1 - objective / upper_bound``.
    ``upper_bound_value_only`` bounds the value of *any* schedule (coverage ignored); the
    result's ``upper_bound`` is the tighter bound on value among schedules covering the most
    SMEs whenever the result reaches that coverage.  ``optimal`` is ``True`` when the result
    provably attains the lexicographic (coverage, value) optimum.
    """

    solve_seconds: float
    method: str
    n_candidates: int
    n_meetings: int
    n_locked: int
    smes_covered: int
    coverage: float
    coverage_upper_bound: float
    gap: float
    upper_bound_value_only: float = float("inf")
    optimal: bool = False
    n_selected_first_round: int = 0
    n_unplaced_first_round: int = 0
    n_added_later: int = 0
    previous_dropped: int = 0
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScheduleResult:
    """Output of :func:`schedule_event` and :func:`greedy_schedule`."""

    meetings: tuple[Meeting, ...]
    left_out: tuple[LeftOut, ...]
    objective: float
    upper_bound: float
    stats: ScheduleStats

    def as_schedule(self) -> Schedule:
        """This result as a :class:`Schedule`, all meetings published."""
        return Schedule(self.meetings)


def ratio(objective: float, upper_bound: float) -> float:
    """``objective / upper_bound`` (1.0 when the bound is 0, NaN when it is not known)."""
    if not math.isfinite(upper_bound):
        return math.nan
    if upper_bound <= 0:
        return 1.0
    return objective / upper_bound
