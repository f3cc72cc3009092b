"""HTTP routes for supply needs."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.models import NeedKind, NeedStatus
from app.needs import service
from app.needs.schemas import NeedCreate, NeedRead, NeedUpdate
from app.pagination import Page, PageDep
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/needs", tags=["needs"], responses=problem_responses(401, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 413),
    summary="发布需求",
    description=(
        "大企业发布配套、补链或技术攻关需求：所需产品、用途、数量、资质要求、优先地区和截止日期；"
        "也可只填标题和说明（如粘贴的询价公告），由服务读出所需产品。大企业本身、管理它的组织方或"
        "管理员可发布。新需求为草稿或征集中，征集中的需求立即参与匹配。"
    ),
)
def create_need(
    body: NeedCreate, session: SessionDep, caller: CallerDep, response: Response
) -> NeedRead:
    need = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/needs/{need.id}"
    set_etag(response, need.version)
    return service.to_read(need)


@router.get(
    "",
    summary="查询需求列表",
    description=(
        "按状态、类型、发布企业（organization_id）、地区、行业或关键词筛选，分页返回。别人的草稿"
        "不显示。所有持有密钥的调用方可查询。只读。"
    ),
)
def list_needs(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    status: NeedStatus | None = None,
    kind: NeedKind | None = None,
    organization_id: IdParam | None = None,
    region: Annotated[
        str | None, Query(description="the firm's region code prefix: 44, 4403 or 440300")
    ] = None,
    industry: Annotated[
        str | None, Query(max_length=5, description="the firm's GB/T 4754 code prefix")
    ] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="text in title, description or products")
    ] = None,
) -> Page[NeedRead]:
    return service.list_page(
        session,
        caller,
        paging,
        status=status,
        kind=kind,
        organization_id=organization_id,
        region=region,
        industry=industry,
        q=q,
    )


@router.get(
    "/{need_id:int}",
    responses=problem_responses(404),
    summary="查看需求",
    description="返回一条需求。草稿只对发布企业和管理它的一方可见。响应带 ETag。只读。",
)
def read_need(
    need_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> NeedRead:
    need = service.get_visible(session, caller, need_id)
    set_etag(response, need.version)
    return service.to_read(need)


@router.patch(
    "/{need_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="修改需求或变更状态",
    description=(
        "修改需求内容，或把状态从草稿改为征集中、从征集中改为已关闭。发布企业、管理它的组织方或管"
        "理员可改。必须带 If-Match。修改后候选名单随之更新。"
    ),
)
def update_need(
    need_id: IdParam,
    body: NeedUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> NeedRead:
    version = expected_version(if_match, required=True)
    need = service.update(session, caller, need_id, body, version)
    set_etag(response, need.version)
    return service.to_read(need)


@router.delete(
    "/{need_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 412),
    summary="删除需求",
    description="删除一条需求及其意向标记。发布企业、管理它的组织方或管理员可删。必须带 If-Match。",
)
def delete_need(
    need_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete(session, caller, need_id, expected_version(if_match, required=False))
