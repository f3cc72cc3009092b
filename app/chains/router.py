"""HTTP routes of the chain map (产业链图谱), placements and the weak-link report."""

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from app.auth.dependencies import CallerDep, SessionDep
from app.chains import placing, service, transfer, weak_links
from app.chains.schemas import (
    ChainCreate,
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
from app.events.exports import CSV_TYPE, XLSX_TYPE, content_disposition
from app.fields import IdParam
from app.messages import tr
from app.models import PlacementSource
from app.pagination import Page, PageDep, WholePageDep, page_of
from app.versioning import IfMatch, expected_version, set_etag

router = APIRouter(prefix="/chains", tags=["chains"], responses=problem_responses(401, 422))
_WRITE = problem_responses(403, 404, 409, 412, 428)


@router.get("", summary="List the chains of the chain map")
def list_chains(session: SessionDep, caller: CallerDep, paging: WholePageDep) -> Page[ChainSummary]:
    return page_of(service.list_chains(session), paging)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 409),
    summary="Create a chain (admins)",
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
    summary="Export the chain map as JSON (the import format) or CSV",
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
    responses=problem_responses(403, 413, 422),
    summary="Import chains, nodes and edges from a JSON document or a CSV file (admins)",
    description=(
        "All-or-nothing: every row is checked first (names, stages, unknown input nodes, "
        "self-loops, cycles); any problem answers 422 with the per-row `errors` and writes "
        "nothing. Chains and nodes are matched by name. `replace=true` makes each chain in "
        "the file exactly as the file says (its other nodes and edges are deleted). "
        "With `place=true` (default) every profile and need is placed again on the new map "
        "(operator overrides stay); single node and edge edits do not re-place: run "
        "`POST /api/v1/chains/place` after them."
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
    summary="Re-place every profile and need on the chain map (admins)",
)
def place_all(session: SessionDep, caller: CallerDep) -> PlaceSummary:
    service.require_admin(caller)
    return placing.place_all(session)


@router.get(
    "/{chain_id:int}", responses=problem_responses(404), summary="Read a chain with its map"
)
def read_chain(
    chain_id: IdParam, session: SessionDep, caller: CallerDep, response: Response
) -> ChainRead:
    chain = service.get_chain(session, chain_id)
    set_etag(response, chain.version)
    return service.to_read(session, chain)


@router.patch("/{chain_id:int}", responses=_WRITE, summary="Rename or describe a chain (admins)")
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
    summary="Delete a chain with its nodes, edges and placements (admins)",
)
def delete_chain(
    chain_id: IdParam, session: SessionDep, caller: CallerDep, if_match: IfMatch = None
) -> None:
    service.delete_chain(session, caller, chain_id, expected_version(if_match, required=False))


@router.post(
    "/{chain_id:int}/nodes",
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(403, 404),
    summary="Add a node (环节) to a chain (admins)",
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
    summary="Change a node (admins; If-Match: the chain's ETag)",
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
    summary="Delete a node with its edges and placements (admins)",
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
    summary="Add an input → output edge between two nodes of the chain (admins)",
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
    summary="Delete an edge (admins)",
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
    summary="Placements of profiles and needs on this chain, to review (admins, organizers)",
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
    summary="Override: place one profile or need on exactly these nodes of the chain (admins)",
    description=(
        "Replaces every placement of the subject in this chain with operator placements "
        "(reviewed). The model never changes them afterwards, also when the profile or need "
        "is updated. An empty `nodes` list says the subject is on no node of the chain."
    ),
)
def override_placement(
    chain_id: IdParam, body: PlacementOverride, session: SessionDep, caller: CallerDep
) -> list[PlacementRead]:
    return placing.override(session, caller, chain_id, body)


@router.patch(
    "/{chain_id:int}/placements/{placement_id:int}",
    responses=problem_responses(403, 404),
    summary="Mark a model placement reviewed (kept; the model no longer replaces it) (admins)",
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
    summary="The 补链 weak-link report: demand, supply by tier and gap per node × region",
    description=weak_links.__doc__ or "",
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
        content, media = weak_links.csv_bytes(report), CSV_TYPE
    elif format is ReportFormat.xlsx:
        content, media = weak_links.xlsx_bytes(report), XLSX_TYPE
    else:
        content, media = weak_links.svg(session, report), "image/svg+xml; charset=utf-8"
    disposition = content_disposition(
        f"{name}.{format.value}", f"{fallback}.{format.value}", inline=format is ReportFormat.svg
    )
    return Response(content, media_type=media, headers={"Content-Disposition": disposition})
