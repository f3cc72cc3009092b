"""Exact CP-SAT model over pair × slot × table — for tiny instances and as a test reference.

Objective (integers, see :data:`~matching.scheduling.selection.SCALE`)::

    maximise  bonus * (#SMEs with ≥ 1 meeting) + sum(value of meetings)

with ``bonus`` larger than the sum of all candidate values, i.e. coverage first
(lexicographic), then value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from matching.scheduling.index import Instance
from matching.scheduling.placement import Board
from matching.scheduling.selection import scaled

if TYPE_CHECKING:
    from ortools.sat.python import cp_model


def solve_exact(
    inst: Instance, *, time_limit_s: float = 10.0, hint: Board | None = None
) -> tuple[Board, bool]:
    """Solve ``inst`` with CP-SAT.

    Parameters
    ----------
    inst : Instance
        The indexed problem (locked meetings included).
    time_limit_s : float
        CP-SAT time limit (2 workers).
    hint : Board, optional
        A schedule to start from.

    Returns
    -------
    board : Board
        The best schedule found (locked meetings plus chosen ones).
    optimal : bool
        ``True`` if CP-SAT proved optimality.
    """
    # OR-Tools takes a tenth of a second to import: loaded when a solve runs, not when a
    # worker starts.
    from ortools.sat.python import cp_model

    base = Board(inst)
    s_count = inst.num_slots
    model = cp_model.CpModel()
    values = scaled(inst.cand_value)
    bonus = int(values.sum()) + 1
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    by_pair: list[list[cp_model.IntVar]] = []
    by_sme_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_table_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    by_buyer: dict[int, list[cp_model.IntVar]] = {}
    by_sme: dict[int, list[cp_model.IntVar]] = {}
    obj: list[cp_model.LinearExprT] = []
    for c, (b, s) in enumerate(zip(inst.cand_b, inst.cand_s, strict=True)):
        vars_c: list[cp_model.IntVar] = []
        for k in range(s_count):
            if not base.sme_free(s, k) or not inst.buyer_ok[b][k]:
                continue
            for t in inst.buyer_tables[b]:
                if base.table_at[t][k] != -1:
                    continue
                v = model.new_bool_var(f"x{c}_{k}_{t}")
                x[(c, k, t)] = v
                vars_c.append(v)
                by_sme_slot.setdefault((s, k), []).append(v)
                by_table_slot.setdefault((t, k), []).append(v)
                by_buyer.setdefault(b, []).append(v)
                by_sme.setdefault(s, []).append(v)
                obj.append(int(values[c]) * v)
        by_pair.append(vars_c)
        if len(vars_c) > 1:
            model.add_at_most_one(vars_c)
    for group in (*by_sme_slot.values(), *by_table_slot.values()):
        if len(group) > 1:
            model.add_at_most_one(group)
    for b, vs in by_buyer.items():
        cap = inst.buyer_cap[b]
        if cap is not None:
            model.add(sum(vs) <= max(cap - base.buyer_count[b], 0))
    for s, vs in by_sme.items():
        cap = inst.sme_cap[s]
        if cap is not None:
            model.add(sum(vs) <= max(cap - base.sme_count[s], 0))
        if base.sme_count[s] == 0:
            cov = model.new_bool_var(f"cov{s}")
            model.add(cov <= sum(vs))
            obj.append(bonus * cov)
    model.maximize(sum(obj))
    if hint is not None:
        for (c, k, t), v in x.items():
            e = hint.pair_edge.get((inst.cand_b[c], inst.cand_s[c]))
            placed = e is not None and hint.e_k[e] == k and hint.e_t[e] == t
            model.add_hint(v, 1 if placed else 0)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = max(time_limit_s, 0.01)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return base, False
    for (c, k, t), v in x.items():
        if solver.boolean_value(v):
            placed = base.place_at(inst.cand_b[c], inst.cand_s[c], t, k, inst.cand_value[c])
            if not placed:
                raise RuntimeError("CP-SAT solution violates a constraint")
    return base, status == cp_model.OPTIMAL
