"""The ``xieshou`` command line, run as a real process."""

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def _xieshou(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"XIESHOU_DATABASE_URL": f"sqlite:///{db}"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_first_admin_key_on_a_new_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    assert _xieshou(db, "db", "upgrade").returncode == 0
    made = _xieshou(db, "keys", "create", "--role", "admin", "--label", "first")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert key.startswith("xs_")
    assert "\n" not in key
    assert key not in made.stderr, "the key is printed once, on stdout only"

    app = create_app(Settings(database_url=f"sqlite:///{db}"))
    with TestClient(app) as client:
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
        assert me.status_code == 200
        assert me.json()["role"] == "admin"
        keys = client.get("/api/v1/keys", headers={"Authorization": f"Bearer {key}"}).json()
        assert key not in str(keys), "a key is never shown again"
        assert keys[0]["label"] == "first"
    app.state.engine.dispose()


def test_firm_key_needs_an_organization(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    assert _xieshou(db, "db", "upgrade").returncode == 0
    refused = _xieshou(db, "keys", "create", "--role", "sme")
    assert refused.returncode == 1
    assert "organization_id" in refused.stderr
    assert refused.stdout == ""
    missing = _xieshou(db, "keys", "create", "--role", "sme", "--org", "42")
    assert missing.returncode == 1
    assert "42" in missing.stderr


def test_chains_seed_is_idempotent_and_exports(tmp_path: Path) -> None:
    db = tmp_path / "chains.db"
    first = _xieshou(db, "chains", "seed")
    assert first.returncode == 0, first.stderr
    assert "chains, " in first.stderr
    assert "placed 0 profiles" in first.stderr
    again = _xieshou(db, "chains", "seed", "--no-place")
    assert again.returncode == 0
    assert "0 chains, 0 nodes, 0 edges added" in again.stderr
    out = tmp_path / "map.csv"
    exported = _xieshou(db, "chains", "export", "--format", "csv", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    text = out.read_bytes().decode("utf-8-sig")
    assert text.startswith("产业链,")
    assert "新能源汽车" in text
    as_json = _xieshou(db, "chains", "export")
    assert '"xieshou-chain-map"' in as_json.stdout
