"""Alembic environment: the app's metadata, the URL from settings or from the caller."""

from logging.config import fileConfig

from alembic import context
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection

from app.migrate import foreign_keys_held
from app.models import Base
from app.platform.db import make_engine
from app.platform.settings import get_settings

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _drop_empty_revision(
    _context: MigrationContext, _revision: object, directives: list[ops.MigrationScript]
) -> None:
    # An autogenerate run that finds nothing should not leave an empty revision behind.
    script = directives[0]
    if script.upgrade_ops is not None and script.upgrade_ops.is_empty():
        directives[:] = []


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
        process_revision_directives=_drop_empty_revision,
    )


def run_migrations_online() -> None:
    """Run migrations on a connection given by the caller, or on the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with foreign_keys_held(connection), context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with foreign_keys_held(conn), context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
