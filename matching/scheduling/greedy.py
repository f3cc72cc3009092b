"""Greedy baseline: best pair first, earliest slot where both sides and a table are free."""

from __future__ import annotations

import math
import time

from matching.scheduling.index import build_instance
from matching.scheduling.placement import Board
from matching.scheduling.problem import ScheduleProblem, ScheduleResult
from matching.scheduling.solver import _result


def greedy_schedule(problem: ScheduleProblem) -> ScheduleResult:
    """Schedule candidates in order of value, each in the earliest feasible slot.

    Locked meetings are kept.  No upper bound is computed (``upper_bound`` is ``inf``).

    Parameters
    ----------
    problem : ScheduleProblem
        The session.

    Returns
    -------
    ScheduleResult
        The greedy schedule with explained left-out pairs.

    Examples
    --------
    >>> from matching.scheduling import Buyer, PairInfo, Preference, ScheduleProblem, Sme, Table
    >>> p = ScheduleProblem(1, (Table("t", "b"),), (Buyer("b"),), (Sme("s"),),
    ...                     (PairInfo("b", "s", Preference.WOULD),))
    >>> [(m.buyer_id, m.sme_id, m.slot) for m in greedy_schedule(p).meetings]
    [('b', 's', 0)]
    """
    t0 = time.perf_counter()
    inst = build_instance(problem)
    board = Board(inst)
    order = sorted(range(len(inst.cand_b)), key=lambda c: -inst.cand_value[c])
    for c in order:
        board.place(inst.cand_b[c], inst.cand_s[c], inst.cand_value[c], kempe_budget=0)
    return _result(board, t0=t0, method="greedy", upper_bound=math.inf, coverage_ub=0)
