"""Shortlist latency over HTTP while an import and a schedule solve run, against idle.

A synthetic catalog (``--profiles`` SMEs with profiles and ``--needs`` open needs, the
generator of ``bench_matching.py``) is bulk-imported into a fresh database, with
``--import-rows`` more SMEs without profiles, and a session (``--buyers`` large firms with two
open needs each, ``--smes`` SMEs of the catalog, ``--slots`` slots) is set up through the API.
Then a real server (``xieshou serve --workers N``) is started and ``--clients`` clients ask
for shortlists of the open needs, in three phases of the same run:

- ``idle``: nothing else runs, for ``--idle-s`` seconds;
- ``under_load``: meanwhile ``POST /api/v1/imports/profiles`` uploads profiles for the
  ``--import-rows`` SMEs, and ``POST /api/v1/events/{id}/schedule`` solves the session,
  again and again until the import has answered; and a writer edits capability profiles of
  the catalog (``PATCH /api/v1/profiles/{id}`` with its ``If-Match``, one every
  ``--edit-every-s``), counting its answers by status (a 503 is a writer refused while
  another held the database) and their p50 / max;
  (An import or solve that answers 202 with a background job is followed to the job's end.)
- ``idle_after``: idle again, for ``--idle-s`` seconds (the index is now larger: this tells
  the growth of the catalog from the interference of the work).

One JSON line per phase (requests, rps, p50/p99/max ms, errors), one for the import and the
solves, and one summary line per database with ``p99_ratio`` = under-load p99 / idle p99
(goal ≤ 2). Progress goes to stderr::

    python scripts/bench_under_load.py --db sqlite,postgresql --workers 1
    python scripts/bench_under_load.py --db sqlite --jobs process,threads
    python scripts/bench_under_load.py --db postgresql --workers 2 --jobs worker
    python scripts/bench_under_load.py --db sqlite --profiles 20000 --import-rows 20000 --idle-s 10

``--jobs`` says who runs the jobs (several, comma-separated: one run each, one after the
other, each on a fresh database): ``process`` the consumer process the web workers start
(the embedded default), ``threads`` the web worker's own threads (``XIESHOU_JOBS_PROCESS=
false``, as before), ``worker`` a separate ``xieshou worker`` process (the production shape;
``--job-worker`` is the same). The machine is shared: each figure is compared with the idle
phase of the same run only. On SQLite the ``background_work`` line also has ``lock_max_s``
and ``lock_s``: how long the database's writer turn was held by others while the work ran
(``bench_import.py``'s probe).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_import import LockProbe
from bench_matching import (
    load_catalog,
    open_need_ids,
    synthetic_catalog,
    write_import_files,
)
from bench_support import (
    admin_key,
    percentile,
    product_vocabulary,
    progress,
    running_server,
    scratch_database,
    server_env,
)


def _emit(line: dict[str, object]) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


def prepare_files(
    folder: Path, vocab: list[str], profiles: int, needs: int, import_rows: int, seed: int
) -> tuple[dict[str, Path], dict[str, Path]]:
    """Import files: the catalog, and the SMEs (firms) and profiles of the import under load.

    The second set's ids follow the catalog's, so their 统一社会信用代码 do not collide; its
    firms file leaves out the large firm (already in the catalog).
    """
    base_records, queries = synthetic_catalog(vocab, profiles, needs, seed)
    (folder / "base").mkdir()
    base = write_import_files(folder / "base", base_records, queries)
    extra_records, _ = synthetic_catalog(vocab, import_rows, 0, seed + 1)
    extra_records = [replace(p, id=p.id + profiles) for p in extra_records]
    (folder / "extra").mkdir()
    extra = write_import_files(folder / "extra", extra_records, [])
    lines = extra["firms"].read_text(encoding="utf-8").splitlines(keepends=True)
    extra["firms"].write_text("".join(lines[1:]), encoding="utf-8")
    return base, extra


def load_extra_firms(url: str, firms: Path) -> float:
    """Bulk-import the firms whose profiles the import under load will bring; seconds."""
    from app.imports.columns import ImportKind
    from app.imports.command import import_file

    t0 = time.perf_counter()
    report = import_file(url, ImportKind.firms, firms)
    if not report.written or report.rejected:
        raise SystemExit(f"firms import failed: {report.problems[:5]}")
    return time.perf_counter() - t0


def sme_ids(url: str, count: int) -> list[int]:
    """Ids of ``count`` SMEs of the catalog that have a profile."""
    from sqlalchemy import select

    from app.models import CapabilityProfile
    from app.platform.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            query = select(CapabilityProfile.organization_id).order_by(CapabilityProfile.id)
            return list(conn.scalars(query.limit(count)))
    finally:
        engine.dispose()


def profile_ids(url: str, count: int) -> list[int]:
    """Ids of ``count`` capability profiles of the catalog (edited while the import runs)."""
    from sqlalchemy import select

    from app.models import CapabilityProfile
    from app.platform.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            query = select(CapabilityProfile.id).order_by(CapabilityProfile.id.desc())
            return list(conn.scalars(query.limit(count)))
    finally:
        engine.dispose()


def _ok(response: httpx.Response, what: str) -> dict[str, Any]:
    if response.status_code >= 300:
        raise SystemExit(f"{what}: {response.status_code} {response.text[:300]}")
    return dict(response.json())


def set_up_session(
    client: httpx.Client, vocab: list[str], smes: list[int], buyers: int, slots: int, seed: int
) -> int:
    """An organizer's session with ``buyers`` large firms (two open needs each) and ``smes``,
    open for registration; its id. Everything through the API with an admin key."""
    from app.reference.uscc import uscc_check_char

    rng = random.Random(seed)

    def uscc(n: int) -> str:
        body = f"91110000{900_000_000 + n:09d}"
        return body + uscc_check_char(body)

    organizer = _ok(
        client.post(
            "/api/v1/organizations",
            json={
                "kind": "organizer",
                "name": "基准洽谈会主办方",
                "uscc": uscc(0),
                "region_code": "110000",
            },
        ),
        "organizer",
    )["id"]
    day = [
        {
            "start": f"{9 + i // 2:02d}:{(i % 2) * 30:02d}",
            "end": f"{9 + i // 2:02d}:{(i % 2) * 30 + 20:02d}",
        }
        for i in range(slots)
    ]
    event = _ok(
        client.post(
            "/api/v1/events",
            json={
                "organization_id": organizer,
                "name": "基准对接会",
                "focus": "装备制造",
                "region_code": "440300",
                "venue": "会展中心",
                "date": "2026-12-30",
                "slots": day,
                "meeting_minutes": 20,
            },
        ),
        "event",
    )
    event = _ok(
        client.patch(
            f"/api/v1/events/{event['id']}",
            json={"status": "registration"},
            headers={"If-Match": f'"{event["version"]}"'},
        ),
        "registration",
    )
    for n in range(1, buyers + 1):
        firm = _ok(
            client.post(
                "/api/v1/organizations",
                json={
                    "kind": "large_firm",
                    "name": f"基准买方{n}集团有限公司",
                    "uscc": uscc(n),
                    "region_code": "440300",
                },
            ),
            "buyer",
        )["id"]
        for product in rng.sample(vocab, 2):
            _ok(
                client.post(
                    "/api/v1/needs",
                    json={
                        "organization_id": firm,
                        "title": f"采购{product}",
                        "products": [product],
                        "status": "open",
                    },
                ),
                "need",
            )
        _ok(
            client.post(
                f"/api/v1/events/{event['id']}/participants",
                json={"organization_id": firm, "tables": 2},
            ),
            "buyer participant",
        )
    for org in smes:
        _ok(
            client.post(
                f"/api/v1/events/{event['id']}/participants", json={"organization_id": org}
            ),
            "sme participant",
        )
    return int(event["id"])


async def shortlists(
    base: str, key: str, need_ids: list[int], clients: int, stop: threading.Event, max_s: float
) -> dict[str, Any]:
    """``clients`` clients ask for shortlists until ``stop`` is set (or ``max_s`` passed)."""
    gc.collect()
    gc.freeze()  # the load generator's own collections are not the server's latency
    latencies: list[float] = []
    errors: dict[str, int] = {}
    counter = itertools.count()
    ends = time.monotonic() + max_s

    async def one(client: httpx.AsyncClient) -> None:
        while not stop.is_set() and time.monotonic() < ends:
            need = need_ids[next(counter) % len(need_ids)]
            started = time.perf_counter()
            try:
                r = await client.get(f"/api/v1/needs/{need}/shortlist", params={"limit": 20})
                status = str(r.status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            took = time.perf_counter() - started
            if status == "200":
                latencies.append(took)
            else:
                errors[status] = errors.get(status, 0) + 1

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:
        started = time.perf_counter()
        await asyncio.gather(*(one(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    gc.unfreeze()
    if not latencies:
        return {"requests": 0, "errors": errors, "seconds": round(elapsed, 1)}
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 1),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
        "errors": errors,
    }


FINISHED = {"succeeded", "failed", "cancelled"}


def finish(client: httpx.Client, response: httpx.Response) -> tuple[str, dict[str, Any]]:
    """The outcome of a call: its own answer, or, when it answered 202 with a background job,
    the job's once it has ended (polled every 0.2 s)."""
    if response.status_code != 202:
        return str(response.status_code), dict(response.json())
    url = response.headers["location"]
    while True:
        job = client.get(url)
        if job.status_code != 200:
            return f"job {job.status_code}", {}
        body = dict(job.json())
        if body["status"] in FINISHED:
            return f"job {body['status']}", body
        time.sleep(0.2)


def edit_profiles(
    client: httpx.Client, ids: list[int], every_s: float, stop: threading.Event
) -> dict[str, Any]:
    """Edit the profiles ``ids`` in turn (read for the ETag, then ``PATCH`` a new capacity),
    one every ``every_s``, until ``stop``; the edits' answers by status and their timing."""
    statuses: dict[str, int] = {}
    took: list[float] = []
    for n in itertools.count():
        if stop.is_set():
            break
        profile = ids[n % len(ids)]
        started = time.perf_counter()
        try:
            etag = client.get(f"/api/v1/profiles/{profile}").headers.get("etag", "")
            r = client.patch(
                f"/api/v1/profiles/{profile}",
                json={"capacity": f"年产 {n} 万件"},
                headers={"If-Match": etag},
            )
            status = str(r.status_code)
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        took.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        stop.wait(every_s)
    return {
        "count": len(took),
        "statuses": statuses,
        "p50_s": round(statistics.median(took), 3) if took else None,
        "max_s": round(max(took), 2) if took else None,
    }


def background_work(
    base: str,
    key: str,
    profiles_file: Path,
    event_id: int,
    partial: bool,
    done: threading.Event,
    edit_ids: list[int] | None = None,
    edit_every_s: float = 0.25,
    sqlite_path: str | None = None,
) -> dict[str, Any]:
    """Upload the import; meanwhile solve the session again and again, and edit the profiles
    ``edit_ids``. Sets ``done`` when the import has answered and the solve and edit running
    then have finished."""
    out: dict[str, Any] = {}
    headers = {"Authorization": f"Bearer {key}"}
    imported = threading.Event()

    def run_import() -> None:
        started = time.perf_counter()
        try:
            with (
                profiles_file.open("rb") as f,
                httpx.Client(base_url=base, headers=headers, timeout=3600) as client,
            ):
                r = client.post(
                    "/api/v1/imports/profiles",
                    params={"partial": str(partial).lower()},
                    files={"file": (profiles_file.name, f, "application/jsonl")},
                )
                answered = time.perf_counter() - started
                status, body = finish(client, r)
            result = body.get("result") or body
            out["import"] = {
                "status": status,
                "answered_s": round(answered, 1),
                "seconds": round(time.perf_counter() - started, 1),
                "written": result.get("written"),
                "rejected": result.get("rejected"),
            }
        except httpx.HTTPError as exc:
            out["import"] = {"error": type(exc).__name__}
        finally:
            imported.set()

    def run_solves() -> None:
        solves: list[float] = []
        statuses: list[str] = []
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            while not imported.is_set():
                started = time.perf_counter()
                r = client.post(f"/api/v1/events/{event_id}/schedule")
                status, body = finish(client, r)
                solves.append(time.perf_counter() - started)
                statuses.append(status)
                if status not in ("200", "job succeeded"):
                    progress(f"  schedule: {status} {str(body)[:200]}")
                    imported.wait(1)
                elif not out.get("meetings"):
                    result = body.get("result") or body
                    out["meetings"] = result.get("scheduled", len(result.get("meetings", [])))
        out["solves"] = {
            "count": len(solves),
            "statuses": sorted(set(statuses)),
            "median_s": round(statistics.median(solves), 2) if solves else None,
            "max_s": round(max(solves), 2) if solves else None,
        }

    def run_edits() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            out["edits"] = edit_profiles(client, edit_ids or [], edit_every_s, imported)

    threads = [
        threading.Thread(target=run_import, daemon=True),
        threading.Thread(target=run_solves, daemon=True),
    ]
    if edit_ids:
        threads.append(threading.Thread(target=run_edits, daemon=True))

    def supervise() -> None:
        probe = LockProbe(sqlite_path).start() if sqlite_path else None
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if probe is not None:
            out.update(probe.stop())
        done.set()

    threading.Thread(target=supervise, daemon=True).start()
    return out


@contextmanager
def jobs_mode(url: str, mode: str) -> Iterator[None]:
    """Run the block's server with its jobs run by ``mode`` (see the module's documentation)."""
    if mode == "process":
        yield
    elif mode == "threads":
        os.environ["XIESHOU_JOBS_PROCESS"] = "false"  # read by the server started in the block
        try:
            yield
        finally:
            del os.environ["XIESHOU_JOBS_PROCESS"]
    elif mode == "worker":
        with job_worker(url):
            yield
    else:
        raise SystemExit(f"--jobs: unknown mode {mode!r} (process, threads, worker)")


@contextmanager
def job_worker(url: str) -> Iterator[None]:
    """The web workers only enqueue (``XIESHOU_JOBS_CONSUMER=false``) and a ``xieshou worker``
    process runs the jobs, until the block ends."""
    os.environ["XIESHOU_JOBS_CONSUMER"] = "false"  # read by the server started in the block
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "worker"], env=server_env(url))
    try:
        yield
    finally:
        del os.environ["XIESHOU_JOBS_CONSUMER"]
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def bench(db: str, mode: str, args: argparse.Namespace, vocab: list[str]) -> None:
    """One database, jobs run by ``mode``: load, serve, and the three phases."""
    common: dict[str, object] = {
        "db": db,
        "profiles": args.profiles,
        "import_rows": args.import_rows,
        "clients": args.clients,
        "workers": args.workers,
        "jobs": mode,
    }
    with tempfile.TemporaryDirectory() as tmp, scratch_database(db) as url:
        progress(f"[{db}] writing import files …")
        base, extra = prepare_files(
            Path(tmp), vocab, args.profiles, args.needs, args.import_rows, args.seed
        )
        progress(f"[{db}] importing the catalog ({args.profiles} SMEs and profiles) …")
        loaded = load_catalog(url, base)
        progress(
            f"[{db}] importing {args.import_rows} more SMEs (their profiles come under load) …"
        )
        loaded["extra_firms_s"] = round(load_extra_firms(url, extra["firms"]), 2)
        _emit({"stage": "setup", **common, **loaded})
        key = admin_key(url)
        smes = sme_ids(url, args.smes)
        edit_ids = profile_ids(url, args.edits)
        progress(f"[{db}] starting xieshou serve --workers {args.workers} …")
        with (
            jobs_mode(url, mode),
            running_server(url, workers=args.workers, ready_timeout_s=args.ready_timeout) as srv,
        ):
            _emit({"stage": "startup", **common, "spawn_to_readyz_s": round(srv.ready_s, 2)})
            with httpx.Client(
                base_url=srv.base, headers={"Authorization": f"Bearer {key}"}, timeout=120
            ) as client:
                progress(
                    f"[{db}] session: {args.buyers} buyers, {len(smes)} SMEs, {args.slots} slots …"
                )
                event_id = set_up_session(client, vocab, smes, args.buyers, args.slots, args.seed)
            need_ids = open_need_ids(url)
            warm = threading.Event()
            asyncio.run(shortlists(srv.base, key, need_ids, args.clients, warm, 3))

            def phase(name: str, stop: threading.Event, max_s: float) -> dict[str, Any]:
                progress(f"[{db}] {name} …")
                result = asyncio.run(shortlists(srv.base, key, need_ids, args.clients, stop, max_s))
                line = {"stage": name, **common, **result, "load1": round(os.getloadavg()[0], 2)}
                _emit(line)
                return line

            idle = phase("idle", threading.Event(), args.idle_s)
            done = threading.Event()
            work = background_work(
                srv.base,
                key,
                extra["profiles"],
                event_id,
                args.partial,
                done,
                edit_ids,
                args.edit_every_s,
                url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else None,
            )
            loaded_phase = phase("under_load", done, args.max_load_s)
            done.wait(args.max_load_s)
            _emit({"stage": "background_work", **common, "partial": args.partial, **work})
            after = phase("idle_after", threading.Event(), args.idle_s)
        summary: dict[str, object] = {"stage": "summary", **common}
        if idle.get("p99_ms") and loaded_phase.get("p99_ms"):
            summary |= {
                "idle_p99_ms": idle["p99_ms"],
                "under_load_p99_ms": loaded_phase["p99_ms"],
                "idle_after_p99_ms": after.get("p99_ms"),
                "p99_ratio": round(loaded_phase["p99_ms"] / idle["p99_ms"], 2),
                "p99_ratio_vs_idle_after": round(loaded_phase["p99_ms"] / after["p99_ms"], 2)
                if after.get("p99_ms")
                else None,
                "goal_met": loaded_phase["p99_ms"] <= 2 * idle["p99_ms"],
            }
        _emit(summary)


def main() -> int:
    """Run the benchmark; see the module docstring."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--db", default="sqlite,postgresql", help="sqlite, postgresql or both")
    ap.add_argument("--profiles", type=int, default=100_000)
    ap.add_argument("--needs", type=int, default=50)
    ap.add_argument("--import-rows", type=int, default=100_000)
    ap.add_argument("--partial", action="store_true", help="import with partial=true")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn workers of the server")
    ap.add_argument(
        "--job-worker",
        action="store_true",
        help="the same as --jobs worker",
    )
    ap.add_argument(
        "--jobs",
        default="process",
        help="who runs the jobs: process (the embedded default), threads, worker; several "
        "comma-separated: one run each",
    )
    ap.add_argument(
        "--edits", type=int, default=50, help="profiles edited in turn during the work (0: none)"
    )
    ap.add_argument("--edit-every-s", type=float, default=0.25, help="pause between two edits")
    ap.add_argument("--buyers", type=int, default=20)
    ap.add_argument("--smes", type=int, default=400)
    ap.add_argument("--slots", type=int, default=12)
    ap.add_argument("--idle-s", type=float, default=30)
    ap.add_argument("--max-load-s", type=float, default=900, help="give up the import after")
    ap.add_argument("--ready-timeout", type=float, default=600)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    vocab = product_vocabulary()
    modes = ["worker"] if args.job_worker else args.jobs.split(",")
    for db in args.db.split(","):
        for mode in modes:
            bench(db, mode, args, vocab)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
