"""Real ``xieshou`` processes for the scale-out tests: servers and the job worker.

Each process is started in its own session (process group), so a kill reaches uvicorn and
anything it spawned, and only what this module started. Output goes to a file that a failing
test shows.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from typing import IO

import httpx

from tests.app.servers import free_port


def xieshou_env(database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a ``xieshou`` command on ``database_url``."""
    return (
        os.environ
        | {
            "XIESHOU_DATABASE_URL": database_url,
            "XIESHOU_LOG_LEVEL": "WARNING",
            "XIESHOU_LOG_FORMAT": "text",
            # Every replica makes the console's CSRF tokens with the same secret.
            "XIESHOU_SESSION_SECRET": "scale-test-secret-the-same-on-every-replica",
        }
        | (extra or {})
    )


def xieshou(database_url: str, *args: str, timeout_s: float = 60) -> str:
    """Run ``xieshou ARGS`` to its end on ``database_url``; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=xieshou_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    assert done.returncode == 0, f"xieshou {' '.join(args)}: {done.stderr[-2000:]}"
    return done.stdout


@dataclass
class Child:
    """A started ``xieshou`` process: its name, process, log file and (servers) base URL."""

    name: str
    proc: "subprocess.Popen[bytes]"
    log: IO[bytes]
    base: str = ""
    killed: bool = field(default=False)

    def kill(self) -> None:
        """SIGKILL the process group: no shutdown, no flush, as a crashed host."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.killed = True

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s (for the end of a test)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # A server's workers are in its group; make sure none outlives it.
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)

    def output(self, tail: int = 4000) -> str:
        """The end of what the process wrote."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-tail:]


class Children:
    """The processes a test started; all are stopped when it ends, whatever happened."""

    def __init__(self, database_url: str, stack: ExitStack) -> None:
        self.database_url = database_url
        self._stack = stack
        self.started: list[Child] = []

    def spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Child:
        """Start ``xieshou ARGS`` in its own process group."""
        log = self._stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (closed by the stack)
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            env=xieshou_env(self.database_url, env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        child = Child(name, proc, log)
        self.started.append(child)
        self._stack.callback(child.stop)
        return child

    def server(self, name: str, *, workers: int = 1, env: dict[str, str] | None = None) -> Child:
        """``xieshou serve --no-upgrade`` on a free port (not waited for: see ``wait_ready``)."""
        port = free_port()
        args = ["serve", "--no-upgrade", "--port", str(port), "--workers", str(workers)]
        child = self.spawn(name, args, env)
        child.base = f"http://127.0.0.1:{port}"
        return child

    def report(self) -> str:
        """Every child's exit status and last output, for an assertion message."""
        return "\n".join(
            f"--- {c.name} (exit {c.proc.poll()}):\n{c.output()}" for c in self.started
        )


@contextmanager
def children(database_url: str) -> Iterator[Children]:
    """A :class:`Children` whose processes are all stopped on the way out."""
    with ExitStack() as stack:
        yield Children(database_url, stack)


def wait_ready(servers: list[Child], *, deadline_s: float) -> dict[str, float]:
    """Wait until every server's /readyz answers 200; seconds each took. Fails at the deadline
    or when a server exits."""
    started = time.monotonic()
    waiting = {s.name: s for s in servers}
    took: dict[str, float] = {}
    while waiting:
        for name, server in list(waiting.items()):
            assert server.proc.poll() is None, f"{name} exited:\n{server.output()}"
            try:
                ready = httpx.get(f"{server.base}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                ready = False
            if ready:
                took[name] = time.monotonic() - started
                del waiting[name]
        assert time.monotonic() - started < deadline_s, (
            f"not ready within {deadline_s} s: {sorted(waiting)}\n"
            + "\n".join(s.output() for s in waiting.values())
        )
        time.sleep(0.1)
    return took
