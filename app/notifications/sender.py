"""The sender: claims due outbox rows, delivers them on their channels, retries with backoff.

Claims are safe across threads, workers and ``xieshou outbox send`` processes: one statement
moves due rows to ``sending`` with a lease (PostgreSQL skips rows another sender is claiming,
``FOR UPDATE SKIP LOCKED``; SQLite has one writer, so the conditional UPDATE is the claim).
A sender that dies leaves its rows ``sending``; once the lease runs out another sender claims
them again, so a message is never lost on a restart. Each channel that took a message is
recorded at once, and the row is marked sent by the sender holding the claim, so a message
is not sent again by a later pass.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.models.base import utcnow
from app.models.notification import Channel, OutboxMessage, OutboxStatus
from app.notifications.channels import (
    DeliveryError,
    Mailer,
    SmtpConfig,
    build_email,
    send_email,
    send_webhook,
)
from app.notifications.links import unsubscribe_path
from app.notifications.topics import is_essential
from app.platform import request_id
from app.platform.background import PeriodicFlush
from app.platform.settings import Settings

log = logging.getLogger("xieshou.notifications")

#: Recorded in ``delivered`` for a channel with nowhere to go: kept for the outbox view.
LOCAL = "local"


def mask_email(email: str | None) -> str:
    """``l***@example.cn``: enough to tell recipients apart in a log, not to collect them."""
    if not email or "@" not in email:
        return "-"
    name, domain = email.split("@", 1)
    return f"{name[:1]}***@{domain}"


class Sender:
    """Delivers what is due in the outbox; one pass at a time per instance."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        *,
        lease_s: float = 300.0,
        batch: int = 50,
        max_attempts: int = 8,
        backoff_s: float = 30.0,
        max_backoff_s: float = 6 * 3600.0,
        clock: Callable[[], datetime] = utcnow,
        name: str | None = None,
    ) -> None:
        self._sessions = sessions
        smtp_url = settings.smtp_url.get_secret_value() if settings.smtp_url else None
        self._smtp = SmtpConfig.parse(smtp_url) if smtp_url else None
        self._webhook_url = settings.webhook_url
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        self._webhook_secret = secret.encode("utf-8")
        self._public_url = settings.public_url.rstrip("/")
        self._host = urlsplit(self._public_url).hostname or "localhost"
        self.lease_s = lease_s
        self.batch = batch
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.clock = clock
        self._name = name
        self._own_name: tuple[int, str] | None = None
        self._lock = threading.Lock()
        self._mailer: Mailer | None = None

    @property
    def name(self) -> str:
        """Who claims messages: the name given, else ``host:pid:thread`` of this process. It
        is worked out in the process that claims, not where the sender was made: a server's
        parent makes the app once and forks its workers (``app.platform.server``), and two
        workers must never claim under one name."""
        if self._name is not None:
            return self._name
        pid = os.getpid()
        if self._own_name is None or self._own_name[0] != pid:
            host = socket.gethostname()
            self._own_name = (pid, f"{host}:{pid}:{threading.get_ident()}")
        return self._own_name[1]

    # -- claiming ----------------------------------------------------------------------------

    def _due(self, now: datetime) -> object:
        return or_(
            and_(
                OutboxMessage.status == OutboxStatus.pending.value,
                OutboxMessage.next_attempt_at <= now,
            ),
            and_(
                OutboxMessage.status == OutboxStatus.sending.value,
                OutboxMessage.claimed_until < now,
            ),
        )

    def claim(self, limit: int | None = None) -> list[int]:
        """Take up to ``limit`` due rows (pending and due, or with an expired lease)."""
        now = self.clock()
        with self._sessions() as session:
            candidates = (
                select(OutboxMessage.id)
                .where(self._due(now))  # type: ignore[arg-type]
                .order_by(OutboxMessage.id)
                .limit(limit or self.batch)
            )
            if session.get_bind().dialect.name == "postgresql":
                candidates = candidates.with_for_update(skip_locked=True)
            claimed = session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
                .where(self._due(now))  # type: ignore[arg-type]
                .values(
                    status=OutboxStatus.sending.value,
                    claimed_by=self.name,
                    claimed_until=now + timedelta(seconds=self.lease_s),
                    attempts=OutboxMessage.attempts + 1,
                )
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            ).all()
            session.commit()
        return sorted(claimed)

    def _mine(self, row_id: int) -> object:
        return and_(
            OutboxMessage.id == row_id,
            OutboxMessage.claimed_by == self.name,
            OutboxMessage.status == OutboxStatus.sending.value,
        )

    # -- delivering --------------------------------------------------------------------------

    def send_pass(self) -> int:
        """Claim what is due and deliver it; returns how many messages were sent."""
        with self._lock:
            sent = 0
            self._mailer = Mailer(self._smtp) if self._smtp else None
            try:
                while True:
                    ids = self.claim()
                    for row_id in ids:
                        sent += self.deliver(row_id)
                    if len(ids) < self.batch:
                        return sent
            finally:
                if self._mailer is not None:
                    self._mailer.close()
                self._mailer = None

    def deliver(self, row_id: int) -> bool:
        """Deliver a claimed row on its remaining channels; True when it is sent.

        Its log lines carry the id of the request that queued the message.
        """
        with self._sessions() as session:
            queued_by = session.scalar(
                select(OutboxMessage.request_id).where(OutboxMessage.id == row_id)
            )
            with request_id.bound(queued_by):
                return self._deliver(session, row_id)

    def _deliver(self, session: Session, row_id: int) -> bool:
        # Renewing the lease proves the claim is still ours and gives this message the
        # whole lease: a long batch cannot let another sender take a row being sent.
        lease = self.clock() + timedelta(seconds=self.lease_s)
        if not self._record(session, row_id, claimed_until=lease):
            return False
        row = session.get(OutboxMessage, row_id)
        if row is None:
            return False
        delivered = list(row.delivered)
        remaining = [
            c for c in row.channels if c not in delivered and f"{c}:{LOCAL}" not in delivered
        ]
        try:
            for n, channel in enumerate(remaining, start=1):
                done = self._deliver_on(session, row, Channel(channel))
                delivered.append(channel if done else f"{channel}:{LOCAL}")
                # Recorded at once: a retry after a later channel fails skips this one
                # (the last one is recorded with the row marked sent, below).
                if n < len(remaining) and not self._record(session, row_id, delivered=delivered):
                    return False
        except DeliveryError as exc:
            session.rollback()
            self._failed(session, row_id, row.attempts, str(exc))
            return False
        now = self.clock()
        return self._record(
            session,
            row_id,
            delivered=delivered,
            status=OutboxStatus.sent.value,
            sent_at=now,
            claimed_until=None,
            last_error=None,
        )

    def _record(self, session: Session, row_id: int, **values: object) -> bool:
        result = session.execute(
            update(OutboxMessage)
            .where(self._mine(row_id))  # type: ignore[arg-type]
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if result.rowcount != 1:  # type: ignore[attr-defined]
            log.warning(
                "notification %d: claim lost (lease ran out); left to its new sender", row_id
            )
            return False
        return True

    def _failed(self, session: Session, row_id: int, attempts: int, error: str) -> None:
        if attempts >= self.max_attempts:
            log.error(
                "notification %d failed for good after %d attempts: %s", row_id, attempts, error
            )
            self._record(session, row_id, status=OutboxStatus.failed.value, last_error=error[:500])
            return
        delay = min(self.backoff_s * 2 ** (attempts - 1), self.max_backoff_s)
        log.warning(
            "notification %d attempt %d failed (%s); next in %.0f s", row_id, attempts, error, delay
        )
        self._record(
            session,
            row_id,
            status=OutboxStatus.pending.value,
            next_attempt_at=self.clock() + timedelta(seconds=delay),
            claimed_until=None,
            last_error=error[:500],
        )

    def _deliver_on(self, session: Session, row: OutboxMessage, channel: Channel) -> bool:
        """Send on ``channel``; False when it has nowhere to go (kept in the outbox view)."""
        if channel is Channel.email and self._smtp is not None and row.to_email:
            link = None
            if not is_essential(row.topic):
                link = self._public_url + unsubscribe_path(session, row.to_email, row.topic)
                session.commit()
            mail = build_email(row, sender=self._smtp.sender, unsubscribe_url=link, host=self._host)
            if self._mailer is None:  # deliver() called on its own, outside a pass
                send_email(self._smtp, mail)
            else:
                self._mailer.send(mail)
            log.info(
                "notification %d (%s) e-mailed to %s", row.id, row.topic, mask_email(row.to_email)
            )
            return True
        if channel is Channel.webhook and self._webhook_url and row.to_phone:
            send_webhook(self._webhook_url, self._webhook_secret, row)
            log.info("notification %d (%s) posted to the webhook", row.id, row.topic)
            return True
        # The subject, never the text: a text may carry a sign-in link's token.
        log.info(
            "notification %d (%s) for %s kept in the console's outbox (%s not configured): %s",
            row.id,
            row.topic,
            mask_email(row.to_email),
            "SMTP" if channel is Channel.email else "webhook",
            row.subject,
        )
        return False


class OutboxSender(PeriodicFlush):
    """The app's background sender: a pass over the outbox every ``interval_s``.

    Each pass also runs the periodic notices (meeting reminders, the needs digest), which
    are queued with dedupe keys, so several workers running them queue each notice once.
    """

    def __init__(
        self,
        sender: Sender,
        *,
        interval_s: float,
        periodic: Callable[[], int] | None = None,
    ) -> None:
        super().__init__(thread_name="xieshou-outbox", interval_s=interval_s)
        self.sender = sender
        self._periodic = periodic

    def flush(self) -> int:
        """Queue the periodic notices that are due, then send what is due."""
        try:
            if self._periodic is not None:
                self._periodic()
            return self.sender.send_pass()
        except Exception:
            # A database outage must not end the thread; the next pass tries again.
            log.exception("outbox pass failed")
            return 0

    def stop(self) -> None:
        """Stop the thread without a last pass (an SMTP server may be slow to answer)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
