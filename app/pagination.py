"""Paged lists: ``page`` and ``page_size`` in, items with the total out, in a stable order.

``page_size`` is capped by the server's ``max_page_size`` setting; :func:`document_page_size`
writes that cap into the OpenAPI document, so the document and the answers agree.
"""

from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel

from app.errors import InvalidInput
from app.messages import tr

T = TypeVar("T")

#: The most pages a list may be paged to (``page`` × ``page_size`` stays in range).
MAX_PAGE = 1_000_000


class PageParams(BaseModel):
    """Which page the client asked for."""

    page: int
    page_size: int

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.page_size


def page_params(
    request: Request,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(ge=1, description="rows per page, at most the server's max_page_size")
    ] = 20,
) -> PageParams:
    """Read and bound the paging query parameters (the cap is the app's setting)."""
    limit: int = request.app.state.settings.max_page_size
    if page_size > limit:
        raise InvalidInput("query.page_size", tr("must be at most {limit}", limit=limit))
    return PageParams(page=page, page_size=page_size)


PageDep = Annotated[PageParams, Depends(page_params)]


def whole_page_params(
    request: Request,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")] = 1,
    page_size: Annotated[
        int | None,
        Query(ge=1, description="rows per page; default and most: the server's max_page_size"),
    ] = None,
) -> PageParams:
    """Paging for the lists of one record's parts (a session's meetings): whole by default."""
    limit: int = request.app.state.settings.max_page_size
    return page_params(request, page, limit if page_size is None else page_size)


#: Paging whose default page is as large as the server allows (a session's own lists).
WholePageDep = Annotated[PageParams, Depends(whole_page_params)]


def page_of(rows: Sequence[T], paging: PageParams) -> "Page[T]":
    """The requested page of ``rows``, a list already read whole (a session's meetings)."""
    return Page(
        items=list(rows[paging.offset : paging.offset + paging.page_size]),
        total=len(rows),
        page=paging.page,
        page_size=paging.page_size,
    )


def document_page_size(openapi: dict[str, Any], limit: int) -> None:
    """Write the page size cap into every ``page_size`` query parameter of ``openapi``."""
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") == "page_size":
                    parameter["schema"]["maximum"] = limit


class Page(BaseModel, Generic[T]):
    """One page of results and the total number of matching rows."""

    items: list[T]
    total: int
    page: int
    page_size: int
