"""Database rows → the plain records the matching library works on."""

from datetime import date

from app.models import CapabilityProfile, SupplyNeed
from matching.records import CertificationItem, NeedRecord, ProductItem, ProfileRecord


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def profile_record(profile: CapabilityProfile) -> ProfileRecord:
    """The matching view of a profile and its SME (``profile.organization`` must be loaded)."""
    org = profile.organization
    return ProfileRecord(
        id=profile.id,
        name=org.name,
        products=tuple(
            ProductItem(name=p["name"], weight=p.get("share")) for p in profile.products
        ),
        technologies=tuple(profile.technologies),
        processes=tuple(profile.processes),
        materials=tuple(profile.materials),
        certifications=tuple(
            CertificationItem(standard=c["standard"], valid_until=_date(c.get("valid_until")))
            for c in profile.certifications
        ),
        region_code=org.region_code,
        tier=org.tier,
        industry_codes=tuple(org.industry_codes),
        capacity=profile.capacity,
        description=profile.description,
    )


def need_record(need: SupplyNeed) -> NeedRecord:
    """The matching view of a need and its firm (``need.organization`` must be loaded)."""
    org = need.organization
    return NeedRecord(
        id=need.id,
        title=need.title,
        description=need.description,
        products=tuple(need.products),
        application=need.application,
        required_certifications=tuple(need.required_certifications),
        preferred_regions=tuple(need.preferred_regions),
        region_code=org.region_code,
        industry_codes=tuple(org.industry_codes),
        deadline=need.deadline,
    )
