"""Run the alembic migrations from code (the CLI's ``db upgrade``, start-up and the tests)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

import migrations


def alembic_config(url: str) -> Config:
    """An alembic config for ``url``; works from a checkout and from an installed wheel."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(url), revision)


@contextmanager
def foreign_keys_held(connection: Connection) -> Iterator[None]:
    """On SQLite, switch foreign keys off around a migration, and check them after.

    SQLite's batch mode rebuilds a table (copy, drop, rename). With foreign keys on, the DROP
    deletes every row that references the table ``ON DELETE CASCADE``, so a migration that
    merely adds a column to a parent would empty its children. SQLite's own advice for
    schema changes is to switch them off and run ``PRAGMA foreign_key_check`` before
    committing (https://www.sqlite.org/lang_altertable.html#otheralter). Other databases
    change tables in place and need nothing.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    # The pragma is a no-op inside a transaction, so end the one SQLAlchemy began.
    connection.commit()
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows without their parent: {broken[:5]}")
    finally:
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
