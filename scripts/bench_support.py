"""Helpers shared by the HTTP benchmarks: scratch databases, a real ``xieshou serve``, timing.

Scripts in this folder import it as ``bench_support`` (the folder is on ``sys.path`` when a
script is run as ``python scripts/NAME.py``).
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import text

from app.platform.db import make_engine

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def progress(message: str) -> None:
    """A progress line on stderr (stdout carries only the JSON lines)."""
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """A fresh, empty database of ``kind`` (``sqlite`` or ``postgresql``); dropped afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    name = f"xieshou_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def server_env(url: str, log_level: str = "WARNING") -> dict[str, str]:
    """The environment for ``xieshou`` subcommands on the database at ``url``."""
    return os.environ | {"XIESHOU_DATABASE_URL": url, "XIESHOU_LOG_LEVEL": log_level}


def admin_key(url: str) -> str:
    """Issue an admin API key with ``xieshou keys create --role admin``."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "keys", "create", "--role", "admin"],
        env=server_env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@dataclass(frozen=True, slots=True)
class Server:
    """A running ``xieshou serve``: its base URL, when it was spawned, answered and was ready."""

    base: str
    spawned: float  # time.monotonic() at spawn
    ready_s: float  # spawn → first 200 from /readyz (its matching index built)
    proc: subprocess.Popen[bytes]
    alive_s: float = 0.0  # spawn → first 200 from /healthz (the process answers)


@contextmanager
def running_server(
    url: str, *, workers: int = 1, ready_timeout_s: float = 60, poll_s: float = 0.1
) -> Iterator[Server]:
    """Run ``xieshou serve --no-upgrade`` on ``url`` until /readyz answers; stop it after.

    /healthz answers as soon as a worker listens (its index may still be building); /readyz
    once it can serve correct shortlists. Both times are kept.
    """
    cli = [sys.executable, "-m", "app.cli"]
    port = free_port()
    spawned = time.monotonic()
    proc = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--workers", str(workers), "--no-upgrade"],
        env=server_env(url),
    )
    base = f"http://127.0.0.1:{port}"
    alive_s = 0.0
    try:
        deadline = spawned + ready_timeout_s
        while True:
            try:
                if not alive_s and httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    alive_s = time.monotonic() - spawned
                if alive_s and httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("server did not start")
            time.sleep(poll_s)
        yield Server(base, spawned, time.monotonic() - spawned, proc, alive_s)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0–1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(
    call: Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]],
    base: str,
    key: str,
    requests: int,
    concurrency: int,
) -> dict[str, float]:
    """Run ``requests`` calls from ``concurrency`` clients sharing one connection pool of that
    size; requests per second and p50/p99 latency in ms. A 4xx/5xx answer aborts the run.

    The load generator's own heap is frozen first (``gc.freeze``): a benchmark that holds a
    100,000-profile catalog would otherwise pause for its own full collections mid-run, and
    those pauses would be counted as the server's latency.
    """
    gc.collect()
    gc.freeze()
    latencies: list[float] = []
    counter = itertools.count()
    headers = {"Authorization": f"Bearer {key}"}

    async def worker(client: httpx.AsyncClient) -> None:
        while (i := next(counter)) < requests:
            start = time.perf_counter()
            response = await call(client, i)
            latencies.append(time.perf_counter() - start)
            if response.status_code >= 400:
                raise RuntimeError(f"{response.status_code}: {response.text[:300]}")

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "requests": requests,
        "rps": round(requests / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
    }


#: The listed firms of the shared data (``../shared/data`` beside the repository), when there.
SHARED_FIRMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "firms.jsonl"
#: The demo's catalog shipped in the repository: the same firms' products, for a checkout
#: without the shared data (a clean clone elsewhere, CI).
DEMO_CATALOG = Path(__file__).resolve().parents[1] / "app" / "demo" / "data" / "catalog.jsonl.gz"


def product_vocabulary() -> list[str]:
    """The listed firms' product names (cleaned, printable), sorted: the shared data's
    ``firms.jsonl`` when it is beside the repository, else the demo's shipped catalog."""
    from matching.catalog import clean_products

    if SHARED_FIRMS.exists():
        rows = [
            json.loads(line)["products"]
            for line in SHARED_FIRMS.read_text("utf-8").split("\n")
            if line
        ]
    else:
        with gzip.open(DEMO_CATALOG, "rt", encoding="utf-8") as f:
            rows = [
                [{"name": name, "weight": weight} for name, weight in json.loads(line)["products"]]
                for line in f
                if line.strip()
            ]
    return sorted(
        {
            p.name
            for products in rows
            for p in clean_products(products)
            if p.name.isprintable()  # the importer refuses control characters (one has U+007F)
        }
    )
