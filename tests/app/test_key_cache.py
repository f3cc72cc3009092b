"""The API key cache: a checked key is not read again, and revocations still take at once.

The cache follows the worker's change feed and its freshness bound (``XIESHOU_FRESHNESS_S``).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.auth.cache import KeyCache
from app.auth.principal import Principal
from app.models import Role
from tests.app.factories import World


@contextmanager
def key_reads(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements that read or write the ``api_keys`` table while the block runs."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "api_keys" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def wait_fresh(app: FastAPI) -> None:
    """Wait until the app's index is built and has read the change log within the bound."""
    app.state.matching.wait_ready()
    deadline = time.monotonic() + 60  # liveness only (a loaded machine)
    while not app.state.matching.freshness.caught_up():
        assert time.monotonic() < deadline, "the change feed never caught up"
        time.sleep(0.02)


def test_a_key_checked_moments_ago_is_not_read_from_the_database_again(
    app: FastAPI, client: TestClient, world: World
) -> None:
    wait_fresh(app)  # the cache answers while the change feed is fresh
    headers = world.sme_a.headers
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with key_reads(app.state.engine) as reads:
        for _ in range(3):
            assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert reads == []


def test_while_the_change_feed_is_behind_a_cached_key_is_read_again(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A revocation elsewhere could not reach the cache: it does not answer (one freshness rule)."""
    wait_fresh(app)
    headers = world.sme_a.headers
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    app.state.matching.stop()  # its catch-up stops: the feed falls behind the bound
    time.sleep(app.state.settings.freshness_s + 0.1)
    with key_reads(app.state.engine) as reads:
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert len(reads) == 1


def test_a_key_revoked_by_someone_else_is_refused_at_once(client: TestClient, world: World) -> None:
    me = client.get("/api/v1/me", headers=world.firm_a.headers)
    assert me.status_code == 200  # now cached
    revoked = client.delete(f"/api/v1/keys/{me.json()['key_id']}", headers=world.admin.headers)
    assert revoked.status_code == 204
    assert client.get("/api/v1/me", headers=world.firm_a.headers).status_code == 401


def test_the_keys_of_a_deleted_organization_are_refused_at_once(
    client: TestClient, world: World
) -> None:
    assert client.get("/api/v1/me", headers=world.sme_b.headers).status_code == 200
    org = client.get(f"/api/v1/organizations/{world.sme_b.org_id}", headers=world.admin.headers)
    deleted = client.delete(
        f"/api/v1/organizations/{world.sme_b.org_id}",
        headers={**world.admin.headers, "If-Match": org.headers["ETag"]},
    )
    assert deleted.status_code == 204, deleted.text
    assert client.get("/api/v1/me", headers=world.sme_b.headers).status_code == 401


def _principal(key_id: int, org_id: int | None = None) -> Principal:
    return Principal(key_id=key_id, role=Role.sme, organization_id=org_id)


def test_a_lookup_that_began_before_a_revocation_is_not_cached() -> None:
    cache = KeyCache(ttl_s=60)
    epoch = cache.epoch  # a request starts reading key 1's row …
    cache.forget_keys({1})  # … meanwhile key 1 is revoked and its commit drops it …
    cache.put("h1", _principal(1), epoch)  # … so the old row read must not be cached
    assert cache.get("h1") is None
    cache.put("h1", _principal(1), cache.epoch)
    assert cache.get("h1") == _principal(1)


def test_entries_expire_and_a_zero_ttl_caches_nothing(monkeypatch: Any) -> None:
    clock = [100.0]
    monkeypatch.setattr("app.auth.cache.time.monotonic", lambda: clock[0])
    cache = KeyCache(ttl_s=5)
    cache.put("h", _principal(1), cache.epoch)
    clock[0] += 4.9
    assert cache.get("h") == _principal(1)
    clock[0] += 0.2
    assert cache.get("h") is None
    off = KeyCache(ttl_s=0)
    off.put("h", _principal(1), off.epoch)
    assert off.get("h") is None


def test_only_the_changed_organizations_keys_are_dropped() -> None:
    cache = KeyCache(ttl_s=60)
    cache.put("a", _principal(1, org_id=10), cache.epoch)
    cache.put("b", _principal(2, org_id=20), cache.epoch)
    cache.forget_organizations({10})
    assert cache.get("a") is None
    assert cache.get("b") == _principal(2, org_id=20)
