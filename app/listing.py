"""Filter helpers shared by the list endpoints."""

from typing import Any

from sqlalchemy import ColumnElement, String, cast, select

from app.errors import InvalidInput
from app.messages import tr
from app.models import OrganizationIndustry
from app.reference.uscc import normalize_code


def region_prefix(region: str) -> str:
    """The code prefix a region filter means: ``440000`` → ``44``, ``440300`` → ``4403``.

    Accepts 2, 4 or 6 digits; a trailing ``00`` pair names the level above.
    """
    code = normalize_code(region)
    if not code.isdigit() or len(code) not in (2, 4, 6):
        raise InvalidInput("query.region", tr("must be 2, 4 or 6 digits of a GB/T 2260 code"))
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def text_filter(column: Any, q: str) -> ColumnElement[bool]:
    """Case-insensitive substring match; ``%`` and ``_`` in ``q`` are taken literally."""
    return cast(column, String).ilike(f"%{_escape(q)}%", escape="\\")


def _escape(q: str) -> str:
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def in_industry(organization_id: Any, prefix: str) -> ColumnElement[bool]:
    """The organization has a GB/T 4754 code starting with ``prefix`` (``39`` matches ``3962``)."""
    return organization_id.in_(  # type: ignore[no-any-return]
        select(OrganizationIndustry.organization_id).where(
            OrganizationIndustry.code.startswith(normalize_code(prefix), autoescape=True)
        )
    )
