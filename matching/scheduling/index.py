"""Integer index of a :class:`ScheduleProblem` (internal).

Buyers, SMEs and tables become ``0..n-1``; candidate pairs become parallel lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from matching.scheduling.problem import LockedMeeting, PairInfo, ScheduleProblem, ValueWeights


@dataclass
class Instance:
    """Indexed problem.  ``cap`` lists hold the explicit cap or ``None``."""

    num_slots: int
    buyer_ids: list[str]
    sme_ids: list[str]
    table_ids: list[str]
    table_buyer: list[int]
    buyer_tables: list[list[int]]
    buyer_cap: list[int | None]
    sme_cap: list[int | None]
    buyer_ok: list[list[bool]]
    sme_ok: list[list[bool]]
    # candidate pairs (not forbidden, not locked): wanted or high score
    cand_b: list[int]
    cand_s: list[int]
    cand_value: list[float]
    cand_wanted: list[bool]
    # wanted pairs that are forbidden (either side said no), not locked
    forbidden_wanted: list[tuple[int, int]]
    # locked meetings: (buyer, sme, slot, table, value)
    locked: list[tuple[int, int, int, int, float]]

    @property
    def n_buyers(self) -> int:
        return len(self.buyer_ids)

    @property
    def n_smes(self) -> int:
        return len(self.sme_ids)

    def common_ok_slots(self, b: int, s: int) -> list[int]:
        """Slots where neither side is blocked."""
        bo, so = self.buyer_ok[b], self.sme_ok[s]
        return [k for k in range(self.num_slots) if bo[k] and so[k]]


def _ids_unique(ids: list[str], what: str) -> dict[str, int]:
    out = {x: i for i, x in enumerate(ids)}
    if len(out) != len(ids):
        raise ValueError(f"duplicate {what} ids")
    return out


def _add_coverage_candidates(
    pair_info: dict[tuple[int, int], PairInfo],
    weights: ValueWeights,
    seen_pair: set[tuple[int, int]],
    cand_b: list[int],
    cand_s: list[int],
    cand_value: list[float],
    cand_wanted: list[bool],
) -> None:
    """An SME without any candidate (and no locked meeting) gets its best scored pairs.

    Without them such an SME could never be covered, and as nobody wanted its pairs it
    would not even show among the left-out pairs (issue 17: 3 of 8 SMEs without a meeting,
    7 table-slots free, nothing left out).
    """
    per_sme = weights.coverage_pairs
    if per_sme <= 0:
        return
    has = set(cand_s) | {s for _, s in seen_pair}
    scored: dict[int, list[tuple[float, int, PairInfo]]] = {}
    for (b, s), p in pair_info.items():
        if s in has or p.forbidden or p.score <= 0 or (b, s) in seen_pair:
            continue
        scored.setdefault(s, []).append((p.score, b, p))
    for s, options in scored.items():
        options.sort(key=lambda o: (-o[0], o[1]))
        for _, b, p in options[:per_sme]:
            cand_b.append(b)
            cand_s.append(s)
            cand_value.append(weights.value(p))
            cand_wanted.append(False)


def build_instance(
    problem: ScheduleProblem, extra_locked: tuple[LockedMeeting, ...] = ()
) -> Instance:
    """Index ``problem``; ``extra_locked`` are added to ``problem.locked``.

    Raises
    ------
    ValueError
        On unknown or duplicate ids, slots out of range, duplicate pairs or conflicting
        locked meetings.
    """
    n_slots = problem.num_slots
    if n_slots < 0:
        raise ValueError("num_slots must be >= 0")
    bidx = _ids_unique([b.buyer_id for b in problem.buyers], "buyer")
    sidx = _ids_unique([s.sme_id for s in problem.smes], "SME")
    tidx = _ids_unique([t.table_id for t in problem.tables], "table")
    table_buyer: list[int] = []
    buyer_tables: list[list[int]] = [[] for _ in bidx]
    for i, tab in enumerate(problem.tables):
        if tab.buyer_id not in bidx:
            raise ValueError(f"table {tab.table_id!r} belongs to unknown buyer {tab.buyer_id!r}")
        table_buyer.append(bidx[tab.buyer_id])
        buyer_tables[bidx[tab.buyer_id]].append(i)

    def ok_row(blocked: frozenset[int]) -> list[bool]:
        return [k not in blocked for k in range(n_slots)]

    for cap in [b.cap for b in problem.buyers] + [s.cap for s in problem.smes]:
        if cap is not None and cap < 0:
            raise ValueError("caps must be >= 0")

    weights = problem.weights
    pair_info: dict[tuple[int, int], PairInfo] = {}
    for p in problem.pairs:
        if p.buyer_id not in bidx or p.sme_id not in sidx:
            raise ValueError(f"pair ({p.buyer_id!r}, {p.sme_id!r}) names an unknown participant")
        key = (bidx[p.buyer_id], sidx[p.sme_id])
        if key in pair_info:
            raise ValueError(f"duplicate pair ({p.buyer_id!r}, {p.sme_id!r})")
        pair_info[key] = p

    locked: list[tuple[int, int, int, int, float]] = []
    seen_pair: set[tuple[int, int]] = set()
    busy_sme: set[tuple[int, int]] = set()
    busy_table: set[tuple[int, int]] = set()
    for m in (*problem.locked, *extra_locked):
        if m.buyer_id not in bidx or m.sme_id not in sidx or m.table_id not in tidx:
            raise ValueError(f"locked meeting {m} names an unknown participant or table")
        b, s, t = bidx[m.buyer_id], sidx[m.sme_id], tidx[m.table_id]
        if table_buyer[t] != b:
            raise ValueError(f"locked meeting {m}: table belongs to another buyer")
        if not 0 <= m.slot < n_slots:
            raise ValueError(f"locked meeting {m}: slot out of range")
        if (b, s) in seen_pair or (s, m.slot) in busy_sme or (t, m.slot) in busy_table:
            raise ValueError(f"locked meeting {m} conflicts with another locked meeting")
        seen_pair.add((b, s))
        busy_sme.add((s, m.slot))
        busy_table.add((t, m.slot))
        info = pair_info.get((b, s))
        locked.append((b, s, m.slot, t, weights.value(info) if info is not None else 0.0))

    cand_b: list[int] = []
    cand_s: list[int] = []
    cand_value: list[float] = []
    cand_wanted: list[bool] = []
    forbidden_wanted: list[tuple[int, int]] = []
    for (b, s), p in pair_info.items():
        if (b, s) in seen_pair:
            continue
        if p.forbidden:
            if p.wanted:
                forbidden_wanted.append((b, s))
            continue
        if weights.is_candidate(p):
            cand_b.append(b)
            cand_s.append(s)
            cand_value.append(weights.value(p))
            cand_wanted.append(p.wanted)
    _add_coverage_candidates(pair_info, weights, seen_pair, cand_b, cand_s, cand_value, cand_wanted)

    return Instance(
        num_slots=n_slots,
        buyer_ids=list(bidx),
        sme_ids=list(sidx),
        table_ids=list(tidx),
        table_buyer=table_buyer,
        buyer_tables=buyer_tables,
        buyer_cap=[b.cap for b in problem.buyers],
        sme_cap=[s.cap for s in problem.smes],
        buyer_ok=[ok_row(b.blocked_slots) for b in problem.buyers],
        sme_ok=[ok_row(s.blocked_slots) for s in problem.smes],
        cand_b=cand_b,
        cand_s=cand_s,
        cand_value=cand_value,
        cand_wanted=cand_wanted,
        forbidden_wanted=forbidden_wanted,
        locked=locked,
    )
