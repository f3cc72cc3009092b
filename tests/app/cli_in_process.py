"""Running the ``xieshou`` command line inside the test process.

``app.cli.main`` sets up logging as a process of its own would: it puts the service's handler
on the root logger in place of the ones there, writing to ``sys.stderr``, which under pytest
is the test's capture, closed after the test. Left there, every later log line of any thread
(a matching index's catch-up, a test SMTP server) would fail with "--- Logging error ---
ValueError: I/O operation on closed file". :func:`run_cli` puts the root logger's handlers
and level back afterwards.
"""

import logging

from app.cli import main


def run_cli(argv: list[str]) -> int:
    """``xieshou <argv>`` in this process; its exit status. The root logger is left as it was."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        return main(argv)
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)  # no-op for those still there
        root.setLevel(level)
