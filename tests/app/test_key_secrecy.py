"""An API key's secret is stored only as a hash and shown once, at issue."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.app.factories import World


def test_a_key_is_shown_once_and_stored_hashed(
    client: TestClient, world: World, engine: Engine
) -> None:
    issued = client.post(
        "/api/v1/keys",
        json={"role": "sme", "organization_id": world.sme_a.org_id, "label": "ERP"},
        headers=world.admin.headers,
    )
    assert issued.status_code == 201, issued.text
    secret = issued.json()["key"]
    _scheme, _prefix, secret_part = secret.split("_", 2)  # the secret may itself hold "_"
    assert len(secret_part) >= 20

    listed = client.get("/api/v1/keys", headers=world.admin.headers)
    assert listed.status_code == 200
    assert secret_part not in listed.text

    with engine.connect() as conn:
        for row in conn.execute(text("SELECT * FROM api_keys")):
            assert all(secret_part not in str(value) for value in row)
        for row in conn.execute(text("SELECT * FROM audit_log")):
            assert all(secret_part not in str(value) for value in row)
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert secret_part not in me.text
