"""The notification outbox, recipients' choices, calendar feeds and meetings' calendar entries."""

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    """Where an outbox message stands.

    ``pending``: waiting for its next attempt (``next_attempt_at``); ``sending``: claimed by a
    sender until ``claimed_until`` (a sender that dies leaves it to be reclaimed after that);
    ``sent``: every chosen channel took it; ``failed``: given up after the last attempt;
    ``skipped``: the recipient chose no channel for the topic (kept for the outbox view).
    """

    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"
    skipped = "skipped"


class Channel(StrEnum):
    """How a message reaches a person."""

    email = "email"  # SMTP (XIESHOU_SMTP_URL); without it the local outbox view and the log
    webhook = "webhook"  # a signed JSON POST to an SMS / WeChat gateway (XIESHOU_WEBHOOK_URL)


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class OutboxMessage(Base):
    """One message to one recipient, written in the transaction of the event that caused it.

    The sender claims it, delivers it on each of ``channels`` not yet in ``delivered`` and
    marks it sent; a ``dedupe_key`` is unique, so the same notice is never queued twice.
    """

    __tablename__ = "notification_outbox"
    __table_args__ = (
        CheckConstraint(_in("status", OutboxStatus), name="status"),
        UniqueConstraint("dedupe_key"),
        Index("ix_notification_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_notification_outbox_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    #: A user of accounts (issue 16), when the message is for one; no foreign key, so the
    #: outbox stands on its own.
    user_id: Mapped[int | None] = mapped_column(Integer)
    to_email: Mapped[str | None] = mapped_column(String(320))
    to_phone: Mapped[str | None] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    ics: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    #: The channels chosen when it was queued, and those that took it already.
    channels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    delivered: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.pending.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    #: The request that queued it (or whose job did), for the sender's log lines; none for
    #: notices the clock queued (reminders, digests).
    request_id: Mapped[str | None] = mapped_column(String(128))


class NotificationRecipient(Base):
    """A person messages go to, keyed by e-mail address (lower case), with their choices.

    ``topics`` maps a topic (or ``*`` for every topic) to the channels chosen for it; a topic
    not listed gets ``*``'s choice, else e-mail. ``unsubscribed_at`` stops everything.
    """

    __tablename__ = "notification_recipients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    topics: Mapped[dict[str, list[str]]] = mapped_column(JSONType, default=dict)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CalendarFeed(Base):
    """A firm's private calendar feed (``/calendar/<token>.ics``); only the token's hash is kept."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class MeetingCalendarEntry(Base):
    """What a meeting's calendar entry last said, so a change goes out with the next SEQUENCE.

    Keyed by the meeting's stable UID (the event and the pair of participants, which meet at
    most once per event), so re-running the schedule updates entries instead of duplicating.
    """

    __tablename__ = "meeting_calendar_entries"

    uid: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    buyer_participant_id: Mapped[int] = mapped_column(Integer)
    sme_participant_id: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(500), default="")
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class NotificationKey(Base):
    """A key the service signs links with (unsubscribe links), made on first use.

    Kept in the database so every worker, replica and ``xieshou outbox send`` signs alike and
    links stay valid across restarts.
    """

    __tablename__ = "notification_keys"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
