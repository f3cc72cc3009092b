"""HTTP routes for capability profiles."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.models import Tier
from app.pagination import Page, PageDep
from app.profiles import service
from app.profiles.schemas import ProfileCreate, ProfileRead, ProfileUpdate
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/profiles", tags=["profiles"], responses=problem_responses(401, 422))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409, 413),
    summary="填写中小企业能力画像",
    description=(
        "为一家中小企业建立能力画像：产品（及占比）、技术、工艺、材料、资质认证（含有效期）、产能"
        "、服务地区等。中小企业本身、管理它的组织方或管理员可建；每家中小企业只有一份画像。保存后"
        "即进入匹配索引。"
    ),
)
def create_profile(
    body: ProfileCreate, session: SessionDep, caller: CallerDep, response: Response
) -> ProfileRead:
    profile = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/profiles/{profile.id}"
    set_etag(response, profile.version)
    return service.to_read(profile)


@router.get(
    "",
    summary="查询能力画像列表",
    description=(
        "按企业所在地区、行业、梯度等级、关键词或企业编号（organization_id，中小企业可由此找到自"
        "己的画像）筛选，分页返回。所有持有密钥的调用方可查询。只读。"
    ),
)
def list_profiles(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    region: Annotated[
        str | None, Query(description="the SME's region code prefix: 44, 4403 or 440300")
    ] = None,
    industry: Annotated[
        str | None, Query(max_length=5, description="the SME's GB/T 4754 code prefix")
    ] = None,
    tier: Tier | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="text in name, products or description")
    ] = None,
    organization_id: Annotated[
        IdParam | None, Query(description="the SME whose profile to find")
    ] = None,
) -> Page[ProfileRead]:
    return service.list_page(
        session,
        paging,
        region=region,
        industry=industry,
        tier=tier,
        q=q,
        organization_id=organization_id,
    )


@router.get(
    "/{profile_id:int}",
    responses=problem_responses(404),
    summary="查看能力画像",
    description=(
        "返回一份能力画像及其企业概要。所有调用方可看。响应带 ETag，修改时放在 If-Match 中。只读。"
    ),
)
def read_profile(
    profile_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> ProfileRead:
    profile = service.get(session, profile_id)
    set_etag(response, profile.version)
    return service.to_read(profile)


@router.patch(
    "/{profile_id:int}",
    responses=problem_responses(403, 404, 412, 428),
    summary="修改能力画像",
    description=(
        "修改画像中的产品、技术、资质等；未提供的字段保持不变。中小企业本身、管理它的组织方或管理"
        "员可改。必须带 If-Match。保存后匹配结果随之更新。"
    ),
)
def update_profile(
    profile_id: IdParam,
    body: ProfileUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> ProfileRead:
    version = expected_version(if_match, required=True)
    profile = service.update(session, caller, profile_id, body, version)
    set_etag(response, profile.version)
    return service.to_read(profile)


@router.delete(
    "/{profile_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 412),
    summary="删除能力画像",
    description=(
        "删除一份能力画像，该企业不再出现在候选名单中。中小企业本身、管理它的组织方或管理员可删。"
        "必须带 If-Match。"
    ),
)
def delete_profile(
    profile_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete(session, caller, profile_id, expected_version(if_match, required=False))
