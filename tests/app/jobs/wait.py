"""Waiting for a background job through the API, as a client would."""

import time
from typing import Any

import httpx
from fastapi.testclient import TestClient

FINISHED = {"succeeded", "failed", "cancelled"}


def job_url(response: httpx.Response) -> str:
    """The job an endpoint answered 202 with (its Location)."""
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert location == response.json()["url"]
    return location


def wait_for_job(
    client: TestClient | httpx.Client,
    started: httpx.Response | str,
    headers: dict[str, str],
    *,
    timeout_s: float = 60.0,
    until: set[str] = FINISHED,
) -> dict[str, Any]:
    """Poll the job (a 202 answer or a job URL) until its status is in ``until``; its body."""
    url = started if isinstance(started, str) else job_url(started)
    end = time.monotonic() + timeout_s
    while True:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in until:
            return body
        assert time.monotonic() < end, f"job {url} still {body['status']} after {timeout_s} s"
        time.sleep(0.05)


def run_job(
    client: TestClient | httpx.Client,
    started: httpx.Response,
    headers: dict[str, str],
    *,
    timeout_s: float = 60.0,
) -> dict[str, Any]:
    """The result of the job a 202 answer started, which must succeed."""
    job = wait_for_job(client, started, headers, timeout_s=timeout_s)
    assert job["status"] == "succeeded", job
    result: dict[str, Any] = job["result"]
    return result


def post_job(
    client: TestClient | httpx.Client,
    url: str,
    headers: dict[str, str],
    *,
    timeout_s: float = 60.0,
) -> dict[str, Any]:
    """POST to an endpoint that starts a job (202) and return the job's result once it has
    succeeded (e.g. ``/api/v1/events/{id}/schedule``: the schedule)."""
    return run_job(client, client.post(url, headers=headers), headers, timeout_s=timeout_s)
