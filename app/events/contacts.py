"""Contacts between the two sides of a session, once they have earned them.

A participant sees the contacts of the session's counterparts (approved, on the other side)
that :mod:`app.consent` lets its firm reach: mutual interest said by the firms themselves,
or a meeting both attended that neither declined. The reveal is audited there.
"""

from sqlalchemy.orm import Session

from app import consent
from app.auth.principal import Principal
from app.errors import Forbidden
from app.events import service
from app.events.schemas import CounterpartContacts
from app.messages import tr
from app.models import DAY_STATUSES

__all__ = ["counterpart_contacts"]


def counterpart_contacts(
    session: Session, caller: Principal, event_id: int
) -> list[CounterpartContacts]:
    """The contacts of the counterparts the caller's firm may now reach, in participant order."""
    event = service.get_visible(session, caller, event_id)
    people = service.participants(session, event.id)
    own = next((p for p in people if p.organization_id == caller.organization_id), None)
    if own is None or own.status not in DAY_STATUSES:
        raise Forbidden(tr("only approved participants see their counterparts' contacts"))
    counterparts = [p for p in people if p.side != own.side and p.status in DAY_STATUSES]
    found = consent.reveal(
        session,
        caller,
        own.organization,
        [p.organization for p in counterparts],
        entity="event",
        entity_id=event.id,
    )
    shown = []
    for p in counterparts:
        seen = found[p.organization_id]
        if seen.contacts is not None and seen.standing.basis is not None:
            shown.append(
                CounterpartContacts(
                    participant_id=p.id,
                    organization_id=p.organization_id,
                    organization_name=p.organization.name,
                    basis=seen.standing.basis,
                    contacts=seen.contacts,
                )
            )
    return shown
