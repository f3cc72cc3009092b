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
from app.messages import (
    Language,
    Text,
    as_text,
    field_problem,
    negotiate,
    title,
    tr,
    validation_text,
)

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("xieshou")


class FieldError(BaseModel):
    """One invalid input field."""

    field: str = Field(examples=["body.uscc"], description="the field's path in the request")
    message: str = Field(
        examples=["统一社会信用代码：无效（校验位应为 3，实际为 0）"],
        description="what is wrong, naming the field in the user's terms",
    )


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(default="about:blank")
    title: str = Field(examples=["输入有误"], description="one title per status")
    status: int = Field(examples=[422])
    detail: str | None = Field(default=None, examples=["有 1 处输入有误：统一社会信用代码"])
    instance: str | None = Field(default=None, examples=["/api/v1/organizations"])
    errors: list[FieldError] | None = None


class FieldText:
    """One invalid field with its message in both languages (rendered as a :class:`FieldError`)."""

    __slots__ = ("field", "text")

    def __init__(self, field: str, text: Text) -> None:
        self.field = field
        self.text = text

    def in_(self, language: Language) -> FieldError:
        """The field error as the client reads it."""
        return FieldError(field=self.field, message=self.text.in_(language))


class ProblemError(Exception):
    """Base of the errors the service raises on purpose; each carries its HTTP status.

    ``detail`` and each error's message are a :class:`~app.messages.Text` (from
    :func:`~app.messages.tr`), so the answer speaks the client's language; a plain string reads
    the same in both. ``.detail`` and ``.errors`` give the Chinese, for the console.
    """

    status: int = 400

    def __init__(
        self,
        detail: str | Text,
        *,
        errors: Sequence[FieldError | FieldText] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.text = as_text(detail)
        super().__init__(self.text.en)
        self.field_texts = [
            e if isinstance(e, FieldText) else FieldText(e.field, as_text(e.message))
            for e in errors or ()
        ]
        self.headers = headers

    @property
    def detail(self) -> str:
        """The detail in the default language (Chinese)."""
        return self.text.zh

    @property
    def errors(self) -> list[FieldError] | None:
        """The field errors in the default language (Chinese), or ``None``."""
        return [e.in_("zh") for e in self.field_texts] or None

    def as_record(self) -> dict[str, Any]:
        """This problem as plain JSON in both languages (:func:`problem_record`)."""
        return problem_record(self.status, self.text, self.field_texts)


def problem_record(
    status: int, detail: Text, errors: Sequence[FieldText] | None = None
) -> dict[str, Any]:
    """A problem kept as plain JSON (a job's result), in both languages: the reader chooses."""
    return {
        "status": status,
        "detail": detail.zh,
        "detail_en": detail.en,
        "errors": [
            {"field": e.field, "message": e.text.zh, "message_en": e.text.en} for e in errors or []
        ],
    }


class BadRequest(ProblemError):
    """Malformed or invalid request that is not a plain field validation error."""

    status = 400


class Unauthorized(ProblemError):
    """No or unknown credentials."""

    status = 401

    def __init__(self, detail: str | Text) -> None:
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

    def __init__(self, detail: str | Text, *, retry_after_s: int = 1) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_s))})


class InvalidInput(ProblemError):
    """Input that passed the schema but fails a domain rule; names the field."""

    status = 422

    def __init__(self, field: str, message: str | Text) -> None:
        text = field_problem(field, message)
        super().__init__(text, errors=[FieldText(field, text)])


def language_of(request: Request) -> Language:
    """The language the client asked for (``Accept-Language``; Chinese by default)."""
    return negotiate(request.headers.get("accept-language"))


def language_headers(language: Language) -> dict[str, str]:
    """``Content-Language`` and ``Vary`` for an answer whose words follow ``Accept-Language``."""
    return {"Content-Language": "en" if language == "en" else "zh-CN", "Vary": "Accept-Language"}


def problem_body(
    request: Request,
    status: int,
    detail: str | Text | None,
    *,
    errors: Sequence[FieldError | FieldText] | None = None,
) -> dict[str, Any]:
    """The problem detail for ``status`` in the client's language, as a JSON object."""
    language = language_of(request)
    fields = [
        e if isinstance(e, FieldText) else FieldText(e.field, as_text(e.message))
        for e in errors or ()
    ]
    body = Problem(
        title=title(status).in_(language),
        status=status,
        detail=_encodable(as_text(detail).in_(language)) if detail is not None else None,
        instance=_encodable(request.url.path),
        errors=[
            FieldError(
                field=_encodable(e.field) or "", message=_encodable(e.text.in_(language)) or ""
            )
            for e in fields
        ]
        or None,
    )
    return body.model_dump(exclude_none=True)


def problem_response(
    request: Request,
    status: int,
    detail: str | Text | None,
    *,
    errors: Sequence[FieldError | FieldText] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem detail as ``application/problem+json``, in the client's language.

    Texts that echo the request are made encodable first: a lone surrogate sent in JSON
    (``"\\ud800"``) would otherwise fail the response's UTF-8 encoding.
    """
    return JSONResponse(
        problem_body(request, status, detail, errors=errors),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=language_headers(language_of(request)) | (headers or {}),
    )


def _encodable(text: str | None) -> str | None:
    if text is None:
        return None
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _field_name(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        return "body"  # the body as a whole: FastAPI puts the character offset in ``loc``
    return ".".join(str(part) for part in error.get("loc", ())) or "body"


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.status, exc.text, errors=exc.field_texts, headers=exc.headers
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldText(_field_name(err), validation_text(err, document=exc.body)) for err in exc.errors()
    ]
    return problem_response(request, 422, invalid_fields(errors), errors=errors)


def invalid_fields(errors: Sequence[FieldText]) -> Text:
    """The detail of a 422 that lists ``errors``: how many fields, named for a person."""
    from app.messages import field_label

    names = [field_label(e.field) for e in errors]
    zh = "、".join(dict.fromkeys(n.zh for n in names))
    en = ", ".join(dict.fromkeys(n.en for n in names))
    noun = "field is" if len(errors) == 1 else "fields are"
    return Text(f"有 {len(errors)} 处输入有误：{zh}", f"{len(errors)} {noun} invalid: {en}")


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        headers = (headers or {}) | {"Allow": ", ".join(allowed_methods(request))}
    return problem_response(request, exc.status_code, _http_detail(exc), headers=headers)


def _http_detail(exc: StarletteHTTPException) -> str | Text:
    detail = exc.detail
    if isinstance(detail, Text):
        return detail
    if detail == HTTPStatus(exc.status_code).phrase:
        return title(exc.status_code)  # the framework says no more than the status
    return str(detail)


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
    return problem_response(request, 500, tr("internal error; it has been logged"))


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After when the database is unavailable, else 500 like any other bug.

    An outage is logged once when it starts (and once when a request succeeds again), not on
    every request it fails.
    """
    if not is_unavailable(exc):
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(request, 500, tr("internal error; it has been logged"))
    request.app.state.database_outage.failed(exc)
    return problem_response(
        request,
        503,
        tr("the database is unavailable; retry later"),
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
                responses.setdefault("400", {"description": "请求有误：无法读取请求内容"})
            for status, response in responses.items():
                if str(status)[0] in "45":
                    own = _own_problem_schema(response.get("content", {}))
                    response["content"] = (
                        {PROBLEM_JSON: {"schema": own}} if own else _PROBLEM_CONTENT
                    )
    schemas = openapi.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    if "Problem" not in schemas:
        problem = Problem.model_json_schema(ref_template=_REF)
        schemas.update(problem.pop("$defs", {}))
        schemas["Problem"] = problem


_REF = "#/components/schemas/{model}"


def _own_problem_schema(content: dict[str, Any]) -> dict[str, Any] | None:
    """The schema a route declared for an error (a :class:`Problem` with more fields, such as
    a refused import's rows), or ``None`` for the plain :class:`Problem` and FastAPI's 422."""
    for media in content.values():
        schema = media.get("schema") or {}
        name = str(schema.get("$ref", "")).rsplit("/", 1)[-1]
        if name and name not in ("Problem", "HTTPValidationError"):
            return dict(schema)
    return None


#: For ``responses=`` in route declarations, so the error shape shows in OpenAPI.
def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI response entries for the given error statuses."""
    return {
        status: {
            "model": Problem,
            "description": f"{title(status).zh}（{title(status).en}）",
            "content": {PROBLEM_JSON: {}},
        }
        for status in statuses
    }
