"""Shortlists (a need's ranked SMEs), opportunity feeds (an SME's ranked open needs) and
chain discovery (the SMEs that could supply a large firm's upstream)."""

from datetime import date

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Forbidden, InvalidInput
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
    PredictedInput,
    Shortlist,
    ShortlistEntry,
    SupplyPath,
    UpstreamEntry,
    UpstreamReasons,
    UpstreamSuppliers,
)
from app.messages import tr
from app.models import NeedKind, OrganizationKind, Tier
from app.needs import service as needs
from app.organizations import service as organizations
from app.profiles import service as profiles
from app.profiles.schemas import OrganizationSummary
from matching.reading import NO_PRODUCT
from matching.records import Match, ProductItem
from matching.upstream_records import UpstreamMatch
from matching.variants import read_as_note

MAX_INPUTS_SHOWN = 20


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
        matched_products=[
            MatchedProduct(wanted=w, offered=o, read_as=read_as_note(w, o, r.name_variants))
            for w, o in r.matched_products
        ],
        certifications_met=list(r.certifications_met),
        certifications_missing=list(r.certifications_missing),
        certifications_unverified=list(r.certifications_unverified),
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
    indexed = index.open_need(need_id)
    if indexed is not None:
        # An open need is answered without a database read: its firm comes from the index.
        # Who may see a shortlist: the firm itself, organizers and admins (for a firm, to
        # manage an organization is to be it).
        owner_id = indexed.firm.id
        if not (caller.is_admin or caller.is_organizer or caller.organization_id == owner_id):
            raise Forbidden(
                tr("the shortlist of need {id} is for its firm and organizers", id=need_id)
            )
        record = indexed.record
    else:
        need = needs.get_visible(session, caller, need_id)
        if not (caller.manages(need.organization) or caller.is_organizer):
            raise Forbidden(
                tr("the shortlist of need {id} is for its firm and organizers", id=need_id)
            )
        owner_id = need.organization_id
        record = need_record_for(session, need)
    result = index.shortlist(
        record,
        limit=limit,
        region_prefix=region_prefix(region) if region else None,
        tier=tier.value if tier else None,
        min_score=min_score,
        today=today,
    )
    shown = [ranked.match for ranked, _ in result.items]
    # Views of open needs by the firm itself are logged: an admin or organizer looking is not
    # the buyer choosing, and a draft or closed need is not being bought for.
    if on_shown is not None and indexed is not None and caller.organization_id == owner_id:
        on_shown(
            need_id,
            [(r.match.id, r.match.score, r.pair_vector(), r.explored) for r, _ in result.items],
            result.model_version_id,
        )
        index.count_shown([m.id for m in shown])
    marks = interests.visible_marks(
        index.marks_on_need(need_id, [m.id for m in shown]),
        caller,
        {ranked.match.id: (owner_id, profile.firm.id) for ranked, profile in result.items},
    )
    no_product = not result.items and NO_PRODUCT in index.read(record).warnings
    return Shortlist(
        need_id=need_id,
        reason=NO_PRODUCT if no_product else None,
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
        raise Forbidden(tr("the opportunities of profile {id} are for its SME", id=profile_id))
    ranked = index.opportunities(
        profile_id,
        limit=limit,
        region_prefix=region_prefix(region) if region else None,
        min_score=min_score,
        today=today,
    )
    marks = interests.visible_marks(
        index.marks_on_profile(profile_id, [m.id for m, _ in ranked]),
        caller,
        {match.id: (need.firm.id, profile.organization_id) for match, need in ranked},
    )
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


def _upstream_reasons(match: UpstreamMatch) -> UpstreamReasons:
    r = match.reasons
    return UpstreamReasons(
        supply_paths=[
            SupplyPath(
                buyer_product=p.buyer_product,
                input=p.input,
                supplier_product=p.supplier_product,
                via=p.via,
            )
            for p in match.paths
        ],
        distance_km=None if r.distance_km is None else round(r.distance_km, 1),
        same_city=r.same_city,
        same_province=r.same_province,
        tier=Tier(r.tier) if r.tier else None,
    )


def upstream_suppliers(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    org_id: int,
    *,
    limit: int,
    region: str | None,
    tier: Tier | None,
    min_score: float | None,
    today: date,
) -> UpstreamSuppliers:
    """SMEs that could supply the inputs of a large firm's products (补链), with reasons.

    For the firm (and who manages it), organizers and admins. The firm's products are read
    from the database, so an edit shows at once.
    """
    org = organizations.get(session, org_id)
    if not (caller.manages(org) or caller.is_organizer):
        raise Forbidden(
            tr("the upstream suppliers of organization {id} are for it and organizers", id=org_id)
        )
    if org.kind != OrganizationKind.large_firm:
        raise InvalidInput(
            "path.organization_id",
            tr(
                "organization {id} is not a large firm: chain discovery ranks the suppliers of a large firm's own products",
                id=org_id,
            ),
        )
    products = [ProductItem(p.name, p.share) for p in org.products]
    inputs, ranked = index.upstream_suppliers(
        org.id,
        products,
        region_code=org.region_code,
        industry_codes=tuple(org.industry_codes),
        limit=limit,
        region_prefix=region_prefix(region) if region else None,
        tier=tier.value if tier else None,
        min_score=min_score,
        today=today,
    )
    return UpstreamSuppliers(
        organization_id=org.id,
        products=[p.name for p in products],
        inputs=[
            PredictedInput(
                name=i.input,
                weight=round(i.weight, 4),
                for_products=list(dict.fromkeys(s.product for s in i.sources)),
            )
            for i in inputs[:MAX_INPUTS_SHOWN]
        ],
        items=[
            UpstreamEntry(
                rank=rank,
                score=round(match.score, 4),
                profile_id=match.id,
                organization=_summary(profile.firm),
                products=list(profile.products[:20]),
                reasons=_upstream_reasons(match),
            )
            for rank, (match, profile) in enumerate(ranked, start=1)
        ],
    )
