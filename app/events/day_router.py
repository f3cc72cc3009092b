"""HTTP routes for the day of a session: check-in, the desk, attendance, online rooms, SMEs
without a meeting and filling them, and the day's re-plan (thin: parse, call, shape)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.events import attendance, checkin, gaps, replanning, service
from app.events.schemas import (
    AttendanceSet,
    CheckIn,
    FillRead,
    MeetingRead,
    ParticipantRead,
    PresenceSet,
    ReplanRead,
    ReplanSet,
    RoomSet,
    UnmetFill,
    UnmetRead,
)
from app.fields import IdParam
from app.versioning import set_etag

router = APIRouter(responses=problem_responses(401, 422))
_WRITE = problem_responses(403, 404, 409)


@router.get(
    "/{event_id:int}/unmet",
    responses=problem_responses(403, 404),
    summary="SMEs without a meeting: why, and the free table-slots each could take (organizer)",
)
def list_unmet(
    event_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> list[UnmetRead]:
    return gaps.unmet(session, caller, request.app.state.matching, event_id, today=date.today())


@router.post(
    "/{event_id:int}/unmet/fill",
    responses=_WRITE,
    summary="Place every SME without a meeting (or the named ones) at its best free "
    "table-slot (organizer)",
)
def fill_unmet(
    event_id: IdParam, body: UnmetFill, request: Request, session: SessionDep, caller: CallerDep
) -> FillRead:
    index = request.app.state.matching
    return gaps.fill(session, caller, index, event_id, body, today=date.today())


@router.post(
    "/{event_id:int}/replan",
    responses=_WRITE,
    summary="The day's re-plan: absent firms' tables to the firms present (organizer)",
)
def replan(
    event_id: IdParam,
    body: ReplanSet,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ReplanRead:
    index = request.app.state.matching
    result = replanning.run(session, caller, index, event_id, body, today=date.today())
    set_etag(response, service.get_managed(session, caller, event_id).version)
    return result


@router.post(
    "/{event_id:int}/checkin",
    responses=_WRITE,
    summary="Check a firm in with the token of the QR code on its agenda (organizer's staff)",
)
def check_in(
    event_id: IdParam, body: CheckIn, session: SessionDep, caller: CallerDep
) -> ParticipantRead:
    return service.participant_to_read(checkin.check_in(session, caller, event_id, body.token))


@router.put(
    "/{event_id:int}/participants/{participant_id:int}/presence",
    responses=_WRITE,
    summary="At the desk: check a firm in, mark it absent (爽约), or clear it (organizer)",
)
def set_presence(
    event_id: IdParam,
    participant_id: IdParam,
    body: PresenceSet,
    session: SessionDep,
    caller: CallerDep,
) -> ParticipantRead:
    p = checkin.set_presence(session, caller, event_id, participant_id, body.presence)
    return service.participant_to_read(p)


@router.get(
    "/{event_id:int}/desk",
    responses=problem_responses(403, 404),
    summary="The desk: firms taking part whose name contains q, with their presence",
)
def desk(
    event_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    q: Annotated[str, Query(max_length=100)] = "",
) -> list[ParticipantRead]:
    return [service.participant_to_read(p) for p in checkin.desk(session, caller, event_id, q)]


@router.put(
    "/{event_id:int}/meetings/{meeting_id:int}/attendance",
    responses=_WRITE,
    summary="Mark whether a meeting took place (a firm: its own meetings; the organizer: any)",
)
def set_attendance(
    event_id: IdParam,
    meeting_id: IdParam,
    body: AttendanceSet,
    session: SessionDep,
    caller: CallerDep,
) -> MeetingRead:
    return attendance.set_attendance(session, caller, event_id, meeting_id, body.attendance)


@router.put(
    "/{event_id:int}/meetings/{meeting_id:int}/room",
    responses=_WRITE,
    summary="Give a meeting an online room, or remove it with an empty link (organizer)",
)
def set_room(
    event_id: IdParam, meeting_id: IdParam, body: RoomSet, session: SessionDep, caller: CallerDep
) -> MeetingRead:
    return attendance.set_room(session, caller, event_id, meeting_id, body.room_url)
