"""What :class:`matching.placement.ChainPlacer` takes and gives: nodes, terms, placements.

Plain records, apart from the placer (which imports scikit-learn), so the service can build
and pass them without importing it; :mod:`matching.placement` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = ["NodeDoc", "PlacedNode", "PlacementTerm"]


@dataclass(frozen=True, slots=True)
class NodeDoc:
    """What the placer knows of a chain node: its id, chain, name, products and keywords."""

    id: int
    chain_id: int
    name: str
    products: tuple[str, ...] = ()
    keywords: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PlacementTerm:
    """One thing a subject makes or wants, with its weight in (0, 1] (1 = main line)."""

    text: str
    weight: float = 1.0


class PlacedNode(NamedTuple):
    """A node a subject is placed on, the confidence in [0, 1] and the term that put it there."""

    node_id: int
    chain_id: int
    confidence: float
    term: str
