"""Writers of one process take turns (SQLite allows one writer at a time), waiting off the pool.

A request waits for its turn on the event loop, not in a thread-pool thread: threads blocked
in a lock's ``acquire`` once filled the pool, so the writer holding the lock never got a thread
to finish on and the server hung for good. The queue is bounded by how many may wait and for
how long; a writer beyond either bound is answered 503 with ``Retry-After``.

Turns are handed over first come, first served, across event loops (a test client and a
server may share one app) and background threads (the impression log), which wait for their
turn blocking their own thread.
"""

import asyncio
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import anyio

from app.errors import ServiceUnavailable


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


class WriteTurns:
    """A fair, process-wide writer lock that async callers wait for without a thread.

    ``max_waiting`` writers may queue, each for at most ``max_wait_s`` seconds; beyond
    that :meth:`acquire` raises :class:`~app.errors.ServiceUnavailable` (503, Retry-After).

    Examples
    --------
    >>> turns = WriteTurns(max_waiting=1, max_wait_s=1.0)
    >>> turns.try_acquire()
    True
    >>> turns.try_acquire()
    False
    >>> turns.release()
    >>> turns.acquire_blocking()
    True
    >>> turns.release()
    """

    def __init__(self, *, max_waiting: int, max_wait_s: float) -> None:
        self.max_waiting = max_waiting
        self.max_wait_s = max_wait_s
        self._mutex = threading.Lock()
        self._held = False
        self._held_since = 0.0
        self._mean_hold_s = 0.01
        self._queue: deque[_Waiter] = deque()

    @property
    def waiting(self) -> int:
        """How many writers wait for their turn now."""
        return len(self._queue)

    def try_acquire(self) -> bool:
        """Take the turn if it is free and nobody waits; never waits."""
        with self._mutex:
            if self._held or self._queue:
                return False
            self._take()
            return True

    async def acquire(self) -> None:
        """Wait on the event loop for the turn; 503 when too many wait or it takes too long."""
        loop = asyncio.get_running_loop()
        with self._mutex:
            if not self._held and not self._queue:
                self._take()
                return
            if len(self._queue) >= self.max_waiting:
                raise self._busy(f"{len(self._queue)} writes are waiting")
            waiter = _Waiter(loop=loop, future=loop.create_future())
            self._queue.append(waiter)
        assert waiter.future is not None
        try:
            with anyio.fail_after(self.max_wait_s):
                await waiter.future
        except TimeoutError:
            if not self._give_up(waiter):
                return  # the turn came just as the wait ran out: take it
            raise self._busy(f"no turn to write within {self.max_wait_s:g} s") from None
        except BaseException:  # cancelled: the client went away
            if not self._give_up(waiter):
                self.release()
            raise

    def acquire_blocking(self, timeout: float | None = None) -> bool:
        """Wait for the turn blocking this thread (a background thread, never a pool thread).

        Returns False when ``timeout`` seconds passed without the turn.
        """
        with self._mutex:
            if not self._held and not self._queue:
                self._take()
                return True
            waiter = _Waiter()
            self._queue.append(waiter)
        if waiter.event.wait(timeout):
            return True
        return not self._give_up(waiter)

    def release(self) -> None:
        """End this turn and hand it to the first writer still waiting."""
        with self._mutex:
            held_s = time.monotonic() - self._held_since
            self._mean_hold_s = 0.9 * self._mean_hold_s + 0.1 * held_s
            while self._queue:
                waiter = self._queue.popleft()
                waiter.granted = True
                if waiter.wake():
                    self._held_since = time.monotonic()
                    return
            self._held = False

    def _take(self) -> None:
        self._held = True
        self._held_since = time.monotonic()

    def _give_up(self, waiter: _Waiter) -> bool:
        """Leave the queue; False when the turn was already handed to this waiter."""
        with self._mutex:
            if waiter.granted:
                return False
            self._queue.remove(waiter)
            return True

    def _busy(self, why: str) -> ServiceUnavailable:
        # When the queue drains: the writers ahead, at the recent time each holds the turn.
        retry_after = max(1, math.ceil(len(self._queue) * self._mean_hold_s))
        return ServiceUnavailable(
            f"too many writes at once ({why}); retry after {retry_after} s",
            retry_after_s=retry_after,
        )
