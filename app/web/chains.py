"""产业链: the chain map and its weak links (the chain-map service plugs in here)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.web.pages import PageRoute, ViewerDep, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/chains", response_class=HTMLResponse)
def chains(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """The chain map page; a placeholder until the chain-map service is merged."""
    return render(request, "chains.html", viewer)
