"""HTTP routes for API keys and the caller's identity."""

from fastapi import APIRouter, status

from app.auth import service
from app.auth.dependencies import CallerDep, SessionDep
from app.auth.me import describe
from app.auth.schemas import KeyCreate, KeyCreated, KeyRead, Me
from app.errors import problem_responses
from app.fields import IdParam
from app.models import ApiKey, Role
from app.pagination import Page, WholePageDep, page_of

router = APIRouter(tags=["auth"], responses=problem_responses(401))


def _read(row: ApiKey) -> KeyRead:
    return KeyRead(
        id=row.id,
        organization_id=row.organization_id,
        role=Role(row.role),
        prefix=row.prefix,
        label=row.label,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


@router.get(
    "/me",
    summary="我是谁",
    description=(
        "返回当前密钥或登录用户的角色和所属企业，并给出去处：中小企业的能力画像编号和链接，大企业"
        "的需求数量和列表链接，组织方所管理企业的数量和列表链接。任何持有密钥的调用方可用。只读。"
    ),
)
def me(session: SessionDep, caller: CallerDep) -> Me:
    return describe(session, caller)


@router.post(
    "/keys",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 422),
    summary="签发 API 密钥",
    description=(
        "为一家企业或机构签发指定角色的 API 密钥；角色须与机构类型相符。管理员可签发任何密钥；组"
        "织方只能为自己登记的企业签发。密钥原文只在本次响应中出现一次，服务端只保存其摘要，请立即"
        "保存。"
    ),
)
def create_key(body: KeyCreate, session: SessionDep, caller: CallerDep) -> KeyCreated:
    row, key = service.issue(
        session, caller, role=body.role, organization_id=body.organization_id, label=body.label
    )
    return KeyCreated(**_read(row).model_dump(), key=key)


@router.get(
    "/keys",
    summary="查询 API 密钥列表",
    description=(
        "列出密钥的前缀、角色、备注、创建和最近使用时间（不含密钥原文）。管理员看到全部，其他调用"
        "方看到本单位及其管理企业的密钥。分页返回。只读。"
    ),
)
def list_keys(session: SessionDep, caller: CallerDep, paging: WholePageDep) -> Page[KeyRead]:
    return page_of([_read(row) for row in service.visible_keys(session, caller)], paging)


@router.delete(
    "/keys/{key_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(403, 404),
    summary="吊销 API 密钥",
    description=(
        "吊销一个密钥，之后用它的请求都返回 401。管理员可吊销任何密钥；组织方可吊销其管理企业的非"
        "管理员密钥。已吊销的再吊销不报错。记入审计日志。"
    ),
)
def revoke_key(key_id: IdParam, session: SessionDep, caller: CallerDep) -> None:
    service.revoke(session, caller, key_id)
