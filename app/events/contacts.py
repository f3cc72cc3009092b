"""Contacts between the two sides of a session, once they have earned them.

A firm sees a counterpart's private contacts (person, phone, e-mail) only after both said yes
to each other (each wished ``must`` or ``would`` about the other) or after their meeting took
place (an outcome other than "did not take place"). Every reveal is audited, with the ids of
the organizations revealed, never the values.
"""

from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Forbidden
from app.events import service
from app.events.schemas import CounterpartContacts
from app.models import EventParticipant, Outcome, ParticipantStatus, Wish
from app.organizations import service as organizations

__all__ = ["counterpart_contacts"]

_YES = frozenset({Wish.must, Wish.would})


def counterpart_contacts(
    session: Session, caller: Principal, event_id: int
) -> list[CounterpartContacts]:
    """The contacts of the counterparts the caller's firm may now reach, in participant order."""
    event = service.get_visible(session, caller, event_id)
    people = service.participants(session, event.id)
    own = next((p for p in people if p.organization_id == caller.organization_id), None)
    if own is None or own.status != ParticipantStatus.approved:
        raise Forbidden("only approved participants see their counterparts' contacts")
    wishes = service.preferences(session, event.id)
    held = {
        frozenset((m.buyer_participant_id, m.sme_participant_id))
        for m in service.meetings(session, event.id)
        if m.outcome is not None and Outcome(m.outcome) in service.HELD
    }
    shown: list[CounterpartContacts] = []
    for other in people:
        if other.side == own.side or other.status != ParticipantStatus.approved:
            continue
        mutual = wishes.get((own.id, other.id)) in _YES and wishes.get((other.id, own.id)) in _YES
        met = frozenset((own.id, other.id)) in held
        if mutual or met:
            shown.append(_read(other, "meeting_held" if met else "mutual_interest"))
    if shown:
        audit.record(
            session,
            caller,
            "contacts.reveal",
            "event",
            event.id,
            organizations=[c.organization_id for c in shown],
        )
    return shown


def _read(p: EventParticipant, basis: str) -> CounterpartContacts:
    org = p.organization
    return CounterpartContacts(
        participant_id=p.id,
        organization_id=org.id,
        organization_name=org.name,
        basis=basis,
        contacts=organizations.contacts_of(org),
    )
