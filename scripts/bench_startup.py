"""Start-up: spawn → first /healthz, first /readyz and first correct shortlist, over HTTP.

A synthetic catalog (the generator of ``bench_matching.py``) is bulk-imported once into a fresh
database; then ``xieshou serve`` is started ``--repeat`` times on it and each start is timed:

- ``spawn_to_healthz_s``: the process answers (alive; its matching index builds after),
- ``spawn_to_readyz_s``: /readyz says 200 (database, index built and fresh, runners alive),
- ``spawn_to_shortlist_s``: the first ``GET /api/v1/needs/{id}/shortlist`` answered 200 with
  a non-empty list (asked right after healthz: it waits for the index, or is 503 and retried),
- ``cpu_to_shortlist_s``: CPU seconds (user + system) the web processes (the server and its
  workers) had used when that shortlist came, ``job_cpu_to_shortlist_s`` those of the job
  processes they started (Linux: ``/proc``): on a machine shared with other work the wall
  times above stretch with its load, these much less,
- ``healthz_while_building``: how many of the /healthz probes sent between the first healthz
  and readiness were answered 200 within a second (a load balancer's view during the build),
- ``supervisor_kills``: workers the supervisor killed as unresponsive (with ``--workers`` ≥ 2:
  gunicorn's "WORKER TIMEOUT" or "was sent SIGKILL", uvicorn's "Child process [...] died"
  with ``--no-preload``), ``index_builds``: index builds logged (one per worker when none was
  killed).

Each start is made in two modes, in the same run on the same database: ``cold`` (index
snapshots off: every worker builds its index from the database, as before) and ``snapshot``
(the worker loads the index snapshot in the data folder and reads the change log since it).
The first ``snapshot`` start finds no snapshot, builds one and writes it (``snapshot_first``);
the next ``--repeat`` starts load it. A shortlist counts as correct when it lists the same
profiles as the first cold start's.

The catalog is written straight into the tables (``--loader bulk``, the default: fast enough
for a million profiles) or through the importer (``--loader import``).

One JSON line per start, then one with the medians per mode. Progress goes to stderr::

    python scripts/bench_startup.py --profiles 100000 --db postgresql --repeat 3 --workers 1
    python scripts/bench_startup.py --profiles 1000000 --db postgresql --repeat 2 --workers 1

``--tree`` serves other checkouts' code in turns with this one's, start by start, on the same
database and snapshot (one line of medians per tree; every tree's shortlist must equal the
first start's): before and after a change, measured in one run on a shared machine::

    git worktree add /tmp/base <commit>
    python scripts/bench_startup.py --url …/xieshou_bench_mem_1m --data-dir /tmp/data_1m \\
        --profiles 1000000 --db postgresql --modes snapshot --workers 1,4 --tree ,/tmp/base

``--data-dir`` keeps the snapshot starts' data folder (a snapshot already in it is loaded from
the first start: no build). ``--in-process`` times the matching index alone, in the
benchmark's own process (no server, no HTTP, no import of the app counted): one build from
the database that writes a snapshot (or, with ``--data-dir``, a first load of the snapshot
there), then ``--repeat`` indexes loaded from it, each checked by one shortlist against the
first one's::

    python scripts/bench_startup.py --in-process --profiles 1000000 --db postgresql --repeat 3 \\
        --url …/xieshou_bench_1m --data-dir /tmp/data_1m
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_matching import (
    load_catalog,
    open_need_ids,
    synthetic_catalog,
    write_import_files,
)
from bench_support import (
    admin_key,
    free_port,
    product_vocabulary,
    progress,
    scratch_database,
    server_env,
)
from sqlalchemy import insert

from matching.records import NeedRecord, ProfileRecord

SERVE = [sys.executable, "-m", "app.cli", "serve", "--no-upgrade"]


def _message(line: str) -> str:
    try:
        return str(json.loads(line).get("message", ""))
    except (ValueError, AttributeError):
        return line


def _index_seconds(message: str) -> float | None:
    """The seconds in "matching index … in 1.23 s" (its build or load), if given."""
    _head, sep, tail = message.rpartition(" in ")
    if not sep or not tail.endswith(" s"):
        return None
    try:
        return float(tail[:-2])
    except ValueError:
        return None


def _status(url: str, **kwargs: object) -> int | None:
    try:
        return httpx.get(url, timeout=1, **kwargs).status_code  # type: ignore[arg-type]
    except httpx.HTTPError:
        return None


def _cpu_of_tree(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) used so far by process ``pid`` and its descendants: (the
    web processes, the job processes among them: ``… app.cli worker …``). Linux only (/proc);
    NaN elsewhere."""
    proc = Path("/proc")
    if not (proc / str(pid)).is_dir():
        return float("nan"), float("nan")
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        parent[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    web = job = 0.0
    for p, seconds in used.items():
        q = p
        while q not in (pid, 0, 1) and q in parent:
            q = parent[q]
        if q != pid:
            continue
        try:
            args = (proc / str(p) / "cmdline").read_bytes().split(b"\0")
        except OSError:
            args = []
        if b"worker" in args and b"app.cli" in args:
            job += seconds
        else:
            web += seconds
    return web, job


def supervisor_killed(message: str) -> bool:
    """Whether a line of the server's log says its supervisor killed a worker: uvicorn's
    ("Child process [...] died") or gunicorn's ("WORKER TIMEOUT", "... was sent SIGKILL!")."""
    return (
        (message.startswith("Child process [") and message.endswith("died"))
        or message.startswith("WORKER TIMEOUT")
        or "was sent SIGKILL" in message
    )


def bulk_load(url: str, profiles: list[ProfileRecord], needs: list[NeedRecord]) -> float:
    """Migrate the database at ``url`` and write the catalog straight into its tables (firms,
    profiles, one buyer with the needs, all open); seconds taken."""
    from bench_matching import LARGE_FIRM_REGION

    from app.migrate import upgrade
    from app.models import CapabilityProfile, NeedStatus, Organization, SupplyNeed
    from app.models.base import utcnow
    from app.platform.db import make_engine

    started = time.perf_counter()
    upgrade(url)
    engine = make_engine(url)
    now = utcnow()
    stamp = {"created_at": now, "updated_at": now, "version": 1, "description": ""}
    batch = 20_000
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(Organization),
                [
                    {
                        "id": 1,
                        "kind": "large_firm",
                        "name": "基准链主集团股份有限公司",
                        "uscc": f"91{LARGE_FIRM_REGION}000000000X",
                        "region_code": LARGE_FIRM_REGION,
                        **stamp,
                    }
                ],
            )
        for first in range(0, len(profiles), batch):
            part = profiles[first : first + batch]
            with engine.begin() as conn:
                conn.execute(
                    insert(Organization),
                    [
                        {
                            "id": p.id + 2,
                            "kind": "sme",
                            "name": f"基准{p.id}精密制造有限公司",
                            "uscc": f"91{p.id:015d}X",
                            "region_code": p.region_code,
                            "tier": p.tier,
                            **stamp,
                        }
                        for p in part
                    ],
                )
                conn.execute(
                    insert(CapabilityProfile),
                    [
                        {
                            "id": p.id + 1,
                            "organization_id": p.id + 2,
                            "products": [
                                {"name": x.name, "share": round(x.weight or 0, 6)}
                                for x in p.products
                            ],
                            "technologies": [],
                            "processes": [],
                            "materials": [],
                            "certifications": [],
                            "regions_served": [],
                            **stamp,
                        }
                        for p in part
                    ],
                )
            if first and first % 200_000 == 0:
                progress(f"  {first} profiles written …")
        titles = {q.title: q for q in needs}
        with engine.begin() as conn:
            conn.execute(
                insert(SupplyNeed),
                [
                    {
                        "organization_id": 1,
                        "kind": "supply",
                        "status": NeedStatus.open.value,
                        "title": q.title,
                        "products": [q.title.removeprefix("采购")],
                        "application": "",
                        "required_certifications": [],
                        "preferred_regions": [],
                        **stamp,
                    }
                    for q in titles.values()
                ],
            )
        if engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
            with engine.begin() as conn:
                for table in ("organizations", "capability_profiles", "supply_needs"):
                    sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608 (fixed names)
                    conn.exec_driver_sql(sql)
                conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    return time.perf_counter() - started


def time_one_start(
    url: str,
    key: str,
    need_id: int,
    *,
    workers: int,
    timeout_s: float,
    env: dict[str, str] | None = None,
    expect: list[int] | None = None,
    options: tuple[str, ...] = (),
    tree: str | None = None,
) -> tuple[dict[str, float], list[int]]:
    """Start ``xieshou serve`` (with ``options``; the code of checkout ``tree`` when given) on
    ``url`` and time it up to its first correct shortlist (the same profiles as ``expect`` when
    given, else any non-empty one); the times and the ids."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    spawned = time.monotonic()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below) the server's log, for kills
    proc = subprocess.Popen(
        [*SERVE, "--port", str(port), "--workers", str(workers), *options],
        env=server_env(url, "INFO") | {"XIESHOU_LOG_FORMAT": "json"} | (env or {}),
        stderr=log,
        cwd=tree,  # `python -m app.cli` imports the app of its working directory first
    )
    out: dict[str, float] = {}
    ids: list[int] = []
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
                    got = (
                        [i["profile_id"] for i in r.json()["items"]] if r.status_code == 200 else []
                    )
                    if got and (expect is None or got == expect):
                        out["spawn_to_shortlist_s"] = time.monotonic() - spawned
                        web_cpu, job_cpu = _cpu_of_tree(proc.pid)
                        out["cpu_to_shortlist_s"] = web_cpu
                        out["job_cpu_to_shortlist_s"] = job_cpu
                        ids.extend(got)
                        return
                    if got:
                        progress(f"  a shortlist differed from the cold build's: {got[:5]} …")
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
    out["supervisor_kills"] = sum(1 for m in messages if supervisor_killed(m))
    out["index_builds"] = sum(1 for m in messages if m.startswith("matching index built"))
    out["index_loads"] = sum(
        1 for m in messages if m.startswith("matching index loaded from snapshot")
    )
    took = [_index_seconds(m) for m in messages if m.startswith("matching index ")]
    if any(t is not None for t in took):  # the index's own part: load or build, then catch up
        out["index_s"] = max(t for t in took if t is not None)
    out["healthz_to_shortlist_s"] = out["spawn_to_shortlist_s"] - out["spawn_to_healthz_s"]
    out = {k: round(v, 2) for k, v in out.items()}
    out["healthz_while_building"] = answered
    out["healthz_probes_while_building"] = probes
    return out, ids


def catalog(profiles: int, needs: int, seed: int) -> tuple[list[ProfileRecord], list[NeedRecord]]:
    """The synthetic catalog of ``bench_matching.py`` over the shipped firms' product names."""
    return synthetic_catalog(product_vocabulary(), profiles, needs, seed)


def fill(url: str, args: argparse.Namespace, tmp: Path) -> None:
    """Write the catalog into the database at ``url`` (progress and time on stderr)."""
    progress(f"generating {args.profiles} profiles …")
    profiles, needs = catalog(args.profiles, args.needs, args.seed)
    progress(f"writing them into {args.db} ({args.loader}) …")
    t0 = time.perf_counter()
    if args.loader == "bulk":
        bulk_load(url, profiles, needs)
        loaded: object = "bulk"
    else:
        loaded = load_catalog(url, write_import_files(tmp, profiles, needs))
    progress(f"loaded in {time.perf_counter() - t0:.1f} s {loaded}")


@contextmanager
def database(args: argparse.Namespace, tmp: Path) -> Iterator[str]:
    """``--url`` as it is, else a scratch database filled with the catalog."""
    if args.url:
        yield args.url
        return
    with scratch_database(args.db) as url:
        fill(url, args, tmp)
        yield url


def _in_process_index(url: str, data: Path) -> tuple[Any, float]:
    """A :class:`MatchingIndex` on ``url`` with its snapshots under ``data``, built (from the
    newest snapshot, else from the database and then written); seconds its build took."""
    from app.matches.index import MatchingIndex
    from app.matches.snapshots import snapshot_root
    from app.platform.db import make_engine, make_sessionmaker
    from app.platform.settings import get_settings

    sessions = make_sessionmaker(make_engine(url))
    index = MatchingIndex(
        sessions,
        listen=False,
        min_score=get_settings().min_score,
        snapshot_dir=snapshot_root(url, data),
    )
    started = time.perf_counter()
    index.build()
    return index, time.perf_counter() - started


def has_snapshot(url: str, data: Path) -> bool:
    """Whether the data folder ``data`` holds an index snapshot of the database at ``url``."""
    from app.matches.snapshots import snapshot_root

    root = snapshot_root(url, data)
    return root is not None and root.is_dir() and any(root.iterdir())


def _first_ids(index: Any, need_id: int) -> tuple[list[int], float]:
    """The profile ids of ``index``'s shortlist (20) for open need ``need_id``; seconds taken."""
    from datetime import date

    started = time.perf_counter()
    need = index.open_need(need_id)
    got = index.shortlist(
        need.record, limit=20, region_prefix=None, tier=None, min_score=None, today=date.today()
    )
    return [ranked.match.id for ranked, _ in got.items], time.perf_counter() - started


def in_process(url: str, args: argparse.Namespace, tmp: Path) -> None:
    """The index alone, in this process (no server, no HTTP): one build from the database that
    writes the snapshot, then ``--repeat`` indexes loaded from that snapshot (each with the
    change log since it), each asked one shortlist; one JSON line each, then the medians."""
    need_id = open_need_ids(url)[0]
    data = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(dir=tmp))
    common = {"stage": "in_process", "db": args.db, "profiles": args.profiles}
    had = has_snapshot(url, data)
    progress(
        "loading the index from the data folder's snapshot …"
        if had
        else "building the index from the database and writing its snapshot …"
    )
    first, build_s = _in_process_index(url, data)
    expect, first_s = _first_ids(first, need_id)
    mode = "first_load" if had else "build_and_write"
    line = common | {"mode": mode, "index_s": round(build_s, 3)}
    print(json.dumps(line | {"shortlist_s": round(first_s, 3)}), flush=True)
    del first
    loads: list[float] = []
    for n in range(1, args.repeat + 1):
        progress(f"loading from the snapshot {n}/{args.repeat} …")
        index, load_s = _in_process_index(url, data)
        ids, shortlist_s = _first_ids(index, need_id)
        if ids != expect:
            raise RuntimeError(f"the loaded index's shortlist differs: {ids[:5]} …")
        loads.append(load_s)
        line = common | {"mode": "snapshot", "run": n, "index_s": round(load_s, 3)}
        print(json.dumps(line | {"shortlist_s": round(shortlist_s, 3)}), flush=True)
        del index
    line = common | {"mode": "snapshot", "runs": len(loads)}
    print(json.dumps(line | {"median_index_s": round(statistics.median(loads), 3)}), flush=True)


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
    ap.add_argument("--modes", default="cold,snapshot", help="cold, snapshot or both")
    ap.add_argument("--loader", choices=["bulk", "import"], default="bulk")
    ap.add_argument("--timeout", type=float, default=600, help="seconds to wait for a start")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--url", help="a database already filled (by --fill-only): no scratch one")
    ap.add_argument("--fill-only", action="store_true", help="fill --url and stop")
    ap.add_argument(
        "--no-preload",
        action="store_true",
        help="serve --no-preload: several workers spawned by uvicorn, each importing the app "
        "(the default forks them from a parent that loaded it once)",
    )
    ap.add_argument(
        "--data-dir",
        help="the data folder of the snapshot starts (kept; a snapshot in it is loaded from the "
        "first start on), instead of a fresh temporary one",
    )
    ap.add_argument(
        "--tree",
        help="serve the code of these checkouts (comma-separated; an empty item is this one), "
        "taking turns start by start: e.g. ',/tmp/base' with a `git worktree` of an earlier "
        "commit compares after and before in one run; one line of medians per tree",
    )
    ap.add_argument(
        "--in-process",
        action="store_true",
        help="time the index alone in this process: build and write, then --repeat loads",
    )
    args = ap.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    if args.fill_only:
        with tempfile.TemporaryDirectory() as tmp:
            fill(args.url, args, Path(tmp))
        return 0
    if args.in_process:
        with tempfile.TemporaryDirectory() as tmp, database(args, Path(tmp)) as url:
            in_process(url, args, Path(tmp))
        return 0
    with tempfile.TemporaryDirectory() as tmp, database(args, Path(tmp)) as url:
        key = admin_key(url)
        need_id = open_need_ids(url)[0]
        expect: list[int] | None = None
        trees: list[str | None] = [t or None for t in args.tree.split(",")] if args.tree else [None]
        for workers in [int(w) for w in args.workers.split(",")]:
            server = "spawn" if args.no_preload and workers > 1 else "default"
            common = {
                "db": args.db,
                "profiles": args.profiles,
                "workers": workers,
                "server": server,
            }
            for mode in modes:
                data = Path(tempfile.mkdtemp(dir=tmp))  # an empty data folder per mode
                if mode == "snapshot" and args.data_dir:
                    data = Path(args.data_dir)
                env = {"XIESHOU_DATA_DIR": str(data)}
                if mode == "cold":
                    env["XIESHOU_INDEX_SNAPSHOTS"] = "false"
                runs: dict[str | None, list[dict[str, float]]] = {t: [] for t in trees}
                first_builds = mode == "snapshot" and not has_snapshot(url, data)
                starts = args.repeat + (1 if first_builds else 0)
                for n in range(1, starts + 1):
                    stage = "snapshot_first" if first_builds and n == 1 else mode
                    # the trees take turns, start by start: the load of a shared machine moves
                    for tree in trees[:1] if stage != mode else trees:
                        progress(
                            f"{workers} worker(s), {stage}, {tree or 'this tree'}: start {n}/{starts} …"
                        )
                        run, ids = time_one_start(
                            url,
                            key,
                            need_id,
                            workers=workers,
                            timeout_s=args.timeout,
                            env=env,
                            expect=expect,
                            options=("--no-preload",) if args.no_preload else (),
                            tree=tree,
                        )
                        expect = expect or ids
                        if stage == mode:
                            runs[tree].append(run)
                        load = {"load1": round(os.getloadavg()[0], 2)}  # the machine is shared
                        where = {"tree": tree or "this"}
                        line = {"stage": "startup", "mode": stage, "run": n, **where, **common}
                        print(json.dumps(line | run | load), flush=True)
                for tree, done in runs.items():
                    medians = {
                        f"median_{k}": round(statistics.median(r[k] for r in done), 2)
                        for k in (
                            "spawn_to_healthz_s",
                            "spawn_to_readyz_s",
                            "spawn_to_shortlist_s",
                            "healthz_to_shortlist_s",
                            "index_s",
                            "cpu_to_shortlist_s",
                            "job_cpu_to_shortlist_s",
                        )
                        if done and all(k in r for r in done)
                    }
                    kills = sum(r["supervisor_kills"] for r in done)
                    line = {"stage": "startup_median", "mode": mode, "tree": tree or "this"}
                    line |= common | {"runs": len(done)} | medians | {"supervisor_kills": kills}
                    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
