"""What a domain hands to the outbox: one message for one recipient."""

import hashlib
from dataclasses import dataclass

#: the widths of ``notification_outbox.dedupe_key`` and ``.subject``
DEDUPE_KEY_LENGTH = 200
SUBJECT_LENGTH = 200


@dataclass(frozen=True)
class Message:
    """One notification for one person, in Chinese, short enough to read on a phone.

    ``topic`` names the cause (``account.verify``, ``interest.mutual``,
    ``event.agenda_changed`` …; see :data:`app.notifications.topics.TOPICS`) and is what a
    recipient chooses channels for. ``dedupe_key``: a message with a key already queued is
    not queued again (reminders, digests, retried requests). A key longer than the column
    (an agenda's key names every meeting it carries) is kept as its readable start and a
    SHA-256 of the whole, so two long keys never collide by truncation. A subject longer than
    its column (a session's name may fill it alone) is shortened with an ellipsis.
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

    def __post_init__(self) -> None:
        key = self.dedupe_key
        if key is not None and len(key) > DEDUPE_KEY_LENGTH:
            digest = hashlib.sha256(key.encode()).hexdigest()
            head = key[: DEDUPE_KEY_LENGTH - len(digest) - 1]
            object.__setattr__(self, "dedupe_key", f"{head}~{digest}")
        if len(self.subject) > SUBJECT_LENGTH:
            object.__setattr__(self, "subject", self.subject[: SUBJECT_LENGTH - 1] + "…")
