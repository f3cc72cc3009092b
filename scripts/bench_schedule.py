"""Benchmark the session scheduler against the greedy baseline, and the day's re-plan.

Usage::

    .venv/bin/python scripts/bench_schedule.py [--sizes small,medium,large] [--seed 7]
    .venv/bin/python scripts/bench_schedule.py --replan [--sizes large] [--repeat 5]

Prints one JSON object per size on stdout; progress goes to stderr.

``--replan``: the day of the session. A fresh plan of the session, then 50 firms do not come
(10 buyers, 40 SMEs), the first 4 slots are over, 100 standby and walk-in SMEs are there, and
the re-plan offers the freed tables (kept meetings locked, absent firms nothing new, no pair
twice). Medians of ``--repeat`` runs of each, in the same process; each result's share of
its own upper bound, and the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from matching.scheduling import (
    Buyer,
    LockedMeeting,
    Meeting,
    PairInfo,
    Preference,
    ScheduleProblem,
    ScheduleResult,
    Sme,
    Table,
    greedy_schedule,
    ratio,
    replan,
    schedule_event,
)

SIZES: dict[str, tuple[int, int, int]] = {
    "small": (20, 200, 8),
    "medium": (100, 1_000, 12),
    "large": (500, 5_000, 16),
}


def _pref(rng: np.random.Generator, probs: tuple[float, float, float, float]) -> Preference:
    opts = (Preference.MUST, Preference.WOULD, Preference.NONE, Preference.NO)
    return opts[int(rng.choice(4, p=probs))]


def make_event(n_buyers: int, n_smes: int, n_slots: int, seed: int = 7) -> ScheduleProblem:
    """A random session with blocked slots, caps, preferences, scores and locked meetings.

    Parameters
    ----------
    n_buyers, n_smes, n_slots : int
        Size of the session.
    seed : int
        Random seed (the same seed gives the same event).

    Returns
    -------
    ScheduleProblem
        The event.
    """
    rng = np.random.default_rng(seed)
    buyers: list[Buyer] = []
    tables: list[Table] = []
    n_tables: list[int] = []
    for b in range(n_buyers):
        t = int(rng.choice([1, 2, 3], p=[0.7, 0.25, 0.05]))
        n_tables.append(t)
        tables += [Table(f"T{b}-{i}", f"B{b}") for i in range(t)]
        cap = None if rng.random() < 0.2 else int(rng.integers(n_slots // 2, t * n_slots + 1))
        blocked = (
            frozenset(
                int(k) for k in rng.choice(n_slots, size=int(rng.integers(1, 4)), replace=False)
            )
            if rng.random() < 0.3
            else frozenset()
        )
        buyers.append(Buyer(f"B{b}", cap, blocked))
    smes: list[Sme] = []
    for s in range(n_smes):
        cap = None if rng.random() < 0.1 else int(rng.integers(2, 5))
        blocked = (
            frozenset(
                int(k) for k in rng.choice(n_slots, size=int(rng.integers(1, 5)), replace=False)
            )
            if rng.random() < 0.3
            else frozenset()
        )
        smes.append(Sme(f"S{s}", cap, blocked))
    popularity = rng.pareto(1.5, n_buyers) + 1.0
    popularity /= popularity.sum()
    pairs: list[PairInfo] = []
    for s in range(n_smes):
        k = int(rng.integers(3, 13))
        chosen = rng.choice(n_buyers, size=min(k + 2, n_buyers), replace=False, p=popularity)
        for j, b in enumerate(chosen.tolist()):
            score = float(rng.beta(2, 3))
            if j < k:
                sp = _pref(rng, (0.15, 0.75, 0.10, 0.0))
                bp = _pref(rng, (0.05, 0.25, 0.60, 0.10))
            else:  # nobody asked; a candidate only if the score is high
                sp, bp, score = Preference.NONE, Preference.NONE, float(rng.random())
            pairs.append(PairInfo(f"B{b}", f"S{s}", bp, sp, score))
    # about 1 % of SMEs already have a published meeting
    locked: list[LockedMeeting] = []
    busy: set[tuple[str, int]] = set()
    for p in pairs:
        if len(locked) >= n_smes // 100 or not p.wanted or p.forbidden or rng.random() > 0.02:
            continue
        b = int(p.buyer_id[1:])
        s = int(p.sme_id[1:])
        if any(m.sme_id == p.sme_id for m in locked):
            continue
        for k in range(n_slots):
            if k in buyers[b].blocked_slots or k in smes[s].blocked_slots:
                continue
            if (p.sme_id, k) in busy:
                continue
            free = [t for t in range(n_tables[b]) if (f"T{b}-{t}", k) not in busy]
            if free:
                tid = f"T{b}-{free[0]}"
                locked.append(LockedMeeting(p.buyer_id, p.sme_id, k, tid))
                busy.add((p.sme_id, k))
                busy.add((tid, k))
                break
    return ScheduleProblem(
        num_slots=n_slots,
        tables=tuple(tables),
        buyers=tuple(buyers),
        smes=tuple(smes),
        pairs=tuple(pairs),
        locked=tuple(locked),
    )


def _better(ours: ScheduleResult, theirs: ScheduleResult) -> bool:
    """Whether ``ours`` wins on the scheduler's own terms: coverage first, then value."""
    return (round(ours.stats.coverage, 6), ours.objective) > (
        round(theirs.stats.coverage, 6),
        theirs.objective,
    )


@dataclass(frozen=True)
class Day:
    """The day of a planned session: who did not come, what is kept, who stands by."""

    problem: ScheduleProblem  # the planned participants plus the standby and walk-in SMEs
    kept: tuple[LockedMeeting, ...]
    absent: frozenset[str]
    met: frozenset[tuple[str, str]]
    from_slot: int


def make_day(
    problem: ScheduleProblem,
    plan: Sequence[Meeting],
    *,
    n_absent_buyers: int = 10,
    n_absent_smes: int = 40,
    n_standby: int = 100,
    from_slot: int = 4,
    seed: int = 7,
) -> Day:
    """50 no-shows among the firms with meetings, 100 standby SMEs wishing 3–8 buyers each."""
    rng = np.random.default_rng(seed + 1)
    with_meetings_b = sorted({m.buyer_id for m in plan})
    with_meetings_s = sorted({m.sme_id for m in plan})
    absent = frozenset(
        rng.choice(with_meetings_b, n_absent_buyers, replace=False).tolist()
        + rng.choice(with_meetings_s, n_absent_smes, replace=False).tolist()
    )
    kept = tuple(
        LockedMeeting(m.buyer_id, m.sme_id, m.slot, m.table_id)
        for m in plan
        if m.buyer_id not in absent and m.sme_id not in absent
    )
    buyers = [b.buyer_id for b in problem.buyers]
    standby = tuple(Sme(f"W{i}", cap=int(rng.integers(2, 5))) for i in range(n_standby))
    pairs = [
        PairInfo(str(b), w.sme_id, Preference.NONE, Preference.WOULD, float(rng.beta(2, 3)))
        for w in standby
        for b in rng.choice(buyers, int(rng.integers(3, 9)), replace=False).tolist()
    ]
    return Day(
        problem=replace(
            problem,
            smes=problem.smes + standby,
            pairs=problem.pairs + tuple(pairs),
            # an absent firm's locked meetings are no-shows too: they free their places
            locked=tuple(
                m for m in problem.locked if m.buyer_id not in absent and m.sme_id not in absent
            ),
        ),
        kept=kept,
        absent=absent,
        met=frozenset((m.buyer_id, m.sme_id) for m in plan),
        from_slot=from_slot,
    )


def bench_replan(name: str, seed: int, repeat: int, time_limit: float) -> dict[str, object]:
    """Fresh plan and the day's re-plan of one size, medians of ``repeat`` runs each."""
    nb, ns, nk = SIZES[name]
    print(f"[{name}] generating {nb}x{ns}x{nk} ...", file=sys.stderr, flush=True)
    problem = make_event(nb, ns, nk, seed=seed)
    fresh_s: list[float] = []
    fresh_cpu: list[float] = []
    for i in range(repeat):
        print(f"[{name}] fresh plan {i + 1}/{repeat} ...", file=sys.stderr, flush=True)
        t0, c0 = time.perf_counter(), time.process_time()
        fresh = schedule_event(problem, time_limit_s=time_limit, method="flow")
        fresh_s.append(time.perf_counter() - t0)
        fresh_cpu.append(time.process_time() - c0)
    day = make_day(problem, fresh.meetings, seed=seed)
    replan_s: list[float] = []
    replan_cpu: list[float] = []
    for i in range(repeat):
        print(f"[{name}] re-plan {i + 1}/{repeat} ...", file=sys.stderr, flush=True)
        t0, c0 = time.perf_counter(), time.process_time()
        again = replan(
            day.problem,
            day.kept,
            absent=day.absent,
            met=day.met,
            from_slot=day.from_slot,
            time_limit_s=time_limit,
        )
        replan_s.append(time.perf_counter() - t0)
        replan_cpu.append(time.process_time() - c0)
    new = [m for m in again.meetings if not m.locked]
    fresh_share = ratio(fresh.objective, fresh.upper_bound)
    replan_share = ratio(again.objective, again.upper_bound)
    return {
        "size": name,
        "buyers": nb,
        "smes": ns,
        "slots": nk,
        "repeat": repeat,
        "absent": len(day.absent),
        "standby": len(day.problem.smes) - ns,
        "from_slot": day.from_slot,
        "kept_meetings": len(day.kept),
        "new_meetings": len(new),
        "standby_covered": len({m.sme_id for m in new if m.sme_id.startswith("W")}),
        "fresh_seconds_median": round(statistics.median(fresh_s), 3),
        "replan_seconds_median": round(statistics.median(replan_s), 3),
        "fresh_cpu_seconds_median": round(statistics.median(fresh_cpu), 3),
        "replan_cpu_seconds_median": round(statistics.median(replan_cpu), 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "replan_over_fresh_seconds": round(
            statistics.median(replan_s) / statistics.median(fresh_s), 3
        ),
        "fresh_objective_over_bound": round(fresh_share, 5),
        "replan_objective_over_bound": round(replan_share, 5),
        "replan_share_over_fresh_share": round(replan_share / fresh_share, 5),
        "replan_proven_optimal": again.stats.optimal,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default=None, help="default small,medium,large (--replan: large)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--time-limit", type=float, default=100.0)
    ap.add_argument("--replan", action="store_true", help="the day's re-plan after no-shows")
    ap.add_argument("--repeat", type=int, default=5, help="runs per figure (--replan)")
    args = ap.parse_args(argv)
    if args.replan:
        for name in (args.sizes or "large").split(","):
            row = bench_replan(name, args.seed, args.repeat, args.time_limit)
            print(json.dumps(row), flush=True)
        return 0
    for name in (args.sizes or "small,medium,large").split(","):
        nb, ns, nk = SIZES[name]
        print(f"[{name}] generating {nb}x{ns}x{nk} ...", file=sys.stderr, flush=True)
        problem = make_event(nb, ns, nk, seed=args.seed)
        print(f"[{name}] scheduling ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        res = schedule_event(problem, time_limit_s=args.time_limit)
        solve_s = time.perf_counter() - t0
        print(f"[{name}] greedy ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        gre = greedy_schedule(problem)
        greedy_s = time.perf_counter() - t0
        gre_cf = greedy_schedule(problem, coverage_first=True)
        row = {
            "size": name,
            "buyers": nb,
            "smes": ns,
            "slots": nk,
            "tables": len(problem.tables),
            "pairs": len(problem.pairs),
            "candidates": res.stats.n_candidates,
            "locked": len(problem.locked),
            "solve_seconds": round(solve_s, 2),
            "objective": round(res.objective, 3),
            "upper_bound": round(res.upper_bound, 3),
            "objective_over_bound": round(ratio(res.objective, res.upper_bound), 5),
            "upper_bound_value_only": round(res.stats.upper_bound_value_only, 3),
            "objective_over_value_only_bound": round(
                ratio(res.objective, res.stats.upper_bound_value_only), 5
            ),
            "proven_optimal": res.stats.optimal,
            "greedy_objective": round(gre.objective, 3),
            "greedy_seconds": round(greedy_s, 2),
            "coverage": round(res.stats.coverage, 4),
            "coverage_upper_bound": round(res.stats.coverage_upper_bound, 4),
            "greedy_coverage": round(gre.stats.coverage, 4),
            "meetings": len(res.meetings),
            "greedy_meetings": len(gre.meetings),
            "greedy_cf_objective": round(gre_cf.objective, 3),
            "greedy_cf_coverage": round(gre_cf.stats.coverage, 4),
            "beats_greedy": _better(res, gre),
            "beats_greedy_cf": _better(res, gre_cf),
            "unplaced_first_round": res.stats.n_unplaced_first_round,
            "added_later": res.stats.n_added_later,
            "left_out": len(res.left_out),
            "method": res.stats.method,
        }
        print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
