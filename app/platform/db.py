"""Engine and session handling.

The request's session owns the transaction: it commits once after the handler returns and
rolls back on any exception. Services ``flush()``, never ``commit()``.
"""

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.availability import DatabaseReadOnly
from app.errors import Conflict, PreconditionFailed
from app.messages import tr

_BUSY_TIMEOUT_MS = 30_000


def _json_dumps(value: Any) -> str:
    # Keep Chinese readable in the stored JSON, so text filters (LIKE) can match it.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: A worker's pool holds this many connections, and as many again when busy.
POOL_SIZE = 10

#: Connections a worker's background threads may hold at once: the matching index catching
#: up (its thread, or a request's), the impression log, the key-usage writer and the
#: notification sender.
BACKGROUND_CONNECTIONS = 4


def request_connections(pool_size: int = POOL_SIZE) -> int:
    """How many requests of a worker may hold a database session at once.

    The pool's connections less the background threads' ones, so a request holding a session
    is never stuck waiting for a connection that only another waiting request could give back.
    """
    return 2 * pool_size - BACKGROUND_CONNECTIONS


def make_engine(url: str, *, pool_size: int = POOL_SIZE) -> Engine:
    """Create an engine for a SQLite file or PostgreSQL URL.

    SQLite gets WAL mode, foreign keys and a busy timeout on every connection, so that
    concurrent writers wait for each other instead of failing at once.

    Bound parameters (names, phone numbers, e-mail addresses, key hashes) never reach a log:
    neither SQL logging nor the text of a database error (logged with its traceback when
    unexpected) shows them, only the statement.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            hide_parameters=True,
            json_serializer=_json_dumps,
            connect_args={"timeout": _BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=pool_size,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return create_engine(
        url,
        hide_parameters=True,
        json_serializer=_json_dumps,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    cursor.close()


def check_ready(engine: Engine) -> None:
    """Raise unless the database answers a read and would take a write.

    :class:`~app.availability.DatabaseReadOnly` when it takes no writes (a read-only file,
    directory or mount, a PostgreSQL standby); the database's own error when it cannot be
    reached. On SQLite the write is a statement that changes nothing, rolled back at once,
    and it does not wait for a writer holding the lock (a busy database is a writable one).
    """
    with engine.connect() as conn:
        if engine.dialect.name != "sqlite":
            if conn.scalar(text("SELECT current_setting('transaction_read_only')")) == "on":
                raise DatabaseReadOnly("the database is read-only")
            return
        conn.exec_driver_sql("PRAGMA busy_timeout=0")
        try:
            conn.exec_driver_sql("DELETE FROM alembic_version WHERE 0")
        except OperationalError as exc:
            name = str(getattr(exc.orig, "sqlite_errorname", ""))
            if name.startswith("SQLITE_READONLY"):
                raise DatabaseReadOnly("the database is read-only") from exc
            if not name.startswith("SQLITE_BUSY"):
                raise
        finally:
            conn.rollback()
            conn.exec_driver_sql(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit (responses are built from them)."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def flush(session: Session, what: str) -> None:
    """Flush pending writes, turning a lost race into the error the client should see.

    A stale version (another client updated the row first) is 412; a unique constraint hit
    by a concurrent insert is 409.
    """
    try:
        session.flush()
    except StaleDataError as exc:
        raise PreconditionFailed(
            tr("{what} was changed by someone else; re-read it and retry", what=what)
        ) from exc
    except IntegrityError as exc:
        raise Conflict(tr("{what} conflicts with an existing record", what=what)) from exc
