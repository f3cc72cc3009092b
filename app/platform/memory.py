"""Fewer malloc arenas per process: what a threaded worker frees goes back to one pool.

glibc's ``malloc`` gives a thread that finds the main arena busy an arena of its own, up to
eight per core, and each arena keeps the pages freed in it for its own thread's later use. A
web worker runs many threads (the event loop, the thread pool that runs sync routes, the
ranking turns, the index's catch-up thread, the flushers), and the matching index's numpy
scratch arrays are allocated on whichever of them ranks: so every worker kept several
arenas' worth of freed pages. Two arenas (``M_ARENA_MAX``) keep them in a shared pool: at
1,000,000 profiles one uvicorn worker went from 496 to 373 MB and four forked workers from
863 to 740 MB (PSS after 100 shortlists, ``scripts/bench_memory.py``, 2026-12-04).
"""

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger(__name__)

#: glibc's ``mallopt`` parameter for the most arenas a process may have (``malloc.h``).
M_ARENA_MAX = -8
#: Arenas a server process keeps: the main one and one for every other thread.
SERVER_ARENAS = 2


def limit_malloc_arenas(arenas: int = SERVER_ARENAS) -> bool:
    """Cap this process's glibc malloc arenas at ``arenas``, and its children's (they inherit
    ``MALLOC_ARENA_MAX``, which glibc reads when a process starts). Call it before threads
    start. An operator's own ``MALLOC_ARENA_MAX`` wins, and other C libraries (musl, macOS)
    are left alone. Returns whether the cap was set here."""
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c")).mallopt
    except (OSError, AttributeError):  # no glibc: musl has no mallopt
        return False
    if not mallopt(M_ARENA_MAX, arenas):
        return False
    os.environ["MALLOC_ARENA_MAX"] = str(arenas)
    log.debug("malloc arenas capped at %d", arenas)
    return True
