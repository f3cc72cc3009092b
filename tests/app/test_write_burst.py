"""A burst of parallel requests queues or is turned away with 503, and the server stays up.

Regressions: 45 parallel writes on SQLite filled the thread pool with threads waiting for the
process's write lock, so the request holding it never got a thread to finish on and the server
never answered again, not even /healthz. On PostgreSQL 120 parallel writes did the same with
threads waiting for a pool connection (each round stuck for the pool's 30 s timeout).
"""

import asyncio
import threading
import time
from collections.abc import Callable, Iterator

import anyio
import anyio.to_thread
import httpx
import pytest
from fastapi.testclient import TestClient

from app.errors import ServiceUnavailable
from app.turns import Turns
from tests.app.factories import World
from tests.app.servers import running_server

BURST = 120
ANSWER_S = 5.0


def _profile_and_need(client: TestClient, world: World) -> tuple[int, int]:
    body = {"organization_id": world.sme_a.org_id, "products": [{"name": "压力传感器"}]}
    profile = client.post("/api/v1/profiles", json=body, headers=world.sme_a.headers)
    assert profile.status_code == 201, profile.text
    need_body = {"title": "采购压力传感器", "products": ["压力传感器"], "status": "open"}
    need = client.post("/api/v1/needs", json=need_body, headers=world.firm_a.headers)
    assert need.status_code == 201, need.text
    return int(profile.json()["id"]), int(need.json()["id"])


@pytest.fixture
def server(database_url: str) -> Iterator[str]:
    """``xieshou serve`` (one worker, as the attack run had) on the test database."""
    with running_server(database_url) as base:
        yield base


async def _burst(
    base: str, write: str, read: str, headers: dict[str, str]
) -> tuple[list[httpx.Response], list[httpx.Response]]:
    limits = httpx.Limits(max_connections=2 * BURST, max_keepalive_connections=2 * BURST)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as http:
        values = ("interested", "declined")
        writes = [http.put(write, json={"value": values[i % 2]}, timeout=60) for i in range(BURST)]
        reads = [http.get(read, timeout=60) for _ in range(BURST)]
        answers = await asyncio.gather(*writes, *reads)
    return answers[:BURST], answers[BURST:]


@pytest.mark.slow
def test_a_burst_of_writes_is_queued_or_turned_away_and_the_server_keeps_answering(
    client: TestClient, world: World, server: str
) -> None:
    profile, need = _profile_and_need(client, world)
    url = f"/api/v1/profiles/{profile}/opportunities/{need}/interest"
    read_url = f"/api/v1/profiles/{profile}"

    writes, reads = asyncio.run(_burst(server, url, read_url, world.sme_a.headers))

    for answers in (writes, reads):
        statuses = sorted({r.status_code for r in answers})
        assert set(statuses) <= {200, 503}, statuses
        assert any(r.status_code == 200 for r in answers)
    for refused in (r for r in writes + reads if r.status_code == 503):
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) >= 1
    started = time.monotonic()
    assert httpx.get(f"{server}/healthz", timeout=ANSWER_S).status_code == 200
    read = httpx.get(
        f"{server}/api/v1/profiles/{profile}/opportunities/{need}",
        headers=world.sme_a.headers,
        timeout=ANSWER_S,
    )
    assert read.status_code == 200, read.text
    written = httpx.put(
        f"{server}{url}",
        json={"value": "interested"},
        headers=world.sme_a.headers,
        timeout=ANSWER_S,
    )
    assert written.status_code == 200, written.text
    assert time.monotonic() - started < ANSWER_S


# -- the turns themselves --------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_waiting_writers_hold_no_thread_so_a_small_pool_does_not_deadlock() -> None:
    # The old lock waited in pool threads: with 2 threads, 2 waiters left the holder none.
    anyio.to_thread.current_default_thread_limiter().total_tokens = 2
    turns = Turns("writes", max_waiting=100, max_wait_s=10)
    writing = 0
    most = 0

    async def write() -> None:
        nonlocal writing, most
        await turns.acquire()
        try:
            writing += 1
            most = max(most, writing)
            await anyio.to_thread.run_sync(time.sleep, 0.001)  # the write needs a pool thread
            writing -= 1
        finally:
            turns.release()

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tasks:
            for _ in range(50):
                tasks.start_soon(write)
    assert most == 1


@pytest.mark.anyio
async def test_beyond_the_queue_bound_a_writer_gets_503_with_retry_after() -> None:
    turns = Turns("writes", max_waiting=2, max_wait_s=10)
    await turns.acquire()
    order: list[int] = []

    async def wait(n: int) -> None:
        await turns.acquire()
        order.append(n)
        turns.release()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(wait, 1)
        tasks.start_soon(wait, 2)
        await wait_until(lambda: turns.waiting == 2)
        with pytest.raises(ServiceUnavailable) as refused:
            await turns.acquire()
        assert refused.value.status == 503
        assert refused.value.headers is not None
        assert int(refused.value.headers["Retry-After"]) >= 1
        turns.release()
    assert order == [1, 2]  # first come, first served
    assert turns.try_acquire()


@pytest.mark.anyio
async def test_a_writer_that_waited_too_long_gets_503_and_leaves_the_queue() -> None:
    turns = Turns("writes", max_waiting=10, max_wait_s=0.05)
    await turns.acquire()
    with pytest.raises(ServiceUnavailable):
        await turns.acquire()
    assert turns.waiting == 0
    turns.release()
    assert turns.try_acquire()


@pytest.mark.anyio
async def test_a_cancelled_waiter_passes_a_turn_handed_to_it_on() -> None:
    turns = Turns("writes", max_waiting=10, max_wait_s=10)
    await turns.acquire()
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(turns.acquire)
        await wait_until(lambda: turns.waiting == 1)
        turns.release()  # handed to the waiter …
        tasks.cancel_scope.cancel()  # … which is cancelled before it runs
    # Either it got the turn and released it on cancellation, or it left the queue.
    assert turns.waiting == 0
    assert turns.try_acquire()


@pytest.mark.anyio
async def test_no_more_than_capacity_hold_a_turn_at_once() -> None:
    turns = Turns("requests", capacity=3, max_waiting=100, max_wait_s=10)
    holding = 0
    most = 0

    async def hold() -> None:
        nonlocal holding, most
        async with turns.turn():
            holding += 1
            most = max(most, holding)
            await anyio.sleep(0.001)
            holding -= 1

    async with anyio.create_task_group() as tasks:
        for _ in range(30):
            tasks.start_soon(hold)
    assert most == 3
    assert all(turns.try_acquire() for _ in range(3))
    assert not turns.try_acquire()


def test_a_background_thread_takes_turns_with_requests_one_at_a_time() -> None:
    turns = Turns("writes", max_waiting=100, max_wait_s=10)
    inside = 0
    most = 0
    guard = threading.Lock()

    def hold() -> None:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.001)
        with guard:
            inside -= 1

    def background() -> None:
        for _ in range(20):
            assert turns.acquire_blocking(timeout=10)
            try:
                hold()
            finally:
                turns.release()

    async def requests() -> None:
        async def one() -> None:
            await turns.acquire()
            try:
                hold()
                await anyio.sleep(0)
            finally:
                turns.release()

        async with anyio.create_task_group() as tasks:
            for _ in range(40):
                tasks.start_soon(one)

    thread = threading.Thread(target=background)
    thread.start()
    anyio.run(requests)
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert most == 1


async def wait_until(condition: Callable[[], bool]) -> None:
    """Yield to other tasks until ``condition`` holds (at most a second)."""
    with anyio.fail_after(1):
        while not condition():
            await anyio.sleep(0.001)
