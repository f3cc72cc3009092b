"""Database availability: which errors mean "unavailable, retry later", and outage logging.

An unreachable PostgreSQL, a read-only or unopenable SQLite file, a busy database: the caller
did nothing wrong and the service cannot help it now, so the answer is 503 with Retry-After
(see :func:`app.errors.install_error_handlers`), not 500. Background loops that poll the
database log an outage once when it starts and once when it ends, not on every poll.
"""

import logging
import sqlite3
import threading
import time

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: How long a client is asked to wait before retrying when the database is unavailable.
RETRY_AFTER_S = 5

# SQLite result codes (and their extended forms, e.g. SQLITE_READONLY_DBMOVED) that say the
# file cannot be used now; others (no such table, syntax errors) are bugs: 500.
_SQLITE_UNAVAILABLE = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_FULL",
    "SQLITE_PROTOCOL",
)


class DatabaseReadOnly(Exception):
    """The database answers reads but takes no writes (found by :func:`app.platform.db.check_ready`)."""


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be used now (rather than a bug or bad data).

    Examples
    --------
    >>> import sqlite3
    >>> from sqlalchemy.exc import OperationalError
    >>> locked = sqlite3.OperationalError("database is locked")
    >>> locked.sqlite_errorname = "SQLITE_BUSY"
    >>> is_unavailable(OperationalError("INSERT …", None, locked))
    True
    >>> is_unavailable(ValueError("no"))
    False
    """
    if isinstance(exc, (PoolTimeout, DatabaseReadOnly)):  # PoolTimeout: every connection busy
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:  # a disconnect, seen by SQLAlchemy's dialect
        return True
    if isinstance(exc.orig, sqlite3.Error):
        name = str(getattr(exc.orig, "sqlite_errorname", ""))
        return name.startswith(_SQLITE_UNAVAILABLE)
    # PostgreSQL: the DBAPI's OperationalError is the server gone, refusing connections,
    # shutting down, out of resources, or a transaction to retry (serialization, deadlock).
    return isinstance(exc, SAOperationalError)


def summary(exc: BaseException) -> str:
    """One line naming the error, without the statement or its parameters."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    return f"{type(orig).__name__}: {first}" if first else type(orig).__name__


class OutageLog:
    """Logs a run of failures once when it starts and once when it ends.

    A loop polling a database that is gone would otherwise log a traceback on every round.
    The first failure of a run is logged with its traceback (it may be a bug); the rest are
    counted, and the first success after them logs how long the outage lasted.

    Examples
    --------
    >>> outage = OutageLog(logging.getLogger("doctest"), "catching up")
    >>> outage.failed(OSError("gone"))
    >>> outage.failed(OSError("gone"))
    >>> outage.down
    True
    >>> outage.succeeded()
    >>> outage.down
    False
    """

    def __init__(self, logger: logging.Logger, what: str) -> None:
        self._log = logger
        self._what = what
        self._mutex = threading.Lock()
        self._since: float | None = None
        self._failures = 0

    @property
    def down(self) -> bool:
        """Whether the last attempt failed."""
        return self._since is not None

    def failed(self, exc: BaseException) -> None:
        """Note a failure; logged only when it starts a run of failures."""
        with self._mutex:
            self._failures += 1
            if self._since is not None:
                return
            self._since = time.monotonic()
        if is_unavailable(exc):
            self._log.error(
                "%s: the database is unavailable (%s); not logged again until it is back",
                self._what,
                summary(exc),
            )
        else:
            self._log.error(
                "%s failed; not logged again until it succeeds", self._what, exc_info=exc
            )

    def succeeded(self) -> None:
        """Note a success; logged only when it ends a run of failures."""
        if self._since is None:  # the common case: no lock, nothing to say
            return
        with self._mutex:
            if self._since is None:
                return
            lasted = time.monotonic() - self._since
            failures, self._since, self._failures = self._failures, None, 0
        self._log.warning(
            "%s works again after %.1f s (%d failed attempts)", self._what, lasted, failures
        )
