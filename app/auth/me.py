"""``GET /me``: who is calling, and where its own records are (profile, needs, managed firms)."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.auth.schemas import Me, RecordCount
from app.models import CapabilityProfile, Organization, SupplyNeed

API = "/api/v1"


def describe(session: Session, caller: Principal) -> Me:
    """The caller with links to what it works on.

    An SME gets its capability profile (id and link, null before it posts one), a large firm
    the count of its supply needs and the link that lists them, an organizer the count of the
    firms it registered (and so manages) and the link that lists them.
    """
    org_id = caller.organization_id
    me = Me(
        key_id=caller.key_id,
        user_id=caller.user_id,
        role=caller.role,
        organization_id=org_id,
        organization_url=f"{API}/organizations/{org_id}" if org_id else None,
    )
    if org_id is None:
        return me
    if caller.role == "sme":
        profile_id = session.scalar(
            select(CapabilityProfile.id).where(CapabilityProfile.organization_id == org_id)
        )
        me.profile_id = profile_id
        me.profile_url = f"{API}/profiles/{profile_id}" if profile_id else None
    elif caller.role == "large_firm":
        count = session.scalar(
            select(func.count()).select_from(SupplyNeed).where(SupplyNeed.organization_id == org_id)
        )
        me.needs = RecordCount(count=count or 0, url=f"{API}/needs?organization_id={org_id}")
    elif caller.role == "organizer":
        count = session.scalar(
            select(func.count())
            .select_from(Organization)
            .where(Organization.registered_by_id == org_id)
        )
        me.managed_firms = RecordCount(
            count=count or 0, url=f"{API}/organizations?registered_by={org_id}"
        )
    return me
