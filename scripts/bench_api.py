"""Benchmark the HTTP API: profile creation and a filtered list, 1 and 8 concurrent clients.

Starts a real server (``xieshou serve``) on a fresh database, SQLite and/or PostgreSQL, and
prints one JSON object per line::

    python scripts/bench_api.py                       # both databases
    python scripts/bench_api.py --db sqlite --requests 400

Each line has requests per second and p50/p99 latency in ms. ``GET /healthz`` is measured in
the same run as a baseline, and every line carries its p50 ratio against that baseline, so
figures from a noisy 2-core machine can be compared between runs.
"""

import argparse
import asyncio
import itertools
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from bench_support import admin_key, measure, running_server, scratch_database, server_env

from app.reference.uscc import uscc_check_char

REGIONS = ["440300", "440100", "320500", "310000", "110108", "330100"]
PRODUCTS = ["压力传感器", "伺服电机", "谐波减速器", "锂电池隔膜", "车规级MCU", "PCB", "碳化硅衬底"]


@contextmanager
def _server(url: str, workers: int) -> Iterator[tuple[str, str]]:
    """Migrate ``url`` and run ``xieshou serve`` on it; yield its base URL and an admin key."""
    cli = [sys.executable, "-m", "app.cli", "db", "upgrade"]
    subprocess.run(cli, env=server_env(url), check=True, capture_output=True)
    key = admin_key(url)
    with running_server(url, workers=workers) as server:
        yield server.base, key


_serial = itertools.count(1)


def _uscc() -> str:
    body = f"91440300{next(_serial):08d}{uuid.uuid4().int % 10}"
    return body + uscc_check_char(body)


async def _seed_smes(base: str, key: str, count: int) -> list[int]:
    ids: list[int] = []
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        for i in range(count):
            body = {
                "kind": "sme",
                "name": f"基准测试企业{i}有限公司",
                "uscc": _uscc(),
                "region_code": REGIONS[i % len(REGIONS)],
                "industry_codes": ["3983" if i % 2 else "3811"],
                "tier": "specialized",
            }
            response = await client.post("/api/v1/organizations", json=body)
            response.raise_for_status()
            ids.append(response.json()["id"])
    return ids


async def _run(
    db: str, url: str, base: str, key: str, requests: int, workers: int
) -> list[dict[str, object]]:
    print(f"[{db}] seeding {2 * requests} SMEs", file=sys.stderr)
    smes = iter(await _seed_smes(base, key, 2 * requests))

    async def health(client: httpx.AsyncClient, _i: int) -> httpx.Response:
        return await client.get("/healthz")

    async def create_profile(client: httpx.AsyncClient, i: int) -> httpx.Response:
        body = {
            "organization_id": next(smes),
            "products": [{"name": PRODUCTS[i % len(PRODUCTS)], "share": 0.7}, {"name": "精密零件"}],
            "certifications": [{"standard": "ISO 9001", "valid_until": "2028-01-01"}],
            "capacity": "年产 10 万件",
        }
        return await client.post("/api/v1/profiles", json=body)

    async def filtered_list(client: httpx.AsyncClient, i: int) -> httpx.Response:
        params: dict[str, str | int] = {
            "region": "44",
            "tier": "specialized",
            "q": PRODUCTS[i % 3],
            "page_size": 20,
        }
        return await client.get("/api/v1/profiles", params=params)

    lines: list[dict[str, object]] = []
    for concurrency in (1, 8):
        baseline = await measure(health, base, key, requests, concurrency)
        for name, call in (("create_profile", create_profile), ("filtered_list", filtered_list)):
            print(f"[{db}] {name} with {concurrency} clients", file=sys.stderr)
            result = await measure(call, base, key, requests, concurrency)
            lines.append(
                {
                    "db": db,
                    "workers": workers,
                    "operation": name,
                    "clients": concurrency,
                    **result,
                    "baseline_healthz_p50_ms": baseline["p50_ms"],
                    "p50_vs_healthz": round(result["p50_ms"] / baseline["p50_ms"], 2),
                }
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    for kind in kinds:
        with scratch_database(kind) as url, _server(url, args.workers) as (base, key):
            for line in asyncio.run(_run(kind, url, base, key, args.requests, args.workers)):
                print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
