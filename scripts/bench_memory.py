"""Memory of 1 and of 4 workers serving one catalog: does a second worker cost a second copy?

A synthetic catalog (``bench_startup.py``'s) is written into a fresh database; one start of
``xieshou serve`` builds and writes the matching-index snapshot; then ``xieshou serve
--workers W`` is started for each W of ``--workers``, every worker loads the snapshot (its
arrays memory-mapped from the same files), ``--warm`` shortlists are asked over fresh
connections (so every worker ranks, touching the pages it needs), and each process's memory
is read from ``/proc/<pid>/smaps_rollup``:

- ``pss_mb``: proportional set size (a page shared by k processes counts 1/k in each): the
  sum over processes is what the server costs the machine;
- ``uss_mb``: private pages only (``Private_Clean + Private_Dirty``);
- ``rss_mb``: resident pages, shared ones counted in full in every process.

Several workers are started two ways in the same run (``--servers``): ``preload``, the
default of ``xieshou serve`` (gunicorn imports the app and loads the dictionaries once, then
forks the workers, which share those pages) and ``spawn`` (``--no-preload``: uvicorn spawns
workers that each import the app, as before). One worker is one uvicorn process
(``single``, the default of ``xieshou serve``) and, when ``preload`` is asked for, also the
preloading server with one worker (``--preload``: gunicorn's parent and one forked worker, the
same shape as several), so that the ratio has a like-for-like baseline (the plain uvicorn
process never loads the word segmenter's dictionary nor the snapshot's objects before
serving).

Per run: ``total_*`` sums every process of the server's tree, ``web_*`` only the web tier
(the workers and, with several, their supervisor), leaving out the job consumer process the
workers start (``supervisor`` and ``job_consumer`` give those alone). ``--modes cold``
measures the same with snapshots off (every worker builds its own index). One JSON line per
(mode, server, workers), then the ratio of each several-worker run to each 1-worker one in
the same run (``vs_server``). ``--repeat`` runs every shape again, alternated, and the
ratios are of the medians; ``--drop-caches`` (root) empties the page cache before each
start, so that every shape maps the index's files from a cold cache (without it, a start
right after one that read the files maps more of them: the plain process measured 363 MB in
one run and 575 MB in another); ``--trees`` serves the code of other checkouts (a git
worktree of an earlier commit) in the same run, alternated, for a before → after.
``pss_anon_mb`` and ``pss_file_mb`` split each figure into the heap and mapped files (code,
the index's arrays). Linux only. Progress goes to stderr::

    python scripts/bench_memory.py --profiles 1000000 --db postgresql --workers 1,4
    python scripts/bench_memory.py --url … --data-dir … --profiles 1000000 --workers 1,4 \
        --servers preload --warm 100 --drop-caches --repeat 2 --trees /tmp/before,.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from bench_matching import open_need_ids
from bench_startup import SERVE, _message, database, has_snapshot, time_one_start
from bench_support import admin_key, free_port, progress, server_env


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += _children(p)
    return found


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


def memory_of(pid: int) -> dict[str, float]:
    """PSS, USS and RSS of one process in MB (``/proc/<pid>/smaps_rollup``)."""
    kb: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        kb[name] = int(value.split()[0])
    return {
        "pss_mb": round(kb["Pss"] / 1024, 1),
        "uss_mb": round((kb["Private_Clean"] + kb["Private_Dirty"]) / 1024, 1),
        "rss_mb": round(kb["Rss"] / 1024, 1),
        # where the PSS is: the heap (anonymous) or mapped files (code, the index's arrays)
        "pss_anon_mb": round(kb.get("Pss_Anon", 0) / 1024, 1),
        "pss_file_mb": round(kb.get("Pss_File", 0) / 1024, 1),
    }


def drop_page_cache() -> None:
    """Write back and drop the page cache, so that each start maps the index's files from a
    cold cache: how many of a file's pages a process maps depends on how many are cached (the
    kernel maps cached neighbours of a faulted page too), so without this one shape can measure
    ~200 MB more than another only because it ran after a start that read the files. Needs
    root (``/proc/sys/vm/drop_caches``)."""
    os.sync()
    Path("/proc/sys/vm/drop_caches").write_text("1\n")


def _kind(pid: int, root: int, cmd: str) -> str:
    """What a process of the server's tree is: ``job_consumer`` (the jobs' child process),
    ``worker`` (a web worker), ``supervisor`` (the parent of several workers) or ``other``."""
    if "--exit-with" in cmd or "app.cli worker" in cmd:
        return "job_consumer"
    if "spawn_main" in cmd or "app.cli serve" in cmd:
        return "supervisor" if pid == root else "worker"
    return "other"


def measure_workers(
    url: str,
    key: str,
    need_ids: list[int],
    *,
    workers: int,
    server: str,
    env: dict[str, str],
    args: argparse.Namespace,
    tree: str | None = None,
) -> dict[str, object]:
    """Start ``xieshou serve --workers`` until every worker has its index, warm it, measure
    (the code of checkout ``tree`` when given, else of this one).

    ``server`` is ``preload`` (the default: with several workers, gunicorn loads the app once
    and forks them) or ``spawn`` (``--no-preload``: uvicorn spawns workers that each import
    the app).
    """
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if args.drop_caches:
        drop_page_cache()
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    extra = {"spawn": ["--no-preload"], "preload": ["--preload"]}.get(server, [])
    proc = subprocess.Popen(
        [*SERVE, "--port", str(port), "--workers", str(workers), *extra],
        env=server_env(url, "INFO") | {"XIESHOU_LOG_FORMAT": "json"} | env,
        stderr=log,
        cwd=tree,  # `python -m app.cli` imports the app of its working directory first
    )
    try:
        deadline = time.monotonic() + args.timeout
        while True:
            log.seek(0)
            lines = [_message(x) for x in log.read().decode("utf-8", "replace").splitlines()]
            ready = sum(
                1 for m in lines if m.startswith(("matching index loaded", "matching index built"))
            )
            if ready >= workers:
                break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"only {ready} of {workers} workers got their index")
            time.sleep(0.2)
        headers = {"Authorization": f"Bearer {key}"}
        for i in range(args.warm):  # fresh connections: the kernel spreads them over workers
            r = httpx.get(
                f"{base}/api/v1/needs/{need_ids[i % len(need_ids)]}/shortlist?limit=20",
                headers=headers,
                timeout=120,
            )
            r.raise_for_status()
        time.sleep(1)
        per: dict[int, dict[str, float]] = {}
        kind: dict[int, str] = {}
        for pid in _tree(proc.pid):
            with contextlib.suppress(OSError):
                per[pid] = memory_of(pid)
                kind[pid] = _kind(pid, proc.pid, _cmdline(pid))
        if workers == 1 and server == "single":  # one worker: the server process itself
            kind = {p: "worker" if k == "supervisor" else k for p, k in kind.items()}
        kinds = ("pss_mb", "uss_mb", "rss_mb", "pss_anon_mb", "pss_file_mb")

        def total(pids: list[int]) -> dict[str, float]:
            return {k: round(sum(per[p][k] for p in pids), 1) for k in kinds}

        web = [p for p in per if kind[p] in ("worker", "supervisor")]
        return {
            "processes": len(per),
            "worker_processes": sum(1 for k in kind.values() if k == "worker"),
            **{f"total_{k}": v for k, v in total(list(per)).items()},
            **{f"web_{k}": v for k, v in total(web).items()},
            "per_worker": [per[p] for p in per if kind[p] == "worker"],
            "supervisor": next((per[p] for p in per if kind[p] == "supervisor"), None),
            "job_consumer": next((per[p] for p in per if kind[p] == "job_consumer"), None),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()


def _medians(runs: list[dict[str, object]]) -> dict[str, float]:
    """The median of every ``total_*`` and ``web_*`` figure over the runs of one shape."""
    keys = [k for k in runs[0] if k.startswith(("total_", "web_"))]
    return {k: statistics.median(float(r[k]) for r in runs) for k in keys}  # type: ignore[arg-type]


def main() -> int:
    """Run the benchmark; see the module docstring."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--profiles", type=int, default=100_000)
    ap.add_argument("--needs", type=int, default=50)
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    ap.add_argument("--workers", default="1,4")
    ap.add_argument("--modes", default="snapshot", help="snapshot, cold or both")
    ap.add_argument(
        "--servers",
        default="preload,spawn",
        help="preload (load once, fork: the default of xieshou serve for several workers; "
        "with 1 worker also measured through it), "
        "spawn (--no-preload: uvicorn's spawned workers each import the app), or both",
    )
    ap.add_argument("--loader", choices=["bulk", "import"], default="bulk")
    ap.add_argument("--warm", type=int, default=200, help="shortlists asked before measuring")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs of every shape, alternated; ratios of medians"
    )
    ap.add_argument(
        "--trees",
        default="",
        help="checkouts whose code to serve, alternated within each repeat (e.g. a git "
        "worktree of an earlier commit, then .); default: this one",
    )
    ap.add_argument(
        "--drop-caches",
        action="store_true",
        help="drop the page cache before each start (root): every shape starts from a cold cache",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--url", help="a database already filled (bench_startup.py --fill-only)")
    ap.add_argument(
        "--data-dir",
        help="the data folder of the snapshot runs (kept; a snapshot in it is used, not written)",
    )
    args = ap.parse_args()
    servers = [s for s in args.servers.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp, database(args, Path(tmp)) as url:
        key = admin_key(url)
        need_ids = open_need_ids(url)
        for mode in [m for m in args.modes.split(",") if m]:
            data = Path(tempfile.mkdtemp(dir=tmp))
            if mode == "snapshot" and args.data_dir:
                data = Path(args.data_dir)
            env = {"XIESHOU_DATA_DIR": str(data)}
            if mode == "cold":
                env["XIESHOU_INDEX_SNAPSHOTS"] = "false"
            elif not has_snapshot(url, data):
                progress("writing the snapshot (one start) …")
                first, _ = time_one_start(
                    url, key, need_ids[0], workers=1, timeout_s=args.timeout, env=env
                )
                progress(f"  {first}")
            trees = [t for t in args.trees.split(",") if t] or [None]
            runs: dict[tuple[str | None, int, str], list[dict[str, object]]] = {}
            for _ in range(args.repeat):
                for tree in trees:
                    for workers in [int(w) for w in args.workers.split(",")]:
                        shapes = (
                            servers if workers > 1 else ["single", *(set(servers) & {"preload"})]
                        )
                        for server in shapes:
                            progress(f"{mode}: {tree or '.'}: {workers} worker(s), {server} …")
                            got = measure_workers(
                                url,
                                key,
                                need_ids,
                                workers=workers,
                                server=server,
                                env=env,
                                args=args,
                                tree=tree,
                            )
                            runs.setdefault((tree, workers, server), []).append(got)
                            line = {
                                "stage": "memory",
                                "mode": mode,
                                "tree": tree,
                                "server": server,
                                "db": args.db,
                                "profiles": args.profiles,
                                "workers": workers,
                                "warm": args.warm,
                                "drop_caches": args.drop_caches,
                                **got,
                            }
                            print(json.dumps(line), flush=True)
            totals = {shape: _medians(got) for shape, got in runs.items()}
            for (tree, workers, server), mid in totals.items():
                for (base_tree, base_workers, base_server), one in totals.items():
                    if workers == 1 or base_workers != 1 or base_tree != tree:
                        continue
                    ratio = {
                        f"{k}_ratio": round(mid[k] / one[k], 2)
                        for k in ("web_pss_mb", "total_pss_mb", "total_uss_mb", "total_rss_mb")
                    }
                    line = {
                        "stage": "memory_ratio",
                        "mode": mode,
                        "tree": tree,
                        "server": server,
                        "profiles": args.profiles,
                        "workers": workers,
                        "vs_workers": 1,
                        "vs_server": base_server,
                        "runs": args.repeat,
                        "web_pss_mb": round(mid["web_pss_mb"], 1),
                        "vs_web_pss_mb": round(one["web_pss_mb"], 1),
                        **ratio,
                    }
                    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
