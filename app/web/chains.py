"""产业链: the chain map (chains → 环节 by stage, upstream first) and the weak-link picture.

Reads go through :mod:`app.chains.service` and :mod:`app.chains.weak_links` with the viewer's
principal; the weak-link part is left out for those the API refuses it to (403).
"""

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from app.auth.dependencies import SessionDep
from app.chains import service as chains
from app.chains import weak_link_files, weak_links
from app.chains.schemas import Level, NodeRead, WeakLinkReport
from app.errors import Forbidden
from app.fields import IdParam
from app.spreadsheets import CSV_TYPE, XLSX_TYPE, content_disposition
from app.web.pages import PageRoute, ViewerDep, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Confidence = Annotated[float, Query(ge=0, le=1)]
TOP_CELLS = 15


@router.get("/chains", response_class=HTMLResponse)
def chain_list(request: Request, session: SessionDep, viewer: ViewerDep) -> HTMLResponse:
    """The chains of the chain map."""
    return render(request, "chains.html", viewer, chains=chains.list_chains(session))


@router.get("/chains/{chain_id:int}", response_class=HTMLResponse)
def chain_detail(
    request: Request,
    session: SessionDep,
    viewer: ViewerDep,
    chain_id: IdParam,
    level: Level = Level.province,
    min_confidence: Confidence = 0.5,
) -> HTMLResponse:
    """A chain's nodes by stage and, for operators and organizers, its weak links."""
    chain = chains.to_read(session, chains.get_chain(session, chain_id))
    stages: dict[int, list[NodeRead]] = defaultdict(list)
    for node in chain.nodes:
        stages[node.stage].append(node)
    names = {n.id: n.name for n in chain.nodes}
    report: WeakLinkReport | None
    try:
        report = weak_links.build(session, viewer.principal, chain_id, level, min_confidence)
    except Forbidden:
        report = None
    return render(
        request,
        "chain.html",
        viewer,
        chain=chain,
        stages=sorted(stages.items()),
        edges=[
            (names.get(e.input_node_id, ""), names.get(e.output_node_id, "")) for e in chain.edges
        ],
        report=report,
        worst=[c for c in report.cells if c.gap_score > 0][:TOP_CELLS] if report else [],
        level=level.value,
        min_confidence=min_confidence,
    )


@router.get("/chains/{chain_id:int}/weak-links.{fmt}")
def weak_link_file(
    session: SessionDep,
    viewer: ViewerDep,
    chain_id: IdParam,
    fmt: str,
    level: Level = Level.province,
    min_confidence: Confidence = 0.5,
) -> Response:
    """The weak-link picture (SVG, shown inline) or table (CSV, XLSX), as the API makes them."""
    if fmt not in ("svg", "csv", "xlsx"):
        return Response(status_code=404)
    report = weak_links.build(session, viewer.principal, chain_id, level, min_confidence)
    if fmt == "svg":
        content, media = weak_link_files.svg(session, report), "image/svg+xml; charset=utf-8"
    elif fmt == "csv":
        content, media = weak_link_files.csv_bytes(report), CSV_TYPE
    else:
        content, media = weak_link_files.xlsx_bytes(report), XLSX_TYPE
    name = f"{report.chain_name}-薄弱环节-{'省' if level is Level.province else '市'}.{fmt}"
    disposition = content_disposition(
        name, f"chain-{chain_id}-weak-links-{level.value}.{fmt}", inline=fmt == "svg"
    )
    return Response(
        content,
        media_type=media,
        headers={
            "Content-Disposition": disposition,
            "Cache-Control": "no-store",
            # The picture is data, never a document that runs anything.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        },
    )
