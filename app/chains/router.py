"""HTTP routes of the chain map (产业链图谱), placements and the weak-link report."""

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import CallerDep, SessionDep
from app.chains import placing, service, transfer, weak_link_files, weak_links
from app.chains.schemas import (
    ChainCreate,
    ChainImportProblem,
    ChainImportSummary,
    ChainRead,
    ChainSummary,
    ChainUpdate,
    EdgeCreate,
    EdgeRead,
    Level,
    NodeCreate,
    NodeRead,
    NodeUpdate,
    PlacementOverride,
    PlacementRead,
    PlacementReview,
    PlaceSummary,
    ReportFormat,
    Subject,
    WeakLinkReport,
)
from app.errors import PROBLEM_JSON, language_headers, language_of, problem_body, problem_responses
from app.fields import IdParam
from app.messages import tr
from app.models import PlacementSource
from app.pagination import Page, PageDep, WholePageDep, page_of
from app.spreadsheets import CSV_TYPE, XLSX_TYPE, content_disposition
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/chains", tags=["chains"], responses=problem_responses(401, 422))
_WRITE = problem_responses(403, 404, 409, 412, 428)


@router.get(
    "",
    summary="产业链列表",
    description="列出产业链图谱中的产业链及其环节数。所有持有密钥的调用方可看。分页返回。只读。",
)
def list_chains(session: SessionDep, caller: CallerDep, paging: WholePageDep) -> Page[ChainSummary]:
    return page_of(service.list_chains(session), paging)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 409),
    summary="创建产业链",
    description="在产业链图谱中新建一条产业链。只有管理员（运营方）可操作。",
)
def create_chain(
    body: ChainCreate, session: SessionDep, caller: CallerDep, response: Response
) -> ChainRead:
    chain = service.create_chain(session, caller, body)
    response.headers["Location"] = f"/api/v1/chains/{chain.id}"
    set_etag(response, chain.version)
    return service.to_read(session, chain)


@router.get(
    "/export",
    responses={200: {"content": {"application/json": {}, CSV_TYPE: {}}}},
    summary="导出产业链图谱",
    description="以 JSON（即导入格式）或 CSV 导出产业链、环节和连线。所有持有密钥的调用方可导出。只读。",
)
def export_map(
    session: SessionDep,
    caller: CallerDep,
    chain: Annotated[list[IdParam] | None, Query(description="chain ids (default: all)")] = None,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
) -> Response:
    doc = service.export_document(session, chain)
    if format == "csv":
        return Response(
            transfer.export_csv(doc),
            media_type=CSV_TYPE,
            headers={"Content-Disposition": content_disposition("产业链图谱.csv", "chains.csv")},
        )
    return JSONResponse(doc.model_dump(mode="json"))


@router.post(
    "/import",
    response_model=ChainImportSummary,
    responses=problem_responses(403, 413)
    | {
        422: {
            "model": ChainImportProblem,
            "description": "输入有误（Invalid input）：文件无法读取，或逐行列出的问题",
            "content": {PROBLEM_JSON: {}},
        }
    },
    summary="导入产业链图谱",
    description=(
        "从 JSON 文档或 CSV 文件导入产业链、环节和连线；有任何问题时不保存并返回 422 及逐行错误。"
        "replace=true 时替换同名产业链；dry_run=true 只校验。只有管理员可导入。"
    ),
)
def import_map(
    request: Request,
    file: Annotated[UploadFile, File(description="a .json chain map document or a .csv")],
    session: SessionDep,
    caller: CallerDep,
    replace: bool = False,
    dry_run: bool = False,
    place: bool = True,
) -> Response:
    summary = transfer.run_import(
        session, caller, file.file, file.filename or "", replace=replace, dry_run=dry_run
    )
    if summary.written and place:
        summary.placed = placing.place_all(session)
    body = summary.model_dump(mode="json")
    if not summary.written:
        session.rollback()  # a dry run computed the counts by writing; keep none of it
    if not summary.errors:
        return JSONResponse(body)
    detail = tr("{count} problem(s) in the file; nothing was imported", count=len(summary.errors))
    problem = problem_body(request, 422, detail)
    return JSONResponse(
        problem | body,
        status_code=422,
        media_type=PROBLEM_JSON,
        headers=language_headers(language_of(request)),
    )


@router.post(
    "/place",
    responses=problem_responses(403),
    summary="重新归位全部画像和需求",
    description="把所有能力画像和需求重新归到产业链环节上（运营方审核过的归位保留）。只有管理员可操作。",
)
def place_all(session: SessionDep, caller: CallerDep) -> PlaceSummary:
    service.require_admin(caller)
    return placing.place_all(session)


@router.get(
    "/{chain_id:int}",
    responses=problem_responses(404),
    summary="查看产业链",
    description="返回一条产业链及其环节和连线。所有持有密钥的调用方可看。响应带 ETag。只读。",
)
def read_chain(
    chain_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> ChainRead:
    chain = service.get_chain(session, chain_id)
    set_etag(response, chain.version)
    return service.to_read(session, chain)


@router.patch(
    "/{chain_id:int}",
    responses=_WRITE,
    summary="修改产业链",
    description="修改产业链名称或说明。只有管理员可改。必须带 If-Match。",
)
def update_chain(
    chain_id: IdParam,
    body: ChainUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> ChainRead:
    version = expected_version(if_match, required=True)
    chain = service.update_chain(session, caller, chain_id, body, version)
    set_etag(response, chain.version)
    return service.to_read(session, chain)


@router.delete(
    "/{chain_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
    summary="删除产业链",
    description="删除产业链及其环节、连线和归位。只有管理员可删。必须带 If-Match。",
)
def delete_chain(
    chain_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete_chain(session, caller, chain_id, expected_version(if_match, required=False))


@router.post(
    "/{chain_id:int}/nodes",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404),
    summary="添加环节",
    description=(
        "在产业链中添加一个环节（上游到下游的一环）及其产品和关键词。只有管理员可操作。必须带 If-"
        "Match（产业链的 ETag）。"
    ),
)
def create_node(
    chain_id: IdParam, body: NodeCreate, session: SessionDep, caller: CallerDep, response: Response
) -> NodeRead:
    node = service.create_node(session, caller, chain_id, body)
    set_etag(response, service.get_chain(session, chain_id).version)
    return service.node_to_read(node)


@router.patch(
    "/{chain_id:int}/nodes/{node_id:int}",
    responses=_WRITE,
    summary="修改环节",
    description="修改环节名称、层级、产品或关键词。只有管理员可改。必须带 If-Match（产业链的 ETag）。",
)
def update_node(
    chain_id: IdParam,
    node_id: IdParam,
    body: NodeUpdate,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    if_match: IfMatch = None,
) -> NodeRead:
    version = expected_version(if_match, required=True)
    node = service.update_node(session, caller, chain_id, node_id, body, version)
    set_etag(response, service.get_chain(session, chain_id).version)
    return service.node_to_read(node)


@router.delete(
    "/{chain_id:int}/nodes/{node_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
    summary="删除环节",
    description="删除环节及其连线和归位。只有管理员可删。必须带 If-Match（产业链的 ETag）。",
)
def delete_node(
    chain_id: IdParam,
    node_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    if_match: IfMatch = None,
) -> None:
    service.delete_node(
        session, caller, chain_id, node_id, expected_version(if_match, required=False)
    )


@router.post(
    "/{chain_id:int}/edges",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404, 409),
    summary="添加连线",
    description=(
        "在同一产业链的两个环节之间添加“上游 → 下游”连线；不允许自环和成环。只有管理员可操作。必"
        "须带 If-Match（产业链的 ETag）。"
    ),
)
def create_edge(
    chain_id: IdParam, body: EdgeCreate, session: SessionDep, caller: CallerDep, response: Response
) -> EdgeRead:
    edge = service.create_edge(session, caller, chain_id, body)
    set_etag(response, service.get_chain(session, chain_id).version)
    return service.edge_to_read(edge)


@router.delete(
    "/{chain_id:int}/edges/{edge_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_WRITE,
    summary="删除连线",
    description="删除一条连线。只有管理员可删。必须带 If-Match（产业链的 ETag）。",
)
def delete_edge(
    chain_id: IdParam,
    edge_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    if_match: IfMatch = None,
) -> None:
    service.delete_edge(
        session, caller, chain_id, edge_id, expected_version(if_match, required=False)
    )


@router.get(
    "/{chain_id:int}/placements",
    responses=problem_responses(403, 404),
    summary="查看归位",
    description=(
        "列出能力画像和需求在本产业链各环节上的归位（模型给出或运营方指定），供审核。管理员和组织"
        "方可看。分页返回。只读。"
    ),
)
def list_placements(
    chain_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    paging: PageDep,
    node: Annotated[IdParam | None, Query(description="a node id of this chain")] = None,
    subject: Subject | None = None,
    source: PlacementSource | None = None,
    reviewed: bool | None = None,
) -> Page[PlacementRead]:
    return placing.list_page(
        session,
        caller,
        chain_id,
        paging,
        node_id=node,
        subject=subject,
        source=source,
        reviewed=reviewed,
    )


@router.put(
    "/{chain_id:int}/placements",
    responses=problem_responses(403, 404),
    summary="指定归位",
    description=(
        "运营方把一份画像或一条需求归到本产业链的指定环节上（替换原有归位）。只有管理员可操作。"
    ),
)
def override_placement(
    chain_id: IdParam, body: PlacementOverride, session: SessionDep, caller: CallerDep
) -> list[PlacementRead]:
    return placing.override(session, caller, chain_id, body)


@router.patch(
    "/{chain_id:int}/placements/{placement_id:int}",
    responses=problem_responses(403, 404),
    summary="审核归位",
    description="把模型给出的归位标为已审核（保留，模型不再替换）。只有管理员可操作。",
)
def review_placement(
    chain_id: IdParam,
    placement_id: IdParam,
    body: PlacementReview,
    session: SessionDep,
    caller: CallerDep,
) -> PlacementRead:
    return placing.review(session, caller, chain_id, placement_id, body)


@router.get(
    "/{chain_id:int}/weak-links",
    response_model=WeakLinkReport,
    responses={
        200: {"content": {CSV_TYPE: {}, XLSX_TYPE: {}, "image/svg+xml": {}}},
        **problem_responses(403, 404),
    },
    summary="薄弱环节报告",
    description=(
        "按环节 × 地区给出需求、各梯度的供给和缺口分数，找出补链的薄弱环节。管理员和组织方可看。"
        "只读。"
    ),
)
def weak_link_report(
    chain_id: IdParam,
    session: SessionDep,
    caller: CallerDep,
    level: Level = Level.province,
    format: ReportFormat = ReportFormat.json,
    min_confidence: Annotated[float, Query(ge=0, le=1)] = 0.5,
) -> Response:
    report = weak_links.build(session, caller, chain_id, level, min_confidence)
    name = f"{report.chain_name}-薄弱环节-{'省' if level is Level.province else '市'}"
    fallback = f"chain-{chain_id}-weak-links-{level.value}"
    if format is ReportFormat.json:
        return JSONResponse(report.model_dump(mode="json"))
    if format is ReportFormat.csv:
        content, media = weak_link_files.csv_bytes(report), CSV_TYPE
    elif format is ReportFormat.xlsx:
        content, media = weak_link_files.xlsx_bytes(report), XLSX_TYPE
    else:
        content, media = weak_link_files.svg(session, report), "image/svg+xml; charset=utf-8"
    disposition = content_disposition(
        f"{name}.{format.value}", f"{fallback}.{format.value}", inline=format is ReportFormat.svg
    )
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})
