"""Security headers on every response: nosniff, a Content-Security-Policy, HSTS over https.

A response that sets its own policy keeps it (the console's pages, ``/docs``, the weak-link
picture); every other one gets a default, so a new route cannot ship without one:

- an HTML document (an export's printable page) is sandboxed: no script runs, nothing loads
  but its own inline styles, it cannot be framed, submit forms or reach this origin's cookies;
- anything else (JSON, CSV, files) gets a policy that allows nothing at all, in case a
  browser is made to render it.

``Strict-Transport-Security`` is sent on responses to https requests only. Behind a proxy that
ends TLS the request's scheme is the proxy's ``X-Forwarded-Proto`` only when that proxy is
trusted (``Settings.forwarded_allow_ips``); otherwise the header is ignored.
"""

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

#: JSON, files and anything else that is data, not a page.
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
#: HTML this app did not write a policy for (exports): printable, inert.
SANDBOX_POLICY = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
HSTS = "max-age=31536000"

_CSP = b"content-security-policy"
_NOSNIFF = (b"x-content-type-options", b"nosniff")


class SecurityHeaders:
    """Pure ASGI middleware adding the headers above unless the response has its own."""

    def __init__(self, app: ASGIApp, *, hsts: str = HSTS) -> None:
        self.app = app
        self.hsts = hsts.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {name.lower() for name, _ in headers}
                if _NOSNIFF[0] not in names:
                    headers.append(_NOSNIFF)
                if _CSP not in names:
                    content_type = next(
                        (v for n, v in headers if n.lower() == b"content-type"), b""
                    )
                    html = content_type.lower().startswith(b"text/html")
                    policy = SANDBOX_POLICY if html else DATA_POLICY
                    headers.append((_CSP, policy.encode("latin-1")))
                if https and b"strict-transport-security" not in names:
                    headers.append((b"strict-transport-security", self.hsts))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI, *, forwarded_allow_ips: str | None) -> None:
    """Add :class:`SecurityHeaders`, and outside it the proxy headers when a proxy is trusted.

    ``forwarded_allow_ips``: addresses or networks (comma-separated, ``*`` for any) whose
    ``X-Forwarded-Proto`` and ``X-Forwarded-For`` are believed; ``None`` believes nobody, so
    a client cannot claim https (HSTS, ``Secure`` cookies) or another address (the throttle).
    """
    app.add_middleware(SecurityHeaders)
    if forwarded_allow_ips:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=forwarded_allow_ips)
