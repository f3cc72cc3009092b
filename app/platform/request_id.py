"""The request id: one per request, on every log line it causes and in its answer.

Taken from an incoming ``X-Request-ID`` when it is well formed (a load balancer or a client
made it), else generated. It lives in a context variable, so code that runs for the
request (handlers, thread-pool work, background tasks after the answer) sees it, and
:func:`bound` carries it into work done later (a job, an outbox message).
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "X-Request-ID"
MAX_LENGTH = 128
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/+=@-]*")
_current: ContextVar[str | None] = ContextVar("xieshou_request_id", default=None)


def current() -> str | None:
    """The id of the request being handled here, if any."""
    return _current.get()


def accept(value: str | None) -> str:
    """``value`` when it is a well-formed id (printable ASCII without spaces, at most
    :data:`MAX_LENGTH` characters), else a new random one.

    >>> accept("lb-42")
    'lb-42'
    >>> len(accept("bad\\nid"))
    32
    """
    if value and len(value) <= MAX_LENGTH and _WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


@contextmanager
def bound(request_id: str | None) -> Iterator[None]:
    """Log the ``with`` block's records under ``request_id`` (work a request caused, done later)."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """Sets the request id for the request and returns it in ``X-Request-ID``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = accept(incoming)
        scope.setdefault("state", {})["request_id"] = request_id
        raw = request_id.encode("ascii")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", raw)]
            await send(message)

        with bound(request_id):
            await self.app(scope, receive, send_with_id)
