"""Turns at a scarce resource, waited for on the event loop, never in a thread-pool thread.

Two resources of a worker are taken in turns: the SQLite writer (one at a time) and the
database connections of the pool. Threads blocked waiting for either once filled the thread
pool, so the requests holding them never got a thread to finish on and the server hung: 45
parallel writes waiting in a lock's ``acquire`` on SQLite, 120 parallel requests waiting for a
pool connection on PostgreSQL. A request now waits for its turn on the event loop; the queue
is bounded by how many may wait and for how long, and a request beyond either bound is
answered 503 with ``Retry-After``.

Turns are handed over first come, first served, across event loops (a test client and a
server may share one app) and background threads (the impression log), which wait blocking
their own thread.
"""

import asyncio
import math
import threading
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio

from app.errors import ServiceUnavailable
from app.messages import tr
from app.platform.metrics import TURN_WAIT_SECONDS


@dataclass(eq=False)
class _Waiter:
    loop: asyncio.AbstractEventLoop | None = None
    future: "asyncio.Future[None] | None" = None
    event: threading.Event = field(default_factory=threading.Event)
    granted: bool = False

    def wake(self) -> bool:
        """Tell the waiter its turn came; False when it can no longer hear (its loop closed)."""
        if self.loop is None:
            self.event.set()
            return True
        try:
            self.loop.call_soon_threadsafe(_resolve, self.future)
        except RuntimeError:  # the loop is closed: nobody will take this turn
            return False
        return True


def _resolve(future: "asyncio.Future[None] | None") -> None:
    if future is not None and not future.done():
        future.set_result(None)


class Turns:
    """A fair, process-wide semaphore that async callers wait for without a thread.

    ``capacity`` holders at once (1: a lock); ``max_waiting`` callers may queue, each for at
    most ``max_wait_s`` seconds; beyond that :meth:`acquire` raises
    :class:`~app.errors.ServiceUnavailable` (503, Retry-After) naming ``what``.

    Examples
    --------
    >>> turns = Turns("writes", max_waiting=1, max_wait_s=1.0)
    >>> turns.try_acquire()
    True
    >>> turns.try_acquire()
    False
    >>> turns.release()
    >>> turns.acquire_blocking()
    True
    >>> turns.release()
    """

    def __init__(
        self, what: str, *, capacity: int = 1, max_waiting: int, max_wait_s: float
    ) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self.what = what
        self.capacity = capacity
        self.max_waiting = max_waiting
        self.max_wait_s = max_wait_s
        self._mutex = threading.Lock()
        self._held = 0
        self._released_at = time.monotonic()
        self._mean_release_interval_s = 0.01
        self._queue: deque[_Waiter] = deque()

    @property
    def waiting(self) -> int:
        """How many callers wait for a turn now."""
        return len(self._queue)

    def try_acquire(self) -> bool:
        """Take a turn if one is free and nobody waits; never waits."""
        with self._mutex:
            if self._held >= self.capacity or self._queue:
                return False
            self._held += 1
            return True

    async def acquire(self) -> None:
        """Wait on the event loop for a turn; 503 when too many wait or it takes too long."""
        loop = asyncio.get_running_loop()
        with self._mutex:
            if self._held < self.capacity and not self._queue:
                self._held += 1
                TURN_WAIT_SECONDS.labels(self.what).observe(0.0)
                return
            if len(self._queue) >= self.max_waiting:
                raise self._busy(f"{len(self._queue)} are waiting")
            waiter = _Waiter(loop=loop, future=loop.create_future())
            self._queue.append(waiter)
        assert waiter.future is not None
        started = time.perf_counter()
        try:
            with anyio.fail_after(self.max_wait_s):
                await waiter.future
        except TimeoutError:
            if not self._give_up(waiter):
                return  # the turn came just as the wait ran out: take it
            raise self._busy(f"no turn within {self.max_wait_s:g} s") from None
        except BaseException:  # cancelled: the client went away
            if not self._give_up(waiter):
                self.release()
            raise
        TURN_WAIT_SECONDS.labels(self.what).observe(time.perf_counter() - started)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold a turn for the ``async with`` block (see :meth:`acquire`)."""
        await self.acquire()
        try:
            yield
        finally:
            self.release()

    def acquire_blocking(self, timeout: float | None = None) -> bool:
        """Wait for a turn blocking this thread (a background thread, never a pool thread).

        Returns False when ``timeout`` seconds passed without a turn.
        """
        with self._mutex:
            if self._held < self.capacity and not self._queue:
                self._held += 1
                return True
            waiter = _Waiter()
            self._queue.append(waiter)
        if waiter.event.wait(timeout):
            return True
        return not self._give_up(waiter)

    def release(self) -> None:
        """End a turn and hand it to the first caller still waiting."""
        with self._mutex:
            now = time.monotonic()
            if self._queue:  # the pace at which a queue drains (idle gaps say nothing of it)
                interval = now - self._released_at
                self._mean_release_interval_s = 0.9 * self._mean_release_interval_s + 0.1 * interval
            self._released_at = now
            while self._queue:
                waiter = self._queue.popleft()
                waiter.granted = True
                if waiter.wake():
                    return  # the turn passes on: as many are held as before
            self._held -= 1

    def _give_up(self, waiter: _Waiter) -> bool:
        """Leave the queue; False when the turn was already handed to this waiter."""
        with self._mutex:
            if waiter.granted:
                return False
            self._queue.remove(waiter)
            return True

    def _busy(self, why: str) -> ServiceUnavailable:
        # When the queue drains: those ahead, at the recent pace turns were given back.
        ahead_s = len(self._queue) * self._mean_release_interval_s
        retry_after = min(60, max(1, math.ceil(ahead_s)))
        return ServiceUnavailable(
            tr(
                "too many {what} at once ({why}); retry after {seconds} s",
                what=self.what,
                why=why,
                seconds=retry_after,
            ),
            retry_after_s=retry_after,
        )
