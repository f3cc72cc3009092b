"""The participants of a session: registration, invitations and their answers, approval.

An organizer never acts for a firm it does not manage (:meth:`Principal.manages`): adding
such a firm to its event is an invitation that the firm accepts with its own key (until
then it takes no part: no schedule, no wishes, no contacts).
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import audit, consent
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.events.core import get_managed, get_visible, manages, require_open
from app.events.schemas import ParticipantCreate, ParticipantRead, ParticipantUpdate
from app.messages import tr, word
from app.models import (
    DAY_STATUSES,
    Event,
    EventParticipant,
    EventStatus,
    Organization,
    OrganizationKind,
    ParticipantStatus,
    Presence,
    Side,
    Tier,
)
from app.models.base import utcnow
from app.notifications import triggers
from app.platform.db import flush
from app.versioning import check_version

_SIDE_OF_KIND = {
    OrganizationKind.large_firm.value: Side.buyer,
    OrganizationKind.sme.value: Side.sme,
}


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


def names_of(people: Sequence[EventParticipant]) -> dict[int, str]:
    """Participant id → firm name."""
    return {p.id: p.organization.name for p in people}


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
    require_open(event)
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
    require_open(event)
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
    require_open(event)
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
    require_open(event)
    p = _get_participant(session, event, participant_id)
    session.delete(p)
    flush(session, f"participant {participant_id}")
    triggers.agenda_changed(session, event)
    audit.record(
        session, caller, "event.participant.remove", "event", event.id, participant=participant_id
    )
