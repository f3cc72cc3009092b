"""Optimistic concurrency: every mutable record has a ``version``, sent as its ETag.

An update must say which version it read (``If-Match``); if the record changed since, the
update is refused with 412 instead of silently overwriting another client's change.
"""

import re
from typing import Annotated

from fastapi import Header, Response
from pydantic import WithJsonSchema

from app.errors import InvalidInput, PreconditionFailed, PreconditionRequired
from app.messages import tr

#: What ``If-Match`` may hold: an ETag such as ``"3"`` (or weak ``W/"3"``), ``*``, or nothing.
#: Declared on the header, so a malformed one is a 422 naming ``header.If-Match`` and the
#: OpenAPI document shows the format.
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"\d{1,18}")?\s*$'
_ETAG = re.compile(r'^(?:W/)?"(\d{1,18})"$')


def etag(version: int) -> str:
    """The ETag of a record version."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Put the record's ETag on the response."""
    response.headers["ETag"] = etag(version)


IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        pattern=IF_MATCH_PATTERN,
        description='The ETag of the version you read, e.g. `"3"`. Required for updates.',
    ),
    # a header is absent or a string, never JSON null (the document said "string or null")
    WithJsonSchema({"type": "string", "pattern": IF_MATCH_PATTERN}),
]


def expected_version(if_match: str | None, *, required: bool) -> int | None:
    """The version the client says it read, from ``If-Match``.

    ``None`` when the header is absent and not required (or is ``*``).
    """
    if if_match is None or not if_match.strip():
        if required:
            raise PreconditionRequired(
                tr("send If-Match with the ETag you read (GET the record first)")
            )
        return None
    value = if_match.strip()
    if value == "*":
        return None
    found = _ETAG.match(value)
    if not found:
        raise InvalidInput(
            "header.If-Match", tr('must be an ETag such as "3", got {value}', value=repr(value))
        )
    return int(found.group(1))


def check_version(current: int, expected: int | None) -> None:
    """412 when the client's version is not the current one."""
    if expected is not None and expected != current:
        raise PreconditionFailed(
            tr(
                "the record is at version {current}, you sent {expected}; re-read it and retry",
                current=current,
                expected=expected,
            ),
            headers={"ETag": etag(current)},
        )
