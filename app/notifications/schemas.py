"""What the notification endpoints take and give."""

from datetime import datetime

from pydantic import BaseModel, Field


class CalendarFeedIssued(BaseModel):
    """A firm's private calendar feed, shown once: keep the URL, it is the only copy."""

    url: str = Field(description="Subscribe to it in a calendar app; revoke it to stop it")


class OutboxEntry(BaseModel):
    """One queued message as the outbox view shows it."""

    id: int
    topic: str
    organization_id: int | None
    to_email: str | None
    to_phone: str | None
    subject: str
    text: str
    has_calendar: bool
    status: str
    channels: list[str]
    delivered: list[str]
    attempts: int
    created_at: datetime
    sent_at: datetime | None
