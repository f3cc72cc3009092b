"""What chain discovery (:mod:`matching.upstream`) gives: predicted inputs and ranked SMEs.

Plain records, apart from :class:`~matching.upstream.UpstreamPredictor` (which imports
scikit-learn), so the service can pass them without importing it; :mod:`matching.upstream`
re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.records import Reasons

__all__ = ["InputSource", "PredictedInput", "SupplyPath", "UpstreamMatch"]


@dataclass(frozen=True, slots=True)
class InputSource:
    """Why an input was predicted: the buyer's ``product`` is like the chain-map node ``via``
    (``similarity`` 1 when it is that node), and ``via`` takes the input. ``similarity`` 0:
    inferred, not in the chain map for anything like ``product``; ``via`` takes it together
    with an input predicted for ``product`` (see ``cooccurrence_weight``)."""

    product: str
    via: str
    similarity: float


@dataclass(frozen=True, slots=True)
class PredictedInput:
    """An input the buyer's products probably need, its weight (the strongest is 1), and
    where it came from, strongest first."""

    input: str
    weight: float
    sources: tuple[InputSource, ...]


@dataclass(frozen=True, slots=True)
class SupplyPath:
    """The buyer's ``buyer_product`` needs ``input`` (as the chain map's ``via`` does), and
    the SME makes ``supplier_product``, which matches that input."""

    buyer_product: str
    input: str
    supplier_product: str
    via: str


@dataclass(frozen=True, slots=True)
class UpstreamMatch:
    """One ranked SME for a buyer: profile id, score in ``[0, 1]``, the supply paths that
    connect them (best first), and the usual shortlist reasons (region, tier …)."""

    id: int
    score: float
    paths: tuple[SupplyPath, ...]
    reasons: Reasons = field(default_factory=Reasons)
