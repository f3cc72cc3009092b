"""Real HTTP servers on the test database: ``xieshou serve`` processes, or uvicorn in a thread."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: How long a served process may take to answer ready. A liveness bound only (the process must
#: come up, however slowly): on a loaded 2-core machine a worker that imports the app and
#: builds its index has taken over 60 s, and a test that starts two spawned workers more.
START_S = 300.0

#: How long a served process may take to stop after SIGTERM (liveness too).
STOP_S = 60.0


class Served:
    """A ``xieshou serve`` process: its base URL, the process and its log (stderr), if kept."""

    def __init__(self, base: str, proc: subprocess.Popen[bytes], log: Path | None) -> None:
        self.base = base
        self.proc = proc
        self.log = log
        #: The exit status, once stopped (``serve`` stops it on the way out).
        self.returncode: int | None = None

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the process's log (empty when its stderr was not kept)."""
        if self.log is None or not self.log.exists():
            return ""
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def assert_running(self) -> None:
        """Fail now, with the log, if the process has exited."""
        code = self.proc.poll()
        assert code is None, f"xieshou serve exited ({code}):\n{self.log_tail()}"

    def get(self, path: str, *, timeout: float = 60, **kwargs: Any) -> httpx.Response | None:
        """``GET path`` on a new connection; ``None`` when nothing answered (not listening yet,
        or not within ``timeout``: a liveness bound, one answer of a loaded machine took 10 s)."""
        try:
            return httpx.get(f"{self.base}{path}", timeout=timeout, **kwargs)
        except httpx.HTTPError:
            return None


@contextmanager
def serve(
    database_url: str,
    *options: str,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[Served]:
    """``xieshou serve OPTIONS --port P`` on ``database_url`` and a free port, not waited for
    (see :func:`wait_ready`); stopped with SIGTERM on the way out (its exit status then in
    ``returncode``). ``env`` adds settings; ``log`` keeps its stderr in that file."""
    port = free_port()
    env = os.environ | {"XIESHOU_DATABASE_URL": database_url} | (env or {})
    command = [sys.executable, "-m", "app.cli", "serve", *options, "--port", str(port)]
    with ExitStack() as stack:
        stderr = stack.enter_context(log.open("wb")) if log is not None else None
        proc = subprocess.Popen(command, env=env, stderr=stderr)
        served = Served(f"http://127.0.0.1:{port}", proc, log)
        try:
            yield served
        finally:
            proc.terminate()
            try:
                served.returncode = proc.wait(timeout=STOP_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise


def wait_ready(served: Served, *, workers: int = 1, within_s: float = START_S) -> set[str]:
    """Wait until /readyz answers 200 from ``workers`` distinct workers (told apart by
    ``X-Xieshou-Worker``: set ``XIESHOU_WORKER_HEADER`` when ``workers`` > 1); their ids.

    New connections each time, so the kernel spreads them over the workers. Fails at once if
    the process exits, and after ``within_s`` (a liveness bound, see :data:`START_S`).
    """
    deadline = time.monotonic() + within_s
    answered: set[str] = set()
    while len(answered) < workers:
        served.assert_running()
        assert time.monotonic() < deadline, (
            f"{len(answered)} of {workers} workers ready after {within_s} s:\n{served.log_tail()}"
        )
        ready = served.get("/readyz", timeout=5)
        if ready is not None and ready.status_code == 200:
            answered.add(ready.headers.get("x-xieshou-worker", "the only one"))
        else:
            time.sleep(0.1)
    return answered


@contextmanager
def running_server(
    database_url: str, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[str]:
    """``xieshou serve --no-upgrade`` on ``database_url`` once every worker's /readyz answers 200
    (its matching index built, so shortlists are correct); its base URL. ``env`` adds settings.

    With several workers each answer says which worker it came from (``X-Xieshou-Worker``).
    """
    settings = {"XIESHOU_LOG_LEVEL": "WARNING"}
    if workers > 1:
        settings["XIESHOU_WORKER_HEADER"] = "true"
    options = ("--workers", str(workers), "--no-upgrade")
    with serve(database_url, *options, env=settings | (env or {})) as served:
        wait_ready(served, workers=workers)
        yield served.base


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
        deadline = time.monotonic() + START_S
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("in-process server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
