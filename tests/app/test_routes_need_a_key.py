"""Every API route refuses a request without a key or user token: a guard for routes added
later. The few routes strangers use to get in (sign-up, sign-in, reset) are listed here."""

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient


def _api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the published API, path parameters filled in."""
    routes: list[tuple[str, str]] = []
    for path, operations in app.openapi()["paths"].items():
        if path.startswith("/api/v1"):
            concrete = re.sub(r"\{[^}]+\}", "1", path)
            routes.extend((method.upper(), concrete) for method in sorted(operations))
    return routes


def test_there_are_routes_to_check(app: FastAPI) -> None:
    assert len(_api_routes(app)) > 40


#: Open to anyone: how a person gets an account or a sign-in token (issue 16).
PUBLIC = {
    ("POST", "/api/v1/sessions"),
    ("POST", "/api/v1/sign-ups"),
    ("POST", "/api/v1/password-resets"),
}


def test_the_public_routes_exist_and_want_a_body(app: FastAPI, client: TestClient) -> None:
    assert set(_api_routes(app)) >= PUBLIC
    for method, path in PUBLIC:
        assert client.request(method, path, json={}).status_code == 422


def test_every_api_route_answers_401_without_a_key(app: FastAPI, client: TestClient) -> None:
    refused = {}
    for method, path in set(_api_routes(app)) - PUBLIC:
        response = client.request(method, path)
        refused[(method, path)] = (
            response.status_code,
            response.headers.get("content-type", "").split(";")[0],
        )
    wrong = {k: v for k, v in refused.items() if v != (401, "application/problem+json")}
    assert not wrong, wrong


def test_every_api_route_answers_401_to_an_ended_user_token(
    app: FastAPI, client: TestClient
) -> None:
    """A user token that is unknown (never issued, or signed out and gone) opens nothing."""
    headers = {"Authorization": "Bearer xsu_" + "A" * 43}
    wrong = {}
    for method, path in set(_api_routes(app)) - PUBLIC:
        app.state.auth_throttle.reset()  # failures count: past 30 a minute the answer is 429
        response = client.request(method, path, headers=headers)
        if response.status_code != 401:
            wrong[(method, path)] = response.status_code
    assert not wrong, wrong
