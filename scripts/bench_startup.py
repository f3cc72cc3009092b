"""Start-up: spawn → first /healthz, first /readyz and first correct shortlist, over HTTP.

A synthetic catalog (the generator of ``bench_matching.py``) is bulk-imported once into a fresh
database; then ``xieshou serve`` is started ``--repeat`` times on it and each start is timed:

- ``spawn_to_healthz_s``: the process answers (alive; its matching index builds after),
- ``spawn_to_readyz_s``: /readyz says 200 (database, index built and fresh, runners alive),
- ``spawn_to_shortlist_s``: the first ``GET /api/v1/needs/{id}/shortlist`` answered 200 with
  a non-empty list (asked right after healthz: it waits for the index, or is 503 and retried),
- ``healthz_while_building``: how many of the /healthz probes sent between the first healthz
  and readiness were answered 200 within a second (a load balancer's view during the build),
- ``supervisor_kills``: workers uvicorn's supervisor killed as unresponsive ("Child process
  [...] died" in the server's log; with ``--workers`` ≥ 2), ``index_builds``: index builds
  logged (one per worker when none was killed).

One JSON line per start, then one with the medians. Progress goes to stderr::

    python scripts/bench_startup.py --profiles 100000 --db postgresql --repeat 3 --workers 1,2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_matching import (
    DEFAULT_FIRMS,
    load_catalog,
    open_need_ids,
    synthetic_catalog,
    write_import_files,
)
from bench_support import admin_key, free_port, scratch_database, server_env

from matching.catalog import clean_products


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


SERVE = [sys.executable, "-m", "app.cli", "serve", "--no-upgrade"]


def _message(line: str) -> str:
    try:
        return str(json.loads(line).get("message", ""))
    except (ValueError, AttributeError):
        return line


def _status(url: str, **kwargs: object) -> int | None:
    try:
        return httpx.get(url, timeout=1, **kwargs).status_code  # type: ignore[arg-type]
    except httpx.HTTPError:
        return None


def time_one_start(
    url: str, key: str, need_id: int, *, workers: int, timeout_s: float
) -> dict[str, float]:
    """Start ``xieshou serve`` on ``url`` and time it up to its first correct shortlist."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    spawned = time.monotonic()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below) the server's log, for kills
    proc = subprocess.Popen(
        [*SERVE, "--port", str(port), "--workers", str(workers)],
        env=server_env(url, "INFO") | {"XIESHOU_LOG_FORMAT": "json"},
        stderr=log,
    )
    out: dict[str, float] = {}
    probes = answered = 0
    try:
        deadline = spawned + timeout_s
        while _status(f"{base}/healthz") != 200:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("server never answered /healthz")
            time.sleep(0.02)
        out["spawn_to_healthz_s"] = time.monotonic() - spawned

        def first_shortlist() -> None:
            # Its own thread: a shortlist asked early waits (bounded) for the index.
            headers = {"Authorization": f"Bearer {key}"}
            while time.monotonic() < deadline:
                try:
                    r = httpx.get(
                        f"{base}/api/v1/needs/{need_id}/shortlist?limit=20",
                        headers=headers,
                        timeout=60,
                    )
                    if r.status_code == 200 and r.json()["items"]:
                        out["spawn_to_shortlist_s"] = time.monotonic() - spawned
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)

        asking = threading.Thread(target=first_shortlist, daemon=True)
        asking.start()
        while "spawn_to_readyz_s" not in out:
            if time.monotonic() > deadline:
                raise RuntimeError("server never ready")
            probes += 1
            if _status(f"{base}/healthz") == 200:
                answered += 1
            if _status(f"{base}/readyz") == 200:
                out["spawn_to_readyz_s"] = time.monotonic() - spawned
            time.sleep(0.05)
        asking.join(timeout=max(1.0, deadline - time.monotonic()))
        if "spawn_to_shortlist_s" not in out:
            raise RuntimeError("no correct shortlist")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.seek(0)
        messages = [_message(line) for line in log.read().decode("utf-8", "replace").splitlines()]
        log.close()
    out["supervisor_kills"] = sum(
        1 for m in messages if m.startswith("Child process [") and m.endswith("died")
    )
    out["index_builds"] = sum(1 for m in messages if m.startswith("matching index built"))
    out = {k: round(v, 2) for k, v in out.items()}
    out["healthz_while_building"] = answered
    out["healthz_probes_while_building"] = probes
    return out


def main() -> int:
    """Run the benchmark; see the module docstring."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--profiles", type=int, default=100_000)
    ap.add_argument("--needs", type=int, default=50)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", default="1", help="uvicorn workers; a list (1,2) runs each")
    ap.add_argument("--timeout", type=float, default=600, help="seconds to wait for a start")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    vocab = sorted(
        {
            p.name
            for line in DEFAULT_FIRMS.read_text(encoding="utf-8").splitlines()
            for p in clean_products(json.loads(line)["products"])
            if p.name.isprintable()  # the importer refuses control characters (one has U+007F)
        }
    )
    profiles, needs = synthetic_catalog(vocab, args.profiles, args.needs, args.seed)
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.db) as url:
        _log(f"importing {args.profiles} profiles into {args.db} …")
        t0 = time.perf_counter()
        loaded = load_catalog(url, write_import_files(Path(tmp), profiles, needs))
        _log(f"imported in {time.perf_counter() - t0:.1f} s {loaded}")
        key = admin_key(url)
        need_id = open_need_ids(url)[0]
        for workers in [int(w) for w in args.workers.split(",")]:
            common = {"db": args.db, "profiles": args.profiles, "workers": workers}
            runs = []
            for n in range(1, args.repeat + 1):
                _log(f"{workers} worker(s): start {n}/{args.repeat} …")
                run = time_one_start(url, key, need_id, workers=workers, timeout_s=args.timeout)
                runs.append(run)
                load = {"load1": round(os.getloadavg()[0], 2)}  # the machine is shared
                print(
                    json.dumps({"stage": "startup", "run": n, **common, **run, **load}), flush=True
                )
            medians = {
                f"median_{k}": round(statistics.median(r[k] for r in runs), 2)
                for k in ("spawn_to_healthz_s", "spawn_to_readyz_s", "spawn_to_shortlist_s")
            }
            kills = sum(r["supervisor_kills"] for r in runs)
            line = {"stage": "startup_median", **common, "runs": len(runs), **medians}
            print(json.dumps(line | {"supervisor_kills": kills}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
