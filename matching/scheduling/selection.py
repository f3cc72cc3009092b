"""Meeting choice as a max-weight degree-constrained bipartite subgraph (b-matching).

Solved exactly as a min-cost flow::

    source --(cap_b, 0)--> buyer b --(1, -value)--> SME s --(1, -bonus)--> sink
                                                          \\--(cap_s - 1, 0)--> sink
    source --(total, 0)--> sink                              (lets flow skip bad pairs)

The SME → sink arcs make covering an SME worth ``bonus`` once.  With ``bonus`` larger than
any achievable total value, the optimum is lexicographic: most SMEs covered first, then the
highest total value.  Costs are integers: values are scaled by :data:`SCALE`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

SCALE = 10_000
"""Values are multiplied by this and rounded to integer flow costs."""


def scaled(values: Sequence[float]) -> npt.NDArray[np.int64]:
    """Integer costs for ``values`` (see :data:`SCALE`)."""
    return np.rint(np.asarray(values, dtype=np.float64) * SCALE).astype(np.int64)


def max_weight_b_matching(
    n_buyers: int,
    n_smes: int,
    pair_b: npt.NDArray[np.int64],
    pair_s: npt.NDArray[np.int64],
    pair_w: npt.NDArray[np.int64],
    buyer_cap: npt.NDArray[np.int64],
    sme_cap: npt.NDArray[np.int64],
    cover_bonus: int = 0,
    cover_eligible: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.bool_], int]:
    """Choose pairs maximising ``sum(w) + cover_bonus * (#eligible SMEs covered)``.

    Parameters
    ----------
    n_buyers, n_smes : int
        Number of buyers and SMEs.
    pair_b, pair_s, pair_w : ndarray of int64
        Candidate pairs and their (positive, integer) weights.
    buyer_cap, sme_cap : ndarray of int64
        Most pairs per buyer / SME.
    cover_bonus : int
        Bonus for each eligible SME with at least one pair (0 = none).
    cover_eligible : ndarray of bool, optional
        SMEs that earn the bonus (default: all).

    Returns
    -------
    chosen : ndarray of bool
        Mask over the pairs.
    optimum : int
        The optimal objective (weights plus bonuses).

    Examples
    --------
    >>> import numpy as np
    >>> a = lambda *x: np.array(x, dtype=np.int64)
    >>> chosen, opt = max_weight_b_matching(1, 2, a(0, 0), a(0, 1), a(5, 3), a(1), a(1, 1))
    >>> chosen.tolist(), opt
    ([True, False], 5)
    """
    n_pairs = len(pair_b)
    if n_pairs == 0:
        return np.zeros(0, dtype=bool), 0
    # Imported here, not at the top: workers that never schedule do not load OR-Tools.
    from ortools.graph.python import min_cost_flow

    smcf = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1 + n_buyers + n_smes
    buyer_node = 1 + np.arange(n_buyers, dtype=np.int64)
    sme_node = 1 + n_buyers + np.arange(n_smes, dtype=np.int64)
    bcap = np.maximum(buyer_cap.astype(np.int64), 0)
    scap = np.maximum(sme_cap.astype(np.int64), 0)
    total = int(bcap.sum())
    tails: list[npt.NDArray[np.int64]] = []
    heads: list[npt.NDArray[np.int64]] = []
    caps: list[npt.NDArray[np.int64]] = []
    costs: list[npt.NDArray[np.int64]] = []

    def add(
        t: npt.NDArray[np.int64],
        h: npt.NDArray[np.int64],
        c: npt.NDArray[np.int64],
        w: npt.NDArray[np.int64],
    ) -> None:
        tails.append(t)
        heads.append(h)
        caps.append(c)
        costs.append(w)

    add(np.full(n_buyers, source, dtype=np.int64), buyer_node, bcap, np.zeros(n_buyers, np.int64))
    first_pair_arc = n_buyers
    add(buyer_node[pair_b], sme_node[pair_s], np.ones(n_pairs, np.int64), -pair_w)
    if cover_bonus > 0:
        eligible = np.ones(n_smes, dtype=bool) if cover_eligible is None else cover_eligible
        elig = eligible & (scap > 0)
        idx = np.flatnonzero(elig)
        add(
            sme_node[idx],
            np.full(len(idx), sink, np.int64),
            np.ones(len(idx), np.int64),
            np.full(len(idx), -int(cover_bonus), np.int64),
        )
        rest = scap - elig.astype(np.int64)
    else:
        rest = scap
    add(sme_node, np.full(n_smes, sink, np.int64), rest, np.zeros(n_smes, np.int64))
    add(
        np.array([source], np.int64),
        np.array([sink], np.int64),
        np.array([total], np.int64),
        np.zeros(1, np.int64),
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(caps), np.concatenate(costs)
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source] = total
    supplies[sink] = -total
    smcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    arcs = first_pair_arc + np.arange(n_pairs, dtype=np.int64)
    chosen = np.asarray(smcf.flows(arcs)) > 0
    return chosen, -int(smcf.optimal_cost())
