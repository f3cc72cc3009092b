"""Engine and session handling.

The request's session owns the transaction: it commits once after the handler returns and
rolls back on any exception. Services ``flush()``, never ``commit()``.
"""

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict, PreconditionFailed


def _json_dumps(value: Any) -> str:
    # Keep Chinese readable in the stored JSON, so text filters (LIKE) can match it.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
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
            connect_args={"timeout": 30, "check_same_thread": False},
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
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


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
            f"{what} was changed by someone else; re-read it and retry"
        ) from exc
    except IntegrityError as exc:
        raise Conflict(f"{what} conflicts with an existing record") from exc
