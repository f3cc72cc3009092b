"""Every API route refuses a request without a key: a guard for routes added later."""

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


def test_every_api_route_answers_401_without_a_key(app: FastAPI, client: TestClient) -> None:
    refused = {}
    for method, path in _api_routes(app):
        response = client.request(method, path)
        refused[(method, path)] = (
            response.status_code,
            response.headers.get("content-type", "").split(";")[0],
        )
    wrong = {k: v for k, v in refused.items() if v != (401, "application/problem+json")}
    assert not wrong, wrong
