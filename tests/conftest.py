"""Session-wide test set-up shared by every test package."""

import ast
import functools
import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

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
