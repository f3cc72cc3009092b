"""How often a request reads the change log itself, at one request every 0.2 s.

A request here is what an open need's shortlist asks of the matching index (``open_need``,
then ``marks_on_need``). The change feed's reads are counted by the thread that makes them:
the index's own background thread (``matching-index``) or the request's. Another "worker" (a
second sessionmaker on the same database) writes a profile change every ``--write-every``
seconds, so there is something to catch up with.

    .venv/bin/python scripts/bench_freshness.py --requests 50
    .venv/bin/python scripts/bench_freshness.py --database-url postgresql+psycopg://…

Prints one JSON line: requests, requests that read the log on their own thread, background
reads, and how long the other worker's changes took to reach this one (commit to applied:
median and max). Works against older versions of the index too (it only wraps
``ChangeFeed.read`` and watches change batches).
"""

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from app.matches.index import MatchingIndex
from app.migrate import upgrade
from app.platform import changes
from app.platform.db import make_engine, make_sessionmaker


def main() -> None:
    """Run the measurement and print its JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--every", type=float, default=0.2, help="seconds between requests")
    parser.add_argument("--write-every", type=float, default=1.0, help="0: no other writer")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    url = args.database_url
    if not url:
        url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'fresh.db'}"
    upgrade(url)

    reads: dict[str, int] = {}
    lock = threading.Lock()
    original = changes.ChangeFeed.read

    def counted(self: changes.ChangeFeed, session: Any) -> changes.ChangeBatch:
        name = threading.current_thread().name
        with lock:
            reads[name] = reads.get(name, 0) + 1
        return original(self, session)

    changes.ChangeFeed.read = counted  # type: ignore[method-assign]

    committed: dict[int, float] = {}
    applied: dict[int, float] = {}

    def watch(batch: changes.ChangeBatch) -> None:
        now = time.perf_counter()
        for profile_id in batch.profiles:
            applied.setdefault(profile_id, now)

    index = MatchingIndex(make_sessionmaker(make_engine(url)), watchers=[watch])
    index.start(wait=True)
    other = make_sessionmaker(make_engine(url))  # another worker's writes
    stop = threading.Event()

    def write() -> None:
        n = 10**9  # no such profiles: applying them is a no-op
        while not stop.wait(args.write_every):
            n += 1
            with other() as session:
                changes.record(session, changes.PROFILE, n)
                committed[n] = time.perf_counter()  # the lag counts the commit itself
                session.commit()

    writer = threading.Thread(target=write, name="other-worker", daemon=True)
    if args.write_every > 0:
        writer.start()
    time.sleep(1.0)  # settle

    def request(i: int, out: list[int]) -> None:
        before = reads.get(threading.current_thread().name, 0)
        index.open_need(1)
        index.marks_on_need(1, [])
        out.append(reads.get(threading.current_thread().name, 0) - before)

    per_request: list[int] = []
    background_before = reads.get("matching-index", 0)
    started = time.perf_counter()
    for i in range(args.requests):
        # Each request on a thread of its own, as the server's thread pool would run it.
        thread = threading.Thread(target=request, args=(i, per_request), name=f"request-{i}")
        thread.start()
        thread.join()
        time.sleep(args.every)
    elapsed = time.perf_counter() - started
    stop.set()
    time.sleep(1.0)  # the last write's catch-up
    index.stop()
    lags = sorted(applied[n] - t for n, t in committed.items() if n in applied)
    print(
        json.dumps(
            {
                "bench": "freshness",
                "database": make_engine(url).dialect.name,
                "requests": args.requests,
                "every_s": args.every,
                "requests_reading_log": sum(1 for n in per_request if n),
                "request_thread_reads": sum(per_request),
                "background_reads": reads.get("matching-index", 0) - background_before,
                "seconds": round(elapsed, 2),
                "changes": len(committed),
                "changes_applied": len(lags),
                "lag_ms_median": round(statistics.median(lags) * 1000, 1) if lags else None,
                "lag_ms_max": round(lags[-1] * 1000, 1) if lags else None,
            }
        )
    )


if __name__ == "__main__":
    main()
