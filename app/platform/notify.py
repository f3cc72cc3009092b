"""How a worker learns that the change log grew: PostgreSQL NOTIFY, or polling.

One setting, ``XIESHOU_FRESHNESS_S`` (default 0.5 s), is the longest a change committed by one
worker takes to show in another worker's index and caches. :class:`Freshness` holds the rule
for one worker:

- On PostgreSQL a transaction that logs a change also runs ``pg_notify('xieshou_changes')``
  (the server delivers it when, and only if, the transaction commits). Each worker keeps one
  listening connection (:class:`Listener`, psycopg 3, ``LISTEN xieshou_changes``) that wakes
  the worker's catch-up thread at once. While that connection is up the worker knows it has
  heard of every commit, so its caches count as fresh without reading the log.
- On SQLite, and on PostgreSQL while the listener is down (it reconnects with backoff), the
  catch-up thread reads the log every ``freshness_s / 2``, so the caches never get older than
  ``freshness_s``.
- A request never reads the log itself in that steady state. After this worker's own commit
  it waits (at most ``freshness_s``) for the catch-up thread, which the commit woke; only when
  the catch-up thread is late beyond ``freshness_s`` does the request read the log itself.
"""

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

log = logging.getLogger("xieshou.freshness")

CHANNEL = "xieshou_changes"
#: ``Session.info`` key: this transaction logged a change, so its commit must notify.
_PENDING = "xieshou_notify"


def mark(session: Session) -> None:
    """Note that ``session``'s transaction logged a change (its commit sends the NOTIFY)."""
    session.info[_PENDING] = True


@event.listens_for(Session, "before_commit")
def _notify_on_commit(session: Session) -> None:
    if not session.info.pop(_PENDING, False):
        return
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        # In the transaction: delivered on commit, dropped with a rollback; several changes
        # of one transaction make one notification.
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def conninfo(url: str | URL) -> str | None:
    """A libpq connection string for a PostgreSQL SQLAlchemy URL (``None`` for other databases)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """One connection that ``LISTEN``\\ s on :data:`CHANNEL` and calls ``on_notify`` for each commit.

    ``on_notify`` is also called each time the connection is (re)established, since commits
    made while it was down were not heard. When the connection fails (the server restarted,
    ``pg_terminate_backend``, a network error) it reconnects after a backoff that doubles from
    0.1 s up to ``max_backoff_s``; a failure is logged once, and again when it works.

    :attr:`heard_at` is the last moment the listener knew it had passed on every notification
    sent before it (it wakes every ``tick_s`` to say so); :attr:`silent_s` is how long it has
    heard nothing (no notification, no new connection), for ``/metrics``.
    """

    def __init__(
        self,
        dsn: str,
        on_notify: Callable[[], None],
        *,
        tick_s: float = 0.1,
        max_backoff_s: float = 5.0,
        name: str = "change-listener",
    ) -> None:
        self._dsn = dsn
        self._on_notify = on_notify
        self._tick_s = tick_s
        self._max_backoff_s = max_backoff_s
        self._name = name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connected = False
        self.heard_at = 0.0
        #: ``time.monotonic()`` of the last notification or connection (else of the start).
        self._event_at = time.monotonic()
        #: Notifications passed on so far (and connections made: each counts as one).
        self.notified = 0
        #: Connections made so far (a reconnect counts too).
        self.connections = 0
        self.backend_pid: int | None = None
        self._before: dict[int, float] = {}  # notification count → heard_at just before it

    @property
    def connected(self) -> bool:
        """Whether the listening connection is up."""
        return self._connected

    @property
    def silent_s(self) -> float:
        """Seconds since the last notification or (re)connection (or the start, before one)."""
        return time.monotonic() - self._event_at

    @property
    def alive(self) -> bool:
        """Whether the listener's thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start listening in a daemon thread (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._event_at = time.monotonic()
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop listening and close the connection."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        delay = 0.1
        down_since: float | None = None
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._dsn,
                    autocommit=True,
                    connect_timeout=5,
                    keepalives=1,
                    keepalives_idle=10,
                    keepalives_interval=5,
                    keepalives_count=3,
                    application_name="xieshou-listener",
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.backend_pid = conn.info.backend_pid
                    self.connections += 1
                    self._connected = True
                    delay = 0.1
                    if down_since is not None:
                        log.warning(
                            "change listener: listening again after %.1f s",
                            time.monotonic() - down_since,
                        )
                        down_since = None
                    self._heard(wake=True)  # commits made while not listening were not heard
                    while not self._stop.is_set():
                        for _note in conn.notifies(timeout=self._tick_s):
                            self._heard(wake=True)
                        self.heard_at = time.monotonic()
            except (psycopg.Error, OSError) as exc:
                self._connected = False
                if down_since is None:
                    down_since = time.monotonic()
                    log.error(
                        "change listener: connection lost (%s); polling the change log until "
                        "it is back, not logged again until then",
                        type(exc).__name__,
                    )
                if self._stop.wait(delay * (0.5 + random.random())):
                    break
                delay = min(delay * 2, self._max_backoff_s)
            finally:
                self._connected = False

    def heard_before(self, count: int) -> float:
        """:attr:`heard_at` just before notification number ``count`` arrived (0 if forgotten)."""
        return self._before.get(count, 0.0)

    def _heard(self, *, wake: bool) -> None:
        count = self.notified + 1
        self._before[count] = self.heard_at
        self._before.pop(count - 256, None)
        self.notified = count
        self.heard_at = self._event_at = time.monotonic()
        if wake:
            self._on_notify()


@dataclass(frozen=True)
class Reading:
    """What :meth:`Freshness.reading` noted as a read of the change log began."""

    started_at: float
    notified: int
    generation: int


class Freshness:
    """One worker's freshness rule, shared by its matching index and its caches.

    The catch-up thread calls :meth:`wait` between catch-ups, and brackets each read of the
    log with :meth:`reading` / :meth:`read_done`. Requests call :meth:`must_read` before
    answering from memory; :meth:`committed` is called when this worker commits a change.
    """

    def __init__(
        self, url: str | URL | None, freshness_s: float = 0.5, *, listen: bool = True
    ) -> None:
        self.freshness_s = freshness_s
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._generation = 0  # this worker's committed changes so far
        self._applied = 0  # … of which the last completed read covered this many
        self._caught_up_at = 0.0
        self._seen = 0  # the listener's count of notifications when that read began
        dsn = conninfo(url) if url is not None and listen else None
        self.listener = Listener(dsn, self.wake, tick_s=min(0.1, freshness_s / 4)) if dsn else None
        #: Reads of the log a request made itself because the catch-up thread was late.
        self.request_reads = 0

    # -- the catch-up thread ---------------------------------------------------------------

    def start(self) -> None:
        """Start the listener (PostgreSQL)."""
        if self.listener is not None:
            self.listener.start()

    def stop(self) -> None:
        """Stop the listener and release a catch-up thread waiting in :meth:`wait`."""
        if self.listener is not None:
            self.listener.stop()
        self._wake.set()

    @property
    def listening(self) -> bool:
        """Whether NOTIFY is heard now (PostgreSQL with the listener connected)."""
        return self.listener is not None and self.listener.connected

    @property
    def poll_s(self) -> float:
        """How long the catch-up thread sleeps when nothing wakes it.

        While listening, only as a safety net (``freshness_s`` × 20, at least 5 s); otherwise
        half the freshness bound, so the index is never older than the bound.
        """
        if self.listening:
            return max(self.freshness_s * 20, 5.0)
        return self.freshness_s / 2

    def wait(self, timeout_s: float | None = None) -> None:
        """Sleep until woken (a NOTIFY, this worker's commit, a late request, stop) or the poll."""
        self._wake.wait(self.poll_s if timeout_s is None else timeout_s)
        self._wake.clear()

    def wake(self) -> None:
        """Wake the catch-up thread now."""
        self._wake.set()

    def reading(self) -> Reading:
        """Note the start of a read of the log (every commit before it will be covered)."""
        return Reading(
            time.monotonic(),
            self.listener.notified if self.listener is not None else 0,
            self._generation,
        )

    def read_done(self, reading: Reading) -> None:
        """Note that the read begun at ``reading`` was applied."""
        with self._done:
            self._caught_up_at = max(self._caught_up_at, reading.started_at)
            self._seen = max(self._seen, reading.notified)
            self._applied = max(self._applied, reading.generation)
            self._done.notify_all()

    def reset(self) -> None:
        """The index was built from the database now: everything before counts as read."""
        self.read_done(self.reading())

    # -- requests and commits --------------------------------------------------------------

    def committed(self) -> None:
        """This worker committed a change: wake the catch-up; requests wait for it."""
        with self._done:
            self._generation += 1
        self._wake.set()

    @property
    def fresh_as_of(self) -> float:
        """Every change committed before this moment (``time.monotonic()``) has been applied."""
        fresh = self._caught_up_at
        listener = self.listener
        if listener is not None and listener.connected:
            if self._seen >= listener.notified:  # every notification heard was read after
                fresh = max(fresh, listener.heard_at)
            else:  # commits heard before the first notification not yet read are covered
                fresh = max(fresh, listener.heard_before(self._seen + 1))
        return fresh

    @property
    def age_s(self) -> float:
        """Seconds since :attr:`fresh_as_of`."""
        return time.monotonic() - self.fresh_as_of

    def _fresh(self, generation: int) -> bool:
        return self._applied >= generation and self.age_s <= self.freshness_s

    def caught_up(self) -> bool:
        """Whether other workers' changes are applied within the bound (caches ask this: this
        worker's own changes reach them as each commits)."""
        return self.age_s <= self.freshness_s

    def is_fresh(self) -> bool:
        """Whether this worker's own changes are applied and others' within the bound."""
        return self._fresh(self._generation)

    def must_read(self) -> bool:
        """Whether a request must read the log itself before answering from memory.

        Fresh (this worker's own changes applied, and others' within the bound): no. Otherwise
        the catch-up thread is woken and waited for, up to ``freshness_s``; still not fresh
        (the thread is busy or stuck): yes, and it is counted in :attr:`request_reads`.
        """
        generation = self._generation
        if self._fresh(generation):
            return False
        self._wake.set()
        with self._done:
            if self._done.wait_for(lambda: self._fresh(generation), timeout=self.freshness_s):
                return False
            self.request_reads += 1
        return True
