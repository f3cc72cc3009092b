"""The day's re-plan: freed tables go to the firms that are there (standby and walk-ins first).

Steps, in one transaction: the meetings of firms marked absent that nobody marked yet become
no-shows (``buyer_absent`` / ``sme_absent``: the rows stay, their places free up); every other
held or published meeting is kept exactly where it is; :func:`matching.scheduling.replan`
places new meetings around them from ``from_slot`` on, never for an absent firm, never for a
pair that already has a row; the new meetings are stored published, the left-out pairs
replaced, and each firm whose agenda changed gets a message through the outbox
(:func:`app.notifications.triggers.agenda_changed`, which also updates its calendar).
"""

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Conflict, InvalidInput
from app.events import gaps, service
from app.events.problem import (
    absent_ids,
    attending,
    build_problem,
    met_pairs,
    on_the_day,
    session_scores,
    table_id,
)
from app.events.schemas import ReplanRead, ReplanSet
from app.matches.index import MatchingIndex
from app.messages import tr
from app.models import (
    DAY_STATUSES,
    Attendance,
    EventLeftOut,
    EventStatus,
    ParticipantStatus,
)
from app.notifications import triggers
from app.platform.db import flush
from matching.scheduling import LockedMeeting, replan

TIME_LIMIT_S = 10.0
STANDBY = frozenset({ParticipantStatus.standby, ParticipantStatus.walk_in})


def run(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    event_id: int,
    data: ReplanSet,
    *,
    today: date,
) -> ReplanRead:
    """Re-plan the day of a published session (see the module docstring)."""
    event = service.get_managed(session, caller, event_id)
    if event.status != EventStatus.published:
        raise Conflict(tr("the day's re-plan works on a published schedule: publish it first"))
    if data.from_slot >= len(event.slots):
        raise InvalidInput(
            "body.from_slot", tr("the event has slots 0 to {last}", last=len(event.slots) - 1)
        )
    people = service.participants(session, event.id)
    absent = {int(i) for i in absent_ids(people)}
    rows = service.meetings(session, event.id)
    freed = []
    for row in rows:
        if row.attendance is not None:
            continue
        if row.buyer_participant_id in absent:
            row.attendance = Attendance.buyer_absent.value
        elif row.sme_participant_id in absent:
            row.attendance = Attendance.sme_absent.value
        else:
            continue
        freed.append(row)
    # The no-shows give up their places before new meetings take them.
    flush(session, "the no-shows")
    taking_part = {p.id for p in people if on_the_day(p)}
    kept = [
        LockedMeeting(
            str(r.buyer_participant_id),
            str(r.sme_participant_id),
            r.slot,
            table_id(r.buyer_participant_id, r.table_number),
        )
        for r in rows
        if attending(r)
        and r.buyer_participant_id in taking_part
        and r.sme_participant_id in taking_part
    ]
    scores = session_scores(session, index, people, today=today, statuses=DAY_STATUSES)
    problem = build_problem(
        len(event.slots),
        people,
        service.preferences(session, event.id),
        scores,
        taking_part=on_the_day,
    )
    result = replan(
        problem,
        kept,
        absent={str(i) for i in absent},
        met=met_pairs(rows),
        from_slot=data.from_slot,
        time_limit_s=TIME_LIMIT_S,
    )
    new = [m for m in result.meetings if not m.locked]
    added = gaps.store_new(session, event, new, scores, published=True)
    session.execute(delete(EventLeftOut).where(EventLeftOut.event_id == event.id))
    for lo in result.left_out:
        session.add(
            EventLeftOut(
                event_id=event.id,
                buyer_participant_id=int(lo.buyer_id),
                sme_participant_id=int(lo.sme_id),
                reason=lo.reason.value,
                text_zh=lo.text_zh,
                detail={"text_en": lo.text_en},
            )
        )
    flush(session, "the re-plan")
    # The calendars follow the published meetings; each firm whose agenda changed is told.
    notified = triggers.agenda_changed(session, event)
    service.touch(event)
    flush(session, f"event {event.id}")
    audit.record(
        session,
        caller,
        "event.replan",
        "event",
        event.id,
        from_slot=data.from_slot,
        freed=len(freed),
        added=len(added),
        absent=len(absent),
        standby=sum(1 for p in people if p.id in taking_part and p.status in STANDBY),
    )
    names = service.names_of(people)
    slots = service.slots_of(event)
    return ReplanRead(
        added=[service.meeting_to_read(r, names, slots) for r in added],
        freed=[service.meeting_to_read(r, names, slots) for r in freed],
        unmet=gaps.unmet_of(session, event, people, scores, from_slot=data.from_slot),
        notified=notified,
        objective=result.objective,
        upper_bound=result.upper_bound if result.upper_bound != float("inf") else -1.0,
    )
