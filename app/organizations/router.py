"""HTTP routes for organizations (thin: parse, call the service, shape the response)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.dependencies import CallerDep, SessionDep
from app.errors import problem_responses
from app.fields import IdParam
from app.models import OrganizationKind, Tier
from app.organizations import service
from app.organizations.schemas import OrganizationCreate, OrganizationRead, OrganizationUpdate
from app.pagination import Page, PageDep
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(
    prefix="/organizations", tags=["organizations"], responses=problem_responses(401, 422)
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 409, 413),
    summary="登记企业或机构",
    description=(
        "登记一家大企业、中小企业或组织方。组织方可登记大企业和中小企业（并由此管理它们），只有管"
        "理员能登记组织方。统一社会信用代码必须有效且未被占用。成功后新建企业记录，返回 201、Loca"
        "tion 和 ETag。"
    ),
)
def create_organization(
    body: OrganizationCreate, session: SessionDep, caller: CallerDep, response: Response
) -> OrganizationRead:
    org = service.create(session, caller, body)
    response.headers["Location"] = f"/api/v1/organizations/{org.id}"
    set_etag(response, org.version)
    return service.to_read(caller, org)


@router.get(
    "",
    summary="查询企业和机构列表",
    description=(
        "按类型、地区代码前缀、行业代码前缀、梯度等级、关键词或登记它的组织方（registered_by）筛"
        "选，分页返回。所有持有密钥的调用方都可查询；联系方式只对管理该企业的一方显示。只读。"
    ),
)
def list_organizations(
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    kind: OrganizationKind | None = None,
    region: Annotated[
        str | None, Query(description="region code prefix: 44, 4403 or 440300 (440000 = 44)")
    ] = None,
    industry: Annotated[
        str | None, Query(max_length=5, description="GB/T 4754 code prefix, e.g. 39")
    ] = None,
    tier: Tier | None = None,
    q: Annotated[
        str | None, Query(max_length=100, description="text in name or description")
    ] = None,
    registered_by: Annotated[
        IdParam | None,
        Query(description="the organizer that registered (and so manages) the firms"),
    ] = None,
) -> Page[OrganizationRead]:
    return service.list_page(
        session,
        caller,
        paging,
        kind=kind,
        region=region,
        industry=industry,
        tier=tier,
        q=q,
        registered_by=registered_by,
    )


@router.get(
    "/{org_id:int}",
    responses=problem_responses(404),
    summary="查看企业或机构",
    description=(
        "返回一家企业的资料；中小企业附带其能力画像编号 profile_id（尚未填写时为 null）。所有调用"
        "方可看，联系方式只对管理该企业的一方显示。响应带 ETag，修改时放在 If-Match 中。只读。"
    ),
)
def read_organization(
    org_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> OrganizationRead:
    org = service.get(session, org_id)
    set_etag(response, org.version)
    return service.to_read(caller, org)


@router.patch(
    "/{org_id:int}",
    responses=problem_responses(403, 404, 409, 412, 428),
    summary="修改企业或机构资料",
    description=(
        "修改名称、地区、行业、简介、联系人、主营产品等；未提供的字段保持不变。企业本身或管理它的"
        "组织方、管理员可改；梯度等级、认定年份和统一社会信用代码只由组织方或管理员修改。必须带 I"
        "f-Match（读取时的 ETag），版本不符返回 412。"
    ),
)
def update_organization(
    org_id: IdParam,
    body: OrganizationUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> OrganizationRead:
    version = expected_version(if_match, required=True)
    org = service.update(session, caller, org_id, body, version)
    set_etag(response, org.version)
    return service.to_read(caller, org)


@router.delete(
    "/{org_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404, 412),
    summary="删除企业或机构",
    description=(
        "删除企业及其能力画像和需求。管理它的组织方或管理员可删，企业不能删除自己。必须带 If-Matc"
        "h。删除不可恢复，并记入审计日志。"
    ),
)
def delete_organization(
    org_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete(session, caller, org_id, expected_version(if_match, required=False))
