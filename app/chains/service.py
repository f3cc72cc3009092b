"""The chain map (产业链图谱): chains, nodes and edges. Admins (the operators) write; everyone
authenticated reads.

Every change of a node or an edge touches its chain, so ``Chain.version`` (the ETag) moves with
any change of the chain's map, and the placement model knows when to refit.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth.principal import Principal
from app.chains.schemas import (
    ChainCreate,
    ChainMapDocument,
    ChainRead,
    ChainSummary,
    ChainUpdate,
    EdgeCreate,
    EdgeRead,
    ExportChain,
    ExportEdge,
    ExportNode,
    NodeCreate,
    NodeRead,
    NodeUpdate,
)
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.messages import tr
from app.models import Chain, ChainEdge, ChainNode
from app.models.base import utcnow
from app.platform.db import flush
from app.versioning import check_version


def require_admin(caller: Principal) -> None:
    """Only operators (admins) change the chain map."""
    if not caller.is_admin:
        raise Forbidden(tr("only admins (operators) change the chain map"))


def get_chain(session: Session, chain_id: int) -> Chain:
    """The chain with its nodes, or 404."""
    chain = session.scalars(
        select(Chain).where(Chain.id == chain_id).options(selectinload(Chain.nodes))
    ).one_or_none()
    if chain is None:
        raise NotFound(tr("chain {id} not found", id=chain_id))
    return chain


def edges_of(session: Session, chain_id: int) -> list[ChainEdge]:
    """The chain's edges in id order."""
    return list(
        session.scalars(
            select(ChainEdge).where(ChainEdge.chain_id == chain_id).order_by(ChainEdge.id)
        )
    )


def node_to_read(node: ChainNode) -> NodeRead:
    """A node as the API shows it."""
    return NodeRead(
        id=node.id,
        chain_id=node.chain_id,
        name=node.name,
        stage=node.stage,
        description=node.description,
        products=node.products,
        keywords=node.keywords,
    )


def edge_to_read(edge: ChainEdge) -> EdgeRead:
    """An edge as the API shows it."""
    return EdgeRead(
        id=edge.id,
        chain_id=edge.chain_id,
        input_node_id=edge.input_node_id,
        output_node_id=edge.output_node_id,
    )


def to_read(session: Session, chain: Chain) -> ChainRead:
    """The chain with its nodes (upstream first) and edges."""
    return ChainRead(
        id=chain.id,
        name=chain.name,
        description=chain.description,
        version=chain.version,
        nodes=[node_to_read(n) for n in sorted(chain.nodes, key=lambda n: (n.stage, n.id))],
        edges=[edge_to_read(e) for e in edges_of(session, chain.id)],
        created_at=chain.created_at,
        updated_at=chain.updated_at,
    )


def list_chains(session: Session) -> list[ChainSummary]:
    """Every chain with its node and edge counts, by name."""
    nodes: dict[int, int] = {
        row[0]: row[1]
        for row in session.execute(
            select(ChainNode.chain_id, func.count()).group_by(ChainNode.chain_id)
        )
    }
    edges: dict[int, int] = {
        row[0]: row[1]
        for row in session.execute(
            select(ChainEdge.chain_id, func.count()).group_by(ChainEdge.chain_id)
        )
    }
    return [
        ChainSummary(
            id=c.id,
            name=c.name,
            description=c.description,
            nodes=nodes.get(c.id, 0),
            edges=edges.get(c.id, 0),
            version=c.version,
            updated_at=c.updated_at,
        )
        for c in session.scalars(select(Chain).order_by(Chain.name))
    ]


def _name_taken(session: Session, name: str, but: int | None = None) -> None:
    query = select(Chain.id).where(Chain.name == name)
    if but is not None:
        query = query.where(Chain.id != but)
    if session.scalar(query) is not None:
        raise Conflict(tr("a chain named {name} already exists", name=repr(name)))


def create_chain(session: Session, caller: Principal, data: ChainCreate) -> Chain:
    """A new, empty chain."""
    require_admin(caller)
    _name_taken(session, data.name)
    chain = Chain(name=data.name, description=data.description)
    chain.nodes = []
    session.add(chain)
    flush(session, "the chain")
    audit.record(session, caller, "chain.create", "chain", chain.id, name=chain.name)
    return chain


def update_chain(
    session: Session, caller: Principal, chain_id: int, data: ChainUpdate, version: int | None
) -> Chain:
    """Rename or describe a chain."""
    require_admin(caller)
    chain = get_chain(session, chain_id)
    check_version(chain.version, version)
    fields = data.model_dump(exclude_unset=True)
    for field, value in fields.items():
        if value is None:
            raise InvalidInput(f"body.{field}", tr("cannot be null"))
    if "name" in fields:
        _name_taken(session, fields["name"], but=chain.id)
    for field, value in fields.items():
        setattr(chain, field, value)
    chain.updated_at = utcnow()
    flush(session, f"chain {chain.id}")
    audit.record(session, caller, "chain.update", "chain", chain.id, fields=sorted(fields))
    return chain


def delete_chain(session: Session, caller: Principal, chain_id: int, version: int | None) -> None:
    """Delete a chain with its nodes, edges and placements."""
    require_admin(caller)
    chain = get_chain(session, chain_id)
    check_version(chain.version, version)
    session.delete(chain)
    flush(session, f"chain {chain_id}")
    audit.record(session, caller, "chain.delete", "chain", chain_id)


def _touch(chain: Chain) -> None:
    chain.updated_at = utcnow()


def _node_of(chain: Chain, node_id: int, field: str | None = None) -> ChainNode:
    for node in chain.nodes:
        if node.id == node_id:
            return node
    if field is not None:
        raise InvalidInput(
            field, tr("node {id} is not a node of chain {chain}", id=node_id, chain=chain.id)
        )
    raise NotFound(tr("node {id} not found in chain {chain}", id=node_id, chain=chain.id))


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def create_node(session: Session, caller: Principal, chain_id: int, data: NodeCreate) -> ChainNode:
    """Add a node to a chain (node names are unique within the chain)."""
    require_admin(caller)
    chain = get_chain(session, chain_id)
    if any(n.name == data.name for n in chain.nodes):
        raise InvalidInput(
            "body.name",
            tr(
                "chain {chain} already has a node named {name}",
                chain=chain.id,
                name=repr(data.name),
            ),
        )
    node = ChainNode(
        chain_id=chain.id,
        name=data.name,
        stage=data.stage,
        description=data.description,
        products=_distinct(data.products),
        keywords=_distinct(data.keywords),
    )
    session.add(node)
    _touch(chain)
    flush(session, "the node")
    audit.record(session, caller, "chain.node.create", "chain", chain.id, node=node.id)
    return node


def update_node(
    session: Session,
    caller: Principal,
    chain_id: int,
    node_id: int,
    data: NodeUpdate,
    version: int | None,
) -> ChainNode:
    """Change a node; ``If-Match`` carries the chain's version."""
    require_admin(caller)
    chain = get_chain(session, chain_id)
    node = _node_of(chain, node_id)
    check_version(chain.version, version)
    fields = data.model_dump(exclude_unset=True)
    for field, value in fields.items():
        if value is None:
            raise InvalidInput(f"body.{field}", tr("cannot be null"))
    if "name" in fields and any(n.name == fields["name"] and n.id != node.id for n in chain.nodes):
        raise InvalidInput(
            "body.name",
            tr(
                "chain {chain} already has a node named {name}",
                chain=chain.id,
                name=repr(data.name),
            ),
        )
    for field in ("products", "keywords"):
        if field in fields:
            fields[field] = _distinct(fields[field])
    for field, value in fields.items():
        setattr(node, field, value)
    node.updated_at = utcnow()
    _touch(chain)
    flush(session, f"node {node.id}")
    audit.record(
        session, caller, "chain.node.update", "chain", chain.id, node=node.id, fields=sorted(fields)
    )
    return node


def delete_node(
    session: Session, caller: Principal, chain_id: int, node_id: int, version: int | None
) -> Chain:
    """Delete a node with its edges and placements."""
    require_admin(caller)
    chain = get_chain(session, chain_id)
    node = _node_of(chain, node_id)
    check_version(chain.version, version)
    session.execute(
        delete(ChainEdge).where(
            (ChainEdge.input_node_id == node.id) | (ChainEdge.output_node_id == node.id)
        )
    )
    chain.nodes.remove(node)
    session.delete(node)
    _touch(chain)
    flush(session, f"node {node_id}")
    audit.record(session, caller, "chain.node.delete", "chain", chain.id, node=node_id)
    return chain


def would_cycle(edges: Iterable[tuple[int, int]], new: tuple[int, int]) -> bool:
    """Would adding ``new`` (input → output) close a cycle? (Is input reachable from output?)"""
    following: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        following[a].append(b)
    start, goal = new[1], new[0]
    seen = {start}
    todo = [start]
    while todo:
        at = todo.pop()
        if at == goal:
            return True
        for nxt in following[at]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def create_edge(session: Session, caller: Principal, chain_id: int, data: EdgeCreate) -> ChainEdge:
    """Add input → output between two nodes of the chain: no self-loop, no duplicate, no cycle."""
    require_admin(caller)
    chain = get_chain(session, chain_id)
    _node_of(chain, data.input_node_id, "body.input_node_id")
    _node_of(chain, data.output_node_id, "body.output_node_id")
    if data.input_node_id == data.output_node_id:
        raise InvalidInput("body.output_node_id", tr("a node cannot be its own input"))
    pairs = [(e.input_node_id, e.output_node_id) for e in edges_of(session, chain.id)]
    new = (data.input_node_id, data.output_node_id)
    if new in pairs:
        raise Conflict(tr("edge {input} → {output} already exists", input=new[0], output=new[1]))
    if would_cycle(pairs, new):
        raise InvalidInput("body.output_node_id", tr("this edge would make a cycle in the chain"))
    edge = ChainEdge(
        chain_id=chain.id, input_node_id=data.input_node_id, output_node_id=data.output_node_id
    )
    session.add(edge)
    _touch(chain)
    flush(session, "the edge")
    audit.record(session, caller, "chain.edge.create", "chain", chain.id, edge=edge.id)
    return edge


def delete_edge(
    session: Session, caller: Principal, chain_id: int, edge_id: int, version: int | None
) -> None:
    """Delete an edge."""
    require_admin(caller)
    chain = get_chain(session, chain_id)
    check_version(chain.version, version)
    edge = session.get(ChainEdge, edge_id)
    if edge is None or edge.chain_id != chain.id:
        raise NotFound(tr("edge {id} not found in chain {chain}", id=edge_id, chain=chain.id))
    session.delete(edge)
    _touch(chain)
    flush(session, f"edge {edge_id}")
    audit.record(session, caller, "chain.edge.delete", "chain", chain.id, edge=edge_id)


def export_document(session: Session, chain_ids: Sequence[int] | None = None) -> ChainMapDocument:
    """The chain map (all chains, or those named) as an import document."""
    query = select(Chain).options(selectinload(Chain.nodes)).order_by(Chain.name)
    if chain_ids is not None:
        query = query.where(Chain.id.in_(chain_ids))
    chains = list(session.scalars(query))
    names = {n.id: n.name for c in chains for n in c.nodes}
    edges: dict[int, list[ChainEdge]] = defaultdict(list)
    if chains:
        for e in session.scalars(
            select(ChainEdge)
            .where(ChainEdge.chain_id.in_([c.id for c in chains]))
            .order_by(ChainEdge.id)
        ):
            edges[e.chain_id].append(e)
    return ChainMapDocument(
        chains=[
            ExportChain(
                name=c.name,
                description=c.description,
                nodes=[
                    ExportNode(
                        name=n.name,
                        stage=n.stage,
                        description=n.description,
                        products=n.products,
                        keywords=n.keywords,
                    )
                    for n in sorted(c.nodes, key=lambda n: (n.stage, n.id))
                ],
                edges=[
                    ExportEdge(input=names[e.input_node_id], output=names[e.output_node_id])
                    for e in edges[c.id]
                ],
            )
            for c in chains
        ]
    )
