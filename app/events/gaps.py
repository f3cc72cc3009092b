"""Nothing left out silently: SMEs without a meeting, why, and the free table-slots they could
take; the organizer fills them in one action (API and console call :func:`fill`)."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.errors import Conflict, InvalidInput
from app.events import service
from app.events.problem import (
    absent_ids,
    as_meeting,
    attending,
    build_problem,
    met_pairs,
    on_the_day,
    session_scores,
    table_number,
)
from app.events.schemas import FillRead, FreePlaceRead, Slot, UnmetFill, UnmetRead
from app.matches.index import MatchingIndex
from app.messages import tr
from app.models import (
    DAY_STATUSES,
    Event,
    EventMeeting,
    EventParticipant,
    EventStatus,
    ParticipantStatus,
    Side,
)
from app.notifications import triggers
from app.platform.db import flush
from matching.scheduling import (
    Meeting,
    ScheduleProblem,
    Unmet,
    fill_unmet,
    replan_problem,
    unmet_smes,
)

#: Free table-slots listed per SME.
PLACES_SHOWN = 20


def _day_problem(
    session: Session,
    event: Event,
    people: list[EventParticipant],
    scores: dict[tuple[int, int], float],
    from_slot: int,
) -> tuple[ScheduleProblem, list[Meeting], set[tuple[str, str]]]:
    """The session as it stands: who takes part, who sits where, which pairs have met."""
    rows = service.meetings(session, event.id)
    met = met_pairs(rows)
    problem = build_problem(
        len(event.slots),
        people,
        service.preferences(session, event.id),
        scores,
        taking_part=on_the_day,
    )
    problem = replan_problem(problem, [], absent=absent_ids(people), met=met, from_slot=from_slot)
    return problem, [as_meeting(r) for r in rows if attending(r)], met


def _to_read(u: Unmet, by_id: dict[int, EventParticipant], slots: Sequence[Slot]) -> UnmetRead:
    sme = by_id[int(u.sme_id)]
    return UnmetRead(
        sme_participant_id=sme.id,
        sme_name=sme.organization.name,
        status=ParticipantStatus(sme.status),
        reason=u.reason.value,
        text_zh=u.text_zh,
        places=[
            FreePlaceRead(
                buyer_participant_id=int(p.buyer_id),
                buyer_name=by_id[int(p.buyer_id)].organization.name,
                table_number=table_number(p.table_id),
                slot=p.slot,
                start=slots[p.slot].start,
                end=slots[p.slot].end,
                score=p.score,
            )
            for p in u.places
        ],
    )


def unmet_of(
    session: Session,
    event: Event,
    people: list[EventParticipant],
    scores: dict[tuple[int, int], float],
    *,
    from_slot: int = 0,
) -> list[UnmetRead]:
    """Every SME taking part (absent ones aside) without a meeting, with reason and places."""
    problem, meetings, met = _day_problem(session, event, people, scores, from_slot)
    absent = absent_ids(people)
    by_id = {p.id: p for p in people}
    slots = service.slots_of(event)
    return [
        _to_read(u, by_id, slots)
        for u in unmet_smes(problem, meetings, met=met, limit=PLACES_SHOWN)
        if u.sme_id not in absent
    ]


def unmet(
    session: Session, caller: Principal, index: MatchingIndex, event_id: int, *, today: date
) -> list[UnmetRead]:
    """The organizer's list of SMEs without a meeting."""
    event = service.get_managed(session, caller, event_id)
    people = service.participants(session, event.id)
    met = {r.sme_participant_id for r in service.meetings(session, event.id) if attending(r)}
    absent = absent_ids(people)
    if all(
        p.id in met or str(p.id) in absent for p in people if p.side == Side.sme and on_the_day(p)
    ):
        return []  # every SME has a meeting: no need to ask the engine for scores
    scores = session_scores(session, index, people, today=today, statuses=DAY_STATUSES)
    return unmet_of(session, event, people, scores)


def store_new(
    session: Session,
    event: Event,
    new: Sequence[Meeting],
    scores: dict[tuple[int, int], float],
    *,
    published: bool,
) -> list[EventMeeting]:
    """Add the scheduler's new meetings as rows."""
    rows = []
    for m in new:
        buyer, sme = int(m.buyer_id), int(m.sme_id)
        row = EventMeeting(
            event_id=event.id,
            buyer_participant_id=buyer,
            sme_participant_id=sme,
            slot=m.slot,
            table_number=table_number(m.table_id),
            score=scores.get((buyer, sme), 0.0),
            value=m.value,
            published=published,
        )
        session.add(row)
        rows.append(row)
    flush(session, "the meetings")
    return rows


def fill(
    session: Session,
    caller: Principal,
    index: MatchingIndex,
    event_id: int,
    data: UnmetFill,
    *,
    today: date,
) -> FillRead:
    """Place each SME without a meeting (or the named ones) at its best free table-slot.

    On a published schedule the new meetings are published at once and the firms' changed
    agendas go to the outbox.
    """
    event = service.get_managed(session, caller, event_id)
    if event.status not in (EventStatus.scheduled, EventStatus.published):
        raise Conflict(tr("run the schedule first: filling uses its free table-slots"))
    people = service.participants(session, event.id)
    by_id = {p.id: p for p in people}
    wanted: set[str] | None = None
    if data.sme_participant_ids is not None:
        for i, pid in enumerate(data.sme_participant_ids):
            p = by_id.get(pid)
            if p is None or p.side != Side.sme or not on_the_day(p):
                raise InvalidInput(
                    f"body.sme_participant_ids.{i}", tr("not an SME taking part in this event")
                )
        wanted = {str(pid) for pid in data.sme_participant_ids}
    scores = session_scores(session, index, people, today=today, statuses=DAY_STATUSES)
    problem, meetings, met = _day_problem(session, event, people, scores, data.from_slot)
    new = fill_unmet(problem, meetings, met=met, sme_ids=wanted)
    published = event.status == EventStatus.published
    rows = store_new(session, event, new, scores, published=published)
    met_now = {(r.buyer_participant_id, r.sme_participant_id) for r in rows}
    for lo in service.left_out(session, event.id):
        if (lo.buyer_participant_id, lo.sme_participant_id) in met_now:
            session.delete(lo)  # a wished pair the fill placed is no longer left out
    notified = triggers.agenda_changed(session, event) if published and rows else 0
    service.touch(event)
    flush(session, f"event {event.id}")
    audit.record(session, caller, "event.unmet.fill", "event", event.id, meetings=len(rows))
    names = service.names_of(people)
    slots = service.slots_of(event)
    return FillRead(
        added=[service.meeting_to_read(r, names, slots) for r in rows],
        unmet=unmet_of(session, event, people, scores, from_slot=data.from_slot),
        notified=notified,
    )
