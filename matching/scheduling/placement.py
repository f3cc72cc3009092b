"""Slot and table assignment as bipartite edge colouring (internal).

Vertices are tables (a buyer with ``t`` tables is split into ``t`` vertices) and SMEs; a
meeting is an edge, its slot is the edge's colour.  :meth:`Board.place` first looks for a
slot free at the SME and at one of the buyer's tables; failing that it flips an α/β
alternating path (Kempe chain, as in the proof of König's edge-colouring theorem).
Without blocked slots and locked meetings this always succeeds while every vertex has
degree ≤ number of slots.  Blocked slots only matter at the far end of a path (inner
vertices already hold both colours), so the flip is refused when that end is blocked or
the path runs through a locked meeting.
"""

from __future__ import annotations

from matching.scheduling.index import Instance

_FREE = -1


class Board:
    """Mutable schedule: who sits where in which slot."""

    def __init__(self, inst: Instance, *, max_path: int = 10_000) -> None:
        self.inst = inst
        self.max_path = max_path
        s_count = inst.num_slots
        self.table_at: list[list[int]] = [[_FREE] * s_count for _ in inst.table_ids]
        self.sme_at: list[list[int]] = [[_FREE] * s_count for _ in inst.sme_ids]
        self.e_b: list[int] = []
        self.e_s: list[int] = []
        self.e_t: list[int] = []
        self.e_k: list[int] = []
        self.e_value: list[float] = []
        self.e_locked: list[bool] = []
        self.e_alive: list[bool] = []
        self.pair_edge: dict[tuple[int, int], int] = {}
        self.buyer_count = [0] * inst.n_buyers
        self.sme_count = [0] * inst.n_smes
        self.kempe_flips = 0
        for b, s, k, t, v in inst.locked:
            self._commit(b, s, t, k, v, locked=True)

    # ------------------------------------------------------------------ basics
    def _commit(self, b: int, s: int, t: int, k: int, value: float, *, locked: bool) -> int:
        e = len(self.e_b)
        self.e_b.append(b)
        self.e_s.append(s)
        self.e_t.append(t)
        self.e_k.append(k)
        self.e_value.append(value)
        self.e_locked.append(locked)
        self.e_alive.append(True)
        self.table_at[t][k] = e
        self.sme_at[s][k] = e
        self.pair_edge[(b, s)] = e
        self.buyer_count[b] += 1
        self.sme_count[s] += 1
        return e

    def remove(self, e: int) -> None:
        """Take meeting ``e`` out of the schedule (locked meetings cannot be removed)."""
        if self.e_locked[e]:
            raise ValueError("locked meetings cannot be removed")
        if not self.e_alive[e]:
            return
        b, s, t, k = self.e_b[e], self.e_s[e], self.e_t[e], self.e_k[e]
        self.table_at[t][k] = _FREE
        self.sme_at[s][k] = _FREE
        del self.pair_edge[(b, s)]
        self.buyer_count[b] -= 1
        self.sme_count[s] -= 1
        self.e_alive[e] = False

    def alive_edges(self) -> list[int]:
        return [e for e, a in enumerate(self.e_alive) if a]

    def buyer_room(self, b: int) -> bool:
        cap = self.inst.buyer_cap[b]
        return cap is None or self.buyer_count[b] < cap

    def sme_room(self, s: int) -> bool:
        cap = self.inst.sme_cap[s]
        return cap is None or self.sme_count[s] < cap

    def buyer_free_table(self, b: int, k: int) -> int:
        """A table of ``b`` free in slot ``k`` (``-1`` if none or ``b`` is blocked)."""
        if not self.inst.buyer_ok[b][k]:
            return _FREE
        for t in self.inst.buyer_tables[b]:
            if self.table_at[t][k] == _FREE:
                return t
        return _FREE

    def sme_free(self, s: int, k: int) -> bool:
        return self.inst.sme_ok[s][k] and self.sme_at[s][k] == _FREE

    def sme_free_slots(self, s: int) -> list[int]:
        ok, at = self.inst.sme_ok[s], self.sme_at[s]
        return [k for k in range(self.inst.num_slots) if ok[k] and at[k] == _FREE]

    def buyer_free_table_slots(self, b: int) -> int:
        ok = self.inst.buyer_ok[b]
        return sum(
            1
            for t in self.inst.buyer_tables[b]
            for k in range(self.inst.num_slots)
            if ok[k] and self.table_at[t][k] == _FREE
        )

    # ------------------------------------------------------------------ Kempe chains
    def _flip(self, start_table: bool, v: int, first: int, second: int) -> bool:
        """Swap colours ``first``/``second`` on the path from ``v`` that starts with ``first``.

        Returns ``False`` (and changes nothing) when the path is too long, runs through a
        locked meeting, or its far end is blocked in the colour it would receive.
        """
        path: list[int] = []
        on_table = start_table
        vert = v
        colour = first
        while True:
            e = self.table_at[vert][colour] if on_table else self.sme_at[vert][colour]
            if e == _FREE:
                break
            if self.e_locked[e] or len(path) >= self.max_path:
                return False
            path.append(e)
            if on_table:
                vert, on_table = self.e_s[e], False
            else:
                vert, on_table = self.e_t[e], True
            colour = second if colour == first else first
        if not path:
            return True
        # ``vert`` lacks ``colour``; its last edge is re-coloured to ``colour``.
        ok = (
            self.inst.buyer_ok[self.inst.table_buyer[vert]][colour]
            if on_table
            else self.inst.sme_ok[vert][colour]
        )
        if not ok:
            return False
        for e in path:
            self.table_at[self.e_t[e]][self.e_k[e]] = _FREE
            self.sme_at[self.e_s[e]][self.e_k[e]] = _FREE
        for e in path:
            k = second if self.e_k[e] == first else first
            self.e_k[e] = k
            self.table_at[self.e_t[e]][k] = e
            self.sme_at[self.e_s[e]][k] = e
        self.kempe_flips += 1
        return True

    # ------------------------------------------------------------------ placing
    def place_at(self, b: int, s: int, t: int, k: int, value: float) -> bool:
        """Schedule ``(b, s)`` at table ``t`` in slot ``k`` if every constraint allows it."""
        inst = self.inst
        if (
            (b, s) in self.pair_edge
            or inst.table_buyer[t] != b
            or not self.buyer_room(b)
            or not self.sme_room(s)
            or not inst.buyer_ok[b][k]
            or not self.sme_free(s, k)
            or self.table_at[t][k] != _FREE
        ):
            return False
        self._commit(b, s, t, k, value, locked=False)
        return True

    def place(self, b: int, s: int, value: float, *, kempe_budget: int = 64) -> bool:
        """Schedule pair ``(b, s)`` if caps allow and a slot and table can be found.

        Parameters
        ----------
        b, s : int
            Buyer and SME index.
        value : float
            Value of the meeting.
        kempe_budget : int
            Most alternating-path flips to try (0 = direct placement only).

        Returns
        -------
        bool
            ``True`` if placed.
        """
        if (b, s) in self.pair_edge or not self.buyer_room(b) or not self.sme_room(s):
            return False
        inst = self.inst
        tables = inst.buyer_tables[b]
        if not tables:
            return False
        free_s = self.sme_free_slots(s)
        if not free_s:
            return False
        bok = inst.buyer_ok[b]
        sok = inst.sme_ok[s]
        # direct: a slot free for both
        for k in free_s:
            if bok[k]:
                for t in tables:
                    if self.table_at[t][k] == _FREE:
                        self._commit(b, s, t, k, value, locked=False)
                        return True
        if kempe_budget <= 0:
            return False
        tries = 0
        for t in tables:
            at_t = self.table_at[t]
            free_t = [k for k in range(inst.num_slots) if bok[k] and at_t[k] == _FREE]
            for alpha in free_t:  # free at table t, busy at SME s
                for beta in free_s:  # free at SME s, busy at table t
                    if tries >= kempe_budget:
                        return False
                    tries += 1
                    # free the SME at alpha (alpha must be allowed for the SME) ...
                    if sok[alpha] and self._flip(False, s, alpha, beta):
                        self._commit(b, s, t, alpha, value, locked=False)
                        return True
                    # ... or free the table at beta (beta must be allowed for the buyer)
                    if bok[beta] and self._flip(True, t, beta, alpha):
                        self._commit(b, s, t, beta, value, locked=False)
                        return True
        return False
