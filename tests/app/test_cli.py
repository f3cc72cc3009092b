"""The ``xieshou`` command line, run as a real process."""

import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app
from app.platform.settings import Settings


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
        keys = client.get("/api/v1/keys", headers={"Authorization": f"Bearer {key}"}).json()[
            "items"
        ]
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


def test_version_and_group_help(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    version = _xieshou(db, "--version")
    assert version.returncode == 0
    assert version.stdout.startswith("xieshou ")
    alone = _xieshou(db, "keys")
    assert alone.returncode == 2
    assert "revoke" in alone.stdout, "xieshou keys prints the keys help"
    assert "serve" not in alone.stdout, "not the top-level help"


def test_every_option_and_command_has_help() -> None:
    import argparse

    from app.cli import _parser

    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                helped = {choice.dest for choice in action._choices_actions if choice.help}
                for name, sub in action.choices.items():
                    if name not in helped:
                        missing.append(f"{path} {name}")
                    walk(sub, f"{path} {name}")
            elif not action.help:
                missing.append(f"{path} {'/'.join(action.option_strings) or action.dest}")

    walk(_parser(), "xieshou")
    assert missing == []


def test_help_imports_no_database_or_matching_code(tmp_path: Path) -> None:
    code = (
        "import sys; from app.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'sklearn', 'app.models', 'matching', 'fastapi')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in done.stdout, done.stdout[-300:]


def test_keys_list_and_revoke_by_prefix(tmp_path: Path) -> None:
    db = tmp_path / "keys.db"
    assert _xieshou(db, "db", "upgrade").returncode == 0
    admin = _xieshou(db, "keys", "create", "--role", "admin", "--label", "ops").stdout.strip()
    other = _xieshou(db, "keys", "create", "--role", "admin", "--label", "old").stdout.strip()
    prefix = other.split("_")[1]
    listed = _xieshou(db, "keys", "list")
    assert listed.returncode == 0, listed.stderr
    assert prefix in listed.stdout
    assert "ops" in listed.stdout
    assert other not in listed.stdout
    assert other.split("_", 2)[2] not in listed.stdout, "never the secret"
    assert listed.stdout.splitlines()[0].startswith("id,前缀,角色")

    revoked = _xieshou(db, "keys", "revoke", prefix)
    assert revoked.returncode == 0, revoked.stderr
    assert _xieshou(db, "keys", "revoke", "nosuchprefix").returncode == 1
    again = _xieshou(db, "keys", "list").stdout
    row = next(line for line in again.splitlines() if prefix in line)
    assert row.split(",")[-1], "the revoked key shows when it was revoked"

    app = create_app(Settings(database_url=f"sqlite:///{db}"))
    with TestClient(app) as client:
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code
            == 401
        )
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {admin}"}).status_code
            == 200
        )
    app.state.engine.dispose()
    from sqlalchemy import select

    from app.models import AuditEntry
    from app.platform.db import make_engine

    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        actions = conn.scalars(select(AuditEntry.action)).all()
    engine.dispose()
    assert "key.revoke" in actions
