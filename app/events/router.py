"""HTTP routes for 百场万企 matchmaking sessions (thin: parse, call the service, shape)."""

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.events import (
    contacts,
    exports,
    report,
    schedule_job,
    scheduling,
    service,
    suggestions,
)
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
    Suggestions,
)
from app.fields import IdParam
from app.jobs.router import ACCEPTED, accepted, requested_by
from app.jobs.schemas import JobRead
from app.models import EventStatus
from app.pagination import Page, PageDep, WholePageDep, page_of
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/events", tags=["events"], responses=problem_responses(401, 422))
_WRITE = problem_responses(403, 404, 409)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 413),
    summary="创建洽谈会",
    description=(
        "创建一场百场万企洽谈会（草稿）：名称、主题、地区、地点、日期、轮次和每轮时长。组织方为本"
        "机构创建；管理员须指定组织方。返回 201 和 ETag。"
    ),
)
def create_event(
    body: EventCreate, session: SessionDep, caller: CallerDep, response: Response
) -> EventRead:
    event = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/events/{event.id}"
    set_etag(response, event.version)
    return service.to_read(event)


@router.get(
    "",
    summary="查询洽谈会列表",
    description="按状态筛选，分页返回洽谈会。别人的草稿不显示。所有持有密钥的调用方可查询。只读。",
)
def list_events(
    session: SessionDep, caller: CallerDep, paging: PageDep, status: EventStatus | None = None
) -> Page[EventRead]:
    return service.list_page(session, caller, paging, status=status)


@router.get(
    "/{event_id:int}",
    responses=problem_responses(404),
    summary="查看洽谈会",
    description="返回一场洽谈会的资料和轮次。草稿只对主办组织方可见。响应带 ETag。只读。",
)
def read_event(
    event_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> EventRead:
    event = service.get_visible(session, caller, event_id)
    set_etag(response, event.version)
    return service.to_read(event)


@router.patch(
    "/{event_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="修改洽谈会或变更状态",
    description=(
        "修改洽谈会资料或轮次，或推进状态（草稿 → 报名中 → 已排期 → 已发布 → 已关闭）。只有主办组"
        "织方和管理员可改；排期后轮次不能再改。必须带 If-Match。"
    ),
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
    summary="删除洽谈会",
    description="删除洽谈会及其参会方、意愿和洽谈安排。只有主办组织方和管理员可删。必须带 If-Match。",
)
def delete_event(
    event_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete_event(session, caller, event_id, expected_version(if_match, required=False))


@router.get(
    "/{event_id:int}/participants",
    responses=problem_responses(403, 404),
    summary="参会方名单",
    description=(
        "列出洽谈会的参会方（采购方和中小企业），含洽谈桌数、上限和不可参加的轮次。主办组织方看到"
        "全部；已确认的参会方只看到已确认的。分页返回。只读。"
    ),
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
    summary="添加参会方或报名",
    description=(
        "组织方添加一家企业：其管理的企业直接确认，其他企业为受邀、需对方接受。企业也可为自己报名"
        "（待组织方审核），仅在报名期间。返回新的参会记录。"
    ),
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
    summary="接受或谢绝参会邀请",
    description="受邀企业用自己的密钥接受（随即成为已确认参会方）或谢绝邀请。只有受邀企业本身可答复。",
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
    summary="修改参会方",
    description="修改洽谈桌数、洽谈上限、不可参加的轮次或审核状态。主办组织方可改。必须带 If-Match。",
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
    summary="移除参会方",
    description="把一家企业从洽谈会中移除，连同其意愿和洽谈安排。主办组织方可操作。",
)
def remove_participant(
    event_id: IdParam, participant_id: IdParam, session: SessionDep, caller: CallerDep
) -> None:
    service.remove_participant(session, caller, event_id, participant_id)


@router.get(
    "/{event_id:int}/preferences",
    responses=problem_responses(403, 404),
    summary="参会意愿列表",
    description=(
        "列出意愿（必须见、愿意见、不见）。主办组织方看到全部；参会方只看到自己提出的。分页返回。"
        "只读。"
    ),
)
def list_preferences(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[PreferenceRead]:
    return page_of(service.list_preferences(session, caller, event_id), paging)


@router.put(
    "/{event_id:int}/preferences",
    responses=_WRITE,
    summary="设置参会意愿",
    description=(
        "一方对另一方表达“必须见 / 愿意见 / 不见”，或以 null 清除。参会方为自己设置；组织方可为其"
        "管理的企业设置。排期时参考这些意愿。"
    ),
)
def set_preference(
    event_id: IdParam, body: PreferenceSet, session: SessionDep, caller: CallerDep
) -> PreferenceRead | None:
    return service.set_preference(session, caller, event_id, body)


@router.get(
    "/{event_id:int}/contacts",
    responses=problem_responses(403, 404),
    summary="对方联系方式",
    description=(
        "列出已双向表达意向或已洽谈过的对方企业的联系人、电话和邮箱。只有已确认的参会方可看；每次"
        "查看都记入审计日志。分页返回。"
    ),
)
def list_contacts(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[CounterpartContacts]:
    return page_of(contacts.counterpart_contacts(session, caller, event_id), paging)


@router.get(
    "/{event_id:int}/suggestions",
    responses=problem_responses(403, 404),
    summary="推荐的洽谈配对",
    description=(
        "列出匹配引擎推荐的采购方—中小企业配对及双方排名。主办组织方看到全部；参会方只看到与自己"
        "有关的。只读。"
    ),
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
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobRead,
    responses={**ACCEPTED, **_WRITE},
    summary="自动排期（后台任务）",
    description=(
        "根据匹配分数、双方意愿、可参加轮次和上限，自动安排洽谈（轮次 × 洽谈桌）。已发布的洽谈保"
        "持不变，除非 replan_all=true。只有主办组织方可运行。返回 202 及后台任务（Location 指向 "
        "/api/v1/jobs/{id}）；求解在后台进行，任务的 result 即排期结果（洽谈、未能安排的配对及原因）。"
    ),
)
def run_schedule(
    event_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    replan_all: Annotated[bool, Query(description="plan published meetings anew too")] = False,
) -> Response:
    job = schedule_job.enqueue(
        session, caller, event_id, replan_all=replan_all, requested_by=requested_by(caller)
    )
    return accepted(job)


@router.post(
    "/{event_id:int}/publish",
    responses=_WRITE,
    summary="发布日程",
    description="发布排期结果，参会方随即看到自己的日程。只有主办组织方可发布。",
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
    summary="洽谈安排",
    description=(
        "列出洽谈安排（轮次、时间、洽谈桌、双方）。主办组织方看到全部；参会方只看到自己已发布的。"
        "分页返回。只读。"
    ),
)
def list_meetings(
    event_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[MeetingRead]:
    return page_of(service.visible_meetings(session, caller, event_id)[1], paging)


@router.get(
    "/{event_id:int}/left-out",
    responses=problem_responses(403, 404),
    summary="未能安排的配对",
    description="列出上次排期中想见但未能安排的配对及原因。只有主办组织方可看。分页返回。只读。",
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
    summary="记录洽谈成果",
    description="记录一场洽谈的成果（意向、签约等）和备注。洽谈双方或主办组织方可记录；须先发布日程。",
)
def set_outcome(
    event_id: IdParam, meeting_id: IdParam, body: OutcomeSet, session: SessionDep, caller: CallerDep
) -> MeetingRead:
    return service.set_outcome(session, caller, event_id, meeting_id, body)


@router.get(
    "/{event_id:int}/report",
    responses=problem_responses(403, 404),
    summary="洽谈会成果统计",
    description="按中小企业梯度统计已举行的洽谈、意向和签约。只有主办组织方可看。只读。",
)
def event_report(event_id: IdParam, session: SessionDep, caller: CallerDep) -> EventReport:
    return report.event_report(session, caller, event_id)


@router.get(
    "/{event_id:int}/exports/{kind}",
    responses=problem_responses(403, 404),
    response_class=Response,
    summary="导出洽谈会资料",
    description=(
        "以 CSV、XLSX 或 HTML 导出配对名单、总排期表或全部日程。只有主办组织方可导出；表格单元格"
        "中的公式已被中和。只读。"
    ),
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
    summary="参会方日程",
    description=(
        "导出一家参会方的日程（HTML、CSV 或 XLSX）。企业只能看自己的；组织方可指定任一参会方。只"
        "读。"
    ),
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
