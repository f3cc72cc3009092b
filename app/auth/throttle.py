"""Throttling failed authentication, per client address and per key prefix.

Every key that fails to authenticate (unknown, revoked, wrong secret, malformed) counts
against the client's address and, when it is shaped like a key, against its prefix. Once
either has failed too often within the window, further attempts from that address or for that
prefix are refused with 429 and ``Retry-After`` *before* the key is checked, so a guesser
learns nothing more until the window moves on. Successful attempts never count, and a key
this worker checked in the last few seconds (its key cache) is answered before any of this.

Counters live in the storage named by a `limits <https://limits.readthedocs.io>`_ URI:
``memory://`` (the default) keeps them per worker process, so with N workers a client may fail
up to N times the limit; a shared storage (e.g. ``redis://host:6379``) makes one count.
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.keys import split_prefix
from app.auth.principal import Principal
from app.errors import ProblemError, Unauthorized
from app.messages import tr

log = logging.getLogger("xieshou")
_NAMESPACE = "xieshou-auth-failures"
_T = TypeVar("_T")


class TooManyAttempts(ProblemError):
    """Authentication failed too often from this address or for this key: wait and retry."""

    status = 429

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            tr(
                "too many failed authentication attempts; retry in {seconds} s",
                seconds=retry_after_s,
            ),
            headers={"Retry-After": str(retry_after_s)},
        )
        self.retry_after_s = retry_after_s


class AuthThrottle:
    """Counts failed authentications and refuses attempts past the limits.

    ``per_address`` and ``per_key`` are `limits` rate strings such as ``"30/minute"``.

    Examples
    --------
    >>> throttle = AuthThrottle(per_address="2/minute", per_key="5/minute")
    >>> throttle.check("203.0.113.7", "xs_0123456789ab_nope")
    >>> for _ in range(2):
    ...     throttle.failed("203.0.113.7", "xs_0123456789ab_nope")
    >>> throttle.check("203.0.113.7", "xs_ffffffffffff_other")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.auth.throttle.TooManyAttempts: too many failed authentication attempts; retry in ... s
    >>> throttle.check("198.51.100.1", "xs_ffffffffffff_other")  # another client
    """

    def __init__(self, *, per_address: str, per_key: str, storage_uri: str = "memory://") -> None:
        self.per_address: RateLimitItem = parse(per_address)
        self.per_key: RateLimitItem = parse(per_key)
        self._storage = storage_from_string(storage_uri)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._last_complaint = -math.inf
        self._complaint_lock = threading.Lock()

    def _subjects(
        self, address: str | None, key: str, account: str | None
    ) -> list[tuple[RateLimitItem, str, str]]:
        subjects = [(self.per_address, "address", address)] if address else []
        prefix = split_prefix(key)
        if prefix is not None:
            subjects.append((self.per_key, "key", prefix))
        if account:
            subjects.append((self.per_key, "account", account))
        return subjects

    def check(self, address: str | None, key: str, *, account: str | None = None) -> None:
        """Raise :class:`TooManyAttempts` while this address, key prefix or account (a
        user's e-mail, for password and code sign-ins) is over its limit."""
        no_wait: list[int] = []
        waits = self._guarded(lambda: self._waits(address, key, account), no_wait)
        if waits:
            raise TooManyAttempts(max(1, *waits))

    def _waits(self, address: str | None, key: str, account: str | None) -> list[int]:
        waits = []
        for item, kind, subject in self._subjects(address, key, account):
            if not self._limiter.test(item, _NAMESPACE, kind, subject):
                stats = self._limiter.get_window_stats(item, _NAMESPACE, kind, subject)
                waits.append(math.ceil(stats.reset_time - time.time()))
        return waits

    def failed(self, address: str | None, key: str, *, account: str | None = None) -> None:
        """Count a failed attempt against the address and the key's prefix (or account)."""

        def hit() -> None:
            for item, kind, subject in self._subjects(address, key, account):
                self._limiter.hit(item, _NAMESPACE, kind, subject)

        self._guarded(hit, None)

    def reset(self) -> None:
        """Forget every count (tests; an operator clearing a lock-out)."""
        self._storage.reset()

    def _guarded(self, action: Callable[[], _T], fallback: _T) -> _T:
        # An unreachable shared storage must not take authentication down with it: the
        # throttle is a second line (keys carry 256 random bits), so it lets attempts through.
        try:
            return action()
        except Exception:
            with self._complaint_lock:
                complain = time.monotonic() - self._last_complaint > 60
                if complain:
                    self._last_complaint = time.monotonic()
            if complain:
                log.warning("auth throttle storage failed; not throttling", exc_info=True)
            return fallback


def client_address(request: Request) -> str | None:
    """The address failures are counted against: the peer's, or behind a trusted proxy
    (``Settings.forwarded_allow_ips``) the client the proxy names."""
    return request.client.host if request.client else None


def authenticate(
    session: Session, key: str, *, throttle: AuthThrottle, address: str | None
) -> Principal:
    """:func:`app.auth.service.authenticate`, throttled: 429 while over a limit, 401 counted."""
    throttle.check(address, key)
    try:
        return service.authenticate(session, key)
    except Unauthorized:
        throttle.failed(address, key)
        raise
