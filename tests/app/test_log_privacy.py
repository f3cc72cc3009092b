"""Logs carry no user data from SQL: bound parameters are hidden from SQL logging and errors.

Regression: a database error logged with its traceback (a 500, "database is locked" during a
long import) printed the statement's parameters, contacts included.
"""

import logging

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.platform.db import make_engine

SECRET = "13800138000-zhang@example.cn"


def test_a_database_error_does_not_carry_the_statements_parameters(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError) as failed:
            conn.execute(
                text("SELECT no_such_column FROM api_keys WHERE prefix = :p"), {"p": SECRET}
            )
    finally:
        engine.dispose()
    assert "no_such_column" in str(failed.value)  # the statement is still there to debug with
    assert SECRET not in str(failed.value)


def test_sql_logging_when_switched_on_shows_statements_without_parameters(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(database_url)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM api_keys WHERE prefix = :p"), {"p": SECRET})
    finally:
        engine.dispose()
    assert "FROM api_keys WHERE prefix" in caplog.text
    assert SECRET not in caplog.text


def test_the_apps_engine_hides_parameters_and_does_not_echo(app: FastAPI) -> None:
    assert app.state.engine.hide_parameters
    assert not app.state.engine.echo
