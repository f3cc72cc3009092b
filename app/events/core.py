"""An event as every part of a session sees it: who manages it and who may see it, its slots,
its shape in the API, and its version moving after a change."""

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, NotFound
from app.events.schemas import EventRead, Slot
from app.messages import tr, word
from app.models import HELD_OUTCOMES, Event, EventStatus
from app.models.base import utcnow

#: While these hold, participants and preferences may change.
OPEN_STATUSES = frozenset(
    {EventStatus.draft, EventStatus.registration, EventStatus.scheduled, EventStatus.published}
)
HELD = HELD_OUTCOMES


def manages(caller: Principal, event: Event) -> bool:
    """Admins manage every event; an organizer manages the events of its organization."""
    return caller.is_admin or (
        caller.is_organizer and caller.organization_id == event.organization_id
    )


def get_visible(session: Session, caller: Principal, event_id: int) -> Event:
    """The event if ``caller`` may see it; drafts of others are 404."""
    event = session.get(Event, event_id)
    if event is None or (event.status == EventStatus.draft and not manages(caller, event)):
        raise NotFound(tr("event {id} not found", id=event_id))
    return event


def get_managed(session: Session, caller: Principal, event_id: int) -> Event:
    """The event if ``caller`` manages it; 404 if unseen, 403 if seen but not managed."""
    event = get_visible(session, caller, event_id)
    if not manages(caller, event):
        raise Forbidden(tr("you do not manage event {id}", id=event_id))
    return event


def slots_of(event: Event) -> list[Slot]:
    """The event's slots as records."""
    return [Slot.model_validate(slot) for slot in event.slots]


def to_read(event: Event) -> EventRead:
    """The event as the API shows it."""
    return EventRead(
        id=event.id,
        organization_id=event.organization_id,
        name=event.name,
        focus=event.focus,
        region_code=event.region_code,
        venue=event.venue,
        date=event.date,
        slots=slots_of(event),
        meeting_minutes=event.meeting_minutes,
        status=EventStatus(event.status),
        version=event.version,
        created_at=event.created_at,
        updated_at=event.updated_at,
    )


def require_open(event: Event) -> None:
    """409 unless the event still takes changes to participants and wishes."""
    if event.status not in OPEN_STATUSES:
        raise Conflict(tr("event {id} is {status}", id=event.id, status=word(event.status)))


def touch(event: Event, status: EventStatus | None = None) -> None:
    """Move the event's version (and maybe status) after a schedule change."""
    if status is not None:
        event.status = status.value
    event.updated_at = utcnow()
