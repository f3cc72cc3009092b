"""Reading the outbox and changing choices and feeds, with the caller's rights checked."""

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Forbidden, NotFound
from app.messages import tr
from app.models import Organization, Role
from app.models.notification import OutboxMessage
from app.notifications import calendars
from app.notifications.topics import ESSENTIAL_PREFIX


def readable(caller: Principal) -> Select[OutboxMessage]:
    """The outbox rows ``caller`` may read, newest first.

    An admin reads every message; a firm its own; an organizer its own and those of the
    firms it manages, except their account messages (sign-in codes, reset links), which
    only the firm itself and an admin see.
    """
    statement = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if caller.is_admin:
        return statement
    own = caller.organization_id
    if caller.role == Role.organizer:
        managed = select(Organization.id).where(Organization.registered_by_id == own)
        return statement.where(
            or_(
                OutboxMessage.organization_id == own,
                OutboxMessage.organization_id.in_(managed)
                & ~OutboxMessage.topic.startswith(ESSENTIAL_PREFIX),
            )
        )
    return statement.where(OutboxMessage.organization_id == own)


def outbox_page(
    session: Session,
    caller: Principal,
    *,
    limit: int = 50,
    before: int | None = None,
    offset: int = 0,
) -> list[OutboxMessage]:
    """A page of the outbox as ``caller`` may read it (``before``: ids below this one)."""
    statement = readable(caller)
    if before is not None:
        statement = statement.where(OutboxMessage.id < before)
    return list(session.scalars(statement.offset(offset).limit(limit)))


def outbox_total(session: Session, caller: Principal, *, before: int | None = None) -> int:
    """How many outbox messages ``caller`` may read (``before``: ids below this one)."""
    statement = readable(caller)
    if before is not None:
        statement = statement.where(OutboxMessage.id < before)
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _managed_firm(session: Session, caller: Principal, organization_id: int) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound(tr("organization {id} not found", id=organization_id))
    if not caller.manages(org):
        raise Forbidden(tr("only the firm, its organizer or an admin manage its calendar feed"))
    return org


def issue_calendar_feed(session: Session, caller: Principal, organization_id: int) -> str:
    """A new private calendar feed token for the firm (earlier ones stop); shown once."""
    org = _managed_firm(session, caller, organization_id)
    token = calendars.issue_feed(session, org.id)
    audit.record(session, caller, "calendar_feed.issue", "organization", org.id)
    return token


def revoke_calendar_feed(session: Session, caller: Principal, organization_id: int) -> int:
    """Stop the firm's calendar feed; returns how many were live."""
    org = _managed_firm(session, caller, organization_id)
    revoked = calendars.revoke_feeds(session, org.id)
    audit.record(session, caller, "calendar_feed.revoke", "organization", org.id)
    return revoked
