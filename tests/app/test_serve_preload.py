"""``xieshou serve --workers N`` loads the app once and forks the workers, which share it.

The parent process imports the app and loads the shipped dictionaries and the matching-index
snapshot the database lists (``app.main.preload``), makes the app every worker serves and
closes what making it opened (``app.main.release_before_fork``), leaving no connection open
and no thread running, then forks; each worker runs the app's lifespan, which starts its
threads and opens its connections (``--preload``: one worker is forked the same way). A
worker's memory then holds many pages that it shares with its parent and siblings (written
before the fork, so counted as shared dirty pages), where a worker that imports the app
itself (``--no-preload``: uvicorn's spawn) shares next to none; and the server stops cleanly
on SIGTERM.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.matches.index import MatchingIndex
from app.matches.snapshots import snapshot_root
from app.platform.db import make_engine, make_sessionmaker
from tests.app.servers import Served, serve, wait_ready

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/smaps_rollup").exists(), reason="reads /proc (Linux)"
)

#: A forked worker shares at least this much of its parent's written memory (the app's
#: modules and the dictionaries: about 300 MB in the parent; a spawned worker shares ~0).
MIN_SHARED_MB = 100

_PRELOAD = """
import json, os, threading, time
import app.main
from app.matches import snapshots
app.main.preload()
made = app.main.create_app()  # what the server's parent does next, before it forks
app.main.release_before_fork(made)
for _ in range(100):  # the auth throttle's in-memory store runs one expiry pass, then stops
    if threading.active_count() == 1:
        break
    time.sleep(0.01)
fds = []
for fd in os.listdir("/proc/self/fd"):
    try:
        fds.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # the listing's own descriptor, closed by now
        pass
print(json.dumps({
    "threads": threading.active_count(),
    "sockets": [fd for fd in fds if fd.startswith("socket:")],
    "job_modules": [m for m in app.main.JOB_MODULES if m not in __import__("sys").modules],
    "snapshot": snapshots._preloaded[2].token if snapshots._preloaded else None,
}))
"""


def test_the_parent_forks_with_no_connection_open_and_no_thread_running(
    database_url: str, tmp_path: Path
) -> None:
    # a snapshot listed in the database: the preload reads the listing, loads it, and closes
    # the connection it read with
    data = tmp_path / "data"
    root = snapshot_root(database_url, data)
    assert root is not None
    engine = make_engine(database_url)
    try:
        index = MatchingIndex(make_sessionmaker(engine), snapshot_dir=root, ready_wait_s=120)
        index.start(wait=True)
        index.stop()
        token = index._snapshot_token
        assert token is not None
    finally:
        engine.dispose()
    for snapshots_on, expected in (("true", token), ("false", None)):
        env = os.environ | {
            "XIESHOU_DATABASE_URL": database_url,
            "XIESHOU_DATA_DIR": str(data),
            "XIESHOU_INDEX_SNAPSHOTS": snapshots_on,
        }
        out = subprocess.run(
            [sys.executable, "-c", _PRELOAD], env=env, capture_output=True, text=True, check=False
        )
        assert out.returncode == 0, out.stderr[-3000:]
        got = json.loads(out.stdout.strip().splitlines()[-1])
        assert got == {"threads": 1, "sockets": [], "job_modules": [], "snapshot": expected}, (
            out.stderr[-2000:]
        )


def _memory_kb(pid: int) -> dict[str, int]:
    rows = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]
    return {name: int(value.split()[0]) for name, value in (r.split(":", 1) for r in rows)}


def _workers(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = []
    for child in map(int, children):
        cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"app.cli serve" in cmd:  # a forked worker (not the job consumer it may start)
            found.append(child)
    return found


def _serve_env(tmp_path: Path) -> dict[str, str]:
    return {
        "XIESHOU_LOG_LEVEL": "INFO",
        "XIESHOU_LOG_FORMAT": "json",
        "XIESHOU_DATA_DIR": str(tmp_path / "data"),
        "XIESHOU_WORKER_HEADER": "true",  # which worker answered
    }


def _shutdowns(served: Served) -> list[str]:
    """The log's "Application shutdown complete." lines, once the server stopped cleanly."""
    assert served.returncode == 0, served.log_tail()
    assert served.log is not None
    messages = [json.loads(line)["message"] for line in served.log.read_text().splitlines()]
    return [m for m in messages if m == "Application shutdown complete."]


@pytest.mark.parametrize(
    ("n", "flags"),
    [(2, []), (1, ["--preload"])],  # --preload: one worker forked too (the same shape as two)
)
def test_forked_workers_share_the_parents_memory_and_stop_on_sigterm(
    database_url: str, tmp_path: Path, n: int, flags: list[str]
) -> None:
    options = ("--workers", str(n), *flags, "--no-upgrade")
    log = tmp_path / "serve.log"
    with serve(database_url, *options, env=_serve_env(tmp_path), log=log) as served:
        answered = wait_ready(served, workers=n)  # every worker ready
        workers = _workers(served.proc.pid)
        assert sorted(workers) == sorted(map(int, answered))  # the parent's own children
        assert served.proc.pid not in workers
        for pid in workers:
            shared_mb = _memory_kb(pid)["Shared_Dirty"] / 1024
            assert shared_mb >= MIN_SHARED_MB, (pid, shared_mb)
    # each worker ran its app's shutdown (its index, job runner and senders stopped)
    assert len(_shutdowns(served)) == n, served.log_tail()
    assert not [p for p in workers if Path(f"/proc/{p}").exists()]


def test_spawned_workers_without_preload_answer_and_stop_on_sigterm(
    database_url: str, tmp_path: Path
) -> None:
    """``--no-preload``: uvicorn spawns the workers, each imports the app itself; both become
    ready, answer, and stop cleanly."""
    options = ("--workers", "2", "--no-preload", "--no-upgrade")
    log = tmp_path / "serve.log"
    with serve(database_url, *options, env=_serve_env(tmp_path), log=log) as served:
        wait_ready(served, workers=2)
        alive = served.get("/healthz")
        assert alive is not None
        assert alive.status_code == 200
    assert len(_shutdowns(served)) == 2, served.log_tail()
