from fastapi.testclient import TestClient

from tests.app.factories import World


def test_health_says_alive_and_readiness_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "alive"
    client.app.state.matching.wait_ready()  # type: ignore[attr-defined]
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["database"] in {"sqlite", "postgresql"}


def test_world_builds(world: World, client: TestClient) -> None:
    response = client.get("/api/v1/organizations", headers=world.admin.headers)
    assert response.status_code == 200
    assert response.json()["total"] == 6
