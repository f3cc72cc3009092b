"""Refuse to wipe a PostgreSQL database that is not plainly a test database.

The suite drops and recreates the ``public`` schema of ``XIESHOU_TEST_DATABASE_URL``. Pointed at
a real database by mistake, that would destroy it, so the suite runs only when the database's
name says it is for tests (``test``, ``xieshou_test_ci``, ``ci_test``…) or when
``XIESHOU_TEST_DATABASE_RESET=yes`` says the caller knows what it is doing.
"""

import re

from sqlalchemy.engine import make_url

_TEST_NAME = re.compile(r"(?:^|[_\-])tests?(?:$|[_\-])", re.IGNORECASE)
RESET_FLAG = "XIESHOU_TEST_DATABASE_RESET"


class NotATestDatabase(RuntimeError):
    """The configured database's name does not say it may be wiped."""


def check_may_reset(url: str, *, flag: str = "") -> None:
    """Raise :class:`NotATestDatabase` unless ``url`` names a test database or ``flag`` is yes."""
    if flag.strip().lower() in {"1", "yes", "true"}:
        return
    name = make_url(url).database or ""
    if not _TEST_NAME.search(name):
        raise NotATestDatabase(
            f"refusing to drop the schema of database {name!r}: the test suite wipes "
            f"XIESHOU_TEST_DATABASE_URL, and {name!r} does not look like a test database "
            f"(its name should contain 'test' as a word, e.g. 'test' or 'xieshou_test'); "
            f"set {RESET_FLAG}=yes to wipe it anyway"
        )
