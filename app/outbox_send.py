"""``xieshou outbox send``: one pass of the notifications from the command line.

Above the domains: it builds the matching index when a digest may be due, and the pass runs
the deals' hourly follow-ups (:func:`app.deals.notices.follow_up_pass`).
"""

import sys

from app.deals.notices import follow_up_pass
from app.matches.index import MatchingIndex
from app.models.base import utcnow
from app.notifications.sender import Sender
from app.notifications.triggers import every_hour, fresh_needs
from app.notifications.worker import periodic_notices
from app.platform.db import make_engine, make_sessionmaker
from app.platform.settings import Settings


def send_once(database_url: str, settings: Settings) -> int:
    """``xieshou outbox send``: queue what the clock says is due, send what is due, once."""
    every_hour("deal_follow_ups", follow_up_pass)  # as importing app.deals.notices does
    engine = make_engine(database_url)
    try:
        sessions = make_sessionmaker(engine)
        index: MatchingIndex | None = None
        with sessions() as session:
            digest_due = bool(fresh_needs(session, utcnow()))
        if digest_due:  # building the index costs seconds: only when a digest may be due
            index = MatchingIndex(sessions, min_score=settings.min_score)
            index.build()
        queued = periodic_notices(sessions, settings, index, force=True)
        sent = Sender(sessions, settings).send_pass()
        print(f"queued {queued} reminders and digests; sent {sent} messages", file=sys.stderr)
    finally:
        engine.dispose()
    return 0
