"""Attachments: type from content, limits, hostile files refused quickly in bounded memory,
revisions keep their files, downloads audited with the Chinese name intact (RFC 5987)."""

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.models import AuditEntry
from app.platform.db import make_sessionmaker
from tests.app import hostile_files as hostile
from tests.app.challenges import files
from tests.app.challenges.helpers import RESPONSES, close, fields, need, publish, respond
from tests.app.factories import Actor, World


@pytest.fixture
def mine(client: TestClient, world: World) -> dict[str, Any]:
    """sme_a's response to firm_a's challenge."""
    challenge = publish(client, world.firm_a, need(client, world.firm_a))
    return respond(client, world.sme_a, challenge["id"])


def upload(
    client: TestClient, actor: Actor, response_id: int, name: str, data: bytes
) -> tuple[int, dict[str, Any]]:
    answer = client.post(
        f"{RESPONSES}/{response_id}/attachments",
        files={"file": (name, data, "application/octet-stream")},
        headers=actor.headers,
    )
    return answer.status_code, dict(answer.json())


@pytest.mark.parametrize(
    ("name", "build", "media_type"),
    [
        ("攻关方案.pdf", files.pdf, "application/pdf"),
        (
            "团队介绍.docx",
            files.docx,
            files_type := "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "报价明细.xlsx",
            files.xlsx,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("样品照片.png", files.png, "image/png"),
        ("产线.jpg", files.jpeg, "image/jpeg"),
        ("看名字像图片.png", files.pdf, "application/pdf"),  # the content decides, not the name
    ],
)
def test_each_accepted_type_is_known_by_its_content(
    client: TestClient,
    world: World,
    mine: dict[str, Any],
    attachment_folder: Path,
    name: str,
    build: Callable[[], bytes],
    media_type: str,
) -> None:
    data = build()
    status, body = upload(client, world.sme_a, mine["id"], name, data)
    assert status == 201, body
    assert (body["filename"], body["media_type"], body["size_bytes"]) == (
        name,
        media_type,
        len(data),
    )
    stored = [p for p in attachment_folder.rglob("*") if p.is_file()]
    assert [p.read_bytes() for p in stored] == [data]  # on disk, outside the database


@pytest.mark.parametrize(
    ("name", "build", "status"),
    [
        ("方案.pdf", files.executable, 422),
        ("图.png", files.png_with_zip, 422),
        ("方案.pdf", files.zip_after_pdf, 422),
        ("巨图.png", lambda: files.png(100_000, 100_000), 413),
        ("巨图.jpg", lambda: files.jpeg(30_000, 30_000), 413),
        ("空.pdf", lambda: b"", 422),
    ],
)
def test_what_is_not_accepted_is_refused_naming_the_file(
    client: TestClient,
    world: World,
    mine: dict[str, Any],
    attachment_folder: Path,
    name: str,
    build: Callable[[], bytes],
    status: int,
) -> None:
    code, body = upload(client, world.sme_a, mine["id"], name, build())
    assert (code, fields(body)) == (status, ["body.file"])
    assert not any(p.is_file() for p in attachment_folder.rglob("*"))
    assert (
        client.get(f"{RESPONSES}/{mine['id']}", headers=world.sme_a.headers).json()["revision"] == 1
    )


HOSTILE: dict[str, Callable[[], bytes]] = {
    "方案-炸弹.docx": files.docx_bomb,
    "报价-800MB.xlsx": hostile.shared_string_bomb,
    "报价-谎报大小.xlsx": lambda: hostile.lying_sizes(100 * hostile.MB),
    "报价-解压时才发现.xlsx": lambda: hostile.lying_sizes(100 * hostile.MB, declared=hostile.MB),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_zip_bombs_are_refused_quickly_with_memory_bounded(
    client: TestClient, world: World, mine: dict[str, Any], name: str
) -> None:
    data = HOSTILE[name]()
    assert len(data) < 5 * hostile.MB
    tracemalloc.start()
    try:
        started = time.monotonic()
        code, body = upload(client, world.sme_a, mine["id"], name, data)
        took = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (code, fields(body)) == (413, ["body.file"])
    assert took < 5
    assert peak < 32 * hostile.MB, f"peak {peak / hostile.MB:.0f} MB"


def test_size_and_count_limits(
    client: TestClient,
    world: World,
    mine: dict[str, Any],
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app.state.settings, "max_attachment_bytes", 10_000)
    monkeypatch.setattr(app.state.settings, "max_attachments", 2)
    big = files.pdf() + b"0" * 20_000
    code, body = upload(client, world.sme_a, mine["id"], "大.pdf", big)
    assert code == 413
    for i in range(2):
        assert upload(client, world.sme_a, mine["id"], f"{i}.pdf", files.pdf())[0] == 201
    code, body = upload(client, world.sme_a, mine["id"], "3.pdf", files.pdf())
    assert (code, fields(body)) == (409, ["body.file"])


def test_files_change_the_revision_and_earlier_revisions_keep_theirs(
    client: TestClient, world: World, mine: dict[str, Any], engine: Engine
) -> None:
    _, first = upload(client, world.sme_a, mine["id"], "方案一.pdf", files.pdf())
    _, second = upload(client, world.sme_a, mine["id"], "照片.png", files.png())
    assert upload(client, world.firm_a, mine["id"], "x.pdf", files.pdf())[0] == 403
    assert upload(client, world.sme_b, mine["id"], "x.pdf", files.pdf())[0] == 404
    removed = client.delete(f"/api/v1/attachments/{first['id']}", headers=world.sme_a.headers)
    assert removed.status_code == 200
    body = removed.json()
    assert [a["id"] for a in body["attachments"]] == [second["id"]]
    assert [r["attachment_ids"] for r in body["revisions"]] == [
        [],
        [first["id"]],
        [first["id"], second["id"]],
        [second["id"]],
    ]
    # the removed file is still there for the revision that had it
    old = client.get(first["url"], headers=world.firm_a.headers)
    assert (old.status_code, old.content) == (200, files.pdf())
    close(engine, mine["challenge_id"])
    assert upload(client, world.sme_a, mine["id"], "晚.pdf", files.pdf())[0] == 409


def test_downloads_are_audited_keep_the_chinese_name_and_stay_private(
    client: TestClient, world: World, mine: dict[str, Any], engine: Engine
) -> None:
    name = "攻关方案（第二版）.pdf"
    _, body = upload(client, world.sme_a, mine["id"], name, files.pdf())
    got = client.get(body["url"], headers=world.firm_a.headers)
    assert got.status_code == 200
    assert got.content == files.pdf()
    assert got.headers["content-type"] == "application/pdf"
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    star = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(star) == name
    assert disposition.encode("latin-1")  # the header itself is plain ASCII
    for who, status in (("organizer", 200), ("sme_a", 200), ("sme_b", 404), ("firm_b", 404)):
        assert client.get(body["url"], headers=getattr(world, who).headers).status_code == status
    with make_sessionmaker(engine)() as session:
        downloads = session.scalars(
            select(AuditEntry.actor_organization_id).where(
                AuditEntry.action == "attachment.download"
            )
        ).all()
    expected = [world.firm_a.org_id, world.organizer.org_id, world.sme_a.org_id]
    assert sorted(d or 0 for d in downloads) == sorted(e or 0 for e in expected)
