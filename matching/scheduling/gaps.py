"""SMEs without a meeting: why, which free table-slots they could take, and filling them.

Coverage first means every SME gets a meeting where that is possible; an SME that still has
none after a run is never left out silently. :func:`unmet_smes` gives each one a reason and
the free table-slots it could take (the buyer's table free, both sides free and available in
that slot, caps not reached, nobody said no, the pair not met yet), best pair score first;
:func:`fill_unmet` places each of them at its best such place in one action.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from matching.scheduling.problem import LockedMeeting, Meeting, PairInfo, ScheduleProblem, Sme


class UnmetReason(StrEnum):
    """Why an SME has no meeting."""

    UNAVAILABLE = "unavailable"
    DECLINED = "declined"
    WANTED_FULL = "wanted_full"
    MATCHED_FULL = "matched_full"
    NO_COUNTERPART = "no_counterpart"


TEXTS: dict[UnmetReason, str] = {
    UnmetReason.UNAVAILABLE: "企业没有可用的时段（或洽谈上限为 0）",
    UnmetReason.DECLINED: "相关采购方与企业之间均有一方表示不洽谈",
    UnmetReason.WANTED_FULL: "想见的采购方在企业有空的时段均已排满（见未能安排的洽谈）",
    UnmetReason.MATCHED_FULL: "匹配的采购方在企业有空的时段均已排满",
    UnmetReason.NO_COUNTERPART: "没有表达意愿、也没有匹配的采购方",
}


@dataclass(frozen=True)
class FreePlace:
    """A free table-slot an SME could take: the buyer's table ``table_id`` in ``slot``."""

    buyer_id: str
    table_id: str
    slot: int
    score: float


@dataclass(frozen=True)
class Unmet:
    """An SME without a meeting, why, and where it could still sit (best first)."""

    sme_id: str
    reason: UnmetReason
    text_zh: str
    places: tuple[FreePlace, ...]


class _Occupancy:
    """Who sits where, from the meetings and the problem's locked meetings."""

    def __init__(self, problem: ScheduleProblem, meetings: Iterable[Meeting]) -> None:
        self.sme_busy: set[tuple[str, int]] = set()
        self.table_busy: set[tuple[str, int]] = set()
        self.pairs: set[tuple[str, str]] = set()
        self.count: dict[str, int] = {}
        seen: set[tuple[str, str, int, str]] = set()
        places: list[Meeting | LockedMeeting] = [*meetings, *problem.locked]
        for m in places:
            key = (m.buyer_id, m.sme_id, m.slot, m.table_id)
            if key not in seen:
                seen.add(key)
                self.add(m.buyer_id, m.sme_id, m.slot, m.table_id)

    def add(self, buyer_id: str, sme_id: str, slot: int, table_id: str) -> None:
        self.sme_busy.add((sme_id, slot))
        self.table_busy.add((table_id, slot))
        self.pairs.add((buyer_id, sme_id))
        self.count["b:" + buyer_id] = self.count.get("b:" + buyer_id, 0) + 1
        self.count["s:" + sme_id] = self.count.get("s:" + sme_id, 0) + 1


def _below(cap: int | None, n: int) -> bool:
    return cap is None or n < cap


def _places(
    problem: ScheduleProblem,
    occ: _Occupancy,
    sme: Sme,
    pairs: dict[tuple[str, str], PairInfo],
    met: Collection[tuple[str, str]],
) -> list[FreePlace]:
    sme_id = sme.sme_id
    if not _below(sme.cap, occ.count.get("s:" + sme_id, 0)):
        return []
    buyers = {b.buyer_id: b for b in problem.buyers}
    out: list[FreePlace] = []
    for table in problem.tables:
        buyer = buyers[table.buyer_id]
        key = (buyer.buyer_id, sme_id)
        info = pairs.get(key)
        if (info is not None and info.forbidden) or key in occ.pairs or key in met:
            continue
        if not _below(buyer.cap, occ.count.get("b:" + buyer.buyer_id, 0)):
            continue
        for k in range(problem.num_slots):
            if k in buyer.blocked_slots or k in sme.blocked_slots:
                continue
            if (sme_id, k) in occ.sme_busy or (table.table_id, k) in occ.table_busy:
                continue
            out.append(FreePlace(buyer.buyer_id, table.table_id, k, info.score if info else 0.0))
    out.sort(key=lambda p: (-p.score, p.slot, p.table_id))
    return out


def _reason(problem: ScheduleProblem, sme: Sme, pairs: Sequence[PairInfo]) -> UnmetReason:
    if sme.cap == 0 or len(sme.blocked_slots & set(range(problem.num_slots))) == problem.num_slots:
        return UnmetReason.UNAVAILABLE
    open_pairs = [p for p in pairs if not p.forbidden]
    if any(p.wanted for p in open_pairs):
        return UnmetReason.WANTED_FULL
    if any(p.score > 0 for p in open_pairs):
        return UnmetReason.MATCHED_FULL
    if pairs:
        return UnmetReason.DECLINED
    return UnmetReason.NO_COUNTERPART


def unmet_smes(
    problem: ScheduleProblem,
    meetings: Iterable[Meeting],
    *,
    met: Collection[tuple[str, str]] = (),
    limit: int = 20,
) -> list[Unmet]:
    """Every SME of ``problem`` without a meeting, with its reason and free places.

    Parameters
    ----------
    problem : ScheduleProblem
        The session (its locked meetings count as meetings).
    meetings : iterable of Meeting
        The current schedule.
    met : collection of (buyer_id, sme_id)
        Pairs that must not meet (again), e.g. the pairs of no-show meetings.
    limit : int
        Most free places listed per SME.

    Examples
    --------
    >>> from matching.scheduling import Buyer, ScheduleProblem, Sme, Table
    >>> p = ScheduleProblem(1, (Table("t", "b"),), (Buyer("b"),), (Sme("s"),), ())
    >>> [(u.sme_id, u.reason.value, [x.table_id for x in u.places]) for u in unmet_smes(p, [])]
    [('s', 'no_counterpart', ['t'])]
    """
    meetings = list(meetings)
    occ = _Occupancy(problem, meetings)
    by_sme: dict[str, list[PairInfo]] = {}
    for p in problem.pairs:
        by_sme.setdefault(p.sme_id, []).append(p)
    pairs = {(p.buyer_id, p.sme_id): p for p in problem.pairs}
    out: list[Unmet] = []
    for sme in problem.smes:
        if occ.count.get("s:" + sme.sme_id, 0) > 0:
            continue
        reason = _reason(problem, sme, by_sme.get(sme.sme_id, []))
        places = _places(problem, occ, sme, pairs, met)[:limit]
        out.append(Unmet(sme.sme_id, reason, TEXTS[reason], tuple(places)))
    return out


def fill_unmet(
    problem: ScheduleProblem,
    meetings: Iterable[Meeting],
    *,
    met: Collection[tuple[str, str]] = (),
    sme_ids: Collection[str] | None = None,
) -> list[Meeting]:
    """New meetings: each SME without one (or those in ``sme_ids``) at its best free place.

    SMEs with the fewest free places go first, so one with a single option is not crowded
    out by one with many. Returns only the new meetings; the given ones are untouched.

    Examples
    --------
    >>> from matching.scheduling import Buyer, ScheduleProblem, Sme, Table
    >>> p = ScheduleProblem(2, (Table("t", "b"),), (Buyer("b"),), (Sme("s1"), Sme("s2")), ())
    >>> [(m.sme_id, m.slot) for m in fill_unmet(p, [])]
    [('s1', 0), ('s2', 1)]
    """
    meetings = list(meetings)
    occ = _Occupancy(problem, meetings)
    pairs = {(p.buyer_id, p.sme_id): p for p in problem.pairs}
    todo = [
        u
        for u in unmet_smes(problem, meetings, met=met, limit=10**9)
        if sme_ids is None or u.sme_id in sme_ids
    ]
    todo.sort(key=lambda u: len(u.places))
    smes = {s.sme_id: s for s in problem.smes}
    new: list[Meeting] = []
    for u in todo:
        for place in _places(problem, occ, smes[u.sme_id], pairs, met):
            info = pairs.get((place.buyer_id, u.sme_id))
            value = problem.weights.value(info) if info is not None else 0.0
            occ.add(place.buyer_id, u.sme_id, place.slot, place.table_id)
            new.append(Meeting(place.buyer_id, u.sme_id, place.slot, place.table_id, value))
            break
    return new
