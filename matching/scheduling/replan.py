"""The day's re-plan: freed tables go to the firms that are there.

When firms do not come (爽约), their tables and their counterparts' slots free up. The
re-plan offers them to the participants present — standby (候补) and walk-in (现场加入)
firms first of all, as they have no meeting yet and coverage comes first — and keeps
everything else as it is:

- every kept meeting (held, or published and not broken by an absence) stays exactly where
  it is (it becomes a locked meeting);
- an absent firm gets nothing new (all its slots are blocked, its pairs dropped);
- no pair meets twice: pairs that already have a meeting row, no-shows included, are dropped;
- new meetings only from ``from_slot`` on (the slots before it are over or under way);
- no one is in two meetings at once, no table hosts two (the scheduler's own invariants).

It is the same flow-and-colouring scheduler as a fresh plan, run on what is left, so it
reaches the same share of its bound.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace

from matching.scheduling.problem import LockedMeeting, ScheduleProblem, ScheduleResult
from matching.scheduling.solver import schedule_event


def replan_problem(
    problem: ScheduleProblem,
    kept: Sequence[LockedMeeting],
    *,
    absent: Collection[str] = (),
    met: Collection[tuple[str, str]] = (),
    from_slot: int = 0,
) -> ScheduleProblem:
    """``problem`` with ``kept`` locked, absent firms and earlier slots closed, met pairs out.

    ``absent`` holds buyer and SME ids; ``met`` the (buyer, SME) pairs that already have a
    meeting (kept or not: a no-show's pair does not meet again).
    """
    gone = set(absent)
    before = frozenset(range(min(max(from_slot, 0), problem.num_slots)))
    every = frozenset(range(problem.num_slots))
    already = set(problem.locked)
    own = {(m.buyer_id, m.sme_id) for m in kept}
    taken = own | set(met)
    return replace(
        problem,
        buyers=tuple(
            replace(b, blocked_slots=every if b.buyer_id in gone else b.blocked_slots | before)
            for b in problem.buyers
        ),
        smes=tuple(
            replace(s, blocked_slots=every if s.sme_id in gone else s.blocked_slots | before)
            for s in problem.smes
        ),
        # A kept meeting's own pair stays listed: it gives the locked meeting its value.
        pairs=tuple(
            p
            for p in problem.pairs
            if (p.buyer_id, p.sme_id) in own
            or (
                p.buyer_id not in gone
                and p.sme_id not in gone
                and (p.buyer_id, p.sme_id) not in taken
            )
        ),
        locked=(*problem.locked, *(m for m in kept if m not in already)),
    )


def replan(
    problem: ScheduleProblem,
    kept: Sequence[LockedMeeting],
    *,
    absent: Collection[str] = (),
    met: Collection[tuple[str, str]] = (),
    from_slot: int = 0,
    time_limit_s: float = 10.0,
) -> ScheduleResult:
    """Re-plan the day around ``kept`` meetings (see the module docstring).

    Returns the whole schedule: the kept meetings (``locked=True``) and the new ones.

    Examples
    --------
    >>> from matching.scheduling import Buyer, LockedMeeting, PairInfo, Preference, Sme, Table
    >>> p = ScheduleProblem(
    ...     2, (Table("t", "b"),), (Buyer("b"),), (Sme("gone"), Sme("standby")),
    ...     (PairInfo("b", "gone", Preference.MUST), PairInfo("b", "standby", Preference.WOULD)))
    >>> r = replan(p, [], absent={"gone"}, from_slot=1)
    >>> [(m.sme_id, m.slot) for m in r.meetings]
    [('standby', 1)]
    """
    planned = replan_problem(problem, kept, absent=absent, met=met, from_slot=from_slot)
    return schedule_event(planned, time_limit_s=time_limit_s, method="flow")
