"""Capability profiles: one per SME, written by the SME (or who manages it)."""

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit
from app.auth.principal import Principal
from app.chains import placing
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.listing import in_industry, region_prefix, text_filter
from app.messages import tr
from app.models import CapabilityProfile, Organization, Tier
from app.models.base import utcnow
from app.organizations import service as organizations
from app.pagination import Page, PageParams
from app.platform import changes
from app.platform.db import flush
from app.profiles import rules as profile_rules
from app.profiles.schemas import (
    OrganizationSummary,
    ProfileCreate,
    ProfileRead,
    ProfileUpdate,
)
from app.rules import enforce
from app.versioning import check_version

_NULLABLE = frozenset({"capacity", "minimum_order"})


def get(session: Session, profile_id: int) -> CapabilityProfile:
    """The profile with its organization, or 404."""
    profile = session.scalars(
        select(CapabilityProfile)
        .where(CapabilityProfile.id == profile_id)
        .options(selectinload(CapabilityProfile.organization))
    ).one_or_none()
    if profile is None:
        raise NotFound(tr("profile {id} not found", id=profile_id))
    return profile


def _get_managed(session: Session, caller: Principal, profile_id: int) -> CapabilityProfile:
    profile = get(session, profile_id)
    if not caller.manages(profile.organization):
        raise Forbidden(tr("you do not manage profile {id}", id=profile_id))
    return profile


def to_read(profile: CapabilityProfile) -> ProfileRead:
    """The profile as the API shows it (profiles hold no private fields)."""
    org = profile.organization
    return ProfileRead(
        id=profile.id,
        organization=OrganizationSummary(
            id=org.id,
            name=org.name,
            region_code=org.region_code,
            tier=Tier(org.tier) if org.tier else None,
        ),
        products=profile.products,
        technologies=profile.technologies,
        processes=profile.processes,
        materials=profile.materials,
        certifications=profile.certifications,
        capacity=profile.capacity,
        minimum_order=profile.minimum_order,
        regions_served=profile.regions_served,
        description=profile.description,
        version=profile.version,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def _stored(changes: dict[str, Any]) -> dict[str, Any]:
    """Pydantic dump → what the JSON columns hold (dates as ISO strings)."""
    out = dict(changes)
    if out.get("certifications") is not None:
        out["certifications"] = [
            {**c, "valid_until": c["valid_until"].isoformat() if c.get("valid_until") else None}
            for c in out["certifications"]
        ]
    return out


def create(session: Session, caller: Principal, data: ProfileCreate) -> CapabilityProfile:
    """Create the profile of an SME (its own, or one the caller manages)."""
    org_id = data.organization_id if data.organization_id is not None else caller.organization_id
    if org_id is None:
        raise InvalidInput("body.organization_id", tr("required for keys without an organization"))
    org = organizations.get_managed(session, caller, org_id)
    enforce(profile_rules.owner_problem(org.kind))
    if session.scalar(
        select(CapabilityProfile.id).where(CapabilityProfile.organization_id == org.id)
    ):
        raise Conflict(tr("organization {id} already has a profile; update it instead", id=org.id))
    fields = _stored(data.model_dump(exclude={"organization_id"}))
    profile = CapabilityProfile(organization_id=org.id, **fields)
    profile.organization = org
    session.add(profile)
    flush(session, "the profile")
    audit.record(session, caller, "profile.create", "profile", profile.id)
    placing.place_profile(session, profile)
    changes.record(session, changes.PROFILE, profile.id)
    return profile


def update(
    session: Session,
    caller: Principal,
    profile_id: int,
    data: ProfileUpdate,
    expected_version: int | None,
) -> CapabilityProfile:
    """Change the given fields if the client read the current version."""
    profile = _get_managed(session, caller, profile_id)
    check_version(profile.version, expected_version)
    fields = _stored(data.model_dump(exclude_unset=True))
    for field, value in fields.items():
        if value is None and field not in _NULLABLE:
            raise InvalidInput(f"body.{field}", tr("cannot be null"))
        setattr(profile, field, value)
    profile.updated_at = utcnow()
    flush(session, f"profile {profile.id}")
    audit.record(session, caller, "profile.update", "profile", profile.id, fields=sorted(fields))
    if {"products", "technologies"} & fields.keys():
        placing.place_profile(session, profile)
    changes.record(session, changes.PROFILE, profile.id)
    return profile


def delete(
    session: Session, caller: Principal, profile_id: int, expected_version: int | None
) -> None:
    """Delete a profile."""
    profile = _get_managed(session, caller, profile_id)
    check_version(profile.version, expected_version)
    session.delete(profile)
    flush(session, f"profile {profile_id}")
    audit.record(session, caller, "profile.delete", "profile", profile_id)
    changes.record(session, changes.PROFILE, profile_id)


def list_page(
    session: Session,
    params: PageParams,
    *,
    region: str | None,
    industry: str | None,
    tier: Tier | None,
    q: str | None,
    organization_id: int | None = None,
) -> Page[ProfileRead]:
    """Profiles matching the filters (on the SME's region, industry codes and tier)."""
    query = select(CapabilityProfile).join(
        Organization, CapabilityProfile.organization_id == Organization.id
    )
    if organization_id is not None:
        query = query.where(CapabilityProfile.organization_id == organization_id)
    if region:
        query = query.where(Organization.region_code.startswith(region_prefix(region)))
    if industry:
        query = query.where(in_industry(Organization.id, industry))
    if tier is not None:
        query = query.where(Organization.tier == tier.value)
    if q:
        query = query.where(
            or_(
                text_filter(Organization.name, q),
                text_filter(CapabilityProfile.products, q),
                text_filter(CapabilityProfile.technologies, q),
                text_filter(CapabilityProfile.description, q),
            )
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(CapabilityProfile.organization))
        .order_by(CapabilityProfile.id)
        .offset(params.offset)
        .limit(params.page_size)
    ).all()
    return Page[ProfileRead](
        items=[to_read(p) for p in rows], total=total, page=params.page, page_size=params.page_size
    )
