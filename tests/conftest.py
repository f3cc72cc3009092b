"""Session-wide test set-up shared by every test package."""

import ast
import functools
import logging
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_AST_LOCK = threading.RLock()


def _serialized(parse: Any) -> Any:
    @functools.wraps(parse)
    def parse_one_at_a_time(*args: Any, **kwargs: Any) -> Any:
        with _AST_LOCK:
            return parse(*args, **kwargs)

    return parse_one_at_a_time


def pytest_configure(config: pytest.Config) -> None:
    """Serialize ``ast.parse`` across threads for the whole run.

    CPython 3.11.7 (the CI machine's Python) counts the depth of an AST it converts in one
    counter per interpreter, not per thread (CPython gh-106905, fixed later by per-call
    state). Python 3.11's traceback formatting calls ``ast.parse`` to place its ``^^^``
    markers, as do pytest's assertion rewriting and hypothesis: when a server thread of a
    test logs a traceback while the test thread parses, the other raises "SystemError: AST
    constructor recursion depth mismatch", which failed a schemathesis run on CI.
    """
    if not getattr(ast.parse, "__wrapped__", None):
        ast.parse = _serialized(ast.parse)


def _database_of_this_worker() -> None:
    """Give each pytest-xdist worker a PostgreSQL test database of its own.

    The suite wipes ``XIESHOU_TEST_DATABASE_URL`` and empties its tables after every test, so
    two workers on one database would delete each other's rows. Worker ``gw1`` of a suite
    given ``…/test`` uses ``…/test_gw1`` (created when missing; the name still says "test",
    so :mod:`tests.app.database_guard` lets it be wiped). Modules read the variable when they
    are imported: this runs when this conftest is (module level, below), before the conftests
    of the folders under it, which pytest may load before ``pytest_configure``.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("XIESHOU_TEST_DATABASE_URL", "")
    if not worker or not url:
        return
    base = make_url(url)
    if (base.database or "").endswith(f"_{worker}"):
        return  # done already
    mine = base.set(database=f"{base.database}_{worker}")
    server = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            exists = conn.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": mine.database}
            )
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{mine.database}"'))
    finally:
        server.dispose()
    os.environ["XIESHOU_TEST_DATABASE_URL"] = mine.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _no_log_handler_left_on_the_root_logger() -> Iterator[None]:
    """Fail a test that leaves a log handler of its own on the root logger (pytest's are kept).

    Such a handler writes to what ``sys.stderr`` was during that test, pytest's capture,
    which is closed after it: every later line any thread logs (a matching index's catch-up,
    a test SMTP server) then prints "--- Logging error --- ValueError: I/O operation on
    closed file". ``app.cli.main`` installs one: run it through
    ``tests.app.cli_in_process.run_cli``.
    """
    root = logging.getLogger()
    before = set(root.handlers)
    yield
    left = [
        handler
        for handler in root.handlers
        if handler not in before and not type(handler).__module__.startswith("_pytest")
    ]
    for handler in left:
        root.removeHandler(handler)
    if left:
        pytest.fail(f"the test left log handlers on the root logger: {left}")


_database_of_this_worker()
