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
from app.pagination import Page, WholePageDep, page_of
from app.versioning import set_etag

router = APIRouter(responses=problem_responses(401, 422))
_WRITE = problem_responses(403, 404, 409, 413)


@router.get(
    "/{event_id:int}/unmet",
    responses=problem_responses(403, 404),
    summary="没有洽谈的中小企业",
    description="列出没有任何洽谈的中小企业、原因，以及每家可补排的空桌（轮次·洽谈桌，匹配度高的在"
    "前，最多 20 处）。只有主办组织方可看。分页返回。只读。",
)
def list_unmet(
    event_id: IdParam,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    paging: WholePageDep,
) -> Page[UnmetRead]:
    index = request.app.state.matching
    return page_of(gaps.unmet(session, caller, index, event_id, today=date.today()), paging)


@router.post(
    "/{event_id:int}/unmet/fill",
    responses=_WRITE,
    summary="一键补排",
    description="把每家没有洽谈的中小企业（或指定的几家）安排到匹配度最高的空桌；可选只用某轮之后的"
    "空桌。日程已发布时新洽谈立即发布并通知相关企业。只有主办组织方可调用。",
)
def fill_unmet(
    event_id: IdParam, body: UnmetFill, request: Request, session: SessionDep, caller: CallerDep
) -> FillRead:
    index = request.app.state.matching
    return gaps.fill(session, caller, index, event_id, body, today=date.today())


@router.post(
    "/{event_id:int}/replan",
    responses=_WRITE,
    summary="现场调整（当天重排）",
    description="把缺席企业空出的洽谈桌安排给已签到的候补和现场加入企业：已举行和已发布的洽谈不动，"
    "缺席企业不再安排，同一对企业不重复，新洽谈只排在 from_slot 及以后的轮次；变更的日程通知相关"
    "企业。只有主办组织方可调用，日程须已发布。",
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
    summary="扫码签到",
    description="用企业日程上二维码里的签到码为其签到（再次签到无妨）。只有主办组织方可调用；伪造或"
    "别场的签到码返回 422。",
)
def check_in(
    event_id: IdParam, body: CheckIn, session: SessionDep, caller: CallerDep
) -> ParticipantRead:
    return service.participant_to_read(checkin.check_in(session, caller, event_id, body.token))


@router.put(
    "/{event_id:int}/participants/{participant_id:int}/presence",
    responses=_WRITE,
    summary="签到台：签到或缺席",
    description="在签到台按名称为企业签到、标记缺席（爽约），或清除。只有主办组织方可调用。",
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
    summary="签到台：按名称查找",
    description="列出名称含 q 的参会企业（含候补、现场加入）及其签到情况，最多 30 家。只有主办组织方"
    "可看。分页返回。只读。",
)
def desk(
    event_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    paging: WholePageDep,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Page[ParticipantRead]:
    found = checkin.desk(session, caller, event_id, q)
    return page_of([service.participant_to_read(p) for p in found], paging)


@router.put(
    "/{event_id:int}/meetings/{meeting_id:int}/attendance",
    responses=_WRITE,
    summary="记录洽谈出席情况",
    description="记录洽谈是否举行：双方到场、采购方缺席或企业缺席（null 清除）。企业只能记录自己参加"
    "的洽谈，主办组织方可记录任何洽谈。未签到而被记为缺席的一方计为爽约。",
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
    summary="设置线上会议室",
    description="为洽谈设置线上会议室链接（线上线下结合的洽谈会），空字符串删除。只有主办组织方可调用。",
)
def set_room(
    event_id: IdParam, meeting_id: IdParam, body: RoomSet, session: SessionDep, caller: CallerDep
) -> MeetingRead:
    return attendance.set_room(session, caller, event_id, meeting_id, body.room_url)
