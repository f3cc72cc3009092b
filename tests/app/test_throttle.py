"""Failed authentication is throttled per client address and per key prefix.

Regression (issue 14, finding 9): 300 wrong API keys were all checked at 123/s, and console
sign-ins at 74/s, with nothing ever slowing them down.
"""

import secrets
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage
from pydantic import ValidationError
from sqlalchemy import Engine

from app.auth.throttle import AuthThrottle, TooManyAttempts, authenticate
from app.errors import Unauthorized
from app.platform.db import make_sessionmaker
from app.platform.settings import Settings
from app.web.security import COOKIE
from tests.app.factories import World, bearer
from tests.app.web.helpers import csrf_of, sign_in

PER_ADDRESS = 30  # the defaults (Settings.auth_failures_per_address / _per_key)
PER_KEY = 10


def _wrong_key(prefix: str | None = None) -> str:
    return f"xs_{prefix or secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"


@contextmanager
def _client_at(app: FastAPI, address: str) -> Iterator[TestClient]:
    """Requests from another client address (the shared client is ``testclient``)."""
    client = TestClient(app, client=(address, 50000))
    try:
        yield client
    finally:
        client.close()


def test_wrong_keys_from_one_address_get_429_after_the_limit(
    client: TestClient, world: World
) -> None:
    statuses = [
        client.get("/api/v1/me", headers=bearer(_wrong_key())).status_code for _ in range(300)
    ]
    assert Counter(statuses) == {401: PER_ADDRESS, 429: 300 - PER_ADDRESS}
    assert statuses[:PER_ADDRESS] == [401] * PER_ADDRESS
    refused = client.get("/api/v1/me", headers=bearer(_wrong_key()))
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # Blocked means not checked at all: the right key from this address waits too...
    assert client.get("/api/v1/me", headers=world.organizer.headers).status_code in (200, 429)
    # ... while other clients are not affected.
    with _client_at(client.app, "198.51.100.20") as other:  # type: ignore[arg-type]
        assert other.get("/api/v1/me", headers=world.firm_b.headers).status_code == 200
        assert other.get("/api/v1/me", headers=bearer(_wrong_key())).status_code == 401


def test_wrong_secrets_for_one_key_prefix_get_429_from_any_address(
    app: FastAPI, client: TestClient, world: World
) -> None:
    prefix = world.sme_a.key.split("_")[1]
    for i in range(PER_KEY):
        with _client_at(app, f"203.0.113.{i}") as guesser:
            assert guesser.get("/api/v1/me", headers=bearer(_wrong_key(prefix))).status_code == 401
    with _client_at(app, "203.0.113.200") as guesser:
        refused = guesser.get("/api/v1/me", headers=bearer(_wrong_key(prefix)))
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
        # Other keys from the same fresh address are checked as usual.
        assert guesser.get("/api/v1/me", headers=world.sme_b.headers).status_code == 200


def test_successful_requests_are_never_throttled(client: TestClient, world: World) -> None:
    for _ in range(200):
        assert client.get("/api/v1/me", headers=world.sme_a.headers).status_code == 200
    statuses = [
        client.get("/api/v1/me", headers=bearer(_wrong_key())).status_code
        for _ in range(PER_ADDRESS)
    ]
    assert statuses == [401] * PER_ADDRESS  # the budget for failures is untouched


def test_successes_do_not_count_even_when_each_one_is_checked(
    app: FastAPI, engine: Engine, world: World
) -> None:
    throttle = AuthThrottle(per_address="3/minute", per_key="3/minute")
    with make_sessionmaker(engine)() as session:
        for _ in range(20):
            authenticate(session, world.sme_a.key, throttle=throttle, address="192.0.2.1")
        for _ in range(3):
            with pytest.raises(Unauthorized):
                authenticate(session, _wrong_key(), throttle=throttle, address="192.0.2.1")
        with pytest.raises(TooManyAttempts):
            authenticate(session, world.sme_a.key, throttle=throttle, address="192.0.2.1")
        assert authenticate(session, world.sme_a.key, throttle=throttle, address="192.0.2.2")
        session.rollback()


def test_the_window_moves_on() -> None:
    throttle = AuthThrottle(per_address="2/second", per_key="100/minute")
    for _ in range(2):
        throttle.failed("192.0.2.9", "not a key")
    with pytest.raises(TooManyAttempts) as refused:
        throttle.check("192.0.2.9", "not a key")
    assert refused.value.retry_after_s == 1
    time.sleep(1.1)
    throttle.check("192.0.2.9", "not a key")


class _Unreachable(MemoryStorage):
    """A shared storage that has gone away (``unreachable://``)."""

    STORAGE_SCHEME = ["unreachable"]  # noqa: RUF012 (limits registers storages by this)

    def acquire_entry(self, *args: object, **kwargs: object) -> bool:
        raise ConnectionError("storage down")

    def get_moving_window(self, *args: object, **kwargs: object) -> tuple[float, int]:
        raise ConnectionError("storage down")


def test_an_unreachable_storage_lets_attempts_through(caplog: pytest.LogCaptureFixture) -> None:
    throttle = AuthThrottle(
        per_address="1/minute", per_key="1/minute", storage_uri="unreachable://"
    )
    for _ in range(3):
        throttle.failed("192.0.2.9", "not a key")
        throttle.check("192.0.2.9", "not a key")  # no 429, and no 500 either
    assert [r.message for r in caplog.records] == ["auth throttle storage failed; not throttling"]


def test_console_sign_in_is_throttled_too(app: FastAPI, client: TestClient, world: World) -> None:
    statuses = [sign_in(client, _wrong_key()).status_code for _ in range(PER_ADDRESS + 5)]
    assert Counter(statuses) == {401: PER_ADDRESS, 429: 5}
    refused = sign_in(client, world.sme_a.key)
    assert refused.status_code == 429
    assert "失败次数过多" in refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert COOKIE not in refused.cookies
    with _client_at(app, "198.51.100.30") as other:
        form = other.get("/login")
        signed = other.post(
            "/login",
            data={"api_key": world.sme_a.key, "csrf": csrf_of(form.text)},
            follow_redirects=False,
        )
        assert signed.status_code == 303


def test_a_forged_sign_in_form_is_not_counted(client: TestClient, world: World) -> None:
    client.cookies.clear()
    for _ in range(PER_ADDRESS + 5):
        client.get("/login")
        response = client.post(
            "/login", data={"api_key": _wrong_key(), "csrf": "forged"}, follow_redirects=False
        )
        assert response.status_code == 403
    assert sign_in(client, world.sme_a.key).status_code == 303


def test_requests_without_a_key_are_not_counted(client: TestClient) -> None:
    for _ in range(PER_ADDRESS + 5):
        assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers=bearer(_wrong_key())).status_code == 401


def test_limits_are_settings_checked_at_start() -> None:
    with pytest.raises(ValidationError, match="auth_failures_per_address"):
        Settings(auth_failures_per_address="lots")
    assert Settings(auth_failures_per_key="5 per hour").auth_failures_per_key == "5 per hour"


def test_429_is_documented_on_api_operations(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    operations = [
        op for path, ops in paths.items() if path.startswith("/api/v1") for op in ops.values()
    ]
    assert operations
    assert all("429" in op["responses"] for op in operations)
