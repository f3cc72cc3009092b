"""The job consumer as a process of its own, started and watched by the web workers.

On the embedded default (``XIESHOU_JOBS_CONSUMER`` on, ``XIESHOU_JOBS_PROCESS`` on) the jobs
do not run in the web worker's threads, where an import and a schedule solve would compete
with the shortlists for the worker's interpreter lock, but in one ``xieshou worker`` child
process per queue on the machine, at a lower CPU priority (:data:`NICE`): the web worker's
requests win the CPU, and the jobs take what is left. Nothing extra to run by hand.

Several web workers (``xieshou serve --workers 4``) start one child between them: each
tries to take a file lock in the data folder (one per queue); the one that holds it starts
the child, starts it again if it exits (after a pause that grows while it keeps dying) and
stops it when the web worker stops. The others look again every few seconds, so when the
holder goes another takes over. The child stops by itself once the web worker that started
it is gone (``xieshou worker --exit-with``).

The child gets the web worker's settings (also those given in code, as tests do) through
the environment variable :data:`SETTINGS_ENV`.
"""

import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from pydantic import SecretStr

from app.platform.metrics import forget_process
from app.platform.settings import Settings

log = logging.getLogger("xieshou.jobs")

#: How much lower the child's CPU priority is (``os.nice``): on a 2-core machine the
#: shortlists of the web workers then get the CPU first.
NICE = 10
#: The environment variable that carries the web worker's settings to the child (JSON).
SETTINGS_ENV = "XIESHOU_JOBS_SETTINGS"
#: Seconds between two looks of a web worker at its child (or at the lock).
CHECK_EVERY_S = 1.0
#: The longest pause before starting again a child that keeps exiting.
MAX_RESTART_DELAY_S = 30.0
#: How long :meth:`ConsumerProcess.stop` waits for the child's running jobs before it kills
#: it (a job it was running is then taken up again when its lease expires).
STOP_WAIT_S = 30.0

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux or macOS
    fcntl = None  # type: ignore[assignment]


def supported() -> bool:
    """Whether this system can run the consumer process (file locks: Linux, macOS)."""
    return fcntl is not None


def settings_json(settings: Settings) -> str:
    """``settings`` as JSON that :func:`inherited_settings` reads back, secrets included."""
    data: dict[str, Any] = settings.model_dump(mode="json")
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            data[name] = value.get_secret_value()
    return json.dumps(data)


def inherited_settings() -> Settings | None:
    """The settings a web worker handed to this process (:data:`SETTINGS_ENV`), if any."""
    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        return None
    return Settings(**json.loads(raw))


def child_command(settings: Settings, *, parent: int) -> list[str]:
    """The command line of the child: ``xieshou worker`` at a lower priority, ending with
    process ``parent``."""
    return [
        sys.executable,
        "-m",
        "app.cli",
        "worker",
        "--threads",
        str(settings.jobs_workers),
        "--nice",
        str(NICE),
        "--exit-with",
        str(parent),
    ]


class ConsumerProcess:
    """One job-consumer child process per queue and machine, started by whichever web worker
    holds the queue's lock file (see the module's documentation)."""

    def __init__(
        self,
        settings: Settings,
        lock_path: Path,
        *,
        command: list[str] | None = None,
        check_every_s: float = CHECK_EVERY_S,
    ) -> None:
        self.settings = settings
        self.lock_path = lock_path
        self._command = command
        self._check_every_s = check_every_s
        self._lock_file: IO[bytes] | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._held_elsewhere = False
        self._restarts = 0
        self._state = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The child's process id, while this web worker runs one."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    @property
    def holds_lock(self) -> bool:
        """Whether this web worker is the one that runs the child."""
        return self._lock_file is not None

    @property
    def alive(self) -> bool:
        """The child runs: this web worker's, or (another worker holds the lock) theirs."""
        if self._thread is None or not self._thread.is_alive():
            return False
        if self._lock_file is not None:
            return self.pid is not None
        return self._held_elsewhere

    def start(self) -> None:
        """Start watching (idempotent): take the lock when free, run the child while held."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._watch, name="job-consumer", daemon=True)
        self._thread.start()

    def stop(self, *, wait_s: float = STOP_WAIT_S) -> None:
        """Stop the child (SIGTERM: running jobs finish first, up to ``wait_s``; then it is
        killed) and let go of the lock."""
        self._stopping.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=5)
        with self._state:
            self._end_child(wait_s)
            self._release()

    def _watch(self) -> None:
        delay = next_start = started_at = 0.0
        while not self._stopping.is_set():
            try:
                with self._state:
                    if self._stopping.is_set():
                        break
                    if self._lock_file is None:
                        self._lock_file = self._try_lock()
                        self._held_elsewhere = self._lock_file is None
                    proc = self._proc
                    if self._lock_file is not None and (proc is None or proc.poll() is not None):
                        if proc is not None:
                            log.warning(
                                "jobs: the consumer process %s exited with %s",
                                proc.pid,
                                proc.returncode,
                            )
                            self._proc = None
                            forget_process(proc.pid)
                            self._restarts += 1
                            delay = min(max(1.0, delay * 2), MAX_RESTART_DELAY_S)
                            next_start = time.monotonic() + delay
                        if time.monotonic() >= next_start:
                            self._spawn()
                            started_at = time.monotonic()
                    if self._proc is not None and delay and time.monotonic() - started_at > 60:
                        delay = 0.0  # it stayed up a minute: the next exit restarts at once
            except Exception:
                log.exception("jobs: watching the consumer process failed")
            self._stopping.wait(self._check_every_s)

    def _try_lock(self) -> IO[bytes] | None:
        assert fcntl is not None
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("ab")  # not inherited by children (PEP 446)
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return None
        return handle

    def _release(self) -> None:
        handle, self._lock_file = self._lock_file, None
        if handle is not None:
            handle.close()  # closing drops the flock

    def _spawn(self) -> None:
        command = self._command or child_command(self.settings, parent=os.getpid())
        env = os.environ | {SETTINGS_ENV: settings_json(self.settings)}
        # our own interpreter and command line (child_command), not input from anyone
        self._proc = subprocess.Popen(command, env=env)  # noqa: S603
        log.info(
            "jobs: consumer process %s started (lock %s, nice +%s)",
            self._proc.pid,
            self.lock_path.name,
            NICE,
        )

    def _end_child(self, wait_s: float) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                log.warning(
                    "jobs: consumer process %s still busy after %s s: killed", proc.pid, wait_s
                )
                proc.kill()
                proc.wait()
        forget_process(proc.pid)
