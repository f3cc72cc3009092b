"""Starting the sender with the app, and one pass from the command line."""

import logging
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.notifications.sender import OutboxSender, Sender

if TYPE_CHECKING:
    from app.matches.index import MatchingIndex

log = logging.getLogger("xieshou.notifications")


def periodic_notices(
    sessions: sessionmaker[Session],
    settings: Settings,
    index: "MatchingIndex | None" = None,
    *,
    force: bool = False,
) -> int:
    """Queue the notices due by the clock (meeting reminders, the needs digest)."""
    from app.notifications.triggers import run_periodic  # here: it imports the domains

    return run_periodic(sessions, settings, index, force=force)


def outbox_sender(
    sessions: sessionmaker[Session], settings: Settings, index: "MatchingIndex | None" = None
) -> OutboxSender | None:
    """The app's background sender, or ``None`` when it is off (by default in tests)."""
    enabled = settings.outbox_sender
    if enabled is None:
        enabled = settings.environment != "test"
    if not enabled:
        return None
    return OutboxSender(
        Sender(sessions, settings),
        interval_s=settings.outbox_interval_s,
        periodic=lambda: periodic_notices(sessions, settings, index),
    )


def send_once(database_url: str, settings: Settings) -> int:
    """``xieshou outbox send``: queue what the clock says is due, send what is due, once."""
    import sys

    from app.db import make_engine, make_sessionmaker
    from app.models.base import utcnow
    from app.notifications.triggers import fresh_needs

    engine = make_engine(database_url)
    try:
        sessions = make_sessionmaker(engine)
        index = None
        with sessions() as session:
            digest_due = bool(fresh_needs(session, utcnow()))
        if digest_due:  # building the index costs seconds: only when a digest may be due
            from app.matches.index import MatchingIndex

            index = MatchingIndex(sessions, min_score=settings.min_score)
            index.build()
        queued = periodic_notices(sessions, settings, index, force=True)
        sent = Sender(sessions, settings).send_pass()
        print(f"queued {queued} reminders and digests; sent {sent} messages", file=sys.stderr)
    finally:
        engine.dispose()
    return 0
