"""Matchmaking sessions: events, participants, preferences, meetings, outcomes.

An organizer manages only its own events (admins all). Firms see events that left draft,
register themselves, set their own wishes, read their own published meetings and record
outcomes of their own meetings.

An organizer never acts for a firm it does not manage (:meth:`Principal.manages`): adding
such a firm to its event is an invitation that the firm accepts with its own key (until
then it takes no part: no schedule, no wishes, no contacts), and only the firm itself or
the organizer that manages it states its wishes. Outcomes are recorded by either side or
by the event's organizer; who recorded what is kept on the row, and :mod:`app.consent`
decides what of it speaks for each firm.
"""

import secrets
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app import audit, consent
from app.auth.principal import Principal
from app.db import flush
from app.errors import Conflict, FieldText, Forbidden, InvalidInput, NotFound
from app.events.schemas import (
    EventCreate,
    EventRead,
    EventUpdate,
    LeftOutRead,
    MeetingRead,
    OutcomeSet,
    ParticipantCreate,
    ParticipantRead,
    ParticipantUpdate,
    PreferenceRead,
    PreferenceSet,
    Slot,
)
from app.learning import capture
from app.messages import field_problem, tr, word
from app.models import (
    DAY_STATUSES,
    HELD_OUTCOMES,
    Attendance,
    Event,
    EventLeftOut,
    EventMeeting,
    EventParticipant,
    EventPreference,
    EventStatus,
    Organization,
    OrganizationKind,
    Outcome,
    ParticipantStatus,
    Presence,
    Side,
    Tier,
    Wish,
)
from app.models.base import utcnow
from app.notifications import triggers
from app.pagination import Page, PageParams
from app.versioning import check_version

#: Status changes a PATCH may make; scheduled and published come from their actions.
TRANSITIONS: dict[EventStatus, frozenset[EventStatus]] = {
    EventStatus.draft: frozenset({EventStatus.registration, EventStatus.closed}),
    EventStatus.registration: frozenset({EventStatus.draft, EventStatus.closed}),
    EventStatus.scheduled: frozenset({EventStatus.registration, EventStatus.closed}),
    EventStatus.published: frozenset({EventStatus.closed}),
    EventStatus.closed: frozenset(),
}
#: While these hold, participants and preferences may change.
OPEN_STATUSES = frozenset(
    {EventStatus.draft, EventStatus.registration, EventStatus.scheduled, EventStatus.published}
)
HELD = HELD_OUTCOMES
_SIDE_OF_KIND = {
    OrganizationKind.large_firm.value: Side.buyer,
    OrganizationKind.sme.value: Side.sme,
}


# -- events --------------------------------------------------------------------------------


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


def _require_open(event: Event) -> None:
    if event.status not in OPEN_STATUSES:
        raise Conflict(tr("event {id} is {status}", id=event.id, status=word(event.status)))


# -- participants ----------------------------------------------------------------------------


def participants(session: Session, event_id: int) -> list[EventParticipant]:
    """Every participant of the event, with its organization, in id order."""
    return list(
        session.scalars(
            select(EventParticipant)
            .where(EventParticipant.event_id == event_id)
            .options(selectinload(EventParticipant.organization))
            .order_by(EventParticipant.id)
        )
    )


def own_participant(session: Session, caller: Principal, event: Event) -> EventParticipant | None:
    """The caller's organization's participant in the event, if any."""
    if caller.organization_id is None:
        return None
    return session.scalars(
        select(EventParticipant)
        .where(EventParticipant.event_id == event.id)
        .where(EventParticipant.organization_id == caller.organization_id)
        .options(selectinload(EventParticipant.organization))
    ).one_or_none()


def participant_to_read(p: EventParticipant) -> ParticipantRead:
    """The participant as the API shows it (no contacts)."""
    org = p.organization
    return ParticipantRead(
        id=p.id,
        event_id=p.event_id,
        organization_id=p.organization_id,
        organization_name=org.name,
        tier=Tier(org.tier) if org.tier else None,
        side=Side(p.side),
        status=ParticipantStatus(p.status),
        tables=p.tables,
        max_meetings=p.max_meetings,
        blocked_slots=p.blocked_slots,
        presence=Presence(p.presence) if p.presence else None,
        checked_in_at=p.checked_in_at,
        version=p.version,
    )


def _get_participant(session: Session, event: Event, participant_id: int) -> EventParticipant:
    p = session.scalars(
        select(EventParticipant)
        .where(EventParticipant.id == participant_id)
        .where(EventParticipant.event_id == event.id)
        .options(selectinload(EventParticipant.organization))
    ).one_or_none()
    if p is None:
        raise NotFound(
            tr("participant {id} not found in event {event}", id=participant_id, event=event.id)
        )
    return p


def _check_blocked(event: Event, blocked: Sequence[int]) -> list[int]:
    count = len(event.slots)
    for i, slot in enumerate(blocked):
        if slot >= count:
            raise InvalidInput(
                f"body.blocked_slots.{i}", tr("the event has slots 0 to {last}", last=count - 1)
            )
    return sorted(set(blocked))


def list_participants(session: Session, caller: Principal, event_id: int) -> list[EventParticipant]:
    """Managers see everyone; an approved participant sees the approved participants."""
    event = get_visible(session, caller, event_id)
    everyone = participants(session, event.id)
    if manages(caller, event):
        return everyone
    own = own_participant(session, caller, event)
    if own is None or own.status not in DAY_STATUSES:
        raise Forbidden(tr("only the organizer and approved participants see the participants"))
    return [p for p in everyone if p.status in DAY_STATUSES or p.id == own.id]


def add_participant(
    session: Session, caller: Principal, event_id: int, data: ParticipantCreate
) -> EventParticipant:
    """The organizer adds a firm, a firm registers itself while registration is open.

    A firm the organizer manages is approved at once; any other firm is ``invited`` and
    takes part only once it accepts (:func:`answer_invitation`). A self-registered firm is
    ``pending`` until the organizer approves it.
    """
    event = get_visible(session, caller, event_id)
    _require_open(event)
    managed = manages(caller, event)
    if managed:
        if data.organization_id is None:
            raise InvalidInput("body.organization_id", tr("name the firm to add"))
        org_id = data.organization_id
        # or invited, below, for a firm not managed
        status = ParticipantStatus(data.day_status or ParticipantStatus.approved)
    else:
        if data.day_status is not None:
            raise Forbidden(tr("only the organizer adds standby and walk-in firms"))
        if caller.is_organizer or caller.organization_id is None:
            raise Forbidden(tr("you do not manage event {id}", id=event.id))
        if data.organization_id not in (None, caller.organization_id):
            raise Forbidden(tr("a firm registers only itself"))
        if event.status != EventStatus.registration:
            raise Conflict(tr("event {id} is not open for registration", id=event.id))
        org_id = caller.organization_id
        status = ParticipantStatus.pending
    org = session.get(Organization, org_id)
    if org is None:
        raise InvalidInput("body.organization_id", tr("organization {id} not found", id=org_id))
    side = _SIDE_OF_KIND.get(org.kind)
    if side is None:
        raise InvalidInput("body.organization_id", tr("must be a large firm or an SME"))
    if side is Side.sme and data.tables != 1:
        raise InvalidInput("body.tables", tr("only buyers (large firms) host tables"))
    existing = session.scalar(
        select(EventParticipant.status)
        .where(EventParticipant.event_id == event.id)
        .where(EventParticipant.organization_id == org.id)
    )
    if existing == ParticipantStatus.invited and not managed:
        raise Conflict(
            tr(
                "organization {org_id} is invited to event {event_id}: accept with POST /api/v1/events/{event_id}/invitation/accept",
                org_id=org.id,
                event_id=event.id,
            )
        )
    if existing is not None:
        raise Conflict(
            tr(
                "organization {org_id} already takes part in event {event_id}",
                org_id=org.id,
                event_id=event.id,
            )
        )
    if status in DAY_STATUSES and not caller.manages(org):
        status = ParticipantStatus.invited
    p = EventParticipant(
        event_id=event.id,
        organization_id=org.id,
        side=side.value,
        status=status.value,
        tables=data.tables,
        max_meetings=data.max_meetings,
        blocked_slots=_check_blocked(event, data.blocked_slots),
        presence=Presence.checked_in.value if status is ParticipantStatus.walk_in else None,
        checked_in_at=utcnow() if status is ParticipantStatus.walk_in else None,
        **consent.author(caller),
    )
    p.organization = org
    session.add(p)
    flush(session, "the participant")
    audit.record(
        session,
        caller,
        "event.participant.invite"
        if status is ParticipantStatus.invited
        else "event.participant.add",
        "event",
        event.id,
        participant=p.id,
    )
    if status is ParticipantStatus.invited:
        triggers.participant_invited(session, p, event)
    return p


def answer_invitation(
    session: Session, caller: Principal, event_id: int, *, accept: bool
) -> EventParticipant:
    """The invited firm, with its own key, accepts (then takes part) or declines."""
    event = get_visible(session, caller, event_id)
    _require_open(event)
    own = own_participant(session, caller, event)
    if own is None:
        raise NotFound(
            tr("no invitation to event {event_id} for your organization", event_id=event.id)
        )
    if own.status != ParticipantStatus.invited:
        raise Conflict(
            tr(
                "your organization is {own_status} in event {event_id}, not invited",
                own_status=word(own.status),
                event_id=event.id,
            )
        )
    if accept:
        own.status = ParticipantStatus.approved.value
        for field, value in consent.author(caller).items():
            setattr(own, field, value)
    else:
        own.status = ParticipantStatus.rejected.value
    own.updated_at = utcnow()
    flush(session, f"participant {own.id}")
    action = "event.invitation.accept" if accept else "event.invitation.decline"
    audit.record(session, caller, action, "event", event.id, participant=own.id)
    return own


def firm_agreed(p: EventParticipant) -> bool:
    """Whether the participant's firm agreed to take part: it registered itself or accepted,
    or the organizer that manages it enrolled it."""
    return consent.speaks_for(p.entered_by_role, p.entered_by_organization_id, p.organization)


def update_participant(
    session: Session,
    caller: Principal,
    event_id: int,
    participant_id: int,
    data: ParticipantUpdate,
    version: int | None,
) -> EventParticipant:
    """The organizer changes a participant (tables, cap, blocked slots, approval)."""
    event = get_managed(session, caller, event_id)
    _require_open(event)
    p = _get_participant(session, event, participant_id)
    check_version(p.version, version)
    fields = data.model_dump(exclude_unset=True)
    for field in ("tables", "blocked_slots", "status"):
        if field in fields and fields[field] is None:
            raise InvalidInput(f"body.{field}", tr("cannot be null"))
    if data.tables is not None:
        if p.side == Side.sme and data.tables != 1:
            raise InvalidInput("body.tables", tr("only buyers (large firms) host tables"))
        p.tables = data.tables
    if "max_meetings" in fields:
        p.max_meetings = data.max_meetings
    if data.blocked_slots is not None:
        p.blocked_slots = _check_blocked(event, data.blocked_slots)
    if data.status is not None and data.status.value != p.status:
        _check_status_change(caller, p, data.status)
        p.status = data.status.value
    p.updated_at = utcnow()
    flush(session, f"participant {p.id}")
    audit.record(
        session, caller, "event.participant.update", "event", event.id, fields=sorted(fields)
    )
    return p


def _check_status_change(caller: Principal, p: EventParticipant, status: ParticipantStatus) -> None:
    """The organizer approves only a firm that agreed to take part, or one it manages."""
    if status is ParticipantStatus.invited:
        raise InvalidInput("body.status", tr("a firm is invited by adding it to the event"))
    if status in DAY_STATUSES and not firm_agreed(p):
        if not caller.manages(p.organization):
            raise Forbidden(
                tr(
                    "organization {p_organization_id} has not agreed to take part: it accepts the invitation with its own key",
                    p_organization_id=p.organization_id,
                )
            )
        for field, value in consent.author(caller).items():
            setattr(p, field, value)


def remove_participant(
    session: Session, caller: Principal, event_id: int, participant_id: int
) -> None:
    """The organizer removes a participant with its wishes and meetings."""
    event = get_managed(session, caller, event_id)
    _require_open(event)
    p = _get_participant(session, event, participant_id)
    session.delete(p)
    flush(session, f"participant {participant_id}")
    triggers.agenda_changed(session, event)
    audit.record(
        session, caller, "event.participant.remove", "event", event.id, participant=participant_id
    )


# -- preferences -----------------------------------------------------------------------------


def set_preference(
    session: Session, caller: Principal, event_id: int, data: PreferenceSet
) -> PreferenceRead | None:
    """Set (or with ``wish: null`` clear) one participant's wish about a counterpart."""
    event = get_visible(session, caller, event_id)
    _require_open(event)
    if manages(caller, event):
        if data.from_participant_id is None:
            raise InvalidInput("body.from_participant_id", tr("name whose wish this is"))
        source = _get_participant_field(session, event, data.from_participant_id, "from")
        if not caller.manages(source.organization):
            raise Forbidden(
                tr(
                    "a firm states its own wishes: you do not manage organization {source_organization_id}",
                    source_organization_id=source.organization_id,
                ),
                errors=[
                    FieldText(
                        "body.from_participant_id",
                        field_problem(
                            "body.from_participant_id",
                            tr("a firm you do not manage states its own wishes"),
                        ),
                    )
                ],
            )
    else:
        own = own_participant(session, caller, event)
        if own is None or own.status not in DAY_STATUSES:
            raise Forbidden(tr("only approved participants and the organizer set wishes"))
        if data.from_participant_id not in (None, own.id):
            raise Forbidden(tr("a firm sets only its own wishes"))
        source = own
    target = _get_participant_field(session, event, data.to_participant_id, "to")
    for which, p in (("from", source), ("to", target)):
        if p.status not in DAY_STATUSES:
            raise InvalidInput(
                f"body.{which}_participant_id",
                tr("participant {p_id} is {p_status}", p_id=p.id, p_status=word(p.status)),
            )
    if source.side == target.side:
        raise InvalidInput("body.to_participant_id", tr("wishes are about the other side"))
    existing = session.scalars(
        select(EventPreference)
        .where(EventPreference.from_participant_id == source.id)
        .where(EventPreference.to_participant_id == target.id)
    ).one_or_none()
    if data.wish is None:
        if existing is not None:
            session.delete(existing)
    elif existing is None:
        session.add(
            EventPreference(
                event_id=event.id,
                from_participant_id=source.id,
                to_participant_id=target.id,
                wish=data.wish.value,
                **consent.author(caller),
            )
        )
    else:
        existing.wish = data.wish.value
        for field, value in consent.author(caller).items():
            setattr(existing, field, value)
    flush(session, "the wish")
    audit.record(session, caller, "event.preference.set", "event", event.id, participant=source.id)
    if data.wish is None:
        return None
    return PreferenceRead(
        from_participant_id=source.id, to_participant_id=target.id, wish=data.wish
    )


def _get_participant_field(
    session: Session, event: Event, participant_id: int, which: str
) -> EventParticipant:
    p = session.scalars(
        select(EventParticipant)
        .where(EventParticipant.id == participant_id, EventParticipant.event_id == event.id)
        .options(selectinload(EventParticipant.organization))
    ).one_or_none()
    if p is None:
        raise InvalidInput(f"body.{which}_participant_id", tr("no such participant in this event"))
    return p


def list_preferences(session: Session, caller: Principal, event_id: int) -> list[PreferenceRead]:
    """Managers see every wish; a participant sees its own."""
    event = get_visible(session, caller, event_id)
    query = select(EventPreference).where(EventPreference.event_id == event.id)
    if not manages(caller, event):
        own = own_participant(session, caller, event)
        if own is None:
            raise Forbidden(tr("only participants and the organizer see wishes"))
        query = query.where(EventPreference.from_participant_id == own.id)
    return [
        PreferenceRead(
            from_participant_id=row.from_participant_id,
            to_participant_id=row.to_participant_id,
            wish=Wish(row.wish),
        )
        for row in session.scalars(query.order_by(EventPreference.id))
    ]


def preferences(session: Session, event_id: int) -> dict[tuple[int, int], Wish]:
    """Every wish of the event, by (from, to) participant ids."""
    rows = session.scalars(select(EventPreference).where(EventPreference.event_id == event_id))
    return {(r.from_participant_id, r.to_participant_id): Wish(r.wish) for r in rows}


# -- meetings ------------------------------------------------------------------------------


def meetings(session: Session, event_id: int) -> list[EventMeeting]:
    """Every meeting of the event, by slot, buyer and table."""
    return list(
        session.scalars(
            select(EventMeeting)
            .where(EventMeeting.event_id == event_id)
            .order_by(
                EventMeeting.slot, EventMeeting.buyer_participant_id, EventMeeting.table_number
            )
        )
    )


def left_out(session: Session, event_id: int) -> list[EventLeftOut]:
    """The wanted pairs the last run left out."""
    return list(
        session.scalars(
            select(EventLeftOut).where(EventLeftOut.event_id == event_id).order_by(EventLeftOut.id)
        )
    )


def meeting_to_read(
    m: EventMeeting,
    names: dict[int, str],
    slots: Sequence[Slot],
    scores: dict[tuple[int, int], float] | None = None,
) -> MeetingRead:
    """A meeting with both names and its times.

    Its score is the engine's score of the pair: from ``scores`` (the engine now) when given,
    else as stored by the schedule run; ``None`` where the engine does not match the pair.
    """
    pair = (m.buyer_participant_id, m.sme_participant_id)
    score = scores.get(pair) if scores is not None else (m.score or None)
    return MeetingRead(
        id=m.id,
        buyer_participant_id=m.buyer_participant_id,
        buyer_name=names[m.buyer_participant_id],
        sme_participant_id=m.sme_participant_id,
        sme_name=names[m.sme_participant_id],
        slot=m.slot,
        start=slots[m.slot].start,
        end=slots[m.slot].end,
        table_number=m.table_number,
        score=score,
        published=m.published,
        outcome=Outcome(m.outcome) if m.outcome else None,
        attendance=Attendance(m.attendance) if m.attendance else None,
        room_url=m.room_url,
    )


def left_out_to_read(row: EventLeftOut, names: dict[int, str]) -> LeftOutRead:
    """A left-out pair with both names."""
    return LeftOutRead(
        buyer_participant_id=row.buyer_participant_id,
        buyer_name=names[row.buyer_participant_id],
        sme_participant_id=row.sme_participant_id,
        sme_name=names[row.sme_participant_id],
        reason=row.reason,
        text_zh=row.text_zh,
    )


def names_of(people: Sequence[EventParticipant]) -> dict[int, str]:
    """Participant id → firm name."""
    return {p.id: p.organization.name for p in people}


def visible_meetings(
    session: Session, caller: Principal, event_id: int
) -> tuple[Event, list[MeetingRead]]:
    """Managers see every meeting; a participant sees its own published meetings."""
    event = get_visible(session, caller, event_id)
    rows = meetings(session, event.id)
    if not manages(caller, event):
        own = own_participant(session, caller, event)
        if own is None:
            raise Forbidden(tr("only participants and the organizer see meetings"))
        rows = [
            m
            for m in rows
            if m.published and own.id in (m.buyer_participant_id, m.sme_participant_id)
        ]
    names = names_of(participants(session, event.id))
    slots = slots_of(event)
    return event, [meeting_to_read(m, names, slots) for m in rows]


def set_outcome(
    session: Session, caller: Principal, event_id: int, meeting_id: int, data: OutcomeSet
) -> MeetingRead:
    """Either side of a published meeting, or the organizer, records what came of it.

    An organizer's record serves its report; for the firms' consent to share contacts it
    counts only if the organizer manages both firms (:mod:`app.consent`).
    """
    event = get_visible(session, caller, event_id)
    meeting = session.get(EventMeeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound(tr("meeting {id} not found in event {event}", id=meeting_id, event=event.id))
    if not manages(caller, event):
        own = own_participant(session, caller, event)
        sides = (meeting.buyer_participant_id, meeting.sme_participant_id)
        if own is None or own.id not in sides or not meeting.published:
            raise Forbidden(tr("only the two sides and the organizer record an outcome"))
    if not meeting.published:
        raise Conflict(tr("publish the schedule before recording outcomes"))
    meeting.outcome = data.outcome.value
    meeting.outcome_note = data.note
    # Who recorded it decides whether it speaks for the firms (app.consent).
    meeting.outcome_by_role = caller.role.value
    meeting.outcome_by_organization_id = caller.organization_id
    flush(session, f"meeting {meeting.id}")
    audit.record(session, caller, "event.outcome.set", "event", event.id, meeting=meeting.id)
    capture.meeting_outcome(session, meeting)
    names = names_of(participants(session, event.id))
    return meeting_to_read(meeting, names, slots_of(event))


def touch(event: Event, status: EventStatus | None = None) -> None:
    """Move the event's version (and maybe status) after a schedule change."""
    if status is not None:
        event.status = status.value
    event.updated_at = utcnow()
