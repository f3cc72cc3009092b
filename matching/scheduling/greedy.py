"""Greedy baselines: best pair first, earliest slot where both sides and a table are free.

``coverage_first`` first gives each SME (fewest options first) its best placeable pair, then
goes on best pair first: the fair baseline for a scheduler that puts coverage first.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict

from matching.scheduling.index import build_instance
from matching.scheduling.placement import Board
from matching.scheduling.problem import ScheduleProblem, ScheduleResult
from matching.scheduling.solver import _result


def greedy_schedule(problem: ScheduleProblem, *, coverage_first: bool = False) -> ScheduleResult:
    """Schedule candidates in order of value, each in the earliest feasible slot.

    Locked meetings are kept.  No upper bound is computed (``upper_bound`` is ``inf``).

    Parameters
    ----------
    problem : ScheduleProblem
        The session.
    coverage_first : bool
        First place one meeting per SME (SMEs with the fewest candidates first, each its
        best pair that fits), then the remaining candidates best first.

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
    if coverage_first:
        by_sme: defaultdict[int, list[int]] = defaultdict(list)
        for c in order:
            by_sme[inst.cand_s[c]].append(c)
        for sme in sorted(by_sme, key=lambda s: (len(by_sme[s]), s)):
            for c in by_sme[sme]:
                if board.place(inst.cand_b[c], sme, inst.cand_value[c], kempe_budget=0):
                    break
    for c in order:
        board.place(inst.cand_b[c], inst.cand_s[c], inst.cand_value[c], kempe_budget=0)
    method = "greedy_coverage_first" if coverage_first else "greedy"
    return _result(board, t0=t0, method=method, upper_bound=math.inf, coverage_ub=0)
