"""Placements of profiles and needs on chain nodes, kept in the ``placements`` table.

The model (:class:`matching.placement.ChainPlacer`) is fitted on the chain map and cached per
process; the cache key is a fingerprint of the chains (count, versions, last change), so any
change of the map refits it on the next placement. A profile or need is (re)placed whenever it
is written. An operator's override, or a placement an operator marked reviewed, freezes that
subject's placements in that chain: the model never replaces them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.chains import service as chains
from app.chains.schemas import (
    PlacementOverride,
    PlacementRead,
    PlacementReview,
    PlaceSummary,
    Subject,
)
from app.errors import Forbidden, InvalidInput, NotFound
from app.messages import tr, word
from app.models import (
    CapabilityProfile,
    Chain,
    ChainNode,
    NeedStatus,
    Organization,
    Placement,
    PlacementSource,
    SupplyNeed,
)
from app.models.base import utcnow
from app.pagination import Page, PageParams
from app.platform.db import flush
from matching.placement_records import NodeDoc, PlacementTerm
from matching.query import wanted_terms
from matching.records import NeedRecord

if TYPE_CHECKING:
    from matching.placement import ChainPlacer

_lock = threading.Lock()
_cache: dict[str, tuple[tuple[Any, ...], ChainPlacer | None]] = {}
#: Technologies say what a firm can do, less directly than what it sells.
TECHNOLOGY_WEIGHT = 0.6


def _fingerprint(session: Session) -> tuple[Any, ...]:
    row = session.execute(
        select(
            func.count(Chain.id),
            func.coalesce(func.sum(Chain.version), 0),
            func.max(Chain.id),
            func.max(Chain.updated_at),
        )
    ).one()
    return tuple(row)


def placer(session: Session) -> ChainPlacer | None:
    """The placement model for the current chain map (``None`` when the map has no nodes)."""
    key = str(session.get_bind().engine.url)
    stamp = _fingerprint(session)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    rows = session.execute(
        select(
            ChainNode.id, ChainNode.chain_id, ChainNode.name, ChainNode.products, ChainNode.keywords
        ).order_by(ChainNode.id)
    ).all()
    docs = [NodeDoc(r.id, r.chain_id, r.name, tuple(r.products), tuple(r.keywords)) for r in rows]
    from matching.placement import ChainPlacer  # scikit-learn: imported when first fitted

    model = ChainPlacer().fit(docs) if docs else None
    with _lock:
        _cache[key] = (stamp, model)
    return model


def profile_terms(
    products: Sequence[dict[str, Any]], technologies: Sequence[str]
) -> list[PlacementTerm]:
    """A profile's products, weighted by share of revenue (0.6 … 1), then its technologies."""
    shares = [p.get("share") for p in products]
    known = [float(s) for s in shares if isinstance(s, int | float) and s > 0]
    top = max(known) if known else 0.0
    terms: list[PlacementTerm] = []
    for item, share in zip(products, shares, strict=True):
        name = str(item.get("name") or "")
        weight = 1.0
        if top and isinstance(share, int | float):
            weight = 0.6 + 0.4 * max(float(share), 0.0) / top
        if name:
            terms.append(PlacementTerm(name, weight))
    terms.extend(PlacementTerm(t, TECHNOLOGY_WEIGHT) for t in technologies if t)
    return terms


def need_terms(need: SupplyNeed) -> list[PlacementTerm]:
    """What a need wants: its products; without any, the wanted part of its title and text.

    Never the application (what it is for): that is the buyer's node, not the supplier's.
    """
    if need.products:
        return [PlacementTerm(p, 1.0) for p in need.products if p]
    record = NeedRecord(
        id=need.id, title=need.title, description=need.description, application=need.application
    )
    return [PlacementTerm(t.text, min(t.weight, 1.0)) for t in wanted_terms(record)]


def _subject_column(subject: Subject) -> Any:
    return Placement.profile_id if subject is Subject.profile else Placement.need_id


def _frozen_chains(session: Session, subject: Subject, ids: Sequence[int]) -> dict[int, set[int]]:
    column = _subject_column(subject)
    out: dict[int, set[int]] = {}
    for start in range(0, len(ids), 900):
        for sid, chain_id in session.execute(
            select(column, Placement.chain_id)
            .where(column.in_(ids[start : start + 900]))
            .where(or_(Placement.source == PlacementSource.operator.value, Placement.reviewed))
            .distinct()
        ):
            out.setdefault(sid, set()).add(chain_id)
    return out


def _replace(
    session: Session,
    model: ChainPlacer | None,
    subject: Subject,
    items: Sequence[tuple[int, list[PlacementTerm]]],
) -> int:
    """Replace the model placements of these subjects; frozen chains are left alone."""
    rows = model_placements(session, model, subject, items)
    if rows:
        session.execute(insert(Placement), rows)
    return len(rows)


def model_placements(
    session: Session,
    model: ChainPlacer | None,
    subject: Subject,
    items: Sequence[tuple[int, list[PlacementTerm]]],
    *,
    new: bool = False,
) -> list[dict[str, Any]]:
    """Delete the model placements of these subjects and return the rows that replace them
    (for the caller to insert; frozen chains are left alone). ``new``: the subjects were
    created in this transaction, so they have no placements yet and nothing is looked up."""
    ids = [sid for sid, _ in items]
    column = _subject_column(subject)
    frozen = {} if new else _frozen_chains(session, subject, ids)
    for start in range(0, 0 if new else len(ids), 900):
        session.execute(
            delete(Placement)
            .where(column.in_(ids[start : start + 900]))
            .where(Placement.source == PlacementSource.model.value)
            .where(Placement.reviewed.is_(False)),
            execution_options={"synchronize_session": False},
        )
    if model is None or not ids:
        return []
    placed = model.place_many([terms for _, terms in items])
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for (sid, _), nodes in zip(items, placed, strict=True):
        keep = frozen.get(sid, set())
        for p in nodes:
            if p.chain_id in keep:
                continue
            rows.append(
                {
                    "chain_id": p.chain_id,
                    "node_id": p.node_id,
                    "profile_id": sid if subject is Subject.profile else None,
                    "need_id": sid if subject is Subject.need else None,
                    "confidence": min(max(p.confidence, 0.0), 1.0),
                    "source": PlacementSource.model.value,
                    "reviewed": False,
                    "term": p.term[:200],
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return rows


def place_profile(session: Session, profile: CapabilityProfile) -> int:
    """(Re)place one profile; returns how many model placements it got."""
    terms = profile_terms(profile.products, profile.technologies)
    return _replace(session, placer(session), Subject.profile, [(profile.id, terms)])


def place_need(session: Session, need: SupplyNeed) -> int:
    """(Re)place one need on the nodes of what it wants."""
    return _replace(session, placer(session), Subject.need, [(need.id, need_terms(need))])


@dataclass
class _Batch:
    profiles: int = 0
    needs: int = 0
    placements: int = 0


def place_all(
    session: Session, *, batch: int = 500, progress: Callable[[int], object] | None = None
) -> PlaceSummary:
    """Re-place every profile and need (operator overrides stay). ``progress`` gets counts."""
    started = time.perf_counter()
    model = placer(session)
    done = _Batch()
    profile_ids = list(session.scalars(select(CapabilityProfile.id).order_by(CapabilityProfile.id)))
    for start in range(0, len(profile_ids), batch):
        chunk = profile_ids[start : start + batch]
        rows = session.execute(
            select(
                CapabilityProfile.id, CapabilityProfile.products, CapabilityProfile.technologies
            ).where(CapabilityProfile.id.in_(chunk))
        ).all()
        items = [(r.id, profile_terms(r.products, r.technologies)) for r in rows]
        done.placements += _replace(session, model, Subject.profile, items)
        done.profiles += len(items)
        if progress:
            progress(len(items))
    need_ids = list(session.scalars(select(SupplyNeed.id).order_by(SupplyNeed.id)))
    for start in range(0, len(need_ids), batch):
        needs = list(
            session.scalars(
                select(SupplyNeed).where(SupplyNeed.id.in_(need_ids[start : start + batch]))
            )
        )
        items = [(n.id, need_terms(n)) for n in needs]
        done.placements += _replace(session, model, Subject.need, items)
        done.needs += len(items)
        if progress:
            progress(len(items))
    session.flush()
    return PlaceSummary(
        profiles=done.profiles,
        needs=done.needs,
        placements=done.placements,
        seconds=round(time.perf_counter() - started, 3),
    )


def subject_count(session: Session) -> int:
    """Profiles plus needs: what :func:`place_all` goes through."""
    return (session.scalar(select(func.count(CapabilityProfile.id))) or 0) + (
        session.scalar(select(func.count(SupplyNeed.id))) or 0
    )


def require_reader(caller: Principal) -> None:
    """Placements and weak links are for operators (admins) and organizers."""
    if not (caller.is_admin or caller.is_organizer):
        raise Forbidden(tr("only admins and organizers see placements and weak links"))


def list_page(
    session: Session,
    caller: Principal,
    chain_id: int,
    params: PageParams,
    *,
    node_id: int | None,
    subject: Subject | None,
    source: PlacementSource | None,
    reviewed: bool | None,
) -> Page[PlacementRead]:
    """A chain's placements to review, highest confidence first. Drafts only for admins."""
    require_reader(caller)
    chain = chains.get_chain(session, chain_id)
    names = {n.id: n.name for n in chain.nodes}
    if node_id is not None and node_id not in names:
        raise InvalidInput(
            "query.node", tr("node {id} is not a node of chain {chain}", id=node_id, chain=chain.id)
        )
    query = (
        select(
            Placement,
            func.coalesce(Organization.name, SupplyNeed.title).label("subject_name"),
        )
        .outerjoin(CapabilityProfile, CapabilityProfile.id == Placement.profile_id)
        .outerjoin(SupplyNeed, SupplyNeed.id == Placement.need_id)
        .outerjoin(Organization, Organization.id == CapabilityProfile.organization_id)
        .where(Placement.chain_id == chain.id)
    )
    if not caller.is_admin:
        query = query.where(
            or_(Placement.need_id.is_(None), SupplyNeed.status != NeedStatus.draft.value)
        )
    if node_id is not None:
        query = query.where(Placement.node_id == node_id)
    if subject is not None:
        query = query.where(_subject_column(subject).is_not(None))
    if source is not None:
        query = query.where(Placement.source == source.value)
    if reviewed is not None:
        query = query.where(Placement.reviewed.is_(reviewed))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(Placement.confidence.desc(), Placement.id)
        .offset(params.offset)
        .limit(params.page_size)
    ).all()
    return Page[PlacementRead](
        items=[_to_read(p, name or "", names) for p, name in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


def _to_read(p: Placement, subject_name: str, names: dict[int, str]) -> PlacementRead:
    is_profile = p.profile_id is not None
    sid = p.profile_id if is_profile else p.need_id
    assert sid is not None
    return PlacementRead(
        id=p.id,
        chain_id=p.chain_id,
        node_id=p.node_id,
        node_name=names.get(p.node_id) if p.node_id is not None else None,
        subject=Subject.profile if is_profile else Subject.need,
        subject_id=sid,
        subject_name=subject_name,
        confidence=p.confidence,
        source=PlacementSource(p.source),
        reviewed=p.reviewed,
        term=p.term,
        updated_at=p.updated_at,
    )


def _subject_name(session: Session, subject: Subject, subject_id: int) -> str:
    if subject is Subject.profile:
        name = session.scalar(
            select(Organization.name)
            .join(CapabilityProfile, CapabilityProfile.organization_id == Organization.id)
            .where(CapabilityProfile.id == subject_id)
        )
    else:
        name = session.scalar(select(SupplyNeed.title).where(SupplyNeed.id == subject_id))
    if name is None:
        raise InvalidInput(
            "body.subject_id", tr("no {subject} {id}", subject=word(subject), id=subject_id)
        )
    return name


def override(
    session: Session, caller: Principal, chain_id: int, data: PlacementOverride
) -> list[PlacementRead]:
    """An operator places a subject on exactly these nodes of the chain (none: off the chain)."""
    chains.require_admin(caller)
    chain = chains.get_chain(session, chain_id)
    names = {n.id: n.name for n in chain.nodes}
    seen: set[int] = set()
    for i, item in enumerate(data.nodes):
        if item.node_id not in names:
            raise InvalidInput(
                f"body.nodes.{i}.node_id",
                tr("node {id} is not a node of chain {chain}", id=item.node_id, chain=chain.id),
            )
        if item.node_id in seen:
            raise InvalidInput(
                f"body.nodes.{i}.node_id", tr("node {id} given twice", id=item.node_id)
            )
        seen.add(item.node_id)
    subject_name = _subject_name(session, data.subject, data.subject_id)
    column = _subject_column(data.subject)
    session.execute(
        delete(Placement).where(column == data.subject_id).where(Placement.chain_id == chain.id),
        execution_options={"synchronize_session": False},
    )
    ids: dict[str, int | None] = {"profile_id": None, "need_id": None}
    ids[f"{data.subject.value}_id"] = data.subject_id
    rows = [
        Placement(
            chain_id=chain.id,
            node_id=item.node_id,
            confidence=item.confidence,
            source=PlacementSource.operator.value,
            reviewed=True,
            term="",
            **ids,
        )
        for item in data.nodes
    ] or [
        Placement(
            chain_id=chain.id,
            node_id=None,
            confidence=0.0,
            source=PlacementSource.operator.value,
            reviewed=True,
            term="",
            **ids,
        )
    ]
    session.add_all(rows)
    flush(session, "the placement")
    audit.record(
        session,
        caller,
        "chain.placement.override",
        "chain",
        chain.id,
        subject=data.subject.value,
        subject_id=data.subject_id,
        nodes=sorted(seen),
    )
    return [_to_read(p, subject_name, names) for p in rows]


def review(
    session: Session, caller: Principal, chain_id: int, placement_id: int, data: PlacementReview
) -> PlacementRead:
    """Mark one placement reviewed (kept, frozen against the model) or not."""
    chains.require_admin(caller)
    chain = chains.get_chain(session, chain_id)
    row = session.get(Placement, placement_id)
    if row is None or row.chain_id != chain.id:
        raise NotFound(
            tr("placement {id} not found in chain {chain}", id=placement_id, chain=chain.id)
        )
    if row.source == PlacementSource.operator.value and not data.reviewed:
        raise InvalidInput("body.reviewed", tr("an operator's placement is always reviewed"))
    row.reviewed = data.reviewed
    row.updated_at = utcnow()
    flush(session, f"placement {placement_id}")
    audit.record(
        session, caller, "chain.placement.review", "chain", chain.id, placement=placement_id
    )
    subject = Subject.profile if row.profile_id is not None else Subject.need
    sid = row.profile_id if row.profile_id is not None else row.need_id
    assert sid is not None
    names = {n.id: n.name for n in chain.nodes}
    return _to_read(row, _subject_name(session, subject, sid), names)


def top_nodes(session: Session, profile_ids: Iterable[int]) -> dict[int, tuple[int, str, str]]:
    """Each profile's top placement: ``profile_id → (node_id, node name, chain name)``.

    Operator placements first, then the highest confidence; ties by node id.
    """
    ids = list(profile_ids)
    out: dict[int, tuple[int, str, str]] = {}
    best: dict[int, tuple[tuple[int, float, int], tuple[int, str, str]]] = {}
    for start in range(0, len(ids), 900):
        rows = session.execute(
            select(
                Placement.profile_id,
                Placement.node_id,
                Placement.source,
                Placement.confidence,
                ChainNode.name,
                Chain.name,
            )
            .join(ChainNode, ChainNode.id == Placement.node_id)
            .join(Chain, Chain.id == Placement.chain_id)
            .where(Placement.profile_id.in_(ids[start : start + 900]))
        ).all()
        for pid, node_id, source, conf, node_name, chain_name in rows:
            if pid is None or node_id is None:
                continue
            rank = (int(source == PlacementSource.operator.value), conf, -node_id)
            if pid not in best or rank > best[pid][0]:
                best[pid] = (rank, (node_id, node_name, chain_name))
    for pid, (_, value) in best.items():
        out[pid] = value
    return out
