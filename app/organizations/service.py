"""Organizations: create, read, list, update, delete, with ownership checks."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import Session, object_session, selectinload

from app import audit, consent
from app.auth.principal import Principal
from app.errors import Conflict, FieldText, Forbidden, InvalidInput, NotFound
from app.listing import in_industry, region_prefix, text_filter
from app.messages import field_problem, tr
from app.models import (
    CapabilityProfile,
    Organization,
    OrganizationIndustry,
    OrganizationKind,
    OrganizationProduct,
    Tier,
)
from app.models.base import utcnow
from app.organizations import rules as organization_rules
from app.organizations.schemas import (
    OrganizationCreate,
    OrganizationRead,
    OrganizationUpdate,
    ProductItem,
)
from app.pagination import Page, PageParams
from app.platform import changes as change_log
from app.platform.db import flush
from app.reference.tables import regions
from app.rules import enforce
from app.versioning import check_version

CONTACT_FIELDS = ("person", "phone", "email")


def get(session: Session, org_id: int) -> Organization:
    """The organization with its industry codes, or 404."""
    org = session.scalars(
        select(Organization)
        .where(Organization.id == org_id)
        .options(selectinload(Organization.industries), selectinload(Organization.products))
    ).one_or_none()
    if org is None:
        raise NotFound(tr("organization {id} not found", id=org_id))
    return org


def get_managed(session: Session, caller: Principal, org_id: int) -> Organization:
    """The organization if ``caller`` manages it; 404 if it does not exist, 403 otherwise."""
    org = get(session, org_id)
    if not caller.manages(org):
        raise Forbidden(organization_rules.not_managed(org_id))
    return org


def to_read(caller: Principal, org: Organization) -> OrganizationRead:
    """The organization as ``caller`` may see it: contacts only for those who manage it."""
    contacts = consent.own_contacts(caller, org)
    region = regions().get(org.region_code) if org.region_code else None
    return OrganizationRead(
        id=org.id,
        kind=OrganizationKind(org.kind),
        name=org.name,
        uscc=org.uscc,
        region_code=org.region_code,
        region_name=region.name if region else None,
        region_inferred=org.region_inferred,
        industry_codes=org.industry_codes,
        tier=Tier(org.tier) if org.tier else None,
        tier_year=org.tier_year,
        description=org.description,
        website=org.website,
        contacts=contacts,
        products=[ProductItem(name=p.name, share=p.share) for p in org.products],
        registered_by_id=org.registered_by_id,
        profile_id=_profile_id(org),
        external_id=org.external_id,
        version=org.version,
        created_at=org.created_at,
        updated_at=org.updated_at,
    )


def _profile_id(org: Organization) -> int | None:
    """The id of ``org``'s capability profile, read with it when it was loaded (lists)."""
    if "profile" not in inspect(org).unloaded:
        return org.profile.id if org.profile is not None else None
    session = object_session(org)
    if session is None or org.kind != OrganizationKind.sme:
        return None
    return session.scalar(
        select(CapabilityProfile.id).where(CapabilityProfile.organization_id == org.id)
    )


def _check_tier(kind: str, tier: str | None, year: int | None) -> None:
    enforce(organization_rules.tier_problem(kind, tier, year))


def _check_products(kind: str, products: Sequence[ProductItem]) -> None:
    enforce(organization_rules.products_problem(kind, products))


def _set_products(org: Organization, products: Sequence[ProductItem]) -> None:
    seen: set[str] = set()
    rows: list[OrganizationProduct] = []
    for item in products:
        if item.name not in seen:
            seen.add(item.name)
            rows.append(OrganizationProduct(position=len(rows), name=item.name, share=item.share))
    org.products = rows


def _check_uscc_free(session: Session, uscc: str, *, except_id: int | None = None) -> None:
    query = select(Organization.id).where(Organization.uscc == uscc)
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    if session.scalar(query) is not None:
        raise Conflict(tr("an organization with USCC {uscc} already exists", uscc=uscc))


def _set_industries(org: Organization, codes: Sequence[str]) -> None:
    unique = list(dict.fromkeys(codes))
    org.industries = [OrganizationIndustry(code=code, position=i) for i, code in enumerate(unique)]


def create(session: Session, caller: Principal, data: OrganizationCreate) -> Organization:
    """Register an organization. Admins register any kind; organizers register firms."""
    if not caller.is_admin:
        if not caller.is_organizer:
            raise Forbidden(tr("only organizers and admins register organizations"))
        if data.kind == OrganizationKind.organizer:
            raise Forbidden(tr("only admins register organizers"))
    _check_tier(data.kind, data.tier, data.tier_year)
    _check_products(data.kind, data.products)
    _check_uscc_free(session, data.uscc)
    org = Organization(
        kind=data.kind.value,
        name=data.name,
        uscc=data.uscc,
        region_code=data.region_code,
        tier=data.tier.value if data.tier else None,
        tier_year=data.tier_year,
        description=data.description,
        website=data.website,
        contact_person=data.contacts.person,
        contact_phone=data.contacts.phone,
        contact_email=data.contacts.email,
        registered_by_id=caller.organization_id if caller.is_organizer else None,
        external_id=data.external_id,
    )
    _set_industries(org, data.industry_codes)
    _set_products(org, data.products)
    session.add(org)
    flush(session, "the organization")
    audit.record(session, caller, "organization.create", "organization", org.id)
    return org


def update(
    session: Session,
    caller: Principal,
    org_id: int,
    data: OrganizationUpdate,
    expected_version: int | None,
) -> Organization:
    """Change the fields given in ``data`` if the client read the current version."""
    org = get_managed(session, caller, org_id)
    check_version(org.version, expected_version)
    changes = data.model_dump(exclude_unset=True)
    _check_may_classify(caller, org, changes)
    for field in ("name", "description"):
        if field in changes and changes[field] is None:
            raise InvalidInput(f"body.{field}", tr("cannot be null"))
    if "uscc" in changes:
        if changes["uscc"] is None:
            raise InvalidInput("body.uscc", tr("cannot be null"))
        _check_uscc_free(session, changes["uscc"], except_id=org.id)
    if data.products is not None:
        _check_products(org.kind, data.products)
    tier = changes.get("tier", org.tier)
    _check_tier(org.kind, tier, changes.get("tier_year", org.tier_year if tier else None))
    if "tier" in changes and tier is None:
        changes["tier_year"] = None
    before = classification(org.tier, org.tier_year, org.uscc)
    _apply(org, changes)
    flush(session, f"organization {org.id}")
    audit.record(
        session, caller, "organization.update", "organization", org.id, fields=sorted(changes)
    )
    audit_classification(
        session, caller, org.id, before, classification(org.tier, org.tier_year, org.uscc)
    )
    change_log.record(session, change_log.ORGANIZATION, org.id)
    return org


#: Fields that classify a firm rather than describe it: the tier re-ranks shortlists and
#: weak links, the USCC identifies the firm. Only admins and the organizer that manages the
#: firm set them (as they would from verified data), never the firm's own key.
CLASSIFYING_FIELDS = ("tier", "tier_year", "uscc")


def may_classify(caller: Principal, org: Organization) -> bool:
    """Whether ``caller`` may set ``org``'s tier, tier year and USCC: admins, and the organizer
    that registered ``org`` (not ``org``'s own keys, an organizer's included)."""
    if caller.is_admin:
        return True
    return (
        caller.is_organizer
        and caller.organization_id is not None
        and org.registered_by_id == caller.organization_id
    )


def _check_may_classify(caller: Principal, org: Organization, changes: dict[str, Any]) -> None:
    if may_classify(caller, org):
        return
    refused = [field for field in CLASSIFYING_FIELDS if field in changes]
    if refused:
        raise Forbidden(
            tr(
                "tier, tier year and USCC are set by the organizer that manages the firm or an admin"
            ),
            errors=[
                FieldText(
                    f"body.{field}",
                    field_problem(f"body.{field}", tr("set by an organizer or admin")),
                )
                for field in refused
            ],
        )


def classification(tier: str | None, tier_year: int | None, uscc: str | None) -> dict[str, Any]:
    """What :func:`audit_classification` compares: the tier with its year, and the USCC."""
    return {"tier": [tier, tier_year], "uscc": uscc}


def audit_classification(
    session: Session,
    caller: Principal | None,
    org_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """One audit entry per changed classification, with the old and the new value.

    The API and the importer both call this, so a tier or USCC never changes unaudited.
    """
    for what in ("tier", "uscc"):
        if after[what] != before[what]:
            audit.record(
                session,
                caller,
                f"organization.{what}.set",
                "organization",
                org_id,
                before=before[what],
                after=after[what],
            )


def _apply(org: Organization, changes: dict[str, Any]) -> None:
    for field, value in changes.items():
        if field == "industry_codes":
            _set_industries(org, value or [])
        elif field == "products":
            _set_products(org, [ProductItem.model_validate(p) for p in value or []])
        elif field == "contacts":
            contacts = value or {}
            for part in CONTACT_FIELDS:
                setattr(org, f"contact_{part}", contacts.get(part))
        elif field == "region_code":
            org.region_code = value
            org.region_inferred = False
        elif field == "tier":
            org.tier = value.value if isinstance(value, Tier) else value
        else:
            setattr(org, field, value)
    # Always touch the row, so its version moves even when only industry codes changed.
    org.updated_at = utcnow()


def delete(session: Session, caller: Principal, org_id: int, expected_version: int | None) -> None:
    """Delete an organization with its profile, needs and keys."""
    org = get_managed(session, caller, org_id)
    if not caller.is_admin and caller.organization_id == org.id:
        raise Forbidden(tr("an organization cannot delete itself; ask an organizer or admin"))
    check_version(org.version, expected_version)
    session.delete(org)
    flush(session, f"organization {org_id}")
    audit.record(session, caller, "organization.delete", "organization", org_id)
    change_log.record(session, change_log.ORGANIZATION, org_id)


def list_page(
    session: Session,
    caller: Principal,
    params: PageParams,
    *,
    kind: OrganizationKind | None,
    region: str | None,
    industry: str | None,
    tier: Tier | None,
    q: str | None,
    registered_by: int | None = None,
) -> Page[OrganizationRead]:
    """Organizations matching the filters, in id order, one page at a time."""
    query = select(Organization)
    if registered_by is not None:
        query = query.where(Organization.registered_by_id == registered_by)
    if kind is not None:
        query = query.where(Organization.kind == kind.value)
    if region:
        query = query.where(Organization.region_code.startswith(region_prefix(region)))
    if industry:
        query = query.where(in_industry(Organization.id, industry))
    if tier is not None:
        query = query.where(Organization.tier == tier.value)
    if q:
        query = query.where(
            or_(text_filter(Organization.name, q), text_filter(Organization.description, q))
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(
            selectinload(Organization.industries),
            selectinload(Organization.products),
            selectinload(Organization.profile).load_only(CapabilityProfile.id),
        )
        .order_by(Organization.id)
        .offset(params.offset)
        .limit(params.page_size)
    ).all()
    return Page[OrganizationRead](
        items=[to_read(caller, org) for org in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )
