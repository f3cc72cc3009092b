from fastapi.testclient import TestClient

from tests.app.factories import World


def test_health_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_world_builds(world: World, client: TestClient) -> None:
    response = client.get("/api/v1/organizations", headers=world.admin.headers)
    assert response.status_code == 200
    assert response.json()["total"] == 6
