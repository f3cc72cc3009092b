"""Real HTTP servers on the test database: ``xieshou serve`` processes, or uvicorn in a thread."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """``xieshou serve --no-upgrade`` on ``database_url`` until /readyz answers 200 (its
    matching index built, so shortlists are correct); its base URL. ``env`` adds settings."""
    port = free_port()
    env = (
        os.environ
        | {"XIESHOU_DATABASE_URL": database_url, "XIESHOU_LOG_LEVEL": "WARNING"}
        | (env or {})
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--workers",
            str(workers),
            "--port",
            str(port),
            "--no-upgrade",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def serving_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn from a thread of this process on a free port; its base URL.

    Quicker to start than a new process. Lifespan is off: the app's matching index is the one
    the test's TestClient started, so the caller must hold the ``client`` fixture.
    """
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    thread = threading.Thread(target=server.run, name="test-server", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("in-process server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
