"""The sender against real servers: SMTP with STARTTLS and AUTH, and a signed webhook."""

import json
import logging
import os
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, create_engine, select

from app.models import Channel, OutboxMessage, OutboxStatus
from app.models.base import utcnow
from app.notifications import channels, preferences
from app.notifications.messages import Message
from app.notifications.outbox import enqueue
from app.notifications.sender import Sender
from app.platform.db import make_sessionmaker, session_scope
from app.platform.settings import Settings
from tests.app.notifications.servers import Hook, Mailbox, smtp_server, webhook_server

WEBHOOK_SECRET = "hook-secret-123"
ICS = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:x@y\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(seconds=1)  # rows queued by the test are due

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[str, Mailbox]]:
    with smtp_server(tmp_path) as server:
        yield server


@pytest.fixture
def hook() -> Iterator[tuple[str, Hook]]:
    with webhook_server() as server:
        yield server


def _settings(database_url: str, **overrides: object) -> Settings:
    return Settings(
        database_url=database_url,
        environment="test",
        public_url="https://xieshou.test",
        webhook_secret=SecretStr(WEBHOOK_SECRET),
        **overrides,  # type: ignore[arg-type]
    )


def _queue(engine: Engine, *messages: Message) -> list[int]:
    for session in session_scope(make_sessionmaker(engine)):
        ids = [enqueue(session, m) for m in messages]
    return ids


def _rows(engine: Engine) -> list[OutboxMessage]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _mail(n: int = 0, **overrides: object) -> Message:
    fields: dict[str, object] = {
        "topic": "event.agenda_published",
        "to_email": f"firm{n}@example.cn",
        "subject": f"洽谈日程已发布 {n}",
        "text": "您的洽谈安排：9:00 3号桌。",
    }
    return Message(**(fields | overrides))  # type: ignore[arg-type]


def test_email_goes_through_starttls_and_auth_with_headers_and_ics(
    engine: Engine, database_url: str, smtp: tuple[str, Mailbox]
) -> None:
    url, mailbox = smtp
    [row_id] = _queue(engine, _mail(ics=ICS))
    sender = Sender(make_sessionmaker(engine), _settings(database_url, smtp_url=SecretStr(url)))

    assert sender.send_pass() == 1

    [mail] = mailbox.messages
    assert mailbox.recipients == [["firm0@example.cn"]]
    assert mail["Subject"] == "洽谈日程已发布 0"
    assert mail["Message-ID"] == f"<outbox-{row_id}@xieshou.test>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://xieshou.test/notifications/unsubscribe/")
    body = mail.get_body(("plain",))
    assert body is not None
    assert "9:00 3号桌" in body.get_content()
    assert link in body.get_content()
    [ics] = [part for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert ics.get_param("method") == "REQUEST"
    assert "UID:x@y" in ics.get_content()
    [row] = _rows(engine)
    assert row.status == OutboxStatus.sent
    assert row.delivered == ["email"]
    assert row.attempts == 1
    assert sender.send_pass() == 0
    assert len(mailbox.messages) == 1


def test_account_messages_carry_no_unsubscribe(
    engine: Engine, database_url: str, smtp: tuple[str, Mailbox]
) -> None:
    url, mailbox = smtp
    _queue(engine, _mail(topic="account.reset"))
    Sender(make_sessionmaker(engine), _settings(database_url, smtp_url=SecretStr(url))).send_pass()
    [mail] = mailbox.messages
    assert mail["List-Unsubscribe"] is None


def test_failures_back_off_exponentially_then_succeed(
    engine: Engine, database_url: str, smtp: tuple[str, Mailbox]
) -> None:
    url, mailbox = smtp
    mailbox.fail_next = 2
    clock = Clock()
    _queue(engine, _mail())
    sender = Sender(
        make_sessionmaker(engine),
        _settings(database_url, smtp_url=SecretStr(url)),
        backoff_s=60,
        clock=clock,
    )
    start = clock.now
    assert sender.send_pass() == 0
    [row] = _rows(engine)
    assert row.status == OutboxStatus.pending
    assert row.next_attempt_at == start + timedelta(seconds=60)
    clock.now = start + timedelta(seconds=59)
    assert sender.send_pass() == 0
    assert mailbox.refused == 1
    clock.now = start + timedelta(seconds=60)
    assert sender.send_pass() == 0
    assert mailbox.refused == 2
    [row] = _rows(engine)
    assert row.next_attempt_at == clock.now + timedelta(seconds=120)  # doubled
    clock.now += timedelta(seconds=120)
    assert sender.send_pass() == 1
    [row] = _rows(engine)
    assert row.status == OutboxStatus.sent
    assert row.attempts == 3
    assert len(mailbox.messages) == 1


def test_gives_up_after_the_last_attempt(
    engine: Engine, database_url: str, smtp: tuple[str, Mailbox]
) -> None:
    url, mailbox = smtp
    mailbox.fail_next = 5
    clock = Clock()
    _queue(engine, _mail())
    sender = Sender(
        make_sessionmaker(engine),
        _settings(database_url, smtp_url=SecretStr(url)),
        backoff_s=1,
        max_attempts=2,
        clock=clock,
    )
    sender.send_pass()
    clock.now += timedelta(hours=1)
    sender.send_pass()
    clock.now += timedelta(hours=1)
    sender.send_pass()
    [row] = _rows(engine)
    assert row.status == OutboxStatus.failed
    assert row.attempts == 2
    assert mailbox.refused == 2


def test_webhook_payload_is_signed_and_verifiable(
    engine: Engine, database_url: str, hook: tuple[str, Hook]
) -> None:
    url, received = hook
    received.fail_next = 1
    clock = Clock()
    for session in session_scope(make_sessionmaker(engine)):
        preferences.set_choices(session, "firm0@example.cn", {"*": [Channel.webhook]})
    [row_id] = _queue(engine, _mail(to_phone="13800138000"))
    sender = Sender(
        make_sessionmaker(engine),
        _settings(database_url, webhook_url=url),
        backoff_s=10,
        clock=clock,
    )
    assert sender.send_pass() == 0  # the gateway answered 503
    clock.now += timedelta(seconds=10)
    assert sender.send_pass() == 1

    [(headers, body)] = received.requests
    payload = json.loads(body)
    assert payload["id"] == row_id
    assert payload["to_phone"] == "13800138000"
    assert payload["text"] == "您的洽谈安排：9:00 3号桌。"
    secret = WEBHOOK_SECRET.encode()
    timestamp, signature = headers["X-Xieshou-Timestamp"], headers["X-Xieshou-Signature"]
    assert channels.verify(secret, timestamp=timestamp, signature=signature, body=body)
    assert not channels.verify(b"other", timestamp=timestamp, signature=signature, body=body)
    assert not channels.verify(
        secret, timestamp=timestamp, signature=signature, body=body.replace(b"9:00", b"8:00")
    )
    # A captured request replayed ten minutes later is refused.
    later = int(timestamp) + 600
    assert not channels.verify(
        secret, timestamp=timestamp, signature=signature, body=body, now=later
    )
    [row] = _rows(engine)
    assert row.delivered == ["webhook"]
    assert row.status == OutboxStatus.sent


def test_two_senders_racing_send_each_message_once(
    engine: Engine, database_url: str, smtp: tuple[str, Mailbox]
) -> None:
    url, mailbox = smtp
    _queue(engine, *[_mail(n) for n in range(30)])
    settings = _settings(database_url, smtp_url=SecretStr(url))
    senders = [
        Sender(make_sessionmaker(engine), settings, batch=4, name=f"sender-{i}") for i in range(2)
    ]
    start = threading.Barrier(2)
    counts: list[int] = []

    def run(sender: Sender) -> None:
        start.wait()
        counts.append(sender.send_pass())

    threads = [threading.Thread(target=run, args=(s,)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sum(counts) == 30
    ids = [m["Message-ID"] for m in mailbox.messages]
    assert len(ids) == 30 == len(set(ids))
    assert {r.status for r in _rows(engine)} == {OutboxStatus.sent}
    assert {r.claimed_by for r in _rows(engine)} == {"sender-0", "sender-1"} or min(counts) == 0


def test_a_claim_left_by_a_dead_sender_is_taken_after_its_lease(
    engine: Engine, database_url: str, smtp: tuple[str, Mailbox]
) -> None:
    url, mailbox = smtp
    clock = Clock()
    settings = _settings(database_url, smtp_url=SecretStr(url))
    [row_id] = _queue(engine, _mail())
    dead = Sender(make_sessionmaker(engine), settings, lease_s=60, clock=clock, name="dead")
    assert dead.claim() == [row_id]  # …and the process stops before sending

    after_restart = Sender(make_sessionmaker(engine), settings, clock=clock, name="new")
    assert after_restart.send_pass() == 0  # still leased
    clock.now += timedelta(seconds=61)
    assert after_restart.send_pass() == 1
    assert not dead.deliver(row_id)  # the old claim is gone: no second e-mail
    assert len(mailbox.messages) == 1
    [row] = _rows(engine)
    assert row.claimed_by == "new"
    assert row.status == OutboxStatus.sent


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_sender_made_before_a_fork_claims_under_each_processs_own_name(
    engine: Engine, database_url: str
) -> None:
    """``xieshou serve --workers N`` makes the app, and its sender, once in the parent; two
    workers claiming under the parent's name would take each other's claims for their own."""
    sender = Sender(make_sessionmaker(engine), _settings(database_url))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report the name it claims under, and leave at once
        os.write(write, sender.name.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child_name = pipe.read()
    os.waitpid(pid, 0)
    assert child_name.split(":")[1] == str(pid)
    assert sender.name.split(":")[1] == str(os.getpid())
    assert Sender(make_sessionmaker(engine), _settings(database_url), name="given").name == "given"


def test_without_smtp_messages_stay_in_the_outbox_and_the_log_keeps_tokens_out(
    engine: Engine, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    token = "tok_Zx9SecretLinkToken"
    _queue(
        engine,
        _mail(topic="account.verify", text=f"请点击验证：https://x.test/verify/{token}"),
    )
    caplog.set_level(logging.INFO, logger="xieshou.notifications")
    sender = Sender(make_sessionmaker(engine), _settings(database_url))
    assert sender.send_pass() == 1
    [row] = _rows(engine)
    assert row.status == OutboxStatus.sent
    assert row.delivered == ["email:local"]
    assert token in row.text
    assert "kept in the console's outbox" in caplog.text
    assert token not in caplog.text
    assert "firm0@example.cn" not in caplog.text


def test_the_smtp_setting_is_one_url_and_its_errors_never_show_the_password() -> None:
    config = channels.SmtpConfig.parse(
        "smtp://mail%40corp:p%2Fss%3Aw@mx.example.cn:2525?starttls=1"
    )
    assert (config.username, config.password) == ("mail@corp", "p/ss:w")
    assert (config.host, config.port, config.starttls, config.tls) == (
        "mx.example.cn",
        2525,
        True,
        False,
    )
    assert config.sender == "noreply@mx.example.cn"
    tls = channels.SmtpConfig.parse("smtps://u:p@mx.example.cn?from=hi@example.cn")
    assert (tls.port, tls.tls, tls.starttls, tls.sender) == (465, True, False, "hi@example.cn")
    with pytest.raises(ValueError, match="XIESHOU_SMTP_URL") as bad:
        Sender(
            make_sessionmaker(create_engine("sqlite://")),
            Settings(smtp_url=SecretStr("http://u:hunter2@mx.example.cn")),
        )
    assert "hunter2" not in str(bad.value)
