"""Shortlists (a need's ranked SMEs) and opportunity feeds (an SME's ranked open needs)."""

from datetime import date

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Forbidden
from app.interests import service as interests
from app.learning import capture
from app.listing import region_prefix
from app.matches.index import MatchingIndex
from app.matches.loading import FirmFacts, need_record_for
from app.matches.schemas import (
    MatchedProduct,
    MatchReasons,
    Opportunities,
    OpportunityEntry,
    Shortlist,
    ShortlistEntry,
)
from app.models import NeedKind, NeedStatus, Side, Tier
from app.needs import service as needs
from app.profiles import service as profiles
from app.profiles.schemas import OrganizationSummary
from matching.records import Match


def _summary(firm: FirmFacts) -> OrganizationSummary:
    return OrganizationSummary(
        id=firm.id,
        name=firm.name,
        region_code=firm.region_code,
        tier=Tier(firm.tier) if firm.tier else None,
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
    on_shown: capture.ShownHook | None = None,
) -> Shortlist:
    """Ranked SMEs for a need: for its firm (and who manages it), organizers and admins.

    A draft can be previewed by its firm: the need is ranked from the database, not the index.
    An open need's shortlist served to its own firm is handed to ``on_shown`` (positions and
    pair features: training data for the re-ranker), which logs it in one batched insert.
    """
    need = needs.get_visible(session, caller, need_id)
    if not (caller.manages(need.organization) or caller.is_organizer):
        raise Forbidden(f"the shortlist of need {need_id} is for its firm and organizers")
    result = index.shortlist(
        need_record_for(session, need),
        limit=limit,
        region_prefix=region_prefix(region) if region else None,
        tier=tier.value if tier else None,
        min_score=min_score,
        today=today,
    )
    shown = [ranked.match for ranked, _ in result.items]
    logged = on_shown is not None and need.status == NeedStatus.open.value
    if on_shown is not None and logged and interests.acts_for(caller, need.organization):
        on_shown(
            need_id,
            [(r.match.id, r.match.score, r.features, r.explored) for r, _ in result.items],
            result.model_version_id,
        )
        index.count_shown([m.id for m in shown])
    marks = interests.marks_on_need(session, need_id, [m.id for m in shown], Side.buyer)
    return Shortlist(
        need_id=need_id,
        model_version=result.model_version_id,
        items=[
            ShortlistEntry(
                rank=rank,
                score=round(match.score, 4),
                profile_id=match.id,
                organization=_summary(profile.firm),
                products=list(profile.products[:20]),
                reasons=_reasons(match),
                interest=marks[match.id],
                explored=ranked.explored,
            )
            for rank, (match, (ranked, profile)) in enumerate(
                zip(shown, result.items, strict=True), start=1
            )
        ],
    )


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
    ranked = index.opportunities(
        profile_id,
        limit=limit,
        region_prefix=region_prefix(region) if region else None,
        min_score=min_score,
        today=today,
    )
    marks = interests.marks_on_profile(session, profile_id, [m.id for m, _ in ranked], Side.sme)
    return Opportunities(
        profile_id=profile_id,
        items=[
            OpportunityEntry(
                rank=rank,
                score=round(match.score, 4),
                need_id=match.id,
                title=need.title,
                kind=NeedKind(need.kind),
                organization=_summary(need.firm),
                reasons=_reasons(match),
                interest=marks[match.id],
            )
            for rank, (match, need) in enumerate(ranked, start=1)
        ],
    )
