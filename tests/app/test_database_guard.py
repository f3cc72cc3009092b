"""The suite refuses to wipe a database whose name doesn't say it is for tests."""

import pytest

from tests.app.database_guard import NotATestDatabase, check_may_reset

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"


@pytest.mark.parametrize("name", ["test", "xieshou_test", "test_ci", "ci-tests", "TEST"])
def test_test_databases_may_be_reset(name: str) -> None:
    check_may_reset(PG + name)


@pytest.mark.parametrize("name", ["postgres", "root", "xieshou", "contest", "latest", "testimony"])
def test_other_databases_are_refused(name: str) -> None:
    with pytest.raises(NotATestDatabase, match=name):
        check_may_reset(PG + name)


def test_the_flag_allows_any_database() -> None:
    check_may_reset(PG + "xieshou", flag="yes")
