"""Who a firm's messages go to: its contact e-mail and its users with a verified address."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.consent import own_address, own_phone
from app.models import Organization


@dataclass(frozen=True)
class Recipient:
    """One address of a firm's (the contact, or a user)."""

    email: str | None
    phone: str | None = None
    user_id: int | None = None


def of_organization(session: Session, organization_id: int) -> list[Recipient]:
    """The firm's contact (e-mail and phone) and its verified, enabled users; each e-mail once."""
    org = session.get(Organization, organization_id)
    if org is None:
        return []
    found: list[Recipient] = []
    seen: set[str] = set()
    email, phone = own_address(org), own_phone(org)
    if email or phone:
        found.append(Recipient(email, phone))
        if email:
            seen.add(email.strip().lower())
    try:
        from app.models.user import User  # accounts (issue 16); absent in older trees
    except ImportError:  # pragma: no cover
        return found
    users = session.scalars(
        select(User)
        .where(
            User.organization_id == organization_id,
            User.email_verified_at.is_not(None),
            User.disabled_at.is_(None),
        )
        .order_by(User.id)
    )
    for user in users:
        email = user.email.strip().lower()
        if email not in seen:
            seen.add(email)
            found.append(Recipient(email, None, user.id))
    return found
