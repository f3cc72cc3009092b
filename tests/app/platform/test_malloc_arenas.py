"""A server process caps glibc's malloc arenas (``app.platform.memory``), and its children too.

Each check runs in a fresh interpreter (the cap is per process and set once). Eight threads
allocate and free at once, which makes glibc open arenas for them; ``malloc_info`` then
lists the process's arenas (one ``<heap nr=…>`` each).
"""

import ctypes.util
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="the cap is glibc's (mallopt, malloc_info)"
)

PROBE = """
import ctypes, ctypes.util, os, re, sys, threading
from app.platform.memory import limit_malloc_arenas
capped = limit_malloc_arenas() if sys.argv[1] == "cap" else False
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
libc.fopen.restype = ctypes.c_void_p
start = threading.Barrier(8)
def churn():
    start.wait()
    for _ in range(50000):
        libc.free(libc.malloc(4096))
threads = [threading.Thread(target=churn) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
out = ctypes.c_void_p(libc.fopen(sys.argv[2].encode(), b"w"))
libc.malloc_info(0, out)
libc.fclose(out)
heaps = len(re.findall("<heap nr=", open(sys.argv[2]).read()))
print(capped, heaps, os.environ.get("MALLOC_ARENA_MAX"))
"""


def _probe(mode: str, tmp_path: Path, **env: str) -> tuple[str, int, str]:
    base = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(tmp_path / "malloc_info.xml")],
        env=base | env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    return out[0], int(out[1]), out[2]


def test_the_cap_keeps_a_threaded_process_to_two_arenas_and_is_inherited(tmp_path: Path) -> None:
    assert ctypes.util.find_library("c")
    capped, heaps, inherited = _probe("cap", tmp_path)
    assert capped == "True"
    assert heaps <= 2
    assert inherited == "2"  # what the job process and spawned workers start with


def test_without_the_cap_the_same_threads_open_more_arenas(tmp_path: Path) -> None:
    # the probe can tell: the check above would fail if the cap did nothing
    _, heaps, inherited = _probe("free", tmp_path)
    assert heaps > 2
    assert inherited == "None"


def test_an_operators_own_setting_wins(tmp_path: Path) -> None:
    capped, _, inherited = _probe("cap", tmp_path, MALLOC_ARENA_MAX="4")
    assert capped == "False"
    assert inherited == "4"
