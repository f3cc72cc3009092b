"""Scheduling a session: choose meetings (flow), place them (edge colouring), explain the rest.

Pipeline of :func:`schedule_event`:

1. **Candidates.**  A pair is a candidate when nobody said no and it is wanted (must/would
   from either side) or its score reaches ``weights.score_threshold``; additionally, some
   slot must exist where the SME is available and free of locked meetings and a table of
   the buyer is too.  All other pairs are never scheduled.
2. **Upper bound (exact relaxation).**  Max-weight b-matching over candidates with
   capacities ``min(cap left, free slots)`` for SMEs and ``min(cap left, free table-slots)``
   for buyers, ignoring *which* slot — every feasible schedule is such a b-matching, so its
   optimum (plus locked meetings) bounds the objective.
3. **Selection (exact).**  Same b-matching with a coverage bonus larger than that bound for
   each SME's first meeting: lexicographic — most SMEs covered, then most value.
4. **Placement.**  Edge colouring of the chosen meetings (tables × SMEs, colours = slots)
   by alternating-path recolouring.  Exact (everything placed) when nothing is blocked or
   locked (König); with blocked slots some meetings may fail — heuristic part.
5. **Re-selection.**  Flow again on what is left (residual capacities, uncovered SMEs
   first), place, repeat; then a fill pass (best remaining pair first) ending with a direct
   pass so no left-out pair could still be added.
6. **Tiny instances** (``method="auto"``): when the result is not provably optimal and the
   CP-SAT model is small, CP-SAT (2 workers, time-limited) is run with the result as hint.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from matching.scheduling.exact import solve_exact
from matching.scheduling.explain import explain_left_out
from matching.scheduling.index import Instance, build_instance
from matching.scheduling.placement import Board
from matching.scheduling.problem import (
    LockedMeeting,
    Meeting,
    Schedule,
    ScheduleProblem,
    ScheduleResult,
    ScheduleStats,
)
from matching.scheduling.selection import SCALE, max_weight_b_matching, scaled

Method = Literal["auto", "flow", "cpsat"]

EXACT_MAX_VARS = 3_000
"""``method="auto"`` runs CP-SAT only if its model has at most this many variables."""

_BIG = 1 << 40


# ---------------------------------------------------------------------------- helpers
def _masks(board: Board) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """``sme_free[s, k]`` and ``buyer_free[b, k]`` (available and a table free)."""
    inst = board.inst
    sme_ok = np.array(inst.sme_ok, dtype=bool).reshape(inst.n_smes, inst.num_slots)
    sme_busy = np.array(board.sme_at, dtype=np.int64).reshape(inst.n_smes, inst.num_slots) >= 0
    buyer_ok = np.array(inst.buyer_ok, dtype=bool).reshape(inst.n_buyers, inst.num_slots)
    table_free = np.array(board.table_at, dtype=np.int64).reshape(-1, inst.num_slots) < 0
    has_table = np.zeros((inst.n_buyers, inst.num_slots), dtype=bool)
    if len(inst.table_buyer):
        np.logical_or.at(has_table, np.array(inst.table_buyer, dtype=np.int64), table_free)
    return sme_ok & ~sme_busy, buyer_ok & has_table


def _residual_caps(
    board: Board, sme_free: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    inst = board.inst
    table_slots = np.zeros(inst.n_buyers, dtype=np.int64)
    for b in range(inst.n_buyers):
        table_slots[b] = board.buyer_free_table_slots(b)
    bleft = np.array(
        [
            _BIG if c is None else c - n
            for c, n in zip(inst.buyer_cap, board.buyer_count, strict=True)
        ],
        dtype=np.int64,
    )
    sleft = np.array(
        [_BIG if c is None else c - n for c, n in zip(inst.sme_cap, board.sme_count, strict=True)],
        dtype=np.int64,
    )
    bcap = np.maximum(np.minimum(bleft, table_slots), 0)
    scap = np.maximum(np.minimum(sleft, sme_free.sum(axis=1).astype(np.int64)), 0)
    return bcap, scap


def _open_candidates(
    board: Board, cb: npt.NDArray[np.int64], cs: npt.NDArray[np.int64]
) -> npt.NDArray[np.bool_]:
    """Unscheduled candidates with a slot where the SME and a table of the buyer are free."""
    sme_free, buyer_free = _masks(board)
    if len(cb) == 0:
        return np.zeros(0, dtype=bool)
    common = (sme_free[cs] & buyer_free[cb]).any(axis=1)
    scheduled = np.array(
        [(b, s) in board.pair_edge for b, s in zip(cb.tolist(), cs.tolist(), strict=True)],
        dtype=bool,
    )
    return common & ~scheduled


def _lex(board: Board) -> tuple[int, int]:
    """(SMEs covered, scaled value) of the schedule on ``board``."""
    covered = sum(1 for n in board.sme_count if n > 0)
    vals = scaled([board.e_value[e] for e in board.alive_edges()])
    return covered, int(vals.sum())


def _previous_locks(
    problem: ScheduleProblem, previous: Schedule
) -> tuple[tuple[LockedMeeting, ...], int]:
    """Published meetings of ``previous`` still valid in ``problem`` (and how many were not)."""
    buyers = {b.buyer_id: b for b in problem.buyers}
    smes = {s.sme_id: s for s in problem.smes}
    tables = {t.table_id: t.buyer_id for t in problem.tables}
    forbidden = {(p.buyer_id, p.sme_id) for p in problem.pairs if p.forbidden}
    pairs = {(m.buyer_id, m.sme_id) for m in problem.locked}
    sme_busy = {(m.sme_id, m.slot) for m in problem.locked}
    table_busy = {(m.table_id, m.slot) for m in problem.locked}
    count: dict[str, int] = {}
    for lk in problem.locked:
        count["b:" + lk.buyer_id] = count.get("b:" + lk.buyer_id, 0) + 1
        count["s:" + lk.sme_id] = count.get("s:" + lk.sme_id, 0) + 1
    kept: list[LockedMeeting] = []
    dropped = 0
    for m in previous.meetings:
        if not previous.is_published(m):
            continue
        key = (m.buyer_id, m.sme_id)
        lm = LockedMeeting(m.buyer_id, m.sme_id, m.slot, m.table_id)
        if lm in problem.locked:
            continue
        b, s = buyers.get(m.buyer_id), smes.get(m.sme_id)
        ok = (
            b is not None
            and s is not None
            and tables.get(m.table_id) == m.buyer_id
            and 0 <= m.slot < problem.num_slots
            and m.slot not in b.blocked_slots
            and m.slot not in s.blocked_slots
            and key not in forbidden
            and key not in pairs
            and (m.sme_id, m.slot) not in sme_busy
            and (m.table_id, m.slot) not in table_busy
            and (b.cap is None or count.get("b:" + m.buyer_id, 0) < b.cap)
            and (s.cap is None or count.get("s:" + m.sme_id, 0) < s.cap)
        )
        if not ok:
            dropped += 1
            continue
        kept.append(lm)
        pairs.add(key)
        sme_busy.add((m.sme_id, m.slot))
        table_busy.add((m.table_id, m.slot))
        count["b:" + m.buyer_id] = count.get("b:" + m.buyer_id, 0) + 1
        count["s:" + m.sme_id] = count.get("s:" + m.sme_id, 0) + 1
    return tuple(kept), dropped


def _result(
    board: Board,
    *,
    t0: float,
    method: str,
    upper_bound: float,
    coverage_ub: int,
    upper_bound_lex: float = math.inf,
    optimal: bool = False,
    notes: tuple[str, ...] = (),
    n_selected: int = 0,
    n_unplaced: int = 0,
    n_added: int = 0,
    previous_dropped: int = 0,
) -> ScheduleResult:
    inst = board.inst
    edges = sorted(board.alive_edges(), key=lambda e: (board.e_k[e], inst.table_ids[board.e_t[e]]))
    meetings = tuple(
        Meeting(
            inst.buyer_ids[board.e_b[e]],
            inst.sme_ids[board.e_s[e]],
            board.e_k[e],
            inst.table_ids[board.e_t[e]],
            board.e_value[e],
            board.e_locked[e],
        )
        for e in edges
    )
    left_out = tuple(explain_left_out(board))
    objective = float(sum(m.value for m in meetings))
    covered = sum(1 for n in board.sme_count if n > 0)
    n_smes = max(inst.n_smes, 1)
    value_only = upper_bound
    if covered >= coverage_ub and math.isfinite(upper_bound_lex):
        upper_bound = min(upper_bound, upper_bound_lex)
    gap = 1.0 - objective / upper_bound if math.isfinite(upper_bound) and upper_bound > 0 else 0.0
    stats = ScheduleStats(
        solve_seconds=time.perf_counter() - t0,
        method=method,
        n_candidates=len(inst.cand_b),
        n_meetings=len(meetings),
        n_locked=sum(1 for m in meetings if m.locked),
        smes_covered=covered,
        coverage=covered / n_smes if inst.n_smes else 1.0,
        coverage_upper_bound=coverage_ub / n_smes if inst.n_smes else 1.0,
        gap=gap if math.isfinite(upper_bound) else math.nan,
        upper_bound_value_only=value_only,
        optimal=optimal,
        n_selected_first_round=n_selected,
        n_unplaced_first_round=n_unplaced,
        n_added_later=n_added,
        previous_dropped=previous_dropped,
        notes=notes,
    )
    return ScheduleResult(meetings, left_out, objective, upper_bound, stats)


# ---------------------------------------------------------------------------- pipeline
def _fill(board: Board, order: list[int], deadline: float, kempe_budget: int) -> int:
    inst = board.inst
    added = 0
    for c in order:
        if kempe_budget > 0 and time.perf_counter() > deadline:
            kempe_budget = 0
        if board.place(
            inst.cand_b[c], inst.cand_s[c], inst.cand_value[c], kempe_budget=kempe_budget
        ):
            added += 1
    return added


@dataclass
class _FlowOutcome:
    board: Board
    upper_bound: float  # value of any schedule
    upper_bound_lex: float  # value of schedules covering ``coverage_ub`` SMEs
    lex_bound: tuple[int, int]  # (SMEs covered, scaled value): the lexicographic optimum bound
    coverage_ub: int
    n_selected: int
    n_unplaced: int
    n_added: int


def _flow_pipeline(inst: Instance, deadline: float) -> _FlowOutcome:
    """Steps 2–5 of the module docstring."""
    board = Board(inst)
    cb = np.array(inst.cand_b, dtype=np.int64)
    cs = np.array(inst.cand_s, dtype=np.int64)
    w = scaled(inst.cand_value)
    locked_value = sum(v for *_, v in inst.locked)

    sme_free, buyer_free = _masks(board)
    open_ = _open_candidates(board, cb, cs)
    idx = np.flatnonzero(open_)
    bcap, scap = _residual_caps(board, sme_free)
    # 2. upper bound: value only
    _, ub_int = max_weight_b_matching(
        inst.n_buyers, inst.n_smes, cb[idx], cs[idx], w[idx], bcap, scap
    )
    slack = 0.5 * len(idx) / SCALE  # rounding of values to integer costs
    upper_bound = locked_value + ub_int / SCALE + slack
    # 3. selection: coverage first
    bonus = ub_int + 1
    uncovered = np.array(board.sme_count, dtype=np.int64) == 0
    chosen, lex_opt = max_weight_b_matching(
        inst.n_buyers, inst.n_smes, cb[idx], cs[idx], w[idx], bcap, scap, bonus, uncovered
    )
    sel = idx[chosen]
    n_selected = len(sel)
    pre_covered = int((~uncovered).sum())
    cover_gain = (lex_opt - int(w[sel].sum())) // bonus if bonus else 0
    coverage_ub = pre_covered + cover_gain
    locked_int = int(scaled([v for *_, v in inst.locked]).sum())
    lex_bound = (coverage_ub, locked_int + int(w[sel].sum()))
    # 4. placement: most constrained first, then highest value
    n_common = (sme_free[cs[sel]] & buyer_free[cb[sel]]).sum(axis=1)
    order = sorted(range(len(sel)), key=lambda i: (int(n_common[i]), -float(w[sel[i]])))
    failed = 0
    for i in order:
        c = int(sel[i])
        if not board.place(inst.cand_b[c], inst.cand_s[c], inst.cand_value[c], kempe_budget=256):
            failed += 1
    # 5. re-selection rounds on what is left
    added = 0
    for _ in range(3):
        if time.perf_counter() > deadline:
            break
        sme_free, _bf = _masks(board)
        idx = np.flatnonzero(_open_candidates(board, cb, cs))
        if len(idx) == 0:
            break
        bcap, scap = _residual_caps(board, sme_free)
        uncovered = np.array(board.sme_count, dtype=np.int64) == 0
        chosen, _ = max_weight_b_matching(
            inst.n_buyers, inst.n_smes, cb[idx], cs[idx], w[idx], bcap, scap, bonus, uncovered
        )
        sel = idx[chosen]
        got = _fill(board, sorted(sel.tolist(), key=lambda c: -inst.cand_value[c]), deadline, 64)
        added += got
        if got == 0:
            break
    # fill: uncovered SMEs first, then best value; finally a direct pass (maximality)
    rest = [c for c in range(len(cb)) if (inst.cand_b[c], inst.cand_s[c]) not in board.pair_edge]
    rest.sort(key=lambda c: (board.sme_count[inst.cand_s[c]] > 0, -inst.cand_value[c]))
    added += _fill(board, rest, deadline, 16)
    added += _fill(board, rest, deadline, 0)
    return _FlowOutcome(
        board=board,
        upper_bound=upper_bound,
        upper_bound_lex=locked_value + (lex_bound[1] - locked_int) / SCALE + slack,
        lex_bound=lex_bound,
        coverage_ub=coverage_ub,
        n_selected=n_selected,
        n_unplaced=failed,
        n_added=added,
    )


def schedule_event(
    problem: ScheduleProblem,
    *,
    time_limit_s: float = 60.0,
    previous: Schedule | None = None,
    replan_all: bool = False,
    method: Method = "auto",
) -> ScheduleResult:
    """Choose and place the meetings of one session.

    Parameters
    ----------
    problem : ScheduleProblem
        Slots, tables, participants, pair preferences and scores, locked meetings.
    time_limit_s : float
        Soft wall-clock budget; the flow steps always finish, recolouring and CP-SAT stop.
    previous : Schedule, optional
        An earlier plan: its published meetings are kept fixed (when still valid — both
        participants present, not blocked, pair not forbidden, no clash) and only new
        meetings are placed around them.
    replan_all : bool
        Ignore ``previous`` and plan everything anew (``problem.locked`` still holds).
    method : {"auto", "flow", "cpsat"}
        ``"flow"``: flow + colouring only; ``"cpsat"``: exact CP-SAT model (tiny instances);
        ``"auto"``: flow, then CP-SAT if not provably optimal and the model is small.

    Returns
    -------
    ScheduleResult
        Meetings, explained left-out pairs, objective (sum of meeting values, locked
        included), upper bound (b-matching relaxation) and stats.

    Examples
    --------
    >>> from matching.scheduling import (
    ...     Buyer, PairInfo, Preference, ScheduleProblem, Sme, Table, schedule_event)
    >>> p = ScheduleProblem(
    ...     num_slots=2, tables=(Table("t1", "b1"),), buyers=(Buyer("b1"),),
    ...     smes=(Sme("s1"), Sme("s2")),
    ...     pairs=(PairInfo("b1", "s1", sme_pref=Preference.MUST),
    ...            PairInfo("b1", "s2", sme_pref=Preference.WOULD)))
    >>> r = schedule_event(p)
    >>> sorted((m.sme_id, m.slot) for m in r.meetings)
    [('s1', 0), ('s2', 1)]
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit_s
    extra: tuple[LockedMeeting, ...] = ()
    dropped = 0
    if previous is not None and not replan_all:
        extra, dropped = _previous_locks(problem, previous)
    inst = build_instance(problem, extra)
    notes: list[str] = []
    if dropped:
        notes.append(f"{dropped} published meeting(s) no longer valid and dropped")

    if method == "cpsat":
        board, optimal = solve_exact(inst, time_limit_s=max(deadline - time.perf_counter(), 0.1))
        _fill(board, list(range(len(inst.cand_b))), deadline, 0)
        fo = _flow_pipeline(inst, deadline)
        return _result(
            board,
            t0=t0,
            method="cpsat" + ("" if optimal else "-feasible"),
            upper_bound=fo.upper_bound,
            upper_bound_lex=fo.upper_bound_lex,
            coverage_ub=fo.coverage_ub,
            optimal=optimal,
            previous_dropped=dropped,
            notes=tuple(notes),
        )

    fo = _flow_pipeline(inst, deadline)
    board = fo.board
    used = "flow"
    optimal = _lex(board) >= fo.lex_bound
    if (
        method == "auto"
        and not optimal
        and _exact_size(inst) <= EXACT_MAX_VARS
        and time.perf_counter() < deadline
    ):
        cand, optimal = solve_exact(
            inst, time_limit_s=min(10.0, max(deadline - time.perf_counter(), 0.1)), hint=board
        )
        _fill(cand, list(range(len(inst.cand_b))), deadline, 0)
        if _lex(cand) > _lex(board):
            board = cand
        used = "flow+cpsat" + ("" if optimal else "-feasible")
    return _result(
        board,
        t0=t0,
        method=used,
        upper_bound=fo.upper_bound,
        upper_bound_lex=fo.upper_bound_lex,
        coverage_ub=fo.coverage_ub,
        optimal=optimal,
        notes=tuple(notes),
        n_selected=fo.n_selected,
        n_unplaced=fo.n_unplaced,
        n_added=fo.n_added,
        previous_dropped=dropped,
    )


def _exact_size(inst: Instance) -> int:
    tables = [len(t) for t in inst.buyer_tables]
    return sum(tables[b] for b in inst.cand_b) * inst.num_slots
