"""Supply needs: posted by a large firm; drafts are private, open and closed needs are public."""

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.orm import Session, joinedload, selectinload

from app import audit
from app.auth.principal import Principal
from app.chains import placing
from app.errors import Forbidden, InvalidInput, NotFound
from app.listing import in_industry, region_prefix, text_filter
from app.messages import tr
from app.models import NeedKind, NeedStatus, Organization, SupplyNeed, Tier
from app.models.base import utcnow
from app.needs import rules as need_rules
from app.needs.schemas import (
    NeedCreate,
    NeedRead,
    NeedUpdate,
)
from app.organizations import service as organizations
from app.pagination import Page, PageParams
from app.platform import changes
from app.platform.db import flush
from app.profiles.schemas import OrganizationSummary
from app.rules import enforce
from app.versioning import check_version

#: Allowed status changes; anything else is 409 (the rule is :mod:`app.needs.rules`'s).
TRANSITIONS = need_rules.TRANSITIONS
_NULLABLE = frozenset({"quantity", "quantity_unit", "deadline"})


def _load(session: Session, need_id: int) -> SupplyNeed:
    need = session.scalars(
        select(SupplyNeed)
        .where(SupplyNeed.id == need_id)
        .options(joinedload(SupplyNeed.organization))
    ).one_or_none()
    if need is None:
        raise NotFound(tr("need {id} not found", id=need_id))
    return need


def get_visible(session: Session, caller: Principal, need_id: int) -> SupplyNeed:
    """The need if ``caller`` may see it. Drafts of others are 404: their existence is private."""
    need = _load(session, need_id)
    if need.status == NeedStatus.draft and not caller.manages(need.organization):
        raise NotFound(tr("need {id} not found", id=need_id))
    return need


def _get_managed(session: Session, caller: Principal, need_id: int) -> SupplyNeed:
    need = get_visible(session, caller, need_id)
    if not caller.manages(need.organization):
        raise Forbidden(tr("you do not manage need {id}", id=need_id))
    return need


def to_read(need: SupplyNeed) -> NeedRead:
    """The need as the API shows it."""
    org = need.organization
    return NeedRead(
        id=need.id,
        kind=NeedKind(need.kind),
        status=NeedStatus(need.status),
        title=need.title,
        description=need.description,
        products=need.products,
        application=need.application,
        quantity=need.quantity,
        quantity_unit=need.quantity_unit,
        required_certifications=need.required_certifications,
        preferred_regions=need.preferred_regions,
        deadline=need.deadline,
        organization=OrganizationSummary(
            id=org.id,
            name=org.name,
            region_code=org.region_code,
            tier=Tier(org.tier) if org.tier else None,
        ),
        version=need.version,
        created_at=need.created_at,
        updated_at=need.updated_at,
    )


def create(session: Session, caller: Principal, data: NeedCreate) -> SupplyNeed:
    """Post a need for a large firm (the caller's own, or one it manages)."""
    org_id = data.organization_id if data.organization_id is not None else caller.organization_id
    if org_id is None:
        raise InvalidInput("body.organization_id", tr("required for keys without an organization"))
    org = organizations.get_managed(session, caller, org_id)
    enforce(need_rules.poster_problem(org.kind))
    enforce(need_rules.new_status_problem(data.status))
    fields = data.model_dump(exclude={"organization_id"}, mode="json")
    need = SupplyNeed(organization_id=org.id, **fields)
    need.deadline = data.deadline
    need.organization = org
    session.add(need)
    flush(session, "the need")
    audit.record(session, caller, "need.create", "need", need.id, status=need.status)
    placing.place_need(session, need)
    changes.record(session, changes.NEED, need.id)
    return need


def update(
    session: Session,
    caller: Principal,
    need_id: int,
    data: NeedUpdate,
    expected_version: int | None,
) -> SupplyNeed:
    """Change the given fields if the client read the current version."""
    need = _get_managed(session, caller, need_id)
    check_version(need.version, expected_version)
    fields = data.model_dump(exclude_unset=True, mode="json")
    for field, value in fields.items():
        if value is None and field not in _NULLABLE:
            raise InvalidInput(f"body.{field}", tr("cannot be null"))
    if "status" in fields:
        enforce(need_rules.transition_problem(need.status, fields["status"]))
    for field, value in fields.items():
        setattr(need, field, value)
    if "deadline" in fields:
        need.deadline = data.deadline
    need.updated_at = utcnow()
    flush(session, f"need {need.id}")
    audit.record(session, caller, "need.update", "need", need.id, fields=sorted(fields))
    if {"products", "title", "description"} & fields.keys():
        placing.place_need(session, need)
    changes.record(session, changes.NEED, need.id)
    return need


def delete(session: Session, caller: Principal, need_id: int, expected_version: int | None) -> None:
    """Delete a need (closing it keeps the record; deleting removes it)."""
    need = _get_managed(session, caller, need_id)
    check_version(need.version, expected_version)
    session.delete(need)
    flush(session, f"need {need_id}")
    audit.record(session, caller, "need.delete", "need", need_id)
    changes.record(session, changes.NEED, need_id)


def list_page(
    session: Session,
    caller: Principal,
    params: PageParams,
    *,
    status: NeedStatus | None,
    kind: NeedKind | None,
    organization_id: int | None,
    region: str | None,
    industry: str | None,
    q: str | None,
) -> Page[NeedRead]:
    """Needs the caller may see that match the filters (region and industry of the firm)."""
    query = select(SupplyNeed).join(Organization, SupplyNeed.organization_id == Organization.id)
    query = query.where(or_(SupplyNeed.status != NeedStatus.draft.value, _managed_by(caller)))
    if status is not None:
        query = query.where(SupplyNeed.status == status.value)
    if kind is not None:
        query = query.where(SupplyNeed.kind == kind.value)
    if organization_id is not None:
        query = query.where(SupplyNeed.organization_id == organization_id)
    if region:
        query = query.where(Organization.region_code.startswith(region_prefix(region)))
    if industry:
        query = query.where(in_industry(Organization.id, industry))
    if q:
        query = query.where(
            or_(
                text_filter(SupplyNeed.title, q),
                text_filter(SupplyNeed.description, q),
                text_filter(SupplyNeed.products, q),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(SupplyNeed.organization))
        .order_by(SupplyNeed.id)
        .offset(params.offset)
        .limit(params.page_size)
    ).all()
    return Page[NeedRead](
        items=[to_read(n) for n in rows], total=total, page=params.page, page_size=params.page_size
    )


def _managed_by(caller: Principal) -> ColumnElement[bool]:
    """SQL for "the need's firm is managed by ``caller``" (mirrors Principal.manages)."""
    if caller.is_admin:
        return true()
    if caller.organization_id is None:
        return false()
    own = Organization.id == caller.organization_id
    if caller.is_organizer:
        return or_(own, Organization.registered_by_id == caller.organization_id)
    return own
