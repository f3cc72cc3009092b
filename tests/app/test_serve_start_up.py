"""A real ``xieshou serve`` with two workers: alive at once, ready only once its index is built,
JSON log lines carrying the request id, and /metrics summed across workers.

The index's start-up build is held, standing in for a large catalog, until the test lets it go:
the test holds the snapshot folder's build lock, which a worker takes before it builds (no
snapshot exists yet). A held lock, not a delay: on a loaded machine a worker once answered its
first request only after a 3 s delay had run out, and was ready already.
"""

import json
import time
from contextlib import ExitStack
from pathlib import Path

from app.matches.snapshots import build_lock, snapshot_root
from tests.app.servers import START_S, serve, wait_ready

SERVE = ("--workers", "2", "--no-upgrade")


def test_serve_answers_healthz_before_ready_and_logs_json_with_the_request_id(
    database_url: str, tmp_path: Path
) -> None:
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    data = tmp_path / "data"
    env = {
        "XIESHOU_LOG_LEVEL": "INFO",
        "XIESHOU_LOG_FORMAT": "json",
        "XIESHOU_DATA_DIR": str(data),
        "XIESHOU_INDEX_SNAPSHOTS": "true",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "XIESHOU_WORKER_HEADER": "true",  # which worker answered
    }
    root = snapshot_root(database_url, data)
    assert root is not None
    log_path = tmp_path / "serve.log"
    held = ExitStack()
    held.enter_context(build_lock(root))  # no worker can build its index until it is let go
    with held, serve(database_url, *SERVE, env=env, log=log_path) as served:
        deadline = time.monotonic() + START_S  # liveness only
        while (alive := served.get("/healthz", timeout=1)) is None or alive.status_code != 200:
            served.assert_running()
            assert time.monotonic() < deadline, "never alive"
            time.sleep(0.05)
        # Alive while the build is still held: /readyz, asked after it, says no.
        first = served.get("/readyz")
        assert first is not None
        assert first.status_code == 503, first.text
        assert "matching_index" in {c["check"] for c in first.json()["not_ready"]}

        held.close()  # let the build go
        wait_ready(served, workers=2)

        answer = served.get("/api/v1/me", headers={"X-Request-ID": "probe-from-the-lb-1"})
        assert answer is not None
        assert answer.status_code == 401
        assert answer.headers["x-request-id"] == "probe-from-the-lb-1"
        for _ in range(10):
            assert served.get("/healthz") is not None

        metrics = served.get("/metrics")
        assert metrics is not None
        assert metrics.status_code == 200
        healthz_count = [
            line
            for line in metrics.text.splitlines()
            if line.startswith("xieshou_http_request_duration_seconds_count")
            and 'route="/healthz"' in line
        ]
        assert healthz_count
        assert sum(float(line.rsplit(" ", 1)[1]) for line in healthz_count) >= 10
        assert "xieshou_matching_index_ready{" in metrics.text  # one per worker (pid)
        # the supervisor that forked the workers serves nothing: no gauge of its own
        assert f'pid="{served.proc.pid}"' not in metrics.text

    lines = [line for line in log_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON record
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    probe = [r for r in records if r.get("request_id") == "probe-from-the-lb-1"]
    assert probe, lines[-20:]
    assert any("/api/v1/me" in r["message"] for r in probe)  # uvicorn's access line
    indexes = [
        r["message"]
        for r in records
        if r["message"].startswith(("matching index built", "matching index loaded"))
    ]
    assert len(indexes) == 2, indexes  # each worker has its own index
    # one built it and wrote the snapshot (under the build lock); the other loaded that one
    assert sum("written as snapshot" in m for m in indexes) == 1, indexes
