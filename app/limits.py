"""Pure ASGI middleware: the request body size limit, and the answering worker's header."""

import json
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import PROBLEM_JSON

#: Paths whose bodies may be as large as ``Settings.max_upload_bytes`` (bulk import files).
UPLOAD_PATH_PREFIX = "/api/v1/imports/"


class BodySizeLimit:
    """Answer 413 problem+json when a request body exceeds ``max_bytes``.

    A declared ``Content-Length`` over the limit is refused before anything is read. A body
    without one (chunked) is read here up to the limit and then replayed to the app, so an
    endless upload is cut off after ``max_bytes`` rather than buffered whole.
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
        if declared is not None:
            if declared.isdigit() and int(declared) > limit:
                await self._refuse(scope, send, limit)
                return
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await self._refuse(scope, send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    def _limit(self, scope: Scope) -> int:
        """The limit for this request: import uploads may use ``max_upload_bytes``."""
        if scope.get("method") == "POST" and scope.get("path", "").startswith(UPLOAD_PATH_PREFIX):
            app = scope.get("app")
            settings = getattr(getattr(app, "state", None), "settings", None)
            upload = getattr(settings, "max_upload_bytes", None)
            if isinstance(upload, int):
                return upload
        return self.max_bytes

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                "detail": f"request body is larger than {limit} bytes",
                "instance": scope.get("path", ""),
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
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
