"""What logging impressions costs a shortlist: the same requests with logging off and on.

Usage::

    .venv/bin/python scripts/bench_capture.py [--database-url URL] [--requests 600]

Loads the bundled demo catalog (``xieshou demo``'s data) into a fresh SQLite file (or the
given, empty, database), builds two apps on it, one with ``XIESHOU_LOG_IMPRESSIONS`` off and
one on, and sends them alternately ``GET /api/v1/needs/{id}/shortlist`` as an admin (in
process, ``TestClient``: a request's time includes its post-response work, here the batched
impression insert). Prints one JSON line per setting, then the impressions written.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tqdm import tqdm

from app.demo.loader import issue_keys, load
from app.main import create_app
from app.models import Impression, NeedStatus, Role, SupplyNeed
from app.platform.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", help="an empty database (default: a temporary file)")
    parser.add_argument("--requests", type=int, default=600, help="requests, both settings")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/capture.db"
        load(url)
        admin = next(k.key for k in issue_keys(url) if k.role is Role.admin)
        headers = {"Authorization": f"Bearer {admin}"}
        apps = {
            flag: create_app(Settings(database_url=url, log_impressions=flag))
            for flag in (False, True)
        }
        with TestClient(apps[False]) as off, TestClient(apps[True]) as on:
            with apps[True].state.engine.connect() as conn:
                query = select(SupplyNeed.id).where(SupplyNeed.status == NeedStatus.open.value)
                needs = list(conn.scalars(query.order_by(SupplyNeed.id)))
            times: dict[bool, list[float]] = {False: [], True: []}
            for i in tqdm(range(args.requests), desc="shortlists", file=sys.stderr):
                flag = bool(i % 2)
                started = time.perf_counter()
                response = (on if flag else off).get(
                    f"/api/v1/needs/{needs[(i // 2) % len(needs)]}/shortlist", headers=headers
                )
                times[flag].append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            with apps[True].state.engine.connect() as conn:
                written = conn.scalar(select(func.count()).select_from(Impression))
        for app in apps.values():
            app.state.engine.dispose()
    database = "postgresql" if url.startswith("postgresql") else "sqlite"
    for flag, values in times.items():
        ms = sorted(values[10:])  # warm-up
        print(
            json.dumps(
                {
                    "db": database,
                    "log_impressions": flag,
                    "requests": len(ms),
                    "p50_ms": round(ms[len(ms) // 2], 2),
                    "p90_ms": round(ms[int(len(ms) * 0.9)], 2),
                    "p99_ms": round(ms[int(len(ms) * 0.99)], 2),
                }
            )
        )
    print(json.dumps({"db": database, "impressions_written": written, "needs": len(needs)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
