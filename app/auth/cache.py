"""Recently authenticated API keys, so that most requests need not read their key row.

A revoked key must stop working at once in the worker that revoked it, and promptly in every
other. Both follow the change log (:mod:`app.platform.changes`): a revocation, or the deletion
of an organization with its keys, is dropped here when its transaction commits in this worker,
and when the worker's catch-up reads it from the log in the others.

The cache follows the same freshness rule as the matching index (:mod:`app.platform.notify`):
it answers only while the worker has read the change log within ``XIESHOU_FRESHNESS_S``
(``fresh``), so a revocation elsewhere reaches it within that bound; while the log cannot be
read (the database is down) every request reads its key. ``ttl_s`` is only how long an entry
lives, a bound on memory and on a change made outside the service.
"""

import threading
import time
from collections.abc import Callable, Collection

from app.auth.principal import Principal
from app.platform.changes import ChangeBatch


class KeyCache:
    """Principals of recently authenticated keys, by the key's SHA-256 (never the key itself).

    A lookup that started before a revocation could otherwise cache the key's old row after the
    revocation was dropped; :meth:`put` refuses entries read before the last drop
    (:attr:`epoch`).

    Examples
    --------
    >>> from app.models import Role
    >>> cache = KeyCache(ttl_s=60)
    >>> epoch = cache.epoch
    >>> cache.put("ab12", Principal(key_id=7, role=Role.sme, organization_id=3), epoch)
    >>> cache.get("ab12").key_id
    7
    >>> cache.forget_keys({7})
    >>> cache.get("ab12") is None
    True
    """

    def __init__(
        self,
        *,
        ttl_s: float = 10.0,
        max_entries: int = 10_000,
        fresh: Callable[[], bool] | None = None,
    ) -> None:
        """``fresh`` says whether the change feed is within the freshness bound (default:
        always, for a cache nothing else writes to)."""
        self.ttl_s = ttl_s
        self._fresh = fresh
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[Principal, float]] = {}
        self._epoch = 0

    @property
    def epoch(self) -> int:
        """Read this before looking a key up in the database; hand it to :meth:`put`."""
        return self._epoch

    def get(self, key_hash: str) -> Principal | None:
        """The cached principal of a key, unless it is unknown, older than ``ttl_s``, or the
        change feed that would drop it is behind the freshness bound."""
        if self._fresh is not None and not self._fresh():
            return None
        found = self._entries.get(key_hash)
        if found is None or time.monotonic() - found[1] > self.ttl_s:
            return None
        return found[0]

    def put(self, key_hash: str, principal: Principal, epoch: int) -> None:
        """Cache a key looked up at ``epoch``; ignored when something was dropped since."""
        if self.ttl_s <= 0:
            return
        with self._lock:
            if epoch != self._epoch:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key_hash] = (principal, time.monotonic())

    def forget_keys(self, key_ids: Collection[int]) -> None:
        """Drop these keys."""
        self._drop(lambda p: p.key_id in key_ids)

    def forget_organizations(self, organization_ids: Collection[int]) -> None:
        """Drop the keys of these organizations (changed or deleted with their keys)."""
        self._drop(lambda p: p.organization_id in organization_ids)

    def clear(self) -> None:
        """Drop everything."""
        self._drop(lambda _p: True)

    def on_changes(self, batch: ChangeBatch) -> None:
        """A change-log watcher (see :class:`app.matches.index.MatchingIndex`): told of this
        worker's changes as each commits and of everyone's as they are read from the log."""
        if batch.rebuild:
            self.clear()
            return
        if batch.keys:
            self.forget_keys(batch.keys)
        if batch.organizations:
            self.forget_organizations(batch.organizations)

    def _drop(self, which: Callable[[Principal], bool]) -> None:
        with self._lock:
            self._epoch += 1
            self._entries = {h: e for h, e in self._entries.items() if not which(e[0])}
