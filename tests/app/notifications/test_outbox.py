"""Queueing: in the caller's transaction, once per dedupe key, by the recipient's choices."""

from sqlalchemy import Engine, func, select

from app.models import Channel, OutboxMessage, OutboxStatus
from app.notifications import preferences
from app.notifications.messages import Message
from app.notifications.outbox import enqueue
from app.platform.db import make_sessionmaker, session_scope


def _message(**overrides: object) -> Message:
    fields: dict[str, object] = {
        "topic": "interest.mutual",
        "to_email": "Li@Example.cn",
        "subject": "双方有意向",
        "text": "您好，对方也有意向。",
    }
    return Message(**(fields | overrides))  # type: ignore[arg-type]


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


def test_a_rolled_back_cause_queues_nothing(engine: Engine) -> None:
    session = make_sessionmaker(engine)()
    enqueue(session, _message())
    session.rollback()
    session.close()
    assert _count(engine) == 0


def test_the_same_dedupe_key_is_queued_once(engine: Engine) -> None:
    sessions = make_sessionmaker(engine)
    for session in session_scope(sessions):
        first = enqueue(session, _message(dedupe_key="k1"))
    for session in session_scope(sessions):
        again = enqueue(session, _message(dedupe_key="k1", text="别的"))
        other = enqueue(session, _message(dedupe_key="k2"))
    assert again == first != other
    assert _count(engine) == 2


def test_channels_follow_the_recipients_choice(engine: Engine) -> None:
    sessions = make_sessionmaker(engine)
    for session in session_scope(sessions):
        preferences.set_choices(session, "li@example.cn", {"interest.mutual": [Channel.webhook]})
        by_phone = enqueue(session, _message(to_phone="13800000000"))
        no_phone = enqueue(session, _message())
        preferences.unsubscribe(session, "LI@example.cn")
        after = enqueue(session, _message(to_phone="13800000000"))
        essential = enqueue(session, _message(topic="account.reset"))
    for session in session_scope(sessions):
        rows = {r.id: r for r in session.scalars(select(OutboxMessage))}
    assert rows[by_phone].channels == ["webhook"]
    assert rows[by_phone].to_email == "li@example.cn"
    assert rows[no_phone].status == OutboxStatus.skipped
    assert rows[after].status == OutboxStatus.skipped
    assert rows[essential].channels == ["email"]
    assert rows[essential].status == OutboxStatus.pending
