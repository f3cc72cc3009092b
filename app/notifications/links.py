"""Signed links in messages: one-click unsubscribe, valid without signing in."""

import base64
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models.notification import NotificationKey, NotificationRecipient
from app.notifications.preferences import ensure_recipient

_KEY_NAME = "unsubscribe"
#: The topic part of a link that stops every topic.
EVERY_TOPIC = "all"


def _key(session: Session) -> bytes:
    secret = session.scalar(select(NotificationKey.secret).where(NotificationKey.name == _KEY_NAME))
    if secret is None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(NotificationKey)
            .values(name=_KEY_NAME, secret=secrets.token_hex(32))
            .on_conflict_do_nothing(index_elements=["name"])
        )
        secret = session.scalar(
            select(NotificationKey.secret).where(NotificationKey.name == _KEY_NAME)
        )
        assert secret is not None
    return bytes.fromhex(secret)


def _signature(key: bytes, recipient: NotificationRecipient, topic: str) -> str:
    digest = hmac.new(key, f"{recipient.id}|{recipient.email}|{topic}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode("ascii")


def unsubscribe_path(session: Session, email: str, topic: str = EVERY_TOPIC) -> str:
    """The path (after the public URL) that unsubscribes ``email`` from ``topic`` (or all)."""
    row = ensure_recipient(session, email)
    return f"/notifications/unsubscribe/{row.id}.{topic}.{_signature(_key(session), row, topic)}"


def check_unsubscribe(session: Session, token: str) -> tuple[NotificationRecipient, str] | None:
    """The recipient and topic a link's token stands for, or ``None`` if it is not genuine."""
    head, _, rest = token.partition(".")
    topic, _, signature = rest.rpartition(".")  # topics have dots; signatures none
    if not head.isdigit() or not topic or not signature:
        return None
    row = session.get(NotificationRecipient, int(head))
    if row is None:
        return None
    if not hmac.compare_digest(_signature(_key(session), row, topic), signature):
        return None
    return row, topic
