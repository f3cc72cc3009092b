"""Paged lists: ``page`` and ``page_size`` in, items with the total out, in a stable order."""

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

from app.config import get_settings
from app.errors import InvalidInput

T = TypeVar("T")


class PageParams(BaseModel):
    """Which page the client asked for."""

    page: int
    page_size: int

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.page_size


def page_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1-based page number")] = 1,
    page_size: Annotated[int, Query(ge=1, description="rows per page")] = 20,
) -> PageParams:
    """Read and bound the paging query parameters."""
    limit = get_settings().max_page_size
    if page_size > limit:
        raise InvalidInput("query.page_size", f"must be at most {limit}")
    return PageParams(page=page, page_size=page_size)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    """One page of results and the total number of matching rows."""

    items: list[T]
    total: int
    page: int
    page_size: int
