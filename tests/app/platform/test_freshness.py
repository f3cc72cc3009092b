"""One freshness rule: NOTIFY on PostgreSQL, polling otherwise; requests never read the log.

Each test runs a real :class:`MatchingIndex` (a "worker") on its own engine, and writes through
another engine (a second worker) on the same database. A watcher records every change batch
the worker applies, with the moment it saw it.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from app.auth.cache import KeyCache
from app.auth.principal import Principal
from app.matches.index import MatchingIndex
from app.models import Role
from app.platform import changes
from app.platform.changes import ChangeBatch
from app.platform.db import make_engine, make_sessionmaker
from app.platform.notify import Freshness, conninfo


class Seen:
    """Change batches a worker applied, each with when it applied it."""

    def __init__(self) -> None:
        self.batches: list[tuple[float, ChangeBatch]] = []

    def __call__(self, batch: ChangeBatch) -> None:
        self.batches.append((time.monotonic(), batch))

    def first(self, profile_id: int) -> float | None:
        """When the worker first heard of a change of this profile."""
        return min((t for t, b in self.batches if profile_id in b.profiles), default=None)

    def count(self, profile_id: int) -> int:
        """How many batches named this profile."""
        return sum(1 for _, b in self.batches if profile_id in b.profiles)


@contextmanager
def worker(database_url: str, **options: Any) -> Iterator[tuple[MatchingIndex, Seen]]:
    """A started matching index on its own engine, and what it saw."""
    engine = make_engine(database_url)
    seen = Seen()
    index = MatchingIndex(make_sessionmaker(engine), watchers=[seen], **options)
    index.start(wait=True)
    try:
        yield index, seen
    finally:
        index.stop()
        engine.dispose()


@pytest.fixture
def other(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Another worker's sessions (its own engine)."""
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def log_change(sessions: sessionmaker[Session], profile_id: int) -> float:
    """Log a change of a profile and commit; when it committed."""
    with sessions() as session:
        changes.record(session, changes.PROFILE, profile_id)
        session.commit()
    return time.monotonic()


def wait_for_change(seen: Seen, profile_id: int, timeout_s: float) -> float:
    """When the worker saw the change (fails after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while (at := seen.first(profile_id)) is None:
        assert time.monotonic() < deadline, f"change of {profile_id} not seen in {timeout_s} s"
        time.sleep(0.005)
    return at


def wait_until(condition: Any, timeout_s: float = 10.0) -> None:
    """Poll until ``condition()`` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def is_postgres(engine: Engine) -> bool:
    """Whether the test database is PostgreSQL."""
    return engine.dialect.name == "postgresql"


# -- requests never read the log in steady state --------------------------------------------


@pytest.mark.parametrize("listen", [True, False], ids=["notify-if-postgres", "polling"])
def test_requests_every_0_2_s_never_read_the_change_log_themselves(
    database_url: str, other: sessionmaker[Session], listen: bool
) -> None:
    with worker(database_url, freshness_s=0.5, listen=listen) as (index, seen):
        latencies = []
        for i in range(15):  # 3 s: one request each 0.2 s, another worker writing each 0.4 s
            if i % 2 == 0:
                written = log_change(other, 1000 + i)
                latencies.append(wait_for_change(seen, 1000 + i, 5.0) - written)
            index.open_need(1)  # what a shortlist of an open need asks first
            index.marks_on_need(1, [])
            time.sleep(0.2)
        assert index.freshness.request_reads == 0
        assert max(latencies) <= 0.5 + 0.5  # the bound, with room for a loaded machine


def test_a_workers_own_commit_wakes_its_catch_up_and_the_next_request_waits_for_it(
    database_url: str,
) -> None:
    started = time.monotonic()  # before the catch-up thread began its first poll's sleep
    with worker(database_url, freshness_s=30.0, listen=False) as (index, seen):
        poll_s = index.freshness.poll_s
        assert poll_s == 15.0
        own = index._sessions  # this worker's own writes (a request's session)
        log_change(own, 7)
        index.open_need(1)  # does not read the log itself, nor wait for the 15 s poll
        # Woken by the commit: the poll could not have come yet, however slow the machine
        # (the request would otherwise have waited for it, up to the 30 s bound).
        assert time.monotonic() - started < poll_s
        assert index.freshness.request_reads == 0
        # Told at commit, then read back from the log by the catch-up thread, not the request.
        assert seen.count(7) == 2


def test_a_request_reads_the_log_itself_only_when_the_catch_up_is_late(
    database_url: str,
) -> None:
    with worker(database_url, freshness_s=0.2, listen=False) as (index, _seen):
        index.open_need(1)
        assert index.freshness.request_reads == 0
        # The catch-up thread is stuck (a long rebuild, say) until the request has given up
        # waiting for it: the order is held, not timed.
        holding, release = threading.Event(), threading.Event()
        released_at: list[float] = []

        def stuck() -> None:
            with index._catching_up:
                holding.set()
                release.wait()
                released_at.append(time.monotonic())

        def let_go_once_the_request_reads() -> None:
            wait_until(lambda: index.freshness.request_reads >= 1, timeout_s=60)
            release.set()

        threads = [
            threading.Thread(target=stuck),
            threading.Thread(target=let_go_once_the_request_reads),
        ]
        threads[0].start()
        try:
            assert holding.wait(60)
            wait_until(lambda: not index.freshness.is_fresh(), timeout_s=60)
            threads[1].start()
            index.open_need(1)  # waits 0.2 s for the thread, then falls back to reading itself
        finally:
            release.set()
            for thread in threads:
                if thread.is_alive() or thread.ident is not None:
                    thread.join()
        assert index.freshness.request_reads == 1
        # the request answered from the log read once the stall ended, not from before it
        assert index.freshness.fresh_as_of >= released_at[0]


# -- PostgreSQL: NOTIFY ---------------------------------------------------------------------


def test_notify_shows_another_workers_change_well_under_the_polling_interval(
    database_url: str, engine: Engine, other: sessionmaker[Session]
) -> None:
    if not is_postgres(engine):
        pytest.skip("NOTIFY is PostgreSQL's")
    # 30 s: without a listener it would poll every 15 s, with one every 600 s.
    with worker(database_url, freshness_s=30.0) as (index, seen):
        wait_until(lambda: index.freshness.listening)
        latencies = []
        for profile_id in range(1, 6):
            written = log_change(other, profile_id)
            latencies.append(wait_for_change(seen, profile_id, 10.0) - written)
            time.sleep(0.1)
        assert max(latencies) < 1.0, latencies
        assert index.freshness.poll_s >= 600
        assert index.age_s is not None
        assert index.age_s < 1.0
        assert index.freshness.request_reads == 0


def test_the_listener_reconnects_after_its_connection_is_killed(
    database_url: str, engine: Engine, other: sessionmaker[Session]
) -> None:
    if not is_postgres(engine):
        pytest.skip("NOTIFY is PostgreSQL's")
    with worker(database_url, freshness_s=30.0) as (index, seen):
        listener = index.freshness.listener
        assert listener is not None
        wait_until(lambda: listener.connected)
        killed = listener.backend_pid
        with engine.begin() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": killed})
        written = log_change(other, 41)  # perhaps while it was down: heard on reconnecting
        wait_until(lambda: listener.connected and listener.backend_pid != killed)
        assert listener.connections >= 2
        assert wait_for_change(seen, 41, 10.0) - written < 5.0  # not the 15 s poll
        written = log_change(other, 42)
        assert wait_for_change(seen, 42, 10.0) - written < 1.0


def test_a_rolled_back_change_sends_no_notification(engine: Engine) -> None:
    if not is_postgres(engine):
        pytest.skip("NOTIFY is PostgreSQL's")
    import psycopg

    dsn = conninfo(engine.url)
    assert dsn is not None
    with psycopg.connect(dsn, autocommit=True) as listening:
        listening.execute("LISTEN xieshou_changes")
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            changes.record(session, changes.PROFILE, 1)
            session.flush()
            session.rollback()
        assert list(listening.notifies(timeout=0.5)) == []
        with sessions() as session:
            changes.record(session, changes.PROFILE, 1)
            changes.record(session, changes.NEED, 2)
            session.commit()
        heard = list(listening.notifies(timeout=1.0))
        assert [n.channel for n in heard] == ["xieshou_changes"]  # one per transaction


# -- SQLite, or no listener: polling --------------------------------------------------------


def test_without_notify_the_worker_polls_at_half_the_freshness_bound(
    database_url: str, engine: Engine, other: sessionmaker[Session]
) -> None:
    options: dict[str, Any] = {"freshness_s": 0.4}
    if is_postgres(engine):
        options["listen"] = False  # as when the listener is down
    with worker(database_url, **options) as (index, seen):
        assert index.freshness.listener is None
        assert index.freshness.poll_s == pytest.approx(0.2)
        written = log_change(other, 5)
        assert wait_for_change(seen, 5, 5.0) - written <= 0.4 + 0.6


# -- the caches follow the same rule --------------------------------------------------------


def test_the_key_cache_answers_only_while_the_change_feed_is_fresh() -> None:
    freshness = Freshness(None, 0.1)
    cache = KeyCache(ttl_s=60, fresh=freshness.caught_up)
    principal = Principal(key_id=1, role=Role.sme, organization_id=2)
    cache.put("h", principal, cache.epoch)
    assert cache.get("h") is None  # the feed was never read: a revocation could be missed
    freshness.reset()
    assert cache.get("h") == principal
    time.sleep(0.15)  # the feed fell behind the bound (the database is down, say)
    assert cache.get("h") is None
    freshness.reset()
    assert cache.get("h") == principal


def test_the_apps_key_cache_and_index_share_the_freshness_setting(database_url: str) -> None:
    from app.main import create_app
    from app.platform.settings import Settings

    app = create_app(Settings(database_url=database_url, environment="test", freshness_s=2.5))
    try:
        assert app.state.matching.freshness.freshness_s == 2.5
        assert app.state.key_cache._fresh() is False  # not built yet: nothing is trusted
    finally:
        app.state.engine.dispose()
