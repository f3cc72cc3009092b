"""HTTP routes for 百场万企 matchmaking sessions (thin: parse, call the service, shape)."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.events import contacts, exports, report, scheduling, service, suggestions
from app.events.day_router import router as day_router
from app.events.exports import ExportFormat, ExportKind
from app.events.schemas import (
    CounterpartContacts,
    EventCreate,
    EventRead,
    EventReport,
    EventUpdate,
    LeftOutRead,
    MeetingRead,
    OutcomeSet,
    ParticipantCreate,
    ParticipantRead,
    ParticipantUpdate,
    PreferenceRead,
    PreferenceSet,
    ScheduleRead,
    Suggestions,
)
from app.fields import IdParam
from app.models import EventStatus
from app.pagination import Page, PageDep, WholePageDep, page_of
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/events", tags=["events"], responses=problem_responses(401, 422))
_WRITE = problem_responses(403, 404, 409)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 413),
    summary="Create a session (organizers; admins name the organizer)",
)
def create_event(
    body: EventCreate, session: SessionDep, caller: CallerDep, response: Response
) -> EventRead:
    event = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/events/{event.id}"
    set_etag(response, event.version)
    return service.to_read(event)


@router.get("", summary="List sessions (others' drafts are not shown)")
def list_events(
    session: SessionDep, caller: CallerDep, paging: PageDep, status: EventStatus | None = None
) -> Page[EventRead]:
    return service.list_page(session, caller, paging, status=status)


@router.get("/{event_id:int}", responses=problem_responses(404), summary="Read a session")
def read_event(
    event_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> EventRead:
    event = service.get_visible(session, caller, event_id)
    set_etag(response, event.version)
    return service.to_read(event)


@router.patch(
    "/{event_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="Change a session or its status (send If-Match)",
)
def update_event(
    event_id: IdParam,
    body: EventUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> EventRead:
    version = expected_version(if_match, required=True)
    event = service.update(session, caller, event_id, body, version)
    set_etag(response, event.version)
    return service.to_read(event)


@router.delete(
    "/{event_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 412),
    summary="Delete a session with everything in it",
)
def delete_event(
    event_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete_event(session, caller, event_id, expected_version(if_match, required=False))


@router.get(
    "/{event_id:int}/participants",
    responses=problem_responses(403, 404),
    summary="Participants (organizer; approved participants see the approved ones)",
)
def list_participants(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[ParticipantRead]:
    people = service.list_participants(session, caller, event_id)
    return page_of([service.participant_to_read(p) for p in people], paging)


@router.post(
    "/{event_id:int}/participants",
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
    summary="Add a firm (organizer: approved if you manage it, else invited), or register "
    "yourself (firm; pending approval)",
)
def add_participant(
    event_id: IdParam,
    body: ParticipantCreate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ParticipantRead:
    p = service.add_participant(session, caller, event_id, body)
    set_etag(response, p.version)
    return service.participant_to_read(p)


@router.post(
    "/{event_id:int}/invitation/{answer}",
    responses=_WRITE,
    summary="Accept or decline your firm's invitation to a session (the firm's own key)",
)
def answer_invitation(
    event_id: IdParam,
    answer: Literal["accept", "decline"],
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ParticipantRead:
    p = service.answer_invitation(session, caller, event_id, accept=answer == "accept")
    set_etag(response, p.version)
    return service.participant_to_read(p)


@router.patch(
    "/{event_id:int}/participants/{participant_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="Change tables, cap, blocked slots or approval (organizer; send If-Match)",
)
def update_participant(
    event_id: IdParam,
    participant_id: IdParam,
    body: ParticipantUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> ParticipantRead:
    version = expected_version(if_match, required=True)
    p = service.update_participant(session, caller, event_id, participant_id, body, version)
    set_etag(response, p.version)
    return service.participant_to_read(p)


@router.delete(
    "/{event_id:int}/participants/{participant_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
    summary="Remove a participant with its wishes and meetings (organizer)",
)
def remove_participant(
    event_id: IdParam, participant_id: IdParam, session: SessionDep, caller: CallerDep
) -> None:
    service.remove_participant(session, caller, event_id, participant_id)


@router.get(
    "/{event_id:int}/preferences",
    responses=problem_responses(403, 404),
    summary="Wishes (organizer: all; participant: its own)",
)
def list_preferences(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[PreferenceRead]:
    return page_of(service.list_preferences(session, caller, event_id), paging)


@router.put(
    "/{event_id:int}/preferences",
    responses=_WRITE,
    summary="Set a wish must / would / no, or clear it with null",
)
def set_preference(
    event_id: IdParam, body: PreferenceSet, session: SessionDep, caller: CallerDep
) -> PreferenceRead | None:
    return service.set_preference(session, caller, event_id, body)


@router.get(
    "/{event_id:int}/contacts",
    responses=problem_responses(403, 404),
    summary="Counterparts' contacts after mutual interest or a held meeting (a participant; audited)",
)
def list_contacts(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[CounterpartContacts]:
    return page_of(contacts.counterpart_contacts(session, caller, event_id), paging)


@router.get(
    "/{event_id:int}/suggestions",
    responses=problem_responses(403, 404),
    summary="Pairs the matching engine proposes, both sides' ranks (organizer: all; participant: its own)",
)
def list_suggestions(
    event_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=500, description="how many pairs")] = 50,
) -> Suggestions:
    return suggestions.suggestions(
        session, caller, request.app.state.matching, event_id, limit=limit, today=date.today()
    )


@router.post(
    "/{event_id:int}/schedule",
    responses=_WRITE,
    summary="Run the scheduler (organizer); published meetings stay unless replan_all",
)
def run_schedule(
    event_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    replan_all: Annotated[bool, Query(description="plan published meetings anew too")] = False,
) -> ScheduleRead:
    result = scheduling.run(
        session,
        caller,
        request.app.state.matching,
        event_id,
        replan_all=replan_all,
        today=date.today(),
    )
    set_etag(response, result.event.version)
    return result


@router.post(
    "/{event_id:int}/publish",
    responses=_WRITE,
    summary="Publish the schedule: participants then see their agendas (organizer)",
)
def publish(
    event_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> EventRead:
    scheduling.publish(session, caller, event_id)
    event = service.get_managed(session, caller, event_id)
    set_etag(response, event.version)
    return service.to_read(event)


@router.get(
    "/{event_id:int}/meetings",
    responses=problem_responses(403, 404),
    summary="Meetings (organizer: all; participant: its own published ones)",
)
def list_meetings(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[MeetingRead]:
    return page_of(service.visible_meetings(session, caller, event_id)[1], paging)


@router.get(
    "/{event_id:int}/left-out",
    responses=problem_responses(403, 404),
    summary="Wanted pairs the last run could not place, with reasons (organizer)",
)
def list_left_out(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[LeftOutRead]:
    event = service.get_managed(session, caller, event_id)
    names = service.names_of(service.participants(session, event.id))
    rows = [service.left_out_to_read(r, names) for r in service.left_out(session, event.id)]
    return page_of(rows, paging)


@router.put(
    "/{event_id:int}/meetings/{meeting_id:int}/outcome",
    responses=_WRITE,
    summary="Record what came of a meeting (either side or the organizer)",
)
def set_outcome(
    event_id: IdParam, meeting_id: IdParam, body: OutcomeSet, session: SessionDep, caller: CallerDep
) -> MeetingRead:
    return service.set_outcome(session, caller, event_id, meeting_id, body)


@router.get(
    "/{event_id:int}/report",
    responses=problem_responses(403, 404),
    summary="Meetings held, 意向 and 签约 by SME tier (organizer)",
)
def event_report(event_id: IdParam, session: SessionDep, caller: CallerDep) -> EventReport:
    return report.event_report(session, caller, event_id)


@router.get(
    "/{event_id:int}/exports/{kind}",
    responses=problem_responses(403, 404),
    response_class=Response,
    summary="Match list, master grid or all agendas as CSV, XLSX or HTML (organizer)",
)
def export(
    event_id: IdParam,
    kind: ExportKind,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    format: ExportFormat = ExportFormat.xlsx,
) -> Response:
    index = request.app.state.matching
    return exports.file_response(
        exports.export(session, caller, index, event_id, kind, format, today=date.today())
    )


@router.get(
    "/{event_id:int}/agenda",
    responses=problem_responses(403, 404),
    response_class=Response,
    summary="A participant's agenda (a firm: only its own; organizer: any participant_id)",
)
def agenda(
    event_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    participant_id: IdParam | None = None,
    format: ExportFormat = ExportFormat.html,
) -> Response:
    url = f"{str(request.base_url).rstrip('/')}/events/{event_id}/checkin"
    return exports.file_response(
        exports.agenda(session, caller, event_id, participant_id, format, checkin_url=url)
    )


router.include_router(day_router)
