"""Matchmaking sessions: events, participants, preferences, meetings, outcomes.

This module creates, changes, lists and deletes events; the rest lives beside it and is
named here too, so a router needs one import:

- :mod:`app.events.core`: who manages and who sees an event, its slots and API shape;
- :mod:`app.events.participants`: registration, invitations, approval;
- :mod:`app.events.preferences`: the firms' wishes;
- :mod:`app.events.meetings`: meetings and their outcomes.

An organizer manages only its own events (admins all). Firms see events that left draft,
register themselves, set their own wishes, read their own published meetings and record
outcomes of their own meetings.
"""

import secrets
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, InvalidInput
from app.events.core import (
    HELD,
    OPEN_STATUSES,
    get_managed,
    get_visible,
    manages,
    require_open,
    slots_of,
    to_read,
    touch,
)
from app.events.meetings import (
    left_out,
    left_out_to_read,
    meeting_to_read,
    meetings,
    set_outcome,
    visible_meetings,
)
from app.events.participants import (
    add_participant,
    answer_invitation,
    firm_agreed,
    list_participants,
    names_of,
    own_participant,
    participant_to_read,
    participants,
    remove_participant,
    update_participant,
)
from app.events.preferences import list_preferences, preferences, set_preference
from app.events.schemas import EventCreate, EventRead, EventUpdate, Slot
from app.messages import tr, word
from app.models import Event, EventParticipant, EventStatus, Organization, OrganizationKind
from app.models.base import utcnow
from app.notifications import triggers
from app.pagination import Page, PageParams
from app.platform.db import flush
from app.versioning import check_version

__all__ = [
    "HELD",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "add_participant",
    "answer_invitation",
    "create",
    "delete_event",
    "firm_agreed",
    "get_managed",
    "get_visible",
    "left_out",
    "left_out_to_read",
    "list_page",
    "list_participants",
    "list_preferences",
    "manages",
    "meeting_to_read",
    "meetings",
    "names_of",
    "own_participant",
    "participant_to_read",
    "participants",
    "preferences",
    "remove_participant",
    "require_open",
    "set_outcome",
    "set_preference",
    "slots_of",
    "to_read",
    "touch",
    "update",
    "update_participant",
    "visible_meetings",
]


#: Status changes a PATCH may make; scheduled and published come from their actions.
TRANSITIONS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.draft: frozenset({EventStatus.registration, EventStatus.closed}),
    EventStatus.registration: frozenset({EventStatus.draft, EventStatus.closed}),
    EventStatus.scheduled: frozenset({EventStatus.registration, EventStatus.closed}),
    EventStatus.published: frozenset({EventStatus.closed}),
    EventStatus.closed: frozenset(),
}


def _slots_json(slots: Sequence[Slot]) -> list[dict[str, str]]:
    return [{"start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M")} for s in slots]


def create(session: Session, caller: Principal, data: EventCreate) -> Event:
    """Create a draft event for the organizer's organization (admins name the organizer)."""
    if caller.is_organizer:
        if data.organization_id not in (None, caller.organization_id):
            raise Forbidden(tr("organizers create events for their own organization"))
        org_id = caller.organization_id
    elif caller.is_admin:
        if data.organization_id is None:
            raise InvalidInput("body.organization_id", tr("required for admin keys"))
        org_id = data.organization_id
    else:
        raise Forbidden(tr("only organizers and admins create events"))
    assert org_id is not None
    org = session.get(Organization, org_id)
    if org is None or org.kind != OrganizationKind.organizer:
        raise InvalidInput("body.organization_id", tr("must be an organizer"))
    event = Event(
        checkin_key=secrets.token_urlsafe(32),
        organization_id=org_id,
        name=data.name,
        focus=data.focus,
        region_code=data.region_code,
        venue=data.venue,
        date=data.date,
        slots=_slots_json(data.slots),
        meeting_minutes=data.meeting_minutes,
        status=EventStatus.draft.value,
    )
    session.add(event)
    flush(session, "the event")
    audit.record(session, caller, "event.create", "event", event.id)
    return event


def update(
    session: Session, caller: Principal, event_id: int, data: EventUpdate, version: int | None
) -> Event:
    """Change the given fields if the client read the current version."""
    event = get_managed(session, caller, event_id)
    check_version(event.version, version)
    fields = data.model_dump(exclude_unset=True)
    for field, value in fields.items():
        if value is None and field != "region_code":
            raise InvalidInput(f"body.{field}", tr("cannot be null"))
    if "status" in fields and fields["status"] != event.status:
        current, wanted = EventStatus(event.status), EventStatus(fields["status"])
        if wanted not in TRANSITIONS[current]:
            raise Conflict(
                tr(
                    "a {current} event cannot become {wanted}",
                    current=word(current),
                    wanted=word(wanted),
                )
            )
    if data.slots is not None:
        if event.status not in (EventStatus.draft, EventStatus.registration):
            raise Conflict(tr("slots change only before the event is scheduled"))
        _check_blocked_fit(session, event.id, len(data.slots))
        event.slots = _slots_json(data.slots)
    for field in ("name", "focus", "region_code", "venue", "date", "meeting_minutes"):
        if field in fields:
            setattr(event, field, fields[field])
    if "status" in fields:
        event.status = EventStatus(fields["status"]).value
    event.updated_at = utcnow()
    flush(session, f"event {event.id}")
    triggers.agenda_changed(session, event)  # a new date or venue moves published meetings
    audit.record(session, caller, "event.update", "event", event.id, fields=sorted(fields))
    return event


def _check_blocked_fit(session: Session, event_id: int, num_slots: int) -> None:
    for blocked in session.scalars(
        select(EventParticipant.blocked_slots).where(EventParticipant.event_id == event_id)
    ):
        if any(i >= num_slots for i in blocked):
            raise InvalidInput(
                "body.slots", tr("participants block slots beyond the new last slot")
            )


def delete_event(session: Session, caller: Principal, event_id: int, version: int | None) -> None:
    """Delete an event with everything in it."""
    event = get_managed(session, caller, event_id)
    check_version(event.version, version)
    triggers.event_cancelled(session, event)
    session.delete(event)
    flush(session, f"event {event_id}")
    audit.record(session, caller, "event.delete", "event", event_id)


def list_page(
    session: Session, caller: Principal, params: PageParams, *, status: EventStatus | None
) -> Page[EventRead]:
    """Events the caller may see, newest date first."""
    query = select(Event)
    if not caller.is_admin:
        query = query.where(
            or_(Event.status != EventStatus.draft.value, Event.organization_id == _own(caller))
            if caller.is_organizer
            else Event.status != EventStatus.draft.value
        )
    if status is not None:
        query = query.where(Event.status == status.value)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Event.date.desc(), Event.id.desc())
        .offset(params.offset)
        .limit(params.page_size)
    ).all()
    return Page[EventRead](
        items=[to_read(e) for e in rows], total=total, page=params.page, page_size=params.page_size
    )


def _own(caller: Principal) -> int:
    return caller.organization_id if caller.organization_id is not None else -1
