"""The meetings of a session and what came of them (outcomes).

Outcomes are recorded by either side or by the event's organizer; who recorded what is kept on
the row, and :mod:`app.consent` decides what of it speaks for each firm.
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, NotFound
from app.events.core import get_visible, manages, slots_of
from app.events.participants import names_of, own_participant, participants
from app.events.schemas import LeftOutRead, MeetingRead, OutcomeSet, Slot
from app.learning import capture
from app.messages import tr
from app.models import Attendance, Event, EventLeftOut, EventMeeting, Outcome
from app.platform.db import flush


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
