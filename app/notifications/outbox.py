"""Queueing messages: one row per message, in the caller's transaction."""

import logging

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models.notification import Channel, OutboxMessage, OutboxStatus
from app.notifications.messages import Message
from app.notifications.preferences import channels_for, link_user
from app.platform import request_id

log = logging.getLogger("xieshou.notifications")


def enqueue(session: Session, message: Message) -> int:
    """Queue ``message`` in ``session``'s transaction and return its outbox row id.

    Nothing is sent until the transaction commits (a rolled-back cause sends nothing). A
    message whose ``dedupe_key`` is already queued is not queued again: the earlier row's id
    is returned. The channels are those the recipient chose for the topic; a recipient who
    chose none (or unsubscribed) still gets the row, marked ``skipped``, for the outbox view.
    The row keeps the id of the request (or of the job's request) that queued it, so the
    sender's log lines about it carry that id.
    """
    row_id = enqueue_new(session, message)
    if row_id is None:
        existing = session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == message.dedupe_key)
        )
        assert existing is not None
        return existing
    return row_id


def enqueue_new(session: Session, message: Message) -> int | None:
    """Like :func:`enqueue`, but ``None`` when the dedupe key was already queued."""
    email = message.to_email.strip().lower() if message.to_email else None
    if email and message.user_id is not None:
        link_user(session, email, message.user_id)
    channels = channels_for(session, message.topic, email=email, phone=message.to_phone)
    values = {
        "topic": message.topic,
        "organization_id": message.organization_id,
        "user_id": message.user_id,
        "to_email": email,
        "to_phone": message.to_phone,
        "subject": message.subject,
        "text": message.text,
        "ics": message.ics,
        "dedupe_key": message.dedupe_key,
        "channels": [c.value for c in channels],
        "delivered": [],
        "status": (OutboxStatus.pending if channels else OutboxStatus.skipped).value,
        "request_id": request_id.current(),
    }
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(OutboxMessage).values(**values)
    if message.dedupe_key is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    row_id = session.execute(statement.returning(OutboxMessage.id)).scalar_one_or_none()
    if row_id is None:
        return None
    log.debug(
        "notification %d queued: %s via %s",
        row_id,
        message.topic,
        ",".join(c.value for c in channels) or "nothing (recipient chose none)",
    )
    return row_id


__all__ = ["Channel", "Message", "enqueue"]
