"""A real ``xieshou serve`` with two workers: alive at once, ready only once its index is built,
JSON log lines carrying the request id, and /metrics summed across workers.

The index's start-up build is held a few seconds (``XIESHOU_INDEX_BUILD_DELAY_S``, a setting
only tests use) to stand in for a large catalog.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.app.servers import free_port

BUILD_DELAY_S = 3.0
SERVE = [sys.executable, "-m", "app.cli", "serve", "--workers", "2", "--no-upgrade"]


def _get(url: str, **kwargs: object) -> httpx.Response | None:
    try:
        return httpx.get(url, timeout=1, **kwargs)  # type: ignore[arg-type]
    except httpx.HTTPError:
        return None


def test_serve_answers_healthz_before_ready_and_logs_json_with_the_request_id(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = os.environ | {
        "XIESHOU_DATABASE_URL": database_url,
        "XIESHOU_LOG_LEVEL": "INFO",
        "XIESHOU_LOG_FORMAT": "json",
        "XIESHOU_INDEX_BUILD_DELAY_S": str(BUILD_DELAY_S),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log_file:
        proc = subprocess.Popen(
            [*SERVE, "--port", str(port)],
            env=env,
            stderr=log_file,
        )
        try:
            deadline = time.monotonic() + 90
            while (alive := _get(f"{base}/healthz")) is None or alive.status_code != 200:
                assert proc.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "never alive"
                time.sleep(0.05)
            alive_at = time.monotonic()
            first = _get(f"{base}/readyz")
            assert first is not None
            assert first.status_code == 503, first.text
            assert "matching_index" in {c["check"] for c in first.json()["not_ready"]}

            while (ready := _get(f"{base}/readyz")) is None or ready.status_code != 200:
                assert time.monotonic() < deadline, "never ready"
                time.sleep(0.1)
            # Both workers are ready once several answers in a row say so.
            for _ in range(6):
                again = _get(f"{base}/readyz")
                while again is None or again.status_code != 200:
                    assert time.monotonic() < deadline, "a worker never ready"
                    time.sleep(0.1)
                    again = _get(f"{base}/readyz")
            assert time.monotonic() - alive_at > 1.0  # alive well before ready

            answer = _get(f"{base}/api/v1/me", headers={"X-Request-ID": "probe-from-the-lb-1"})
            assert answer is not None
            assert answer.status_code == 401
            assert answer.headers["x-request-id"] == "probe-from-the-lb-1"
            for _ in range(10):
                assert _get(f"{base}/healthz") is not None

            metrics = _get(f"{base}/metrics")
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
            assert f'pid="{proc.pid}"' not in metrics.text
        finally:
            proc.terminate()
            proc.wait(timeout=30)

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
