"""app/limits.py: the worker header only when configured, and request bodies counted as they
stream (issue 14, findings 13 and 14)."""

import json
import os
import tracemalloc

import anyio
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from app.limits import BodySizeLimit
from app.main import create_app
from app.platform.settings import Settings


def test_responses_name_no_process_unless_the_worker_header_is_on(settings: Settings) -> None:
    # Process ids told to every client helped attackers tell workers apart (finding 13).
    with TestClient(create_app(settings)) as client:
        assert "x-xieshou-worker" not in client.get("/healthz").headers
    assert Settings().worker_header is False
    with TestClient(create_app(settings.model_copy(update={"worker_header": True}))) as client:
        assert client.get("/healthz").headers["x-xieshou-worker"] == str(os.getpid())


CHUNK = b"a,b,c,d\n" * 8192  # 64 KiB


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


class ChunkedBody:
    """``receive`` for a chunked body: ``head``, then ``chunks`` of 64 KiB; counts the reads."""

    def __init__(self, chunks: int, head: bytes = b"") -> None:
        self.head = head
        self.chunks = chunks
        self.reads = 0

    async def __call__(self) -> Message:
        self.reads += 1
        if self.reads == 1 and self.head:
            return {"type": "http.request", "body": self.head, "more_body": True}
        if self.reads > self.chunks + 1:
            return {"type": "http.disconnect"}
        fresh = bytes(bytearray(CHUNK))  # a server's every message is new bytes
        return {"type": "http.request", "body": fresh, "more_body": self.reads <= self.chunks}


def test_a_chunked_body_reaches_the_app_as_it_arrives() -> None:
    # The limit used to read a chunked body whole before the app saw any of it (finding 14).
    body = ChunkedBody(chunks=32)
    reads_when_the_app_began: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        message = await receive()
        reads_when_the_app_began.append(body.reads)
        while message.get("more_body"):
            message = await receive()
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    limited = BodySizeLimit(app, max_bytes=10 << 20)
    anyio.run(limited, _scope("/x", []), body, send)
    assert sent[0]["status"] == 204
    assert reads_when_the_app_began == [1]


def test_an_upload_over_the_limit_is_cut_off_and_never_held_in_memory(settings: Settings) -> None:
    limit = 8 << 20
    app = create_app(settings.model_copy(update={"max_upload_bytes": limit}))
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body = ChunkedBody(chunks=1000, head=head)  # 64 MB, with no Content-Length
    headers = [(b"content-type", f"multipart/form-data; boundary={boundary}".encode())]
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    tracemalloc.start()
    try:
        anyio.run(app, _scope("/api/v1/imports/firms", headers), body, send)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    start = sent[0]
    assert start["status"] == 413
    assert (b"content-type", b"application/problem+json") in start["headers"]
    assert (b"connection", b"close") in start["headers"]
    assert json.loads(sent[1]["body"])["status"] == 413
    assert body.reads <= limit // len(CHUNK) + 3, "read on after the limit"
    # The upload went to the temporary file as it came (it used to be held up to the limit).
    assert peak < limit // 2, f"{peak:,} bytes allocated at the peak"
