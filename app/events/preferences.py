"""The participants' wishes about counterparts (必须洽谈 / 愿意洽谈 / 不洽谈).

Only the firm itself or the organizer that manages it states its wishes.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app import audit, consent
from app.auth.principal import Principal
from app.errors import FieldText, Forbidden, InvalidInput
from app.events.core import get_visible, manages, require_open
from app.events.participants import own_participant
from app.events.schemas import PreferenceRead, PreferenceSet
from app.messages import field_problem, tr, word
from app.models import DAY_STATUSES, Event, EventParticipant, EventPreference, Wish
from app.platform.db import flush


def set_preference(
    session: Session, caller: Principal, event_id: int, data: PreferenceSet
) -> PreferenceRead | None:
    """Set (or with ``wish: null`` clear) one participant's wish about a counterpart."""
    event = get_visible(session, caller, event_id)
    require_open(event)
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
