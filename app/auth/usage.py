"""When each API key was last used, written in the background so that reads stay reads.

Authenticating a request used to update ``api_keys.last_used_at`` in the request's own
transaction: every GET could become a write, and failed with the database read-only. Now a
use is noted in memory (:func:`app.auth.service.touch`) and a background thread writes the
noted times in one transaction every few seconds, each key at most once per ``resolution``.
A failed write never fails a request; its times are kept for the next round.
"""

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import Session, sessionmaker

from app.availability import OutageLog, is_unavailable
from app.models import ApiKey
from app.models.base import utcnow
from app.platform.background import PeriodicFlush
from app.turns import Turns

log = logging.getLogger("xieshou.auth")

#: Where a session finds its worker's :class:`KeyUsage` (``Session.info``).
SESSION_INFO_KEY = "key_usage"


class KeyUsage(PeriodicFlush):
    """API keys used lately, waiting to be written to ``last_used_at``.

    Examples
    --------
    >>> usage = KeyUsage(sessionmaker(), None)
    >>> usage.note(7)
    >>> usage.note(7)  # within ``resolution``: nothing new to write
    >>> usage.pending
    1
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        turns: Turns | None,
        *,
        resolution: timedelta = timedelta(minutes=1),
        interval_s: float = 5.0,
        max_wait_s: float = 10.0,
        max_keys: int = 100_000,
    ) -> None:
        self._sessions = sessions
        self._turns = turns
        self.resolution = resolution
        super().__init__(thread_name="xieshou-key-usage", interval_s=interval_s)
        self._max_wait_s = max_wait_s
        self._max_keys = max_keys
        self._mutex = threading.Lock()
        self._noted: dict[int, datetime] = {}
        self._pending: dict[int, datetime] = {}
        self._outage = OutageLog(log, "writing API keys' last use")

    @property
    def pending(self) -> int:
        """How many keys have a use not written yet."""
        return len(self._pending)

    def note(self, key_id: int, at: datetime | None = None) -> None:
        """Note that a key was used (a dict update; nothing is written here)."""
        at = at or utcnow()
        with self._mutex:
            last = self._noted.get(key_id)
            if last is not None and at - last < self.resolution:
                return
            if len(self._noted) >= self._max_keys:
                self._noted.clear()
            self._noted[key_id] = at
            self._pending[key_id] = at

    def forget(self) -> None:
        """Drop every noted use, written or not (for a database emptied under the worker)."""
        with self._mutex:
            self._noted.clear()
            self._pending.clear()

    def flush(self) -> int:
        """Write the noted uses now; returns how many keys were written."""
        with self._mutex:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        if self._turns is not None and not self._turns.acquire_blocking(self._max_wait_s):
            self._put_back(pending)  # writers kept the turn all along: next round
            return 0
        try:
            self._write(pending)
        except Exception as exc:
            self._outage.failed(exc)
            if is_unavailable(exc):
                self._put_back(pending)
            return 0
        finally:
            if self._turns is not None:
                self._turns.release()
        self._outage.succeeded()
        return len(pending)

    def _write(self, pending: dict[int, datetime]) -> None:
        # Never move a time backwards (another worker may have written a later use).
        statement = (
            update(ApiKey)
            .where(ApiKey.id == bindparam("key_id"))
            .where(or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < bindparam("at")))
            .values(last_used_at=bindparam("at"))
        )
        rows = [{"key_id": key_id, "at": at} for key_id, at in sorted(pending.items())]
        with self._sessions() as session, session.begin():
            session.connection().execute(statement, rows)

    def _put_back(self, pending: dict[int, datetime]) -> None:
        with self._mutex:
            for key_id, at in pending.items():
                newer = self._pending.get(key_id)
                self._pending[key_id] = at if newer is None else max(at, newer)
