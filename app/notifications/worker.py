"""Starting the sender with the app (one pass from the command line: :mod:`app.outbox_send`)."""

import logging

from sqlalchemy.orm import Session, sessionmaker

from app.notifications.sender import OutboxSender, Sender
from app.notifications.triggers import OpportunityFeed, run_periodic
from app.platform.settings import Settings

log = logging.getLogger("xieshou.notifications")


def periodic_notices(
    sessions: sessionmaker[Session],
    settings: Settings,
    index: OpportunityFeed | None = None,
    *,
    force: bool = False,
) -> int:
    """Queue the notices due by the clock (meeting reminders, the needs digest)."""
    return run_periodic(sessions, settings, index, force=force)


def outbox_sender(
    sessions: sessionmaker[Session], settings: Settings, index: OpportunityFeed | None = None
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
