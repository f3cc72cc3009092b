"""HTTP routes for challenges (榜单 / 询价), responses, attachments, review and selection
(thin: parse, call, shape)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from app.attachments.storage import Storage, from_settings
from app.auth.dependencies import CallerDep, SessionDep
from app.challenges import access, attachments, exports, review, service
from app.challenges.schemas import (
    AttachmentRead,
    ChallengeCreate,
    ChallengeRead,
    ClarificationRead,
    ClarificationWrite,
    Comparison,
    ResponseDetail,
    ResponseRead,
    ResponseWrite,
    ScoreRead,
    ScoresWrite,
    SelectionRead,
    SelectionWrite,
    ShortlistWrite,
    TermsAccept,
    TermsAcceptanceRead,
)
from app.errors import problem_responses
from app.fields import IdParam
from app.models import ChallengeStatus
from app.models.base import utcnow
from app.pagination import Page, PageDep, WholePageDep, page_of

router = APIRouter(tags=["challenges"], responses=problem_responses(401, 422))


def storage_of(request: Request) -> Storage:
    """The app's attachment backend (made on first use from its settings)."""
    state = request.app.state
    backend: Storage | None = getattr(state, "attachment_storage", None)
    if backend is None:
        backend = from_settings(state.settings)
        state.attachment_storage = backend
    return backend


@router.post(
    "/needs/{need_id:int}/challenge",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409),
    summary="发榜：把已发布的需求发布为榜单或询价",
    description="技术攻关、补链需求发布为榜单（收攻关方案），配套需求发布为询价（收报价）。含目标、技术指标、预算区间、截止时间、评审维度与权重（之和为 100）、公开或定向邀请、保密条款。只有需求所属企业（或管理它的组织方、管理员）可发榜；发布后匹配度高的中小企业（定向邀请时为受邀企业）会收到通知。",
)
def publish(
    need_id: IdParam,
    body: ChallengeCreate,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ChallengeRead:
    now = utcnow()
    challenge = service.publish(session, caller, need_id, body, now)
    settings = request.app.state.settings
    service.announce(
        session,
        challenge,
        request.app.state.matching,
        min_score=settings.digest_min_score,
        today=date.today(),
    )
    response.headers["Location"] = f"/api/v1/challenges/{challenge.id}"
    return service.read(session, caller, challenge.id, now)


@router.get(
    "/challenges",
    summary="榜单列表",
    description="分页返回调用方可见的榜单：发榜企业看自己的，组织方看其管理企业的，中小企业看公开榜单、受邀榜单和已揭榜的榜单。",
)
def list_challenges(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    status: ChallengeStatus | None = None,
    mine: bool = False,
) -> Page[ChallengeRead]:
    return service.list_page(session, caller, paging, utcnow(), status=status, mine=mine)


@router.get(
    "/challenges/{challenge_id:int}",
    responses=problem_responses(404),
    summary="榜单详情",
    description="返回一个榜单；发榜方另可见受邀企业与响应数，中小企业可见自己是否已同意保密条款、是否已揭榜。",
)
def read_challenge(challenge_id: IdParam, session: SessionDep, caller: CallerDep) -> ChallengeRead:
    return service.read(session, caller, challenge_id, utcnow())


@router.post(
    "/challenges/{challenge_id:int}/terms-acceptance",
    responses=problem_responses(403, 404, 409),
    summary="同意保密条款",
    description="中小企业阅读并同意榜单的保密条款（须注明版本号），平台记录版本、时间与操作人；同意后才能揭榜。",
)
def accept_terms(
    challenge_id: IdParam, body: TermsAccept, session: SessionDep, caller: CallerDep
) -> TermsAcceptanceRead:
    return service.accept_terms(session, caller, challenge_id, body.terms_version)


@router.post(
    "/challenges/{challenge_id:int}/responses",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409),
    summary="揭榜：提交攻关方案或报价",
    description="截止前提交揭榜对接表（方案摘要、技术路线、指标承诺、周期、报价区间、团队、过往案例），询价则提交报价（单价、起订量、交期、有效期、账期、交货条款）。须先同意保密条款；已撤回的响应可重新提交。",
)
def respond(
    challenge_id: IdParam,
    body: ResponseWrite,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ResponseDetail:
    row = service.respond(session, caller, challenge_id, body, utcnow())
    response.headers["Location"] = f"/api/v1/responses/{row.id}"
    return service.detail(session, caller, row)


@router.get(
    "/challenges/{challenge_id:int}/responses",
    responses=problem_responses(404),
    summary="榜单的响应",
    description="分页返回调用方可见的响应：发榜企业、管理它的组织方和管理员看全部，中小企业只看自己的，其他企业看不到。",
)
def list_responses(
    challenge_id: IdParam, session: SessionDep, caller: CallerDep, paging: PageDep
) -> Page[ResponseRead]:
    return service.responses_page(session, caller, challenge_id, paging)


@router.get(
    "/responses/{response_id:int}",
    responses=problem_responses(404),
    summary="一份响应及其全部版本",
    description="返回响应的当前内容、附件和全部历史版本（每次修改或增删附件都保留一个版本）。",
)
def read_response(response_id: IdParam, session: SessionDep, caller: CallerDep) -> ResponseDetail:
    return service.detail(session, caller, access.get_response(session, caller, response_id))


@router.put(
    "/responses/{response_id:int}",
    responses=problem_responses(403, 404, 409),
    summary="修改响应",
    description="截止前由揭榜企业修改自己的响应，生成新版本，旧版本保留。",
)
def revise(
    response_id: IdParam, body: ResponseWrite, session: SessionDep, caller: CallerDep
) -> ResponseDetail:
    row = service.revise(session, caller, response_id, body, utcnow())
    return service.detail(session, caller, row)


@router.post(
    "/responses/{response_id:int}/withdrawal",
    responses=problem_responses(403, 404, 409),
    summary="撤回响应",
    description="截止前由揭榜企业撤回自己的响应；版本保留，截止前可重新提交。",
)
def withdraw(response_id: IdParam, session: SessionDep, caller: CallerDep) -> ResponseDetail:
    row = service.withdraw(session, caller, response_id, utcnow())
    return service.detail(session, caller, row)


@router.post(
    "/responses/{response_id:int}/attachments",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409, 413),
    summary="上传附件",
    description="为自己的响应上传附件（PDF、Word、Excel、PNG、JPEG，按文件内容判断类型）。超过大小或数量上限、压缩炸弹、多重格式文件、超大图片一律拒收。",
)
def add_attachment(
    response_id: IdParam,
    file: Annotated[UploadFile, File(description="PDF, DOCX, XLSX, PNG or JPEG")],
    request: Request,
    session: SessionDep,
    caller: CallerDep,
) -> AttachmentRead:
    settings = request.app.state.settings
    row = attachments.add(
        session,
        caller,
        response_id,
        attachments.Upload(file.filename or "附件", file.file),
        storage_of(request),
        max_bytes=settings.max_attachment_bytes,
        max_count=settings.max_attachments,
        now=utcnow(),
    )
    return service.attachment_reads(session, [row.id])[row.id]


@router.get(
    "/attachments/{attachment_id:int}",
    responses=problem_responses(404),
    summary="下载附件",
    description="下载附件（记入审计日志）；中文文件名以 RFC 5987 的 filename* 传递。仅响应的可见方可下载。",
    response_class=StreamingResponse,
)
def download_attachment(
    attachment_id: IdParam, request: Request, session: SessionDep, caller: CallerDep
) -> StreamingResponse:
    row, chunks = attachments.download(session, caller, attachment_id, storage_of(request))
    session.commit()  # the audit entry stands even if the client stops reading
    return StreamingResponse(
        chunks,
        media_type=row.media_type,
        headers={
            "Content-Disposition": attachments.content_disposition(row.filename),
            "Content-Length": str(row.size_bytes),
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete(
    "/attachments/{attachment_id:int}",
    responses=problem_responses(403, 404, 409),
    summary="移除附件",
    description="从当前版本移除附件，生成新版本；旧版本仍保留该附件。",
)
def remove_attachment(
    attachment_id: IdParam, session: SessionDep, caller: CallerDep
) -> ResponseDetail:
    row = attachments.remove(session, caller, attachment_id, utcnow())
    return service.detail(session, caller, row)


@router.put(
    "/responses/{response_id:int}/scores",
    responses=problem_responses(403, 404, 409),
    summary="评分",
    description="发榜企业的评审人按评审维度给响应打分（0–100），每位评审人每个维度一个分数，重复提交覆盖。",
)
def score(
    response_id: IdParam, body: ScoresWrite, session: SessionDep, caller: CallerDep
) -> list[ScoreRead]:
    return review.score(session, caller, response_id, body)


@router.get(
    "/responses/{response_id:int}/scores",
    responses=problem_responses(403, 404),
    summary="响应的评分",
    description="分页返回各评审人的评分，仅发榜方（含管理它的组织方）可见。",
)
def scores(
    response_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[ScoreRead]:
    return page_of(review.scores_of(session, caller, response_id), paging)


@router.put(
    "/responses/{response_id:int}/shortlist",
    responses=problem_responses(403, 404),
    summary="入围",
    description="发榜企业把响应列入或移出入围名单。",
)
def set_shortlist(
    response_id: IdParam, body: ShortlistWrite, session: SessionDep, caller: CallerDep
) -> ResponseRead:
    row = review.shortlist(session, caller, response_id, body.shortlisted)
    return service.response_reads(session, caller, [row])[0]


@router.post(
    "/responses/{response_id:int}/clarifications",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404),
    summary="澄清",
    description="发榜企业就某份响应提问，揭榜企业回答；可用 parent_id 串成线程，对方会收到通知。",
)
def clarify(
    response_id: IdParam, body: ClarificationWrite, session: SessionDep, caller: CallerDep
) -> ClarificationRead:
    return review.clarify(session, caller, response_id, body)


@router.get(
    "/responses/{response_id:int}/clarifications",
    responses=problem_responses(404),
    summary="澄清记录",
    description="分页返回某份响应的全部澄清消息，按时间先后。",
)
def clarifications(
    response_id: IdParam, session: SessionDep, caller: CallerDep, paging: WholePageDep
) -> Page[ClarificationRead]:
    return page_of(review.thread(session, caller, response_id), paging)


@router.get(
    "/challenges/{challenge_id:int}/comparison",
    responses=problem_responses(403, 404),
    summary="比选表",
    description="响应 × 评审维度：各维度评审人均分与加权总分，报价并列（单价、交期、账期、条款）；仅发榜方可见。",
)
def comparison(challenge_id: IdParam, session: SessionDep, caller: CallerDep) -> Comparison:
    return review.comparison(session, caller, challenge_id)


@router.get(
    "/challenges/{challenge_id:int}/comparison.xlsx",
    responses=problem_responses(403, 404),
    summary="比选表导出",
    description="把比选表导出为 Excel 工作簿（公式已中和）。",
    response_class=Response,
)
def comparison_xlsx(challenge_id: IdParam, session: SessionDep, caller: CallerDep) -> Response:
    table = review.comparison(session, caller, challenge_id)
    return Response(
        exports.comparison_xlsx(table),
        media_type=exports.XLSX_TYPE,
        headers={
            "Content-Disposition": attachments.content_disposition(f"比选表-{challenge_id}.xlsx")
        },
    )


@router.post(
    "/challenges/{challenge_id:int}/selection",
    responses=problem_responses(403, 404, 409),
    summary="遴选",
    description="截止后由发榜企业选定一份或多份响应：为每家入选企业建立意向阶段的交易，所有揭榜企业收到结果通知（未入选者收到致谢通知），并记入学习日志。",
)
def select(
    challenge_id: IdParam, body: SelectionWrite, session: SessionDep, caller: CallerDep
) -> SelectionRead:
    now = utcnow()
    challenge, chosen, others = review.select_responses(session, caller, challenge_id, body, now)
    return SelectionRead(
        challenge=service.read(session, caller, challenge.id, now),
        selected=service.response_reads(session, caller, chosen),
        not_selected=others,
    )
