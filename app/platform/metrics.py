"""Prometheus metrics, served at ``GET /metrics`` with the maintained ``prometheus_client``.

With several worker processes set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder writable by
all of them (before they start; empty it at each start): every worker then writes its values
there and whichever worker answers ``/metrics`` reports them all (counters and histograms
summed; per-worker gauges with a ``pid`` label). Without it, ``/metrics`` tells the answering
worker's own figures.

Who may read it: a client on the loopback (a Prometheus agent or sidecar on the same host),
or anyone sending ``Authorization: Bearer <XIESHOU_METRICS_TOKEN>``. Metrics tell load and
backlog, not data, but they should not be public either.
"""

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.platform.background import PeriodicFlush

log = logging.getLogger("xieshou.metrics")

REQUEST_SECONDS = Histogram(
    "xieshou_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template and status class",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
RANKING_WAIT_SECONDS = Histogram(
    "xieshou_ranking_wait_seconds",
    "Time a shortlist, opportunity feed or chain discovery waited for its ranking turn",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RANKING_WAITING = Gauge(
    "xieshou_ranking_queue_depth",
    "Rankings waiting for their turn now",
    multiprocess_mode="livesum",
)
RANKING_RUNNING = Gauge(
    "xieshou_ranking_running",
    "Rankings running now",
    multiprocess_mode="livesum",
)
TURNS_WAITING = Gauge(
    "xieshou_turns_queue_depth",
    "Requests waiting for a turn: writes (the SQLite writer), requests (a database connection)",
    ["queue"],
    multiprocess_mode="livesum",
)
TURN_WAIT_SECONDS = Histogram(
    "xieshou_turn_wait_seconds",
    "Time a request waited for its turn (writes: the SQLite writer; requests: a database "
    "connection); 503s after the longest wait are not counted",
    ["queue"],
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
INDEX_READY = Gauge(
    "xieshou_matching_index_ready",
    "1 when this worker's matching index is built",
    multiprocess_mode="liveall",
)
INDEX_AGE_SECONDS = Gauge(
    "xieshou_matching_index_age_seconds",
    "Seconds since this worker's matching index last read the change log through",
    multiprocess_mode="liveall",
)
INDEX_SIZE = Gauge(
    "xieshou_matching_index_size",
    "Records in this worker's matching index (kind: profiles, open_needs)",
    ["kind"],
    multiprocess_mode="liveall",
)
RUNNER_ALIVE = Gauge(
    "xieshou_background_runner_alive",
    "1 when a background runner of this worker is alive",
    ["runner"],
    multiprocess_mode="liveall",
)
LISTENER_CONNECTED = Gauge(
    "xieshou_change_listener_connected",
    "1 while this worker's PostgreSQL LISTEN connection for change notifications is up; 0 "
    "while it is down (the worker polls the change log until it reconnects) and always 0 on "
    "SQLite, which has no listener and polls",
    multiprocess_mode="liveall",
)
LISTENER_SILENT_SECONDS = Gauge(
    "xieshou_change_listener_silent_seconds",
    "Seconds since this worker's PostgreSQL change listener last heard a notification or "
    "(re)connected (it grows while nobody writes); always 0 on SQLite, which has no listener",
    multiprocess_mode="liveall",
)
OUTBOX_MESSAGES = Gauge(
    "xieshou_outbox_messages",
    "Notification outbox rows by status (pending and sending are the backlog; sent, failed "
    "and skipped are totals so far), read from the database at scrape time",
    ["status"],
    multiprocess_mode="mostrecent",
)


class _Listening(Protocol):
    @property
    def connected(self) -> bool: ...
    @property
    def silent_s(self) -> float: ...


class _Fresh(Protocol):
    @property
    def listener(self) -> _Listening | None: ...


class _Sized(Protocol):
    @property
    def ready(self) -> bool: ...
    @property
    def age_s(self) -> float | None: ...
    @property
    def sizes(self) -> tuple[int, int]: ...
    @property
    def freshness(self) -> _Fresh: ...


class _Waiting(Protocol):
    @property
    def waiting(self) -> int: ...


class Sources:
    """What this worker's gauges are read from (the app wires its objects in)."""

    def __init__(
        self,
        *,
        index: _Sized,
        turns: dict[str, _Waiting | None],
        runners: Callable[[], dict[str, bool]],
        ranking: Callable[[], Any] | None = None,
        outbox_counts: Callable[[], Iterable[tuple[str, int]]] | None = None,
    ) -> None:
        self.index = index
        self.turns = turns
        self.runners = runners
        self.ranking = ranking
        self.outbox_counts = outbox_counts

    def sample(self) -> None:
        """Set this worker's gauges from its objects now (cheap: no database)."""
        INDEX_READY.set(1 if self.index.ready else 0)
        age = self.index.age_s
        if age is not None:
            INDEX_AGE_SECONDS.set(age)
        profiles, needs = self.index.sizes
        INDEX_SIZE.labels("profiles").set(profiles)
        INDEX_SIZE.labels("open_needs").set(needs)
        listener = self.index.freshness.listener
        LISTENER_CONNECTED.set(1 if listener is not None and listener.connected else 0)
        LISTENER_SILENT_SECONDS.set(listener.silent_s if listener is not None else 0)
        for name, turns in self.turns.items():
            TURNS_WAITING.labels(name).set(turns.waiting if turns is not None else 0)
        for name, alive in self.runners().items():
            RUNNER_ALIVE.labels(name).set(1 if alive else 0)
        limiter = self.ranking() if self.ranking is not None else None
        if limiter is not None:
            stats = limiter.statistics()
            RANKING_WAITING.set(stats.tasks_waiting)
            RANKING_RUNNING.set(stats.borrowed_tokens)

    def sample_database(self) -> None:
        """Read the outbox backlog from the database (at scrape time only)."""
        if self.outbox_counts is None:
            return
        try:
            counts = dict(self.outbox_counts())
        except Exception as exc:  # a scrape during an outage still answers
            log.warning("metrics: outbox counts unavailable (%s)", type(exc).__name__)
            return
        for status in ("pending", "sending", "sent", "failed", "skipped"):
            OUTBOX_MESSAGES.labels(status).set(counts.get(status, 0))


class Sampler(PeriodicFlush):
    """Refreshes this worker's gauges every few seconds, so that in multiprocess mode a
    scrape answered by another worker still reports this one's figures."""

    def __init__(self, sources: Sources, *, interval_s: float = 5.0) -> None:
        super().__init__(thread_name="xieshou-metrics", interval_s=interval_s)
        self.sources = sources

    def flush(self) -> int:
        """Sample the gauges once."""
        try:
            self.sources.sample()
        except Exception:  # a gauge must never end the thread
            log.exception("metrics: sampling failed")
        return 0


class TimedLimiter:
    """An anyio capacity limiter that records how long each taker waited (and the queue)."""

    def __init__(self, limiter: Any) -> None:
        self._limiter = limiter

    async def __aenter__(self) -> None:
        started = time.perf_counter()
        await self._limiter.__aenter__()
        RANKING_WAIT_SECONDS.observe(time.perf_counter() - started)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._limiter.__aexit__(exc_type, exc, tb)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._limiter, name)


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (``unmatched`` when none did).

    FastAPI ≥ 0.130 keeps included routers nested, so ``scope["route"].path`` lacks their
    prefixes; its effective route context has the full template (``tests/app/
    test_observability.py`` checks it still does).
    """
    context = (scope.get("fastapi") or {}).get("effective_route_context")
    path = getattr(context, "path", None)
    if isinstance(path, str) and path:
        return path
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class RequestMetrics:
    """Times every HTTP request into :data:`REQUEST_SECONDS`, labelled by route template
    (``/api/v1/needs/{need_id}/shortlist``, never the raw path: bounded label values) and
    status class (``2xx`` …); requests matching no route count as ``unmatched``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            REQUEST_SECONDS.labels(
                scope["method"], route_template(scope), f"{status // 100}xx"
            ).observe(time.perf_counter() - started)


def outbox_counts(sessions: "sessionmaker[Session]") -> list[tuple[str, int]]:
    """Outbox rows by status (one grouped count over the status index)."""
    from app.models.notification import OutboxMessage

    with sessions() as session:
        query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        return [(str(status), int(n)) for status, n in session.execute(query)]


def forget_process(pid: int) -> None:
    """Drop process ``pid``'s live gauges from ``/metrics`` (multiprocess mode only).

    For a process that serves no requests (the pre-forking server's parent, a job process)
    or that is gone: its per-worker gauges (index ready, queue depth …) would otherwise list
    it as a worker that is not ready. Its counters and histograms stay: they are totals.
    """
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def may_read(request: Request, token: str | None) -> bool:
    """Whether this client may read /metrics: on the loopback, or sending the token."""
    if token:
        sent = request.headers.get("authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return True
    host = request.client.host if request.client else ""
    if host == "testclient":  # Starlette's in-process test client
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposition(sources: Sources | None) -> Response:
    """The metrics in Prometheus' text format, sampled now."""
    if sources is not None:
        sources.sample()
        sources.sample_database()
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
