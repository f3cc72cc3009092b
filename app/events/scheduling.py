"""Run the scheduler on an event: build the problem from the database, store the result."""

from datetime import date

from sqlalchemy import delete
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Conflict
from app.events import gaps, service
from app.events.problem import build_problem, session_scores, table_id, table_number
from app.events.schemas import ScheduleRead
from app.matches.index import MatchingIndex
from app.messages import tr, word
from app.models import (
    EventLeftOut,
    EventMeeting,
    EventStatus,
)
from app.notifications import triggers
from app.platform.db import flush
from matching.scheduling import (
    Meeting,
    Schedule,
    ScheduleResult,
    schedule_event,
)

TIME_LIMIT_S = 10.0
SCHEDULABLE = frozenset({EventStatus.registration, EventStatus.scheduled, EventStatus.published})


def _previous(rows: list[EventMeeting]) -> Schedule:
    return Schedule(
        meetings=tuple(
            Meeting(
                str(m.buyer_participant_id),
                str(m.sme_participant_id),
                m.slot,
                table_id(m.buyer_participant_id, m.table_number),
                m.value,
            )
            for m in rows
        ),
        published=frozenset(
            (str(m.buyer_participant_id), str(m.sme_participant_id)) for m in rows if m.published
        ),
    )


def run(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    event_id: int,
    *,
    replan_all: bool,
    today: date,
) -> ScheduleRead:
    """Schedule the event; published meetings stay where they are unless ``replan_all``.

    Pair values come from both sides' wishes and the matching engine's scores (``index``).
    """
    event = service.get_managed(session, caller, event_id)
    if event.status not in SCHEDULABLE:
        raise Conflict(
            tr(
                "a {status} event cannot be scheduled; open registration first",
                status=word(event.status),
            )
        )
    people = service.participants(session, event.id)
    scores = session_scores(session, index, people, today=today)
    problem = build_problem(
        len(event.slots), people, service.preferences(session, event.id), scores
    )
    existing = service.meetings(session, event.id)
    if any(m.attendance is not None for m in existing):
        # A fresh plan would move or drop meetings already held and lose the no-shows.
        raise Conflict(
            "the session's day has begun (attendance is marked): use the day's re-plan, "
            f"POST /api/v1/events/{event.id}/replan"
        )
    result = schedule_event(
        problem, time_limit_s=TIME_LIMIT_S, previous=_previous(existing), replan_all=replan_all
    )
    _store(session, event.id, existing, result, scores)
    service.touch(event, EventStatus.scheduled)
    flush(session, f"event {event.id}")
    triggers.agenda_changed(session, event)  # cancels published meetings the plan dropped
    audit.record(
        session,
        caller,
        "event.schedule",
        "event",
        event.id,
        meetings=len(result.meetings),
        left_out=len(result.left_out),
        replan_all=replan_all,
    )
    names = service.names_of(people)
    slots = service.slots_of(event)
    return ScheduleRead(
        event=service.to_read(event),
        meetings=[
            service.meeting_to_read(m, names, slots) for m in service.meetings(session, event.id)
        ],
        left_out=[
            service.left_out_to_read(row, names) for row in service.left_out(session, event.id)
        ],
        unmet=gaps.unmet_of(session, event, people, scores),
        objective=result.objective,
        upper_bound=result.upper_bound if result.upper_bound != float("inf") else -1.0,
        method=result.stats.method,
        notes=list(result.stats.notes),
    )


def _store(
    session: Session,
    event_id: int,
    existing: list[EventMeeting],
    result: ScheduleResult,
    scores: dict[tuple[int, int], float],
) -> None:
    """Keep rows of published meetings the result kept (their outcomes too); replace the rest."""
    wanted = {
        (int(m.buyer_id), int(m.sme_id), m.slot, table_number(m.table_id)): m
        for m in result.meetings
    }
    kept: set[tuple[int, int, int, int]] = set()
    for row in existing:
        key = (row.buyer_participant_id, row.sme_participant_id, row.slot, row.table_number)
        if row.published and key in wanted:
            kept.add(key)
        else:
            session.delete(row)
    session.execute(delete(EventLeftOut).where(EventLeftOut.event_id == event_id))
    # Deletes first: the new meetings may take the same (slot, table) places.
    flush(session, "the schedule")
    for key, m in wanted.items():
        if key in kept:
            continue
        buyer_id, sme_id, slot, table = key
        session.add(
            EventMeeting(
                event_id=event_id,
                buyer_participant_id=buyer_id,
                sme_participant_id=sme_id,
                slot=slot,
                table_number=table,
                score=scores.get((buyer_id, sme_id), 0.0),
                value=m.value,
                published=False,
            )
        )
    for lo in result.left_out:
        session.add(
            EventLeftOut(
                event_id=event_id,
                buyer_participant_id=int(lo.buyer_id),
                sme_participant_id=int(lo.sme_id),
                reason=lo.reason.value,
                text_zh=lo.text_zh,
                detail={"text_en": lo.text_en},
            )
        )
    flush(session, "the schedule")


def publish(session: Session, caller: Principal, event_id: int) -> None:
    """Publish every meeting of a scheduled event; participants then see their agendas."""
    event = service.get_managed(session, caller, event_id)
    if event.status not in (EventStatus.scheduled, EventStatus.published):
        raise Conflict(tr("a {status} event has no schedule to publish", status=word(event.status)))
    for m in service.meetings(session, event.id):
        m.published = True
    service.touch(event, EventStatus.published)
    flush(session, f"event {event.id}")
    triggers.agenda_changed(session, event)
    audit.record(session, caller, "event.publish", "event", event.id)
