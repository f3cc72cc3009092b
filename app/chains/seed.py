"""The seed chain map shipped in ``data/seed.json.gz`` (see ``data/PROVENANCE.md``).

Loading is idempotent and never overwrites an operator's work: chains, nodes and edges that
are missing are added; existing nodes (matched by name) are left as they are; an edge that
would close a cycle with the operator's edges is skipped.
"""

import gzip
import json
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.chains import service
from app.chains.schemas import ChainMapDocument
from app.models import Chain, ChainEdge, ChainNode
from app.models.base import utcnow


def seed_document() -> ChainMapDocument:
    """The shipped seed chain map."""
    raw = resources.files("app.chains").joinpath("data", "seed.json.gz").read_bytes()
    return ChainMapDocument.model_validate(json.loads(gzip.decompress(raw).decode("utf-8")))


@dataclass
class SeedResult:
    """What loading the seed added."""

    chains: int = 0
    nodes: int = 0
    edges: int = 0

    @property
    def changed(self) -> bool:
        """Did anything get added?"""
        return bool(self.chains or self.nodes or self.edges)


def load_seed(session: Session, doc: ChainMapDocument | None = None) -> SeedResult:
    """Add what is missing of the seed (or ``doc``) to the chain map; flushes, never commits."""
    doc = doc or seed_document()
    result = SeedResult()
    existing = {
        c.name: c for c in session.scalars(select(Chain).options(selectinload(Chain.nodes)))
    }
    for data in doc.chains:
        chain = existing.get(data.name)
        if chain is None:
            chain = Chain(name=data.name, description=data.description)
            chain.nodes = []
            session.add(chain)
            session.flush()
            result.chains += 1
        by_name = {n.name: n for n in chain.nodes}
        added = False
        for item in data.nodes:
            if item.name in by_name:
                continue
            node = ChainNode(
                chain_id=chain.id,
                name=item.name,
                stage=item.stage,
                description=item.description,
                products=list(item.products),
                keywords=list(item.keywords),
            )
            chain.nodes.append(node)
            session.add(node)
            by_name[item.name] = node
            result.nodes += 1
            added = True
        session.flush()
        pairs = [(e.input_node_id, e.output_node_id) for e in service.edges_of(session, chain.id)]
        for edge in data.edges:
            pair = (by_name[edge.input].id, by_name[edge.output].id)
            if pair in pairs or service.would_cycle(pairs, pair):
                continue
            session.add(ChainEdge(chain_id=chain.id, input_node_id=pair[0], output_node_id=pair[1]))
            pairs.append(pair)
            result.edges += 1
            added = True
        if added:
            chain.updated_at = utcnow()
        session.flush()
    return result
