"""One text rule for every incoming string: query strings, form fields and JSON bodies.

:func:`check_text_inputs` runs before every route (an app-wide dependency), so no route can
forget it: NUL, lone surrogates and control characters other than tab and line breaks are a
422 naming the field. The schema types in :mod:`app.fields` add the per-field rules (no line
breaks in names). It reads only what FastAPI has already parsed for the route.
"""

from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute

from app.errors import InvalidInput
from app.fields import text_issue

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def check_text_inputs(request: Request) -> None:
    """422 for the first query parameter, form field or JSON string that is not clean text."""
    for key, value in request.query_params.multi_items():
        _check(f"query.{key}", value, multiline=False)
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or route.body_field is None:
        return  # FastAPI reads no body for this route, and neither do we
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(_FORMS):
        form = await request.form()  # parsed and cached already by FastAPI
        for key, field in form.multi_items():
            if isinstance(field, str):
                _check(f"body.{key}", field, multiline=True)
    elif "json" in content_type:
        _check_json(await request.json())  # cached too


def _check_json(document: Any) -> None:
    stack: list[tuple[str, Any]] = [("body", document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            _check(where, value, multiline=True)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check(where, key, multiline=False)
                stack.append((f"{where}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{where}.{i}", item) for i, item in enumerate(value))


def _check(where: str, text: str, *, multiline: bool) -> None:
    problem = text_issue(text, multiline=multiline)
    if problem:
        raise InvalidInput(where, problem)
