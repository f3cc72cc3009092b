"""A worker's periodic writers: a daemon thread that flushes what requests noted in memory."""

import threading
from abc import ABC, abstractmethod


class PeriodicFlush(ABC):
    """Calls :meth:`flush` every ``interval_s`` from one daemon thread, and once more on stop.

    Subclasses keep what requests noted (key uses, shortlists shown) and write it in
    :meth:`flush`, so that the requests themselves stay reads.
    """

    def __init__(self, *, thread_name: str, interval_s: float) -> None:
        self._thread_name = thread_name
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @abstractmethod
    def flush(self) -> int:
        """Write what is noted now; returns how much was written."""

    def start(self) -> None:
        """Start the background writer (idempotent)."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self._thread_name, daemon=True)
            self._thread.start()

    @property
    def alive(self) -> bool:
        """Whether the background writer's thread runs (``/readyz`` asks)."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """Stop the writer and write what is still noted."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.flush()
