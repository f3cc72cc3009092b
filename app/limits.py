"""Pure ASGI middleware: the request body size limit, and the answering worker's header."""

import json
import os
import re

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_JSON, language_headers
from app.messages import negotiate, title, tr

#: Paths whose bodies may be as large as ``Settings.max_upload_bytes`` (bulk import files).
UPLOAD_PATH_PREFIX = "/api/v1/imports/"
#: Attachment uploads may be as large as ``Settings.max_attachment_bytes`` (and the form).
ATTACHMENT_PATH = re.compile(
    r"/api/v1/responses/[0-9]+/attachments|/console/responses/[0-9]+/attachments"
)
ATTACHMENT_FORM_BYTES = 64 << 10


class BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a body passes its limit while the app reads it.

    An HTTP exception because FastAPI passes those on when they come up while it reads a
    body, so the app's handler answers the 413 as problem+json like any other error.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(413, tr("request body is larger than {limit} bytes", limit=limit))  # type: ignore[arg-type]


class BodySizeLimit:
    """Answer 413 problem+json when a request body exceeds its limit.

    A declared ``Content-Length`` over the limit is refused before anything is read. A body
    without one (chunked) streams through to the app, counted: an upload goes on to the
    app's temporary file as it arrives, and the read that passes the limit fails with 413
    (and the connection is closed), so nothing holds a body in memory to measure it.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, limit)
            return
        received = 0
        cut_off = started = False

        async def counted() -> Message:
            nonlocal received, cut_off
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    cut_off = True
                    raise BodyTooLarge(limit)
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if cut_off:  # the rest of the body is not worth reading
                    message["headers"] = [*message.get("headers", ()), (b"connection", b"close")]
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, send, limit)

    def _limit(self, scope: Scope) -> int:
        """The limit for this request: import uploads may use ``max_upload_bytes``."""
        path = scope.get("path", "")
        if scope.get("method") == "POST" and ATTACHMENT_PATH.fullmatch(path):
            settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
            attachment = getattr(settings, "max_attachment_bytes", None)
            if isinstance(attachment, int):
                return attachment + ATTACHMENT_FORM_BYTES
        if scope.get("method") == "POST" and path.startswith(UPLOAD_PATH_PREFIX):
            app = scope.get("app")
            settings = getattr(getattr(app, "state", None), "settings", None)
            upload = getattr(settings, "max_upload_bytes", None)
            if isinstance(upload, int):
                return upload
        return self.max_bytes

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        accept = dict(scope.get("headers") or ()).get(b"accept-language", b"")
        language = negotiate(accept.decode("latin-1"))
        body = json.dumps(
            {
                "type": "about:blank",
                "title": title(413).in_(language),
                "status": 413,
                "detail": tr("request body is larger than {limit} bytes", limit=limit).in_(
                    language
                ),
                "instance": scope.get("path", ""),
            },
            ensure_ascii=False,
        ).encode()
        words = [(k.lower().encode(), v.encode()) for k, v in language_headers(language).items()]
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *words,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class WorkerHeader:
    """Add ``X-Xieshou-Worker: <pid>`` to every response: which worker process answered.

    Only when ``Settings.worker_header`` is on (debugging, the multi-worker tests): process
    ids are nothing to tell every client. Pure ASGI rather than ``@app.middleware``:
    Starlette's ``BaseHTTPMiddleware`` costs a task group and a memory stream per request,
    a measurable share of a shortlist's CPU time.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.header = (b"x-xieshou-worker", str(os.getpid()).encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), self.header]
            await send(message)

        await self.app(scope, receive, send_with_header)
