"""What a worker imports before it serves, and the collector around that import.

Each test runs a fresh interpreter: the test runner's own process has imported everything.
"""

import subprocess
import sys

#: Libraries only some requests need (workbooks, calendar files, the scheduler's OR-Tools):
#: imported when first used, not by every worker at start-up.
NOT_AT_START = ("openpyxl", "icalendar", "ortools")


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    return done.stdout.strip()


def test_the_app_imports_no_workbook_or_calendar_library() -> None:
    names = ", ".join(repr(n) for n in NOT_AT_START)
    loaded = _run(
        f"import sys, app.main; print(','.join(n for n in ({names},) if n in sys.modules))"
    )
    assert loaded == ""


def test_the_collector_is_back_on_with_the_start_up_heap_frozen() -> None:
    out = _run(
        "import gc; from app.cli import _collector_back; gc.disable(); "
        "import app.main; _collector_back(); "
        "print(gc.isenabled(), gc.get_freeze_count() > 100_000)"
    )
    assert out == "True True"
