"""Reading what accounts sent (from the outbox table) and making users directly."""

import re
from dataclasses import dataclass

from sqlalchemy import Engine, select

from app.accounts.passwords import hash_password
from app.models import OrgRole, Role, User
from app.models.base import utcnow
from app.models.notification import OutboxMessage
from app.platform.db import make_sessionmaker

PASSWORD = "correct horse 9"
_LINK = re.compile(r"https?://\S+?\?token=[A-Za-z0-9_\-]+")
_CODE = re.compile(r"验证码：(\d{6})")


@dataclass(frozen=True)
class Sent:
    """A queued message, as read back."""

    topic: str
    subject: str
    text: str
    to_phone: str | None


def messages_to(engine: Engine, email: str, topic: str | None = None) -> list[Sent]:
    """Messages queued for ``email``, oldest first."""
    query = select(
        OutboxMessage.topic, OutboxMessage.subject, OutboxMessage.text, OutboxMessage.to_phone
    ).where(OutboxMessage.to_email == email.lower())
    if topic:
        query = query.where(OutboxMessage.topic == topic)
    with engine.connect() as conn:
        return [Sent(*row) for row in conn.execute(query.order_by(OutboxMessage.id))]


def last_link(engine: Engine, email: str, topic: str) -> str:
    """The link in the newest message on ``topic`` to ``email``."""
    found = messages_to(engine, email, topic)
    assert found, f"no {topic} message to {email}"
    link = _LINK.search(found[-1].text)
    assert link, found[-1].text
    return link.group(0)


def token_of(link: str) -> str:
    """The token of a link."""
    return link.rsplit("token=", 1)[1]


def last_code(engine: Engine, email: str) -> str:
    """The newest one-time code sent to ``email``."""
    found = messages_to(engine, email, "account.code")
    assert found
    code = _CODE.search(found[-1].text)
    assert code
    return code.group(1)


def make_user(
    engine: Engine,
    org_id: int | None,
    role: Role,
    email: str,
    *,
    org_role: OrgRole = OrgRole.owner,
    password: str = PASSWORD,
) -> int:
    """A verified user, made directly."""
    with make_sessionmaker(engine)() as session, session.begin():
        user = User(
            organization_id=org_id,
            email=email.lower(),
            name="测试用户",
            role=role.value,
            org_role=org_role.value,
            password_hash=hash_password(password),
            email_verified_at=utcnow(),
        )
        session.add(user)
        session.flush()
        return user.id
