"""Metrics at /metrics, and a request id on the answer and on every log line of the request.

Metrics are labelled by route template (bounded label values), never by raw path; /metrics is
for the loopback or a token holder. The request id comes from X-Request-ID when well formed,
else it is made here; a hostile one (too long, control characters) is replaced.
"""

import json
import logging
import re

import pytest
from fastapi import BackgroundTasks, FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.concurrency import run_in_threadpool

from app.main import create_app
from app.platform import logs, request_id
from app.platform.settings import Settings
from tests.app.factories import World, create_org, org_body

FAMILIES = (
    "xieshou_http_request_duration_seconds",
    "xieshou_ranking_wait_seconds",
    "xieshou_ranking_queue_depth",
    "xieshou_turns_queue_depth",
    "xieshou_turn_wait_seconds",
    "xieshou_matching_index_ready",
    "xieshou_matching_index_age_seconds",
    "xieshou_matching_index_size",
    "xieshou_background_runner_alive",
    "xieshou_outbox_messages",
)


def _need(client: TestClient, world: World) -> int:
    sme = create_org(client, world.admin, org_body("sme", region_code="440305", name="深圳电源"))
    body = {"organization_id": sme, "products": [{"name": "铅蓄电池"}]}
    assert (
        client.post("/api/v1/profiles", json=body, headers=world.admin.headers).status_code == 201
    )
    need = {"status": "open", "title": "采购铅蓄电池", "products": ["铅蓄电池"]}
    created = client.post("/api/v1/needs", json=need, headers=world.firm_a.headers)
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def _sample(text: str, name: str, **labels: str) -> float:
    """The value of the sample ``name`` whose labels include ``labels``."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit("} ", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"no sample {name} {labels}")


def test_metrics_name_the_route_template_and_the_families(
    app: FastAPI, client: TestClient, world: World
) -> None:
    need = _need(client, world)
    for _ in range(3):
        shortlist = client.get(f"/api/v1/needs/{need}/shortlist", headers=world.firm_a.headers)
        assert shortlist.status_code == 200, shortlist.text
    assert (
        client.get("/api/v1/needs/999999/shortlist", headers=world.firm_a.headers).status_code
        == 404
    )
    assert client.get("/no/such/page").status_code == 404

    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for family in FAMILIES:
        assert f"# TYPE {family} " in text, family
    template = "/api/v1/needs/{need_id:int}/shortlist"
    count = "xieshou_http_request_duration_seconds_count"
    assert _sample(text, count, route=template, status="2xx", method="GET") >= 3
    assert _sample(text, count, route=template, status="4xx", method="GET") >= 1
    assert _sample(text, count, route="unmatched", status="4xx") >= 1
    assert f"/api/v1/needs/{need}/" not in text  # never the raw path
    assert "/no/such/page" not in text
    assert _sample(text, "xieshou_ranking_wait_seconds_count") >= 3
    assert _sample(text, "xieshou_turn_wait_seconds_count", queue="requests") >= 4
    assert _sample(text, "xieshou_matching_index_size", kind="profiles") == 1
    assert _sample(text, "xieshou_matching_index_ready") == 1
    assert _sample(text, "xieshou_outbox_messages", status="pending") >= 0
    assert _sample(text, "xieshou_background_runner_alive", runner="key_usage") == 1


def test_metrics_are_refused_off_the_loopback_without_the_token(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"metrics_token": SecretStr("s3cret-token")}))
    with TestClient(app, client=("203.0.113.9", 40000)) as remote:
        assert remote.get("/metrics").status_code == 403
        wrong = remote.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        right = remote.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert right.status_code == 200
    with TestClient(app, client=("127.0.0.1", 40000)) as local:
        assert local.get("/metrics").status_code == 200


def test_the_request_id_is_returned_and_on_every_log_line_of_the_request(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(settings)
    said = logging.getLogger("xieshou.test")

    def in_a_thread() -> None:
        said.info("ranked in a pool thread")

    def after_the_answer() -> None:
        said.info("sent after the answer")

    @app.get("/_test/logs")
    async def logs_three_ways(tasks: BackgroundTasks) -> dict[str, str]:
        said.info("handled on the loop")
        await run_in_threadpool(in_a_thread)
        tasks.add_task(after_the_answer)
        return {}

    caplog.set_level(logging.INFO, logger="xieshou.test")
    caplog.handler.addFilter(logs.RequestIdFilter())
    with TestClient(app) as client:
        response = client.get("/_test/logs", headers={"X-Request-ID": "lb-7f3a.42"})
        other = client.get("/_test/logs")
    assert response.headers["x-request-id"] == "lb-7f3a.42"
    by_id: dict[str | None, list[str]] = {}
    for record in caplog.records:
        if record.name == "xieshou.test":
            by_id.setdefault(getattr(record, "request_id", None), []).append(record.getMessage())
    expected = ["handled on the loop", "ranked in a pool thread", "sent after the answer"]
    assert by_id["lb-7f3a.42"] == expected
    # A request without one gets a new id, on its answer and its lines.
    made = other.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert by_id[made] == expected
    assert set(by_id) == {"lb-7f3a.42", made}


@pytest.mark.parametrize(
    "hostile",
    ["x" * 129, "abc\x01def", "abc def", "id\x7f", "", "-leading-dash", "ünïcode"],
)
def test_a_hostile_request_id_is_replaced(client: TestClient, hostile: str) -> None:
    response = client.get("/healthz", headers=[(b"X-Request-ID", hostile.encode("utf-8"))])
    assert response.status_code == 200
    returned = response.headers["x-request-id"]
    assert returned != hostile
    assert re.fullmatch(r"[0-9a-f]{32}", returned)


def test_json_log_lines_carry_the_request_id_and_stay_one_line() -> None:
    record = logging.LogRecord(
        "xieshou.test", logging.ERROR, __file__, 1, "两行\n消息 %s", ("x",), None
    )
    with request_id.bound("job-from-req-9"):
        logs.RequestIdFilter().filter(record)
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["request_id"] == "job-from-req-9"
    assert parsed["message"] == "两行\n消息 x"
    assert parsed["level"] == "ERROR"
    assert parsed["logger"] == "xieshou.test"
    record.color_message = "\x1b[1m两行\x1b[0m"  # uvicorn's coloured copy: not repeated
    record.outbox_id = 7  # an extra: kept
    parsed = json.loads(logs.JsonFormatter().format(record))
    assert "color_message" not in parsed
    assert parsed["outbox_id"] == 7
