"""The upload endpoint: who may import, what it answers, and the size limit."""

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.config import Settings
from app.db import make_sessionmaker
from app.main import create_app
from app.models import Organization, Role
from tests.app.factories import World, issue_key, make_uscc

HEADER = "企业名称,统一社会信用代码,企业类型,行政区划代码"


def _upload(client: TestClient, headers: dict[str, str], text: str, query: str = "") -> object:
    files = {"file": ("firms.csv", text.encode("gbk"), "text/csv")}
    return client.post(f"/api/v1/imports/firms{query}", files=files, headers=headers)


def test_organizers_and_admins_import_firms_register_them(
    client: TestClient, world: World, engine: Engine
) -> None:
    uscc = make_uscc()
    response = client.post(
        "/api/v1/imports/firms",
        files={"file": ("f.csv", f"{HEADER}\n甲有限公司,{uscc},中小企业,440300\n".encode())},
        headers=world.organizer.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["created"], body["rejected"], body["written"]) == (1, 0, True)
    with make_sessionmaker(engine)() as session:
        org = session.scalars(select(Organization).where(Organization.uscc == uscc)).one()
        assert org.registered_by_id == world.organizer.org_id
    again = client.post(
        "/api/v1/imports/firms?report=csv",
        files={"file": ("f.csv", f"{HEADER}\n甲有限公司,{uscc},中小企业,440300\n".encode())},
        headers=world.admin.headers,
    )
    assert again.status_code == 200
    assert again.headers["content-type"].startswith("text/csv")
    assert f"2,{uscc},unchanged" in again.text


def test_firms_may_not_import_and_anonymous_is_401(client: TestClient, world: World) -> None:
    files = {"file": ("f.csv", f"{HEADER}\n".encode())}
    for actor in (world.sme_a, world.firm_a):
        assert (
            client.post("/api/v1/imports/firms", files=files, headers=actor.headers).status_code
            == 403
        )
    assert client.post("/api/v1/imports/firms", files=files).status_code == 401
    assert client.get("/api/v1/imports/templates/firms.csv").status_code == 401


def test_organizer_cannot_update_firms_it_did_not_register(
    client: TestClient, world: World
) -> None:
    theirs = client.get(f"/api/v1/organizations/{world.sme_b.org_id}", headers=world.admin.headers)
    uscc = theirs.json()["uscc"]
    response = client.post(
        "/api/v1/imports/firms?partial=true",
        files={"file": ("f.csv", f"{HEADER}\n改名有限公司,{uscc},中小企业,440300\n".encode())},
        headers=world.organizer.headers,
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["reason"].startswith("you do not manage")


def test_bad_rows_are_422_with_the_row_errors(client: TestClient, world: World) -> None:
    text = f"{HEADER}\n甲有限公司,{make_uscc()},中小企业,440300\n乙有限公司,123,中小企业,999999\n"
    response = client.post(
        "/api/v1/imports/firms",
        files={"file": ("f.csv", text.encode())},
        headers=world.admin.headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["written"] is False
    assert {(e["row"], e["field"]) for e in body["errors"]} == {(3, "uscc"), (3, "region_code")}
    listed = client.get("/api/v1/organizations?page_size=100", headers=world.admin.headers)
    assert all(o["name"] != "甲有限公司" for o in listed.json()["items"])


def test_templates_download(client: TestClient, world: World) -> None:
    csv_template = client.get("/api/v1/imports/templates/needs.csv", headers=world.sme_a.headers)
    assert csv_template.status_code == 200
    assert "需求标题" in csv_template.content.decode("utf-8-sig")
    xlsx = client.get("/api/v1/imports/templates/profiles.xlsx", headers=world.admin.headers)
    assert xlsx.content.startswith(b"PK")
    assert (
        client.get("/api/v1/imports/templates/x.pdf", headers=world.admin.headers).status_code
        == 404
    )


def test_uploads_have_their_own_size_limit(settings: Settings, engine: Engine) -> None:
    small = create_app(settings.model_copy(update={"max_upload_bytes": 2048}))
    key = issue_key(engine, Role.admin, None)
    with TestClient(small) as client:
        big = HEADER + "\n" + "甲有限公司,x,中小企业,440300\n" * 200
        response = client.post(
            "/api/v1/imports/firms",
            files={"file": ("f.csv", big.encode())},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 413
        assert response.headers["content-type"].startswith("application/problem+json")
    # the default upload limit is far above the JSON body limit (64 kB in the tests)
    assert settings.max_upload_bytes > settings.max_body_bytes
