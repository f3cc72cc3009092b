"""SQLite migrations that rebuild a parent table keep the child rows that cascade from it."""

from pathlib import Path

import pytest
from sqlalchemy import text

from app.migrate import foreign_keys_held
from app.platform.db import make_engine


def _parent_and_child(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
        conn.execute(
            text(
                "CREATE TABLE child (id INTEGER PRIMARY KEY, "
                "parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE)"
            )
        )
        conn.execute(text("INSERT INTO parent VALUES (1)"))
        conn.execute(text("INSERT INTO child VALUES (10, 1)"))
    engine.dispose()


def _rebuild_parent(conn: object) -> None:
    # What alembic's batch mode does to add a constraint on SQLite: copy, drop, rename.
    for statement in (
        "CREATE TABLE _parent_new (id INTEGER PRIMARY KEY, note TEXT)",
        "INSERT INTO _parent_new (id) SELECT id FROM parent",
        "DROP TABLE parent",
        "ALTER TABLE _parent_new RENAME TO parent",
    ):
        conn.exec_driver_sql(statement)  # type: ignore[attr-defined]


def test_a_rebuilt_parent_keeps_its_children(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _parent_and_child(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        with foreign_keys_held(conn):
            _rebuild_parent(conn)
        assert conn.exec_driver_sql("SELECT count(*) FROM child").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_without_it_the_drop_cascades(tmp_path: Path) -> None:
    """The hazard itself: with foreign keys on, the same rebuild empties the child table."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _parent_and_child(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        _rebuild_parent(conn)
        conn.commit()
        assert conn.exec_driver_sql("SELECT count(*) FROM child").scalar() == 0
    engine.dispose()


def test_orphans_left_by_a_migration_are_reported(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    _parent_and_child(url)
    engine = make_engine(url)
    with (
        engine.connect() as conn,
        pytest.raises(RuntimeError, match="without their parent"),
        foreign_keys_held(conn),
    ):
        conn.exec_driver_sql("DELETE FROM parent")
    engine.dispose()
