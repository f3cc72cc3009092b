"""The upload endpoint: who may import, what it answers, and the size limit."""

import csv
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app.imports.columns import FIRM_COLUMNS
from app.main import create_app
from app.models import Organization, Role
from app.platform.db import make_sessionmaker
from app.platform.settings import Settings
from tests.app import hostile_files as hostile
from tests.app.factories import World, issue_key, make_uscc
from tests.app.jobs.wait import run_job, wait_for_job

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
    body = run_job(client, response, world.organizer.headers)
    assert (body["created"], body["rejected"], body["written"]) == (1, 0, True)
    with make_sessionmaker(engine)() as session:
        org = session.scalars(select(Organization).where(Organization.uscc == uscc)).one()
        assert org.registered_by_id == world.organizer.org_id
    again = client.post(
        "/api/v1/imports/firms?report=csv",
        files={"file": ("f.csv", f"{HEADER}\n甲有限公司,{uscc},中小企业,440300\n".encode())},
        headers=world.admin.headers,
    )
    result = run_job(client, again, world.admin.headers)
    report = client.get(result["report_url"], headers=world.admin.headers)
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/csv")
    assert f"2,{uscc},未变" in report.text
    # the report is the admin's: the organizer (another organization) does not see it
    assert client.get(result["report_url"], headers=world.organizer.headers).status_code == 404


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
    body = run_job(client, response, world.organizer.headers)
    assert (body["rejected"], body["errors"][0]["field"]) == (1, "uscc")


def test_bad_rows_are_422_with_the_row_errors(client: TestClient, world: World) -> None:
    text = f"{HEADER}\n甲有限公司,{make_uscc()},中小企业,440300\n乙有限公司,123,中小企业,999999\n"
    response = client.post(
        "/api/v1/imports/firms",
        files={"file": ("f.csv", text.encode())},
        headers=world.admin.headers,
    )
    job = wait_for_job(client, response, world.admin.headers)
    assert job["status"] == "failed"
    assert job["error"] == "1 行被拒绝，未导入任何数据"
    body = job["result"]
    assert body["problem"]["status"] == 422
    assert body["problem"]["detail_en"] == "1 row(s) rejected; nothing was imported"
    assert body["written"] is False
    assert {(e["row"], e["field"]) for e in body["errors"]} == {(3, "uscc"), (3, "region_code")}
    # Nothing was imported, so nothing is counted as created: the good row would have been.
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 0)
    assert body["would_have"] == {"created": 1, "updated": 0, "unchanged": 0}
    report = client.post(
        "/api/v1/imports/firms?report=csv",
        files={"file": ("f.csv", text.encode())},
        headers=world.admin.headers,
    )
    failed = wait_for_job(client, report, world.admin.headers)
    assert failed["status"] == "failed"
    report = client.get(failed["result"]["report_url"], headers=world.admin.headers)
    assert report.content.startswith(b"\xef\xbb\xbf"), "a BOM, like the CLI's report"
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == ["行号", "标识", "结果", "字段", "说明"]
    assert [r[2] for r in rows if r[0] == "2"] == ["将新建（未写入）"]
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


def _organizations(engine: Engine) -> int:
    with make_sessionmaker(engine)() as session:
        return len(session.scalars(select(Organization.id)).all())


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("long-field.csv", hostile.long_field_csv(), "row 2 is not readable CSV"),
        ("image.csv", hostile.binary_csv(), "line 3 holds a NUL byte"),
        ("mixed.csv", hostile.mixed_encoding_csv(), "line 3 is neither UTF-8 nor GBK/GB18030"),
        ("nul.csv", f"{HEADER}\n甲\0公司,{make_uscc()},中小企业,440300\n".encode(), "line 2"),
    ],
    ids=["field-over-128KB", "binary", "mixed-encodings", "nul-byte"],
)
def test_unreadable_csv_files_are_422_naming_the_line(
    client: TestClient, world: World, engine: Engine, name: str, data: bytes, says: str
) -> None:
    # Each of these was a 500 with the connection dropped (issue 14, finding 6).
    before = _organizations(engine)
    response = client.post(
        "/api/v1/imports/firms", files={"file": (name, data)}, headers=world.admin.headers
    )
    job = wait_for_job(client, response, world.admin.headers)
    assert job["status"] == "failed", job
    problem = job["result"]["problem"]
    assert problem["status"] == 422
    assert [e["field"] for e in problem["errors"]] == ["file"]
    assert says in problem["detail_en"]
    assert re.search(r"[\u4e00-\u9fff]", problem["detail"]), problem
    assert job["error"] == problem["detail"]
    assert _organizations(engine) == before


def _jsonl_firm(name: str, uscc: str) -> bytes:
    line = f'{{"企业名称": "{name}", "统一社会信用代码": "{uscc}", "企业类型": "中小企业"}}\n'
    return line.encode()


@pytest.mark.parametrize(
    ("name", "data", "column", "says"),
    [
        (
            "bell.csv",
            f"{HEADER}\n甲\a公司,{make_uscc()},中小企业,440300\n".encode(),
            "name",
            "控制字符 U+0007",
        ),
        ("nul.jsonl", _jsonl_firm("甲\\u0000公司", make_uscc()), "name", "U+0000（NUL）"),
        ("surrogate.jsonl", _jsonl_firm("甲\\ud800公司", make_uscc()), "name", "U+D800"),
        ("surrogate-key.jsonl", _jsonl_firm("甲公司", "\\udfff"), "uscc", "U+DFFF"),
    ],
    ids=["control-character", "json-nul", "lone-surrogate", "lone-surrogate-in-the-key"],
)
def test_text_the_api_refuses_rejects_its_row_naming_the_column(
    client: TestClient,
    world: World,
    engine: Engine,
    name: str,
    data: bytes,
    column: str,
    says: str,
) -> None:
    # A name with NUL was stored on SQLite; on PostgreSQL, and with a lone surrogate, 500.
    before = _organizations(engine)
    headers = world.admin.headers
    response = client.post("/api/v1/imports/firms", files={"file": (name, data)}, headers=headers)
    job = wait_for_job(client, response, headers)
    assert job["status"] == "failed", job
    assert job["result"]["problem"]["status"] == 422
    [error] = job["result"]["errors"]
    row = 2 if name.endswith(".csv") else 1
    assert (error["field"], error["row"]) == (column, row)
    assert says in error["reason"]
    # The per-row report holds no text that cannot be written either (it was a 500).
    started = client.post(
        "/api/v1/imports/firms?report=csv", files={"file": (name, data)}, headers=headers
    )
    failed = wait_for_job(client, started, headers)
    report = client.get(failed["result"]["report_url"], headers=headers)
    assert report.status_code == 200
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    header = {c.key: c.header for c in FIRM_COLUMNS}[column]
    assert [str(row), "拒绝", header] in [[r[0], r[2], r[3]] for r in lines[1:]]
    assert _organizations(engine) == before
