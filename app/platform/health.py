"""Liveness and readiness: ``/healthz`` says the process answers, ``/readyz`` that it can serve.

``/healthz`` needs nothing (no database, no index), so a process supervisor or load balancer
never kills a worker that is still building its matching index. ``/readyz`` answers 200 only
when the database is reachable (and writable), the matching index is built and has read the
change log recently, and every background runner of the worker is alive; otherwise 503
problem+json whose ``not_ready`` names each check that failed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine

from app.availability import DatabaseReadOnly, OutageLog
from app.messages import tr
from app.platform.db import check_ready


class _Index(Protocol):
    @property
    def ready(self) -> bool: ...
    @property
    def alive(self) -> bool: ...
    @property
    def age_s(self) -> float | None: ...


class _Runner(Protocol):
    @property
    def alive(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Check:
    """One readiness check's outcome."""

    name: str
    ok: bool
    detail: str = ""


def check_database(engine: Engine, outage: "OutageLog | None" = None) -> Check:
    """The database answers and takes writes (blocking: call it from a thread).

    A failure is told to ``outage`` (logged once per outage, not on every probe).
    """
    try:
        check_ready(engine)
    except Exception as exc:
        if outage is not None:
            outage.failed(exc)
        if isinstance(exc, DatabaseReadOnly):
            return Check("database", False, str(exc))
        return Check("database", False, f"{tr('database unavailable')} ({type(exc).__name__})")
    if outage is not None:
        outage.succeeded()
    return Check("database", True)


def check_index(index: _Index, *, max_age_s: float) -> Check:
    """The matching index is built and read the change log within ``max_age_s``."""
    if not index.ready:
        return Check("matching_index", False, "still building")
    age = index.age_s
    if age is None or age > max_age_s:
        return Check("matching_index", False, f"change log last read {age or 0:.1f} s ago")
    return Check("matching_index", True)


def check_runners(runners: dict[str, _Runner | None]) -> list[Check]:
    """Each background runner that is configured (not ``None``) has a live thread."""
    return [
        Check(f"runner:{name}", runner.alive, "" if runner.alive else "not running")
        for name, runner in runners.items()
        if runner is not None
    ]


def runner_states(runners: dict[str, _Runner | None]) -> Callable[[], dict[str, bool]]:
    """A reader of which configured runners are alive (for the metrics)."""
    return lambda: {n: r.alive for n, r in runners.items() if r is not None}
