"""Problem details (RFC 9457) for every error the API returns.

Services raise :class:`ProblemError` subclasses; one handler renders them. Request validation
errors, HTTP errors raised by the framework and unexpected exceptions are rendered the same
way, so clients see one error shape.
"""

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.availability import RETRY_AFTER_S, OutageLog, is_unavailable

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("xieshou")


class FieldError(BaseModel):
    """One invalid input field."""

    field: str = Field(examples=["body.uscc"])
    message: str = Field(examples=["check character is 4, expected 3"])


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(default="about:blank")
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str | None = Field(default=None, examples=["1 field is invalid"])
    instance: str | None = Field(default=None, examples=["/api/v1/organizations"])
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Base of the errors the service raises on purpose; each carries its HTTP status."""

    status: int = 400

    def __init__(
        self,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.headers = headers


class BadRequest(ProblemError):
    """Malformed or invalid request that is not a plain field validation error."""

    status = 400


class Unauthorized(ProblemError):
    """No or unknown credentials."""

    status = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="xieshou"'})


class Forbidden(ProblemError):
    """Authenticated, but not allowed."""

    status = 403


class NotFound(ProblemError):
    """No such record, or not one the caller may see."""

    status = 404


class Conflict(ProblemError):
    """The request conflicts with the current state (duplicate USCC, bad status change)."""

    status = 409


class PreconditionFailed(ProblemError):
    """The record changed since the client read it (If-Match does not match)."""

    status = 412


class PreconditionRequired(ProblemError):
    """An update came without If-Match."""

    status = 428


class ServiceUnavailable(ProblemError):
    """Cannot serve now (too many writes waiting, the database unavailable); retry later."""

    status = 503

    def __init__(self, detail: str, *, retry_after_s: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_s))})


class InvalidInput(ProblemError):
    """Input that passed the schema but fails a domain rule; names the field."""

    status = 422

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", errors=[FieldError(field=field, message=message)])


def problem_response(
    request: Request,
    status: int,
    detail: str | None,
    *,
    errors: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem detail as ``application/problem+json``.

    Texts that echo the request are made encodable first: a lone surrogate sent in JSON
    (``"\\ud800"``) would otherwise fail the response's UTF-8 encoding.
    """
    body = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=_encodable(detail),
        instance=_encodable(request.url.path),
        errors=[
            FieldError(field=_encodable(e.field), message=_encodable(e.message)) for e in errors
        ]
        if errors
        else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _encodable(text: str | None) -> str | None:
    if text is None:
        return None
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _field_name(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc) or "body"


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldError(field=_field_name(err.get("loc", ())), message=str(err.get("msg", "invalid")))
        for err in exc.errors()
    ]
    noun = "field is" if len(errors) == 1 else "fields are"
    detail = f"{len(errors)} {noun} invalid: " + ", ".join(e.field for e in errors)
    return problem_response(request, 422, detail, errors=errors)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        headers = (headers or {}) | {"Allow": ", ".join(allowed_methods(request))}
    return problem_response(request, exc.status_code, str(exc.detail), headers=headers)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route of the app answers on the request's path.

    Starlette's own ``Allow`` names only the first route that matched the path, so a path
    served by several routes (``GET`` and ``POST /organizations``) got an incomplete one.
    """
    routes = request.app.router.routes
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request, 500, "internal error; it has been logged")


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After when the database is unavailable, else 500 like any other bug.

    An outage is logged once when it starts (and once when a request succeeds again), not on
    every request it fails.
    """
    if not is_unavailable(exc):
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(request, 500, "internal error; it has been logged")
    request.app.state.database_outage.failed(exc)
    return problem_response(
        request,
        503,
        "the database is unavailable; retry later",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as problem+json."""
    app.state.database_outage = OutageLog(log, "serving requests")
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(PoolTimeout, _on_database_error)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_unexpected)


_PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def document_problems(openapi: dict[str, Any]) -> None:
    """Make every error response of ``openapi`` say what the handlers send: problem+json.

    FastAPI files ``responses=`` models under ``application/json`` and adds its own 422 shape
    (``HTTPValidationError``); the handlers above answer every error as a :class:`Problem`.
    """
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                # FastAPI answers a body it cannot decode (not UTF-8, broken multipart) with 400
                responses.setdefault("400", {"description": "Bad Request: unreadable body"})
            for status, response in responses.items():
                if str(status)[0] in "45":
                    response["content"] = _PROBLEM_CONTENT
    schemas = openapi.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    if "Problem" not in schemas:
        problem = Problem.model_json_schema(ref_template=_REF)
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem


_REF = "#/components/schemas/{model}"


#: For ``responses=`` in route declarations, so the error shape shows in OpenAPI.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI response entries for the given error statuses."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {}},
        }
        for status in statuses
    }
