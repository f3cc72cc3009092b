"""Background jobs: long work off the request path, through huey (a maintained job queue).

A request (or a command) calls :func:`enqueue`: it writes a ``jobs`` row in the caller's
transaction and hands the row's id to the queue only once that transaction commits, so a
rolled-back request never runs a job. A consumer takes the id, claims the row (``queued`` →
``running``), runs the handler registered for its kind and writes the outcome: ``succeeded``
with the handler's result, ``failed`` with the error (after the kind's retries), or
``cancelled`` when a cancel was asked and the handler noticed it
(:meth:`JobContext.check_cancelled`).

Where the queue lives (``XIESHOU_JOBS_URL``): unset, a SQLite file in the data folder
(:class:`huey.SqliteHuey`); ``redis://…`` a Redis server (:class:`huey.RedisHuey`); any other
URL a database through huey's SQL storage (PostgreSQL, with ``FOR UPDATE SKIP LOCKED``).
Who consumes it: by default one consumer process per data folder that the web workers start
and watch (:mod:`app.platform.consumer_process`) — nothing else to run, and the jobs do not
compete with the requests for a web worker's interpreter lock; with ``XIESHOU_JOBS_PROCESS
=false`` threads inside each web worker; with ``XIESHOU_JOBS_CONSUMER=false`` the web
workers only enqueue and ``xieshou worker`` processes run the jobs.

A running job holds a lease (``XIESHOU_JOBS_LEASE_S``): its consumer renews it every quarter
of the lease (``jobs.heartbeat_at``, and in the queue's store, which a SQLite writer never
blocks). Every consumer looks for running jobs whose lease expired — their process was
killed, their host went away — and takes them up again: queued once more while their kind
has retries left, else failed (:meth:`JobRunner.reap_expired`).

This module is the platform layer: it imports no domain package. Domains register their
handlers (:func:`register`) in their own modules, which the app and ``xieshou worker``
import at start-up (``app.main.JOB_MODULES``).
"""

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from huey import RedisHuey, SqliteHuey  # type: ignore[import-untyped]
from huey.api import Huey, Task  # type: ignore[import-untyped]
from huey.consumer import Consumer  # type: ignore[import-untyped]
from huey.exceptions import RetryTask  # type: ignore[import-untyped]
from prometheus_client import Counter, Histogram
from sqlalchemy import Update, and_, event, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.models.job import FINISHED, Job, JobStatus
from app.platform import consumer_process, request_id
from app.platform.settings import Settings, data_dir

log = logging.getLogger("xieshou.jobs")

#: ``Session.info`` key under which a session's sessionmaker names the :class:`JobRunner`
#: its jobs go to.
INFO_KEY = "xieshou_jobs"
_PENDING_KEY = "xieshou_jobs_pending"
#: Seconds between two progress writes of one job (the last one is always written).
PROGRESS_EVERY_S = 0.5
#: Seconds between two reads of a job's cancel flag.
CANCEL_CHECK_EVERY_S = 0.25
#: Longest wait of an idle consumer thread between two looks at the queue.
MAX_POLL_S = 0.5
#: Bytes per stored part of a file kept in the queue's store (:meth:`Board.put_file`).
FILE_CHUNK = 4 << 20
#: The name of the one huey task: it runs a ``jobs`` row by id.
TASK_NAME = "xieshou.run_job"

JOBS_FINISHED = Counter(
    "xieshou_jobs_finished_total", "Jobs that ended, by kind and status", ["kind", "status"]
)
JOBS_STARTED = Counter("xieshou_jobs_started_total", "Job attempts started, by kind", ["kind"])
JOB_SECONDS = Histogram(
    "xieshou_job_duration_seconds",
    "How long a job's attempt ran, by kind and outcome",
    ["kind", "status"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600),
)


class JobCancelled(Exception):
    """A cancel was asked for the running job: the handler stops (and rolls back)."""


class JobTimedOut(Exception):
    """The job ran past its kind's ``timeout_s``."""


class JobFailed(Exception):
    """A handler's own end in failure, with a ``result`` to keep (e.g. an import's report of
    rejected rows); never retried."""

    def __init__(self, message: str, *, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result


class Board:
    """What a running job and the API tell each other outside the database: the job's latest
    progress and a cancel asked for it, kept in the queue's own store (huey's key-value
    storage: the SQLite queue file, Redis or the queue database).

    On SQLite an all-or-nothing import holds the database's one writer turn until it commits,
    so neither its progress nor a cancel could be written to its row meanwhile; here they
    pass at once, and on every backend, across processes and hosts.
    """

    def __init__(self, huey: Huey) -> None:
        self.huey = huey

    def put_progress(self, job_id: int, done: int, total: int | None, note: str | None) -> None:
        """Note job ``job_id``'s progress."""
        self.huey.put(f"job:{job_id}:progress", {"done": done, "total": total, "note": note})

    def progress(self, job_id: int) -> dict[str, Any] | None:
        """Job ``job_id``'s latest noted progress, if any."""
        value: dict[str, Any] | None = self.huey.get(f"job:{job_id}:progress", peek=True)
        return value

    def ask_cancel(self, job_id: int) -> None:
        """Note that job ``job_id`` is to stop."""
        self.huey.put(f"job:{job_id}:cancel", True)

    def beat(self, job_id: int) -> None:
        """Note that job ``job_id``'s consumer is alive now (its lease, see
        :meth:`JobRunner.renew_leases`)."""
        self.huey.put(f"job:{job_id}:beat", time.time())

    def beat_at(self, job_id: int) -> float | None:
        """When job ``job_id``'s consumer last noted it was alive (a Unix time), if it did."""
        value = self.huey.get(f"job:{job_id}:beat", peek=True)
        return float(value) if value is not None else None

    def cancel_asked(self, job_id: int) -> bool:
        """Whether a cancel of job ``job_id`` was noted."""
        return bool(self.huey.get(f"job:{job_id}:cancel", peek=True))

    def put_file(self, name: str, stream: IO[bytes]) -> int:
        """Keep a file (an upload waiting for its job) under ``name``, in chunks of
        :data:`FILE_CHUNK` bytes; how many bytes. Any process on any host that shares the
        queue can read it back (:meth:`take_file`)."""
        size = count = 0
        while chunk := stream.read(FILE_CHUNK):
            self.huey.put(f"file:{name}:{count}", chunk)
            size += len(chunk)
            count += 1
        self.huey.put(f"file:{name}:chunks", count)
        return size

    def take_file(self, name: str, out: IO[bytes]) -> None:
        """Write the file kept under ``name`` to ``out`` and drop it from the store;
        ``FileNotFoundError`` when there is none."""
        count = self.huey.get(f"file:{name}:chunks", peek=True)
        if count is None:
            raise FileNotFoundError(f"no file {name} in the job queue's store")
        for number in range(int(count)):
            chunk = self.huey.get(f"file:{name}:{number}", peek=True)
            if chunk is None:
                raise FileNotFoundError(f"file {name} is missing its part {number}")
            out.write(chunk)
        self.drop_file(name)

    def drop_file(self, name: str) -> None:
        """Drop the file kept under ``name`` (if any)."""
        count = self.huey.get(f"file:{name}:chunks", peek=True)
        for number in range(int(count or 0)):
            self.huey.delete(f"file:{name}:{number}")
        self.huey.delete(f"file:{name}:chunks")

    def forget(self, job_id: int) -> None:
        """Drop what was noted for job ``job_id`` (it ended)."""
        self.huey.delete(f"job:{job_id}:progress")
        self.huey.delete(f"job:{job_id}:cancel")
        self.huey.delete(f"job:{job_id}:beat")


class JobContext:
    """What a handler gets besides its payload: the job's id, sessions, the request id of
    who asked, and ways to tell progress and to notice a cancel."""

    def __init__(
        self,
        job_id: int,
        sessions: "sessionmaker[Session]",
        *,
        request_id: str | None = None,
        settings: Settings | None = None,
        deadline: float | None = None,
        board: Board | None = None,
        resources: "Callable[[str], Any] | None" = None,
    ) -> None:
        self.job_id = job_id
        self._resources = resources
        self.sessions = sessions
        self.request_id = request_id
        self.settings = settings
        self._deadline = deadline
        self._board = board
        self._written_at = 0.0
        self._checked_at = 0.0
        self._pending: tuple[int, int | None, str | None] | None = None
        self.last: tuple[int, int | None, str | None] | None = None
        bind = sessions.kw.get("bind")
        self._row_writes = bind is None or bind.dialect.name != "sqlite"

    def progress(self, done: int, total: int | None = None, note: str | None = None) -> None:
        """Tell how far the job is (``done`` of ``total``); passed on at most every
        :data:`PROGRESS_EVERY_S` seconds, and always when ``done`` reaches ``total``.

        It goes to the job's row (on SQLite only when the job ends: a running import may
        hold the one writer turn) and to the queue's store, which the API reads while the
        job runs."""
        self._pending = (done, total, note)
        now = time.monotonic()
        if now - self._written_at >= PROGRESS_EVERY_S or (total is not None and done >= total):
            self.flush_progress()

    def flush_progress(self, *, to_row: bool | None = None) -> None:
        """Pass the latest progress on now (the runner does when the job ends)."""
        if self._pending is None:
            return
        done, total, note = self._pending
        self._pending = None
        self._written_at = time.monotonic()
        if total is None and self.last is not None:
            total = self.last[1]
        self.last = (done, total, note[:500] if note else note)
        if self._board is not None:
            try:
                self._board.put_progress(self.job_id, *self.last)
            except Exception:
                log.warning("job %s: progress not noted in the queue store", self.job_id)
        if to_row if to_row is not None else self._row_writes:
            with self.sessions() as session:
                session.execute(update(Job).where(Job.id == self.job_id).values(**self.values()))
                session.commit()

    def values(self) -> dict[str, Any]:
        """The progress columns as last told."""
        if self.last is None:
            return {}
        done, total, note = self.last
        values: dict[str, Any] = {"progress_done": done, "progress_total": total}
        if note is not None:
            values["progress_note"] = note
        return values

    def board_file(self, name: str, out: IO[bytes]) -> None:
        """Write the file kept in the queue's store under ``name`` (e.g. an upload) to
        ``out``, and drop it there (see :meth:`Board.put_file`)."""
        if self._board is None:
            raise FileNotFoundError(name)
        self._board.take_file(name, out)

    def resource(self, name: str) -> Any:
        """A shared object of the process running the job (``"matching"``: the matching
        index), as the app or ``xieshou worker`` provide it; ``KeyError`` if none."""
        if self._resources is None:
            raise KeyError(name)
        return self._resources(name)

    def check_cancelled(self) -> None:
        """Raise :class:`JobCancelled` if a cancel was asked (looked at most every
        :data:`CANCEL_CHECK_EVERY_S`), :class:`JobTimedOut` past the kind's timeout."""
        now = time.monotonic()
        if self._deadline is not None and now > self._deadline:
            raise JobTimedOut
        if now - self._checked_at < CANCEL_CHECK_EVERY_S:
            return
        self._checked_at = now
        if self._board is not None and self._board.cancel_asked(self.job_id):
            raise JobCancelled
        if self._row_writes:
            with self.sessions() as session:
                asked = session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id))
            if asked:
                raise JobCancelled


#: A handler: does the work of one job; what it returns is the job's ``result``.
Handler = Callable[[JobContext, dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True, slots=True)
class JobKind:
    """A registered kind of job."""

    name: str
    handler: Handler
    retries: int = 0
    timeout_s: float | None = None
    retry_delay_s: float = 1.0


_KINDS: dict[str, JobKind] = {}


def register(
    kind: str,
    handler: Handler,
    *,
    retries: int = 0,
    timeout_s: float | None = None,
    retry_delay_s: float = 1.0,
) -> None:
    """Run jobs of ``kind`` with ``handler``; a failure is tried again ``retries`` times
    (``retry_delay_s`` apart); past ``timeout_s`` the job fails at its next
    :meth:`JobContext.check_cancelled`. Registering a kind again replaces its handler."""
    _KINDS[kind] = JobKind(kind, handler, retries, timeout_s, retry_delay_s)


def kinds() -> dict[str, JobKind]:
    """The registered kinds."""
    return dict(_KINDS)


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    organization_id: int | None,
    requested_by: str | None,
) -> Job:
    """Add a job to ``session``'s transaction; it is queued once the transaction commits.

    ``payload`` must be JSON. The job carries the current request id. Raises ``KeyError``
    for a kind nobody registered.
    """
    if kind not in _KINDS:
        raise KeyError(f"no job kind {kind!r} is registered")
    job = Job(
        kind=kind,
        status=JobStatus.queued.value,
        payload=payload,
        organization_id=organization_id,
        requested_by=requested_by,
        request_id=request_id.current(),
        attempts=0,
        progress_done=0,
        cancel_requested=False,
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    session.info.setdefault(_PENDING_KEY, []).append((job.id, _KINDS[kind]))
    return job


@event.listens_for(Session, "after_commit")
def _submit_committed(session: Session) -> None:
    """Submit the jobs a transaction added, now that it committed."""
    pending: list[tuple[int, JobKind]] | None = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    runner = _runner_of(session)
    for job_id, kind in pending:
        runner.submit(job_id, kind)


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    """Forget the jobs of a transaction that rolled back: they never run."""
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        log.info("jobs %s not queued: their transaction rolled back", [j for j, _ in pending])


def cancel(session: Session, job: Job, runner: "JobRunner | None" = None) -> Job:
    """Ask ``job`` to stop: a queued job is cancelled at once, a running one when its handler
    next checks (the ask goes through the queue's store, so a job holding SQLite's writer
    turn still hears it); a finished job is left as it is. The caller commits."""
    if job.status == JobStatus.queued:
        job.status = JobStatus.cancelled.value
        job.cancel_requested = True
        job.finished_at = utcnow()
        session.flush()
        JOBS_FINISHED.labels(job.kind, JobStatus.cancelled.value).inc()
    elif job.status == JobStatus.running:
        (runner or _runner_of(session)).board.ask_cancel(job.id)
        if session.get_bind().dialect.name != "sqlite":
            job.cancel_requested = True
            session.flush()
    return job


def live(session: Session, job: Job, runner: "JobRunner | None" = None) -> dict[str, Any]:
    """A running job's progress and cancel flag as noted in the queue's store (newer than
    its row while it runs); empty for a job that is not running."""
    if job.status != JobStatus.running:
        return {}
    board = (runner or _runner_of(session)).board
    try:
        progress = board.progress(job.id)
        asked = board.cancel_asked(job.id)
        beat = board.beat_at(job.id)
    except Exception:
        return {}
    heartbeat = job.heartbeat_at
    if beat is not None:
        noted = dt.datetime.fromtimestamp(beat, dt.UTC)
        heartbeat = max(heartbeat, noted) if heartbeat is not None else noted
    return {
        "progress": progress,
        "cancel_requested": asked or job.cancel_requested,
        "heartbeat_at": heartbeat,
    }


def _runner_of(session: Session) -> "JobRunner":
    runner: JobRunner | None = session.info.get(INFO_KEY)
    return runner or default_runner()


def queue_name(settings: Settings) -> str:
    """The queue's name: one per database, so services on different databases that share a
    queue store (a data folder, a Redis) never take each other's jobs."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        key = str(Path(url.database or "").resolve())
        return "xieshou-" + hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"xieshou-{url.database}"


def make_huey(settings: Settings) -> Huey:
    """The huey instance ``settings`` ask for (see the module's documentation)."""
    name = queue_name(settings)
    url = settings.jobs_url
    if not url:
        path = data_dir(settings) / "jobs.sqlite3"
        return SqliteHuey(name, filename=str(path), results=False, utc=True)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False, utc=True)
    from huey.contrib.sql_huey import SqlHuey  # type: ignore[import-untyped]
    from peewee import IntegrityError

    # SQLAlchemy-style URLs name a driver (postgresql+psycopg://); peewee's do not.
    scheme, _, rest = url.partition("://")
    for attempt in range(1, 4):
        try:
            return SqlHuey(
                name, database=f"{scheme.split('+')[0]}://{rest}", results=False, utc=True
            )
        except IntegrityError:
            # Processes starting together on a fresh queue database all create huey's tables;
            # PostgreSQL's CREATE TABLE IF NOT EXISTS can then fail in all but one (a
            # duplicate pg_type row). The tables exist now: try again.
            if attempt == 3:
                raise
            log.info("jobs: huey's tables were being created by another process; again")
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer inside a web worker: threads, and no signal handlers (the server's own)."""

    def _set_signal_handlers(self) -> None:
        pass


def _safe(url: str | None) -> str:
    if not url:
        return "sqlite (data folder)"
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


class JobRunner:
    """The jobs of one service: submits committed jobs to the queue and, when started,
    consumes them with ``workers`` threads."""

    def __init__(
        self,
        sessions: "sessionmaker[Session]",
        settings: Settings,
        *,
        huey: Huey | None = None,
        workers: int | None = None,
        resources: dict[str, Callable[[], Any]] | None = None,
    ) -> None:
        self.sessions = sessions
        self._factories = dict(resources or {})
        self._made: dict[str, Any] = {}
        self._resource_lock = threading.Lock()
        self.settings = settings
        self.huey = huey if huey is not None else make_huey(settings)
        self.workers = workers or settings.jobs_workers
        self.board = Board(self.huey)
        self._task = self.huey.task(name=TASK_NAME, context=True)(self._run)
        # A consumer thread that ends closes its own connection to the queue's store
        # (huey's SQL storage keeps one per thread).
        self.huey.on_shutdown(name="xieshou.close_storage")(self.close_storage)
        self._consumer: Consumer | None = None
        self._process: consumer_process.ConsumerProcess | None = None
        self._lock = threading.Lock()
        self.lease_s = settings.jobs_lease_s
        #: The jobs running in this process: id → the attempt (``attempts``) it runs.
        self._running: dict[int, int] = {}
        self._keeper: threading.Thread | None = None
        self._keeper_stop = threading.Event()
        global _default
        _default = self

    def provide(self, name: str, factory: Callable[[], Any]) -> None:
        """Make ``factory()`` (called once, when a job first asks) the resource ``name``."""
        self._factories[name] = factory

    def resource(self, name: str) -> Any:
        """The resource ``name`` (see :meth:`JobContext.resource`)."""
        with self._resource_lock:
            if name not in self._made:
                self._made[name] = self._factories[name]()
            return self._made[name]

    # -- submitting ----------------------------------------------------------------------

    def submit(
        self, job_id: int, kind: JobKind | None = None, *, retries: int | None = None
    ) -> None:
        """Put job ``job_id`` (committed, queued) on the queue; huey tries it again
        ``retries`` times (default: its kind's retries)."""
        kind = kind or _KINDS.get(self._kind_of(job_id) or "")
        if retries is None:
            retries = kind.retries if kind else 0
        delay = kind.retry_delay_s if kind else 0
        try:
            self.huey.enqueue(self._task.s(job_id, retries=retries, retry_delay=delay))
        except Exception:
            # The row stays queued; the next consumer start submits it again.
            log.exception("job %s could not be queued", job_id)

    def _kind_of(self, job_id: int) -> str | None:
        with self.sessions() as session:
            return session.scalar(select(Job.kind).where(Job.id == job_id))

    def resubmit_queued(self) -> int:
        """Submit every queued job again (one lost between its commit and the queue, or on a
        queue that was emptied); a job runs once however often it is submitted."""
        with self.sessions() as session:
            rows = session.execute(
                select(Job.id, Job.kind).where(Job.status == JobStatus.queued.value)
            ).all()
        for job_id, kind in rows:
            self.submit(job_id, _KINDS.get(kind))
        return len(rows)

    # -- consuming -----------------------------------------------------------------------

    def consumer(self, *, embedded: bool) -> Consumer:
        """A huey consumer of this runner's queue (threads)."""
        cls = _EmbeddedConsumer if embedded else Consumer
        return cls(
            self.huey,
            workers=self.workers,
            worker_type="thread",
            periodic=False,
            initial_delay=0.05,
            backoff=1.5,
            max_delay=MAX_POLL_S,
            check_worker_health=not embedded,
            graceful_signal="TERM",
        )

    def start(self) -> None:
        """Consume jobs (idempotent): in the consumer process this web worker shares with the
        others on the machine (``XIESHOU_JOBS_PROCESS``, the default), or in this process's
        threads."""
        with self._lock:
            if self._consumer is not None or self._process is not None:
                return
            if self.settings.jobs_process and consumer_process.supported():
                self._process = consumer_process.ConsumerProcess(
                    self.settings, data_dir(self.settings) / f"{self.huey.name}.consumer.lock"
                )
                self._process.start()
                log.info("jobs: run by a consumer process (queue %s)", self.huey.name)
                return
            self._consumer = self.consumer(embedded=True)
            self._consumer.start()
        self.keep_leases()
        log.info(
            "jobs: %s consumer threads on %s (queue %s)",
            self.workers,
            _safe(self.settings.jobs_url),
            self.huey.name,
        )
        try:
            self.resubmit_queued()
        except Exception:
            log.exception("jobs: queued jobs could not be submitted again")

    def stop(self) -> None:
        """Stop consuming; jobs running now finish first."""
        with self._lock:
            consumer, self._consumer = self._consumer, None
            process, self._process = self._process, None
        if consumer is not None:
            consumer.stop(graceful=True)
        if process is not None:
            process.stop()
        self._keeper_stop.set()
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.join(timeout=5)

    def close_storage(self) -> None:
        """Close this thread's connection to the queue's store, if any (huey's SQL stores
        keep one per thread; a Redis pool reconnects by itself in a forked process): when a
        consumer thread ends, and before the app's process forks workers, so that no
        connection crosses the fork."""
        close = getattr(self.huey.storage, "close", None)
        try:
            if close is not None:
                close()
        except Exception:  # nothing open in this thread (huey's SQLite storage then fails)
            log.debug("jobs: no queue store connection to close in this thread")

    @property
    def process(self) -> "consumer_process.ConsumerProcess | None":
        """The consumer process this runner watches, if it runs its jobs in one."""
        return self._process

    @property
    def alive(self) -> bool:
        """The consumer runs (``/readyz``): its process (this web worker's or another's on
        the machine), or its threads; without an embedded consumer, whether the queue
        answers."""
        if self._process is not None:
            return self._process.alive
        consumer = self._consumer
        if consumer is None:
            if self.settings.jobs_consumer:
                return False
            try:
                self.huey.pending_count()
            except Exception:
                return False
            return True
        threads = [t for _, t in consumer.worker_threads] + [consumer.scheduler]
        return all(t.is_alive() for t in threads)

    # -- leases --------------------------------------------------------------------------

    def keep_leases(self) -> None:
        """Start (once) the thread that renews the leases of the jobs running here and takes
        up again the jobs whose lease expired elsewhere, every quarter of the lease."""
        with self._lock:
            if self._keeper is not None and self._keeper.is_alive():
                return
            self._keeper_stop.clear()
            self._keeper = threading.Thread(target=self._keep, name="job-leases", daemon=True)
            self._keeper.start()

    def _keep(self) -> None:
        while True:
            for step in (self.renew_leases, self.reap_expired):
                try:
                    step()
                except Exception:
                    log.exception("jobs: %s failed", step.__name__)
            if self._keeper_stop.wait(self.lease_s / 4):
                return

    def renew_leases(self) -> int:
        """Renew the lease of every job running in this process: in the queue's store (at
        once on every backend) and in the rows' ``heartbeat_at`` (on SQLite only when no
        writer holds the database: an all-or-nothing import may hold it for minutes).
        How many jobs run here."""
        running = dict(self._running)
        for job_id in running:
            try:
                self.board.beat(job_id)
            except Exception:
                log.warning("job %s: lease not noted in the queue store", job_id)
        if running:
            now = utcnow()
            for job_id, attempt in running.items():
                self._write_now(
                    update(Job)
                    .where(
                        Job.id == job_id,
                        Job.attempts == attempt,
                        Job.status == JobStatus.running.value,
                    )
                    .values(heartbeat_at=now)
                )
        return len(running)

    def reap_expired(self) -> list[int]:
        """Take up again the running jobs whose lease expired (their consumer died): queued
        again while the kind has retries left, else failed. The ids taken up."""
        now = utcnow()
        cutoff = now - dt.timedelta(seconds=self.lease_s)
        expired = or_(
            Job.heartbeat_at < cutoff,
            and_(Job.heartbeat_at.is_(None), Job.started_at < cutoff),
        )
        with self.sessions() as session:
            rows = session.execute(
                select(Job.id, Job.kind, Job.attempts).where(
                    Job.status == JobStatus.running.value, expired
                )
            ).all()
        taken: list[int] = []
        for job_id, kind_name, attempts in rows:
            if job_id in self._running:
                continue  # ours: alive (its row's heartbeat may wait for SQLite's writer)
            try:
                beat = self.board.beat_at(job_id)
            except Exception:
                beat = None
            if beat is not None and time.time() - beat < self.lease_s:
                continue  # its consumer noted it is alive in the queue's store
            kind = _KINDS.get(kind_name)
            retry = kind is not None and attempts <= kind.retries
            error = (
                f"its consumer stopped renewing its lease ({self.lease_s:g} s) during attempt "
                f"{attempts}: the process died or its host went away"
            )
            values: dict[str, Any] = {"error": error, "heartbeat_at": None}
            if retry:
                values |= {"status": JobStatus.queued.value, "started_at": None}
            else:
                values |= {"status": JobStatus.failed.value, "finished_at": now}
            written = self._write_now(
                update(Job)
                .where(
                    Job.id == job_id,
                    Job.attempts == attempts,
                    Job.status == JobStatus.running.value,
                    expired,
                )
                .values(**values)
            )
            if written != 1:
                continue
            taken.append(job_id)
            log.warning(
                "job %s (%s): lease expired, %s",
                job_id,
                kind_name,
                "queued again" if retry else "failed",
            )
            if retry and kind is not None:
                self.submit(job_id, kind, retries=max(kind.retries - attempts, 0))
            else:
                JOBS_FINISHED.labels(kind_name, JobStatus.failed.value).inc()
                try:
                    self.board.forget(job_id)
                except Exception:
                    log.warning("job %s: its notes in the queue store were not dropped", job_id)
        return taken

    def _write_now(self, statement: Update) -> int | None:
        """Run one UPDATE and commit; on SQLite without waiting for another writer (``None``
        then: the next round tries again). How many rows it changed."""
        engine = self.sessions.kw["bind"]
        sqlite = engine.dialect.name == "sqlite"
        with engine.connect() as conn:
            if not sqlite:
                changed = conn.execute(statement).rowcount
                conn.commit()
                return int(changed)
            waited = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
            try:
                changed = conn.execute(statement).rowcount
                conn.commit()
                return int(changed)
            except OperationalError as exc:
                conn.rollback()
                if "locked" in str(exc) or "busy" in str(exc):
                    return None
                raise
            finally:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(waited or 0)}")

    # -- running one job -----------------------------------------------------------------

    def _claim(self, job_id: int) -> Job | None:
        try:
            return self._claim_once(job_id)
        except OperationalError as exc:  # e.g. SQLite's writer turn held past its timeout
            log.warning("job %s: not claimed (%s), queued again", job_id, type(exc).__name__)
            raise RetryTask(delay=1.0) from exc

    def _claim_once(self, job_id: int) -> Job | None:
        with self.sessions() as session:
            claimed = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.queued.value)
                .values(
                    status=JobStatus.running.value,
                    attempts=Job.attempts + 1,
                    started_at=utcnow(),
                    heartbeat_at=utcnow(),
                    error=None,
                )
            )
            session.commit()
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                return None
            return session.get(Job, job_id)

    def _finish(
        self, job_id: int, status: JobStatus, *, attempt: int | None = None, **values: Any
    ) -> bool:
        """Write the job's outcome; ``attempt``: only if the row is still that attempt's,
        running (not taken up again by another consumer after its lease expired)."""
        ended = status in FINISHED
        query = update(Job).where(Job.id == job_id)
        if attempt is not None:
            query = query.where(Job.attempts == attempt, Job.status == JobStatus.running.value)
        written = 0
        for turn in range(1, 6):
            try:
                with self.sessions() as session:
                    written = session.execute(
                        query.values(
                            status=status.value,
                            finished_at=utcnow() if ended else None,
                            heartbeat_at=None,
                            **values,
                        )
                    ).rowcount  # type: ignore[attr-defined]
                    session.commit()
            except OperationalError:
                log.warning("job %s: outcome not written (attempt %s)", job_id, turn)
                if turn == 5:
                    raise
                time.sleep(turn)
            else:
                break
        if not written:
            log.warning(
                "job %s: its lease was lost (taken up again elsewhere); outcome %s dropped",
                job_id,
                status.value,
            )
            return False
        if ended:
            try:
                self.board.forget(job_id)
            except Exception:
                log.warning("job %s: its notes in the queue store were not dropped", job_id)
        return True

    def run(self, job_id: int, task: Task | None = None) -> None:
        """Run job ``job_id`` here, now (the consumer's task; tests call it directly)."""
        self._run(job_id, task=task)

    def _run(self, job_id: int, task: Task | None = None) -> None:
        job = self._claim(job_id)
        if job is None:
            log.info("job %s: not queued any more, nothing to run", job_id)
            return
        kind = _KINDS.get(job.kind)
        with request_id.bound(job.request_id):
            if kind is None:
                log.error("job %s: no handler for kind %s", job_id, job.kind)
                self._finish(job_id, JobStatus.failed, error=f"unknown job kind {job.kind}")
                JOBS_FINISHED.labels(job.kind, JobStatus.failed.value).inc()
                return
            self._running[job.id] = job.attempts
            self.keep_leases()
            try:
                self.board.beat(job.id)
            except Exception:
                log.warning("job %s: lease not noted in the queue store", job_id)
            try:
                self._execute(job, kind, task)
            finally:
                self._running.pop(job.id, None)

    def _execute(self, job: Job, kind: JobKind, task: Task | None) -> None:
        started = time.monotonic()
        deadline = started + kind.timeout_s if kind.timeout_s else None
        ctx = JobContext(
            job.id,
            self.sessions,
            request_id=job.request_id,
            settings=self.settings,
            deadline=deadline,
            board=self.board,
            resources=self.resource,
        )
        JOBS_STARTED.labels(kind.name).inc()
        log.info("job %s (%s) started, attempt %s", job.id, kind.name, job.attempts)
        retry = False
        values: dict[str, Any]
        try:
            result = kind.handler(ctx, dict(job.payload or {}))
        except JobCancelled:
            status, values = JobStatus.cancelled, {}
            log.info("job %s (%s) cancelled", job.id, kind.name)
        except JobFailed as exc:
            status, values = JobStatus.failed, {"error": str(exc)[:4000], "result": exc.result}
            log.info("job %s (%s) failed: %s", job.id, kind.name, exc)
        except JobTimedOut:
            status = JobStatus.failed
            values = {"error": f"timed out after {kind.timeout_s:g} s"}
            log.warning("job %s (%s) timed out", job.id, kind.name)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:4000]
            retry = task is not None and task.retries > 0
            status = JobStatus.queued if retry else JobStatus.failed
            values = {"error": error}
            log.exception(
                "job %s (%s) failed%s", job.id, kind.name, ", will retry" if retry else ""
            )
            if retry:
                values["started_at"] = None
        else:
            status, values = JobStatus.succeeded, {"result": result}
            log.info("job %s (%s) succeeded", job.id, kind.name)
        ctx.flush_progress(to_row=False)
        values |= ctx.values()
        if status is JobStatus.cancelled:
            values["cancel_requested"] = True
        if not self._finish(job.id, status, attempt=job.attempts, **values):
            return
        JOB_SECONDS.labels(kind.name, status.value).observe(time.monotonic() - started)
        if status in FINISHED:
            JOBS_FINISHED.labels(kind.name, status.value).inc()
        if retry:
            # huey puts the task back on the queue (after the kind's retry delay).
            raise RetryingJob(job.id)


class RetryingJob(Exception):
    """Raised to huey so that it queues the job again (the row says ``queued``)."""


_default: JobRunner | None = None


def default_runner() -> JobRunner:
    """The runner of this process: the last one made, or one from the settings (it only
    submits; nothing consumes in this process unless it is started)."""
    global _default
    if _default is None:
        from app.platform.db import make_engine, make_sessionmaker
        from app.platform.settings import get_settings

        settings = get_settings()
        JobRunner(make_sessionmaker(make_engine(settings.database_url)), settings)
    assert _default is not None
    return _default


def get(session: Session, job_id: int) -> Job | None:
    """The job ``job_id``, or ``None``."""
    return session.get(Job, job_id)


def wait(sessions: "sessionmaker[Session]", job_id: int, *, timeout_s: float = 60.0) -> Job:
    """Block until job ``job_id`` has finished (for commands and tests); ``TimeoutError``
    after ``timeout_s``."""
    end = time.monotonic() + timeout_s
    while True:
        with sessions() as session:
            job = session.get(Job, job_id)
            if job is not None and job.finished:
                session.expunge(job)
                return job
        if time.monotonic() > end:
            raise TimeoutError(f"job {job_id} did not finish within {timeout_s} s")
        time.sleep(0.05)
