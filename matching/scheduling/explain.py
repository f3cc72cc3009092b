"""Reasons for wanted pairs left out of the final schedule.

Rules, checked in this order against the *final* schedule:

1. ``forbidden`` — either side said no.
2. ``sme_cap_reached`` — the SME has an explicit cap and has that many meetings.
3. ``buyer_cap_reached`` — the buyer has an explicit cap and has that many meetings.
4. ``no_common_free_slot`` — no slot in which neither side is blocked.
5. ``no_table`` — in some slot both are available and the SME is free, but every table of
   the buyer is taken there (or the buyer has no table).
6. ``lower_value`` — in every slot both are available the SME is in another meeting: it was
   displaced by meetings valued higher (or needed for coverage).

The scheduler ends with a fill pass, so a left-out pair never has a slot in which the SME
is free and a table of the buyer is free; :func:`check_reason` verifies any reason.
"""

from __future__ import annotations

from matching.scheduling.placement import Board
from matching.scheduling.problem import LeftOut, Reason

TEXTS: dict[Reason, tuple[str, str]] = {
    Reason.FORBIDDEN: ("一方已表示不愿洽谈", "One side declined this meeting."),
    Reason.SME_CAP_REACHED: (
        "企业洽谈场次已满",
        "The SME already has its maximum number of meetings.",
    ),
    Reason.BUYER_CAP_REACHED: (
        "采购方洽谈场次已满",
        "The buyer already has its maximum number of meetings.",
    ),
    Reason.NO_COMMON_FREE_SLOT: (
        "双方没有共同的可用时段",
        "The two sides have no time slot in which both are available.",
    ),
    Reason.NO_TABLE: (
        "企业有空的时段里采购方的洽谈桌均已排满",
        "In the slots where the SME is free, all of the buyer's tables are taken.",
    ),
    Reason.LOWER_VALUE: (
        "共同可用时段已安排了更优先的洽谈",
        "The common free slots went to meetings of higher value or priority.",
    ),
}


def check_reason(board: Board, b: int, s: int, reason: Reason, *, forbidden: bool) -> bool:
    """``True`` if ``reason`` holds for pair ``(b, s)`` in the schedule on ``board``."""
    inst = board.inst
    if (b, s) in board.pair_edge:
        return False
    if reason is Reason.FORBIDDEN:
        return forbidden
    if reason is Reason.SME_CAP_REACHED:
        cap = inst.sme_cap[s]
        return cap is not None and board.sme_count[s] >= cap
    if reason is Reason.BUYER_CAP_REACHED:
        cap = inst.buyer_cap[b]
        return cap is not None and board.buyer_count[b] >= cap
    common = inst.common_ok_slots(b, s)
    if reason is Reason.NO_COMMON_FREE_SLOT:
        return not common
    sme_free = [k for k in common if board.sme_at[s][k] == -1]
    if reason is Reason.NO_TABLE:
        return bool(sme_free) and all(board.buyer_free_table(b, k) == -1 for k in sme_free)
    return bool(common) and not sme_free


def reason_for(board: Board, b: int, s: int, *, forbidden: bool) -> Reason | None:
    """The first rule (see module docs) that holds for ``(b, s)``; ``None`` if none does."""
    for r in (
        Reason.FORBIDDEN,
        Reason.SME_CAP_REACHED,
        Reason.BUYER_CAP_REACHED,
        Reason.NO_COMMON_FREE_SLOT,
        Reason.NO_TABLE,
        Reason.LOWER_VALUE,
    ):
        if check_reason(board, b, s, r, forbidden=forbidden):
            return r
    return None


def explain_left_out(board: Board) -> list[LeftOut]:
    """One :class:`LeftOut` per wanted pair without a meeting on ``board``.

    Raises
    ------
    RuntimeError
        If a pair fits no rule: the schedule was not filled (a bug).
    """
    inst = board.inst
    out: list[LeftOut] = []
    todo = [(b, s, True) for b, s in inst.forbidden_wanted]
    todo += [
        (b, s, False)
        for b, s, w in zip(inst.cand_b, inst.cand_s, inst.cand_wanted, strict=True)
        if w and (b, s) not in board.pair_edge
    ]
    for b, s, forbidden in todo:
        r = reason_for(board, b, s, forbidden=forbidden)
        if r is None:
            raise RuntimeError(
                f"pair ({inst.buyer_ids[b]}, {inst.sme_ids[s]}) could still be scheduled"
            )
        zh, en = TEXTS[r]
        out.append(LeftOut(inst.buyer_ids[b], inst.sme_ids[s], r, zh, en))
    return out
