"""A message keeps the id of the request that queued it, and the sender logs under that id.

The id follows a request into work done after its answer (a background task) and into a job
it asked for; the sender, a background thread with no request of its own, logs each
message's lines (sent, kept, failed) under the id of the request that queued it.
"""

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, select

from app.models import OutboxMessage, Role
from app.notifications.messages import Message
from app.notifications.outbox import enqueue
from app.notifications.sender import Sender
from app.platform import jobs
from app.platform.db import make_sessionmaker
from app.platform.logs import RequestIdFilter
from app.platform.request_id import bound
from app.platform.settings import Settings
from tests.app.accounts.helpers import make_user
from tests.app.factories import World
from tests.app.jobs.wait import wait_for_job
from tests.app.notifications.servers import Mailbox, smtp_server

EMAIL = "reset.me@example.cn"


def _notify(ctx: jobs.JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    with ctx.sessions() as session:
        row_id = enqueue(
            session,
            Message(
                topic="event.agenda_published",
                to_email=payload["to"],
                subject="洽谈日程已发布",
                text="您的洽谈安排：9:00 3号桌。",
            ),
        )
        session.commit()
    return {"outbox_id": row_id}


jobs.register("test.notify", _notify)


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="xieshou.notifications")
    request_filter = RequestIdFilter()  # as the service's log handler has
    caplog.handler.addFilter(request_filter)
    yield caplog
    caplog.handler.removeFilter(request_filter)


def _row(engine: Engine, topic: str) -> OutboxMessage:
    with make_sessionmaker(engine)() as session:
        return session.scalars(select(OutboxMessage).where(OutboxMessage.topic == topic)).one()


def _lines_about(caplog: pytest.LogCaptureFixture, row_id: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith(f"notification {row_id} ")]


def _settings(database_url: str, **overrides: object) -> Settings:
    return Settings(database_url=database_url, environment="test", **overrides)  # type: ignore[arg-type]


def test_a_message_queued_after_the_answer_is_sent_under_its_requests_id(
    client: TestClient,
    engine: Engine,
    database_url: str,
    world: World,
    logged: pytest.LogCaptureFixture,
) -> None:
    make_user(engine, world.sme_a.org_id, Role.sme, EMAIL)
    answer = client.post(
        "/api/v1/password-resets", json={"email": EMAIL}, headers={"X-Request-ID": "req-reset-1"}
    )
    assert answer.status_code == 202, answer.text
    row = _row(engine, "account.reset")  # queued by a background task, after the answer
    assert row.request_id == "req-reset-1"

    logged.clear()
    with bound("the-senders-own"):  # what the sender thread was doing must not leak in
        assert Sender(make_sessionmaker(engine), _settings(database_url)).send_pass() == 1
    [kept] = _lines_about(logged, row.id)
    assert "kept in the console's outbox" in kept.getMessage()
    assert getattr(kept, "request_id", None) == "req-reset-1"


def test_a_message_a_job_queued_carries_the_id_of_the_request_that_asked_for_the_job(
    client: TestClient,
    app: FastAPI,
    engine: Engine,
    database_url: str,
    world: World,
    logged: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    with bound("req-job-9"), app.state.sessionmaker() as session:
        job = jobs.enqueue(
            session,
            "test.notify",
            {"to": "firm@example.cn"},
            organization_id=world.sme_a.org_id,
            requested_by="key:1",
        )
        session.commit()
        job_id = job.id
    done = wait_for_job(client, f"/api/v1/jobs/{job_id}", world.sme_a.headers)
    assert done["status"] == "succeeded", done
    row = _row(engine, "event.agenda_published")
    assert row.id == done["result"]["outbox_id"]
    assert row.request_id == "req-job-9"

    # A failed delivery is logged under the same id.
    mailbox: Mailbox
    with smtp_server(tmp_path) as (url, mailbox):
        mailbox.fail_next = 1
        logged.clear()
        settings = _settings(database_url, smtp_url=SecretStr(url))
        assert Sender(make_sessionmaker(engine), settings).send_pass() == 0
        assert mailbox.refused == 1
    [failed] = _lines_about(logged, row.id)
    assert "attempt 1 failed" in failed.getMessage()
    assert getattr(failed, "request_id", None) == "req-job-9"


def test_a_notice_queued_outside_any_request_has_no_id(engine: Engine) -> None:
    with make_sessionmaker(engine)() as session:
        enqueue(
            session,
            Message(topic="event.agenda_published", to_email="a@example.cn", subject="s", text="t"),
        )
        session.commit()
    assert _row(engine, "event.agenda_published").request_id is None
