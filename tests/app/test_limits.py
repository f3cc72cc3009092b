"""app/limits.py: the worker header only when configured, and request bodies counted as they
stream (issue 14, findings 13 and 14)."""

import os

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def test_responses_name_no_process_unless_the_worker_header_is_on(settings: Settings) -> None:
    # Process ids told to every client helped attackers tell workers apart (finding 13).
    with TestClient(create_app(settings)) as client:
        assert "x-xieshou-worker" not in client.get("/healthz").headers
    assert Settings().worker_header is False
    with TestClient(create_app(settings.model_copy(update={"worker_header": True}))) as client:
        assert client.get("/healthz").headers["x-xieshou-worker"] == str(os.getpid())
