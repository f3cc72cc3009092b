"""Each recipient's channels per topic, keyed by e-mail address."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.base import utcnow
from app.models.notification import Channel, NotificationRecipient
from app.notifications.topics import TOPICS, is_essential

#: What a topic nobody chose for gets (``*`` stands for every topic).
ALL_TOPICS = "*"


def recipient(session: Session, email: str) -> NotificationRecipient | None:
    """The recipient stored for ``email`` (any case), if any."""
    return session.scalar(
        select(NotificationRecipient).where(NotificationRecipient.email == email.strip().lower())
    )


def ensure_recipient(
    session: Session, email: str, *, user_id: int | None = None
) -> NotificationRecipient:
    """The recipient for ``email``, created (with the default choices) if new."""
    row = recipient(session, email)
    if row is None:
        row = NotificationRecipient(email=email.strip().lower(), user_id=user_id, topics={})
        session.add(row)
        session.flush()
    elif user_id is not None and row.user_id is None:
        row.user_id = user_id
    return row


def link_user(session: Session, email: str, user_id: int) -> None:
    """Note that ``email``'s choices are those of user ``user_id`` (if it made any)."""
    row = recipient(session, email)
    if row is not None and row.user_id is None:
        row.user_id = user_id


def chosen(row: NotificationRecipient | None, topic: str) -> list[Channel]:
    """The channels ``row`` chose for ``topic``; ``[]`` when it chose nothing for it
    (default: e-mail, and the phone webhook only for account messages or without e-mail)."""
    choice = None if row is None else row.topics.get(topic, row.topics.get(ALL_TOPICS))
    if choice is None:
        return [Channel.email]
    return [Channel(c) for c in choice if c in Channel.__members__]


def channels_for(
    session: Session, topic: str, *, email: str | None, phone: str | None
) -> list[Channel]:
    """The channels a message on ``topic`` goes out on: chosen, and with an address.

    Account messages (sign-in codes, resets) ignore choices and unsubscription and go on
    every channel with an address. Otherwise a recipient who chose nothing gets e-mail (or,
    with no e-mail address, the phone webhook): text messages cost money, so SMS / WeChat
    is chosen, not assumed.
    """
    available = {Channel.email: email is not None, Channel.webhook: phone is not None}
    row = recipient(session, email) if email else None
    if is_essential(topic):
        wanted = [Channel.email, Channel.webhook]
    elif row is not None and row.unsubscribed_at is not None:
        wanted = []
    elif email is None:
        wanted = [Channel.webhook]
    else:
        wanted = chosen(row, topic)
    return [c for c in wanted if available[c]]


def set_choices(
    session: Session, email: str, choices: dict[str, list[Channel]], *, user_id: int | None = None
) -> NotificationRecipient:
    """Store ``email``'s channels per topic (unknown topics are refused) and resubscribe."""
    unknown = set(choices) - set(TOPICS) - {ALL_TOPICS}
    if unknown:
        raise ValueError(f"unknown topics: {sorted(unknown)}")
    row = ensure_recipient(session, email, user_id=user_id)
    row.topics = {topic: [c.value for c in channels] for topic, channels in choices.items()}
    row.unsubscribed_at = None
    session.flush()
    return row


def unsubscribe(session: Session, email: str, topic: str | None = None) -> NotificationRecipient:
    """Stop ``topic`` (or, with ``None``, every topic but account messages) for ``email``."""
    row = ensure_recipient(session, email)
    if topic is None:
        row.unsubscribed_at = utcnow()
    else:
        row.topics = {**row.topics, topic: []}
    session.flush()
    return row
