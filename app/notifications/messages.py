"""What a domain hands to the outbox: one message for one recipient."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    """One notification for one person, in Chinese, short enough to read on a phone.

    ``topic`` names the cause (``account.verify``, ``interest.mutual``,
    ``event.agenda_changed`` …; see :data:`app.notifications.topics.TOPICS`) and is what a
    recipient chooses channels for. ``dedupe_key``: a message with a key already queued is
    not queued again (reminders, digests, retried requests).
    """

    topic: str
    to_email: str | None
    subject: str
    text: str
    user_id: int | None = None
    organization_id: int | None = None
    to_phone: str | None = None
    ics: str | None = None
    dedupe_key: str | None = None
