"""Whether a meeting took place: marked by either firm at the table or by the organizer's staff.

``both_present``, ``buyer_absent`` or ``sme_absent`` (NULL: not known). A firm marks only
meetings it sits in; staff of the organizing organizer (and admins) mark any. A side marked
absent that has not checked in counts as absent (爽约) for the day's re-plan; its meeting
keeps its row (the pair has met, the report counts the no-show) and frees its table-slot.
Also here: a meeting's online room (hybrid sessions), set by the organizer.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Conflict, Forbidden, NotFound
from app.events import service
from app.events.schemas import MeetingRead
from app.messages import tr
from app.models import Attendance, Event, EventMeeting, EventParticipant, Presence
from app.platform.db import flush


def _meeting(session: Session, event: Event, meeting_id: int) -> EventMeeting:
    meeting = session.get(EventMeeting, meeting_id)
    if meeting is None or meeting.event_id != event.id:
        raise NotFound(tr("meeting {id} not found in event {event}", id=meeting_id, event=event.id))
    return meeting


def _place_taken(session: Session, m: EventMeeting) -> bool:
    """Whether another attending meeting now holds this one's table or SME slot."""
    attending = (EventMeeting.attendance.is_(None)) | (
        EventMeeting.attendance == Attendance.both_present.value
    )
    rows = session.scalars(
        select(EventMeeting.id)
        .where(EventMeeting.event_id == m.event_id, EventMeeting.id != m.id, attending)
        .where(EventMeeting.slot == m.slot)
        .where(
            (EventMeeting.sme_participant_id == m.sme_participant_id)
            | (
                (EventMeeting.buyer_participant_id == m.buyer_participant_id)
                & (EventMeeting.table_number == m.table_number)
            )
        )
    ).first()
    return rows is not None


def set_attendance(
    session: Session,
    caller: Principal,
    event_id: int,
    meeting_id: int,
    attendance: Attendance | None,
) -> MeetingRead:
    """Record whether the meeting took place (see the module docstring for who may)."""
    event = service.get_visible(session, caller, event_id)
    meeting = _meeting(session, event, meeting_id)
    if not service.manages(caller, event):
        own = service.own_participant(session, caller, event)
        sides = (meeting.buyer_participant_id, meeting.sme_participant_id)
        if own is None or own.id not in sides or not meeting.published:
            raise Forbidden(tr("a firm marks the attendance of its own meetings only"))
    if not meeting.published:
        raise Conflict(tr("publish the schedule before marking attendance"))
    was_free = meeting.attendance not in (None, Attendance.both_present)
    will_hold = attendance in (None, Attendance.both_present)
    if was_free and will_hold and _place_taken(session, meeting):
        raise Conflict(tr("its table or the SME's slot went to another meeting in the re-plan"))
    meeting.attendance = attendance.value if attendance else None
    if attendance in (Attendance.buyer_absent, Attendance.sme_absent):
        absent_id = (
            meeting.buyer_participant_id
            if attendance is Attendance.buyer_absent
            else meeting.sme_participant_id
        )
        absent = session.get(EventParticipant, absent_id)
        if absent is not None and absent.presence is None:
            absent.presence = Presence.absent.value
    flush(session, f"meeting {meeting.id}")
    audit.record(
        session,
        caller,
        "event.attendance.set",
        "event",
        event.id,
        meeting=meeting.id,
        attendance=attendance.value if attendance else None,
    )
    names = service.names_of(service.participants(session, event.id))
    return service.meeting_to_read(meeting, names, service.slots_of(event))


def set_room(
    session: Session, caller: Principal, event_id: int, meeting_id: int, room_url: str
) -> MeetingRead:
    """The organizer gives a meeting an online room (hybrid sessions); empty removes it."""
    event = service.get_managed(session, caller, event_id)
    meeting = _meeting(session, event, meeting_id)
    meeting.room_url = room_url
    flush(session, f"meeting {meeting.id}")
    audit.record(session, caller, "event.room.set", "event", event.id, meeting=meeting.id)
    names = service.names_of(service.participants(session, event.id))
    return service.meeting_to_read(meeting, names, service.slots_of(event))
