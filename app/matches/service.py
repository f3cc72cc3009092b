"""Shortlists (a need's ranked SMEs) and opportunity feeds (an SME's ranked open needs)."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.auth.principal import Principal
from app.errors import Forbidden
from app.listing import region_prefix
from app.matches.index import MatchingIndex
from app.matches.records import need_record, profile_record
from app.matches.schemas import (
    MatchedProduct,
    MatchReasons,
    Opportunities,
    OpportunityEntry,
    Shortlist,
    ShortlistEntry,
)
from app.models import CapabilityProfile, NeedKind, NeedStatus, Organization, SupplyNeed, Tier
from app.needs import service as needs
from app.profiles import service as profiles
from app.profiles.schemas import OrganizationSummary
from matching.records import Match


def _summary(org: Organization) -> OrganizationSummary:
    return OrganizationSummary(
        id=org.id,
        name=org.name,
        region_code=org.region_code,
        tier=Tier(org.tier) if org.tier else None,
    )


def _reasons(match: Match) -> MatchReasons:
    r = match.reasons
    return MatchReasons(
        matched_products=[MatchedProduct(wanted=w, offered=o) for w, o in r.matched_products],
        certifications_met=list(r.certifications_met),
        certifications_missing=list(r.certifications_missing),
        distance_km=None if r.distance_km is None else round(r.distance_km, 1),
        same_city=r.same_city,
        same_province=r.same_province,
        tier=Tier(r.tier) if r.tier else None,
    )


def _load_org(session: Session, need: SupplyNeed) -> None:
    # The record conversion reads the firm's industry codes.
    session.scalars(
        select(Organization)
        .where(Organization.id == need.organization_id)
        .options(selectinload(Organization.industries))
    ).one()


def shortlist(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    need_id: int,
    *,
    limit: int,
    region: str | None,
    tier: Tier | None,
    min_score: float | None,
    today: date,
) -> Shortlist:
    """Ranked SMEs for a need: for its firm (and who manages it), organizers and admins."""
    need = needs.get_visible(session, caller, need_id)
    if not (caller.manages(need.organization) or caller.is_organizer):
        raise Forbidden(f"the shortlist of need {need_id} is for its firm and organizers")
    _load_org(session, need)
    matches = index.shortlist(
        need_record(need),
        limit=limit,
        region_prefix=region_prefix(region) if region else None,
        tier=tier.value if tier else None,
        min_score=min_score,
        today=today,
    )
    found = {
        p.id: p
        for p in session.scalars(
            select(CapabilityProfile)
            .where(CapabilityProfile.id.in_([m.id for m in matches]))
            .options(selectinload(CapabilityProfile.organization))
        )
    }
    items: list[ShortlistEntry] = []
    for match in matches:
        profile = found.get(match.id)
        if profile is None:  # deleted after the index answered
            continue
        products = sorted(profile.products, key=lambda p: -(p.get("share") or 0))
        items.append(
            ShortlistEntry(
                rank=len(items) + 1,
                score=round(match.score, 4),
                profile_id=profile.id,
                organization=_summary(profile.organization),
                products=[p["name"] for p in products][:20],
                reasons=_reasons(match),
            )
        )
    return Shortlist(need_id=need_id, items=items)


def opportunities(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    profile_id: int,
    *,
    limit: int,
    region: str | None,
    min_score: float | None,
    today: date,
) -> Opportunities:
    """Ranked open needs for an SME's profile: for that SME (and who manages it)."""
    profile = profiles.get(session, profile_id)
    if not caller.manages(profile.organization):
        raise Forbidden(f"the opportunities of profile {profile_id} are for its SME")
    session.scalars(
        select(Organization)
        .where(Organization.id == profile.organization_id)
        .options(selectinload(Organization.industries))
    ).one()
    matches = index.opportunities(
        profile_record(profile),
        limit=limit,
        region_prefix=region_prefix(region) if region else None,
        min_score=min_score,
        today=today,
    )
    found = {
        n.id: n
        for n in session.scalars(
            select(SupplyNeed)
            .where(SupplyNeed.id.in_([m.id for m in matches]))
            .options(selectinload(SupplyNeed.organization))
        )
    }
    items: list[OpportunityEntry] = []
    for match in matches:
        need = found.get(match.id)
        if need is None or need.status != NeedStatus.open.value:  # changed since indexed
            continue
        items.append(
            OpportunityEntry(
                rank=len(items) + 1,
                score=round(match.score, 4),
                need_id=need.id,
                title=need.title,
                kind=NeedKind(need.kind),
                organization=_summary(need.organization),
                reasons=_reasons(match),
            )
        )
    return Opportunities(profile_id=profile_id, items=items)
