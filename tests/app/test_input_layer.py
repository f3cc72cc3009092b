"""One input layer: ids in range, clean text, numbers that are numbers, an honest OpenAPI document.

Regression tests for issue 14, findings 6 and 12: ids past the INTEGER range, a lone
surrogate or a NUL in JSON or in ``q`` were 500s (PostgreSQL, some SQLite too); ``stage:
false`` was taken as 0; a 405 named only some of the allowed methods, or was a 422; a
malformed If-Match was a 400 the document did not mention. The last tests walk every route
and request schema, so a new route or field cannot skip the layer.
"""

import json
import types
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from annotated_types import Le, Lt
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import AfterValidator, BaseModel, Strict
from pydantic.fields import FieldInfo

from app.fields import MAX_ID, MAX_INT, multi_line, single_line
from tests.app.chains.helpers import BASE as CHAINS
from tests.app.factories import World, org_body

ORGS = "/api/v1/organizations"
JSON = {"content-type": "application/json"}


def _fields(response: Any) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


def _assert_422(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in _fields(response), response.text


def _org_count(client: TestClient, world: World) -> int:
    total: int = client.get(ORGS, headers=world.admin.headers).json()["total"]
    return total


def _raw_org(name_json: str) -> bytes:
    """An organization body whose name is the given JSON text, escapes kept as sent."""
    return json.dumps(org_body("sme") | {"name": "@@"}).replace('"@@"', name_json).encode()


# --- ids --------------------------------------------------------------------------------


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_a_path_id_past_the_integer_range_is_422_naming_it(
    client: TestClient, world: World, big: int
) -> None:
    _assert_422(client.get(f"{ORGS}/{big}", headers=world.admin.headers), "path.org_id")
    response = client.post(
        f"{CHAINS}/{big}/nodes", json={"name": "正极材料"}, headers=world.admin.headers
    )
    _assert_422(response, "path.chain_id")


def test_a_body_or_query_id_past_the_integer_range_is_422_naming_it(
    client: TestClient, world: World
) -> None:
    body = {"role": "sme", "organization_id": 2**31}
    _assert_422(
        client.post("/api/v1/keys", json=body, headers=world.admin.headers),
        "body.organization_id",
    )
    response = client.get(f"{CHAINS}/export?chain={2**63}", headers=world.admin.headers)
    _assert_422(response, "query.chain.0")


def test_an_id_of_zero_or_below_is_422(client: TestClient, world: World) -> None:
    _assert_422(client.get(f"{ORGS}/0", headers=world.admin.headers), "path.org_id")


# --- text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name_json",
    [
        r'"a\ud800b"',  # a lone surrogate: json.loads takes it, UTF-8 cannot encode it
        r'"a\udfffb"',
        r'"a\u0000b"',  # NUL: PostgreSQL refuses it, SQLite stored it
        r'"a\u0007b"',  # a control character
        r'"a\nb"',  # no line breaks in a name
        r'"a\u2028b"',
    ],
)
def test_a_name_that_is_not_clean_text_is_422_and_stores_nothing(
    client: TestClient, world: World, name_json: str
) -> None:
    before = _org_count(client, world)
    response = client.post(ORGS, content=_raw_org(name_json), headers=world.admin.headers | JSON)
    _assert_422(response, "body.name")
    assert _org_count(client, world) == before


def test_a_lone_surrogate_in_a_json_key_is_422_naming_the_body(
    client: TestClient, world: World
) -> None:
    response = client.post(
        ORGS, content=rb'{"\ud800": 1, "kind": "sme"}', headers=world.admin.headers | JSON
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].startswith("body")


def test_a_description_may_hold_line_breaks_and_tabs_but_not_nul(
    client: TestClient, world: World
) -> None:
    headers = world.admin.headers
    body = org_body("sme", description="第一行\n第二行\t制表")
    created = client.post(ORGS, json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["description"] == "第一行\n第二行\t制表"
    response = client.post(ORGS, json=org_body("sme", description="a\x00b"), headers=headers)
    _assert_422(response, "body.description")


@pytest.mark.parametrize("path", [ORGS, "/api/v1/profiles", "/api/v1/needs"])
@pytest.mark.parametrize("q", ["%00", "a%00b", "%ED%A0%80", "%07"])
def test_a_search_text_that_is_not_clean_text_is_422_naming_q(
    client: TestClient, world: World, path: str, q: str
) -> None:
    response = client.get(f"{path}?q={q}", headers=world.sme_a.headers)
    if q == "%ED%A0%80":  # not UTF-8: Starlette decodes it to U+FFFD, which is text
        assert response.status_code == 200, response.text
    else:
        _assert_422(response, "query.q")


def test_a_console_form_field_with_nul_is_refused_before_any_lookup(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"api_key": "xs_\x00", "csrf": "x"})
    assert response.status_code == 422, response.text  # the console's own error page
    assert response.headers["content-type"].startswith("text/html")


def test_a_code_with_a_lone_surrogate_is_422_and_the_answer_is_utf8(
    client: TestClient, world: World
) -> None:
    body = json.dumps(org_body("sme") | {"uscc": "@@"}).replace(
        '"@@"', r'"91440300000000\ud800G1X"'
    )
    response = client.post(ORGS, content=body.encode(), headers=world.admin.headers | JSON)
    _assert_422(response, "body.uscc")  # 18 characters: the USCC check echoed it, a 500
    response.content.decode("utf-8")


# --- numbers ----------------------------------------------------------------------------


def test_booleans_are_not_numbers(client: TestClient, world: World) -> None:
    headers = world.admin.headers
    chain = client.post(CHAINS, json={"name": "新能源汽车"}, headers=headers).json()["id"]
    for stage in (False, True, "1", 51):
        response = client.post(
            f"{CHAINS}/{chain}/nodes", json={"name": "正极材料", "stage": stage}, headers=headers
        )
        _assert_422(response, "body.stage")
    ok = client.post(
        f"{CHAINS}/{chain}/nodes", json={"name": "正极材料", "stage": 2}, headers=headers
    )
    assert ok.status_code == 201, ok.text
    _assert_422(
        client.post(ORGS, json=org_body("sme", tier_year=True), headers=headers), "body.tier_year"
    )
    products = [{"name": "压力传感器", "share": True}]
    _assert_422(
        client.post(ORGS, json=org_body("large_firm", products=products), headers=headers),
        "body.products.0.share",
    )


# --- methods, If-Match, the document ----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", ORGS, {"GET", "POST"}),
        ("POST", f"{ORGS}/1", {"GET", "PATCH", "DELETE"}),
        ("PATCH", f"{CHAINS}/export", {"GET"}),  # was a 422: it matched /chains/{chain_id}
        ("DELETE", f"{CHAINS}/place", {"POST"}),
    ],
)
def test_an_undeclared_method_is_405_with_every_allowed_method(
    client: TestClient, world: World, method: str, path: str, allow: set[str]
) -> None:
    response = client.request(method, path, headers=world.admin.headers)
    assert response.status_code == 405, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert {m.strip() for m in response.headers["allow"].split(",")} == allow


@pytest.mark.parametrize("if_match", ["nope", "3", '"abc"', 'W/"3" junk'])
def test_a_malformed_if_match_is_422_naming_the_header(
    client: TestClient, world: World, if_match: str
) -> None:
    org = client.post(ORGS, json=org_body("sme"), headers=world.admin.headers).json()["id"]
    response = client.patch(
        f"{ORGS}/{org}",
        json={"description": "新"},
        headers=world.admin.headers | {"If-Match": if_match},
    )
    _assert_422(response, "header.If-Match")


def test_the_document_says_what_the_api_answers(app: FastAPI) -> None:
    document = app.openapi()
    assert "HTTPValidationError" not in document["components"]["schemas"]
    schemas = document["components"]["schemas"]
    problem_fields = set(schemas["Problem"]["properties"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    # problem+json: the Problem, or a route's own Problem with more fields (a
                    # refused chain import lists its rows)
                    [(media, body)] = response["content"].items()
                    assert media == "application/problem+json", (method, path, status)
                    name = body["schema"]["$ref"].rsplit("/", 1)[-1]
                    assert problem_fields <= set(schemas[name]["properties"]), (method, path)
            if "requestBody" in operation:
                assert "400" in operation["responses"], (method, path)
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                if parameter["name"] == "page_size":
                    assert schema["maximum"] == app.state.settings.max_page_size
                if parameter["name"] == "If-Match":
                    assert schema["type"] == "string", schema  # not "string or null"
                    assert "anyOf" not in schema
                    assert schema["pattern"]
                if parameter["in"] == "path" and schema.get("type") == "integer":
                    assert schema["maximum"] == MAX_ID, (method, path, parameter["name"])


def test_page_size_above_the_documented_maximum_is_422(
    client: TestClient, world: World, app: FastAPI
) -> None:
    limit = app.state.settings.max_page_size
    ok = client.get(f"{ORGS}?page_size={limit}", headers=world.admin.headers)
    assert ok.status_code == 200
    _assert_422(
        client.get(f"{ORGS}?page_size={limit + 1}", headers=world.admin.headers), "query.page_size"
    )


# --- every route and every request field is covered -------------------------------------


def _routes(app: FastAPI) -> list[tuple[str, APIRoute]]:
    return [
        (str(context.path), route)
        for context in iter_route_contexts(app.routes)
        if isinstance(route := context.original_route, APIRoute)
    ]


def _flatten(annotation: Any, metadata: list[Any]) -> list[tuple[Any, list[Any]]]:
    """The leaf types of ``annotation`` with the metadata that applies to each."""
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        more = [m for e in extra for m in (e.metadata if isinstance(e, FieldInfo) else [e])]
        return _flatten(base, [*metadata, *more])
    if origin in (Union, types.UnionType):
        leaves = [a for a in get_args(annotation) if a is not type(None)]
        return [leaf for a in leaves for leaf in _flatten(a, metadata)]
    if origin in (list, set, frozenset, tuple):
        return [leaf for a in get_args(annotation) if a is not ... for leaf in _flatten(a, [])]
    if origin is dict:
        return [leaf for a in get_args(annotation) for leaf in _flatten(a, [])]
    return [(annotation, metadata)]


def _body_leaves(
    model: type[BaseModel], where: str, seen: set[type]
) -> list[tuple[str, Any, list[Any]]]:
    if model in seen:
        return []
    seen.add(model)
    out = []
    for name, field in model.model_fields.items():
        for leaf, metadata in _flatten(field.annotation, list(field.metadata)):
            if isinstance(leaf, type) and issubclass(leaf, BaseModel):
                out += _body_leaves(leaf, f"{where}.{name}", seen)
            else:
                out.append((f"{where}.{name}", leaf, metadata))
    return out


def _upper_bound(metadata: list[Any]) -> int | None:
    bounds: list[int] = [int(m.le) for m in metadata if isinstance(m, Le)]  # type: ignore[call-overload]
    bounds += [int(m.lt) - 1 for m in metadata if isinstance(m, Lt)]  # type: ignore[call-overload]
    return min(bounds) if bounds else None


def test_every_id_parameter_is_bounded_and_typed_in_the_path(app: FastAPI) -> None:
    unbounded = []
    for path, route in _routes(app):
        params = [*route.dependant.path_params, *route.dependant.query_params]
        for param in params:
            for leaf, metadata in _flatten(
                param.field_info.annotation, list(param.field_info.metadata)
            ):
                if leaf is int and (param.name.endswith("_id") or param.name in ("chain", "node")):
                    bound = _upper_bound(metadata)
                    if bound is None or bound > MAX_ID:
                        unbounded.append(f"{path} {param.name}")
        for param in route.dependant.path_params:
            if _flatten(param.field_info.annotation, [])[0][0] is int:
                assert f"{{{param.name}:int}}" in path, path
    assert unbounded == []


def test_every_json_request_field_is_checked_text_or_a_strict_bounded_number(
    app: FastAPI,
) -> None:
    loose = []
    for path, route in _routes(app):
        body = route.body_field
        if body is None or not route.include_in_schema:
            continue  # console forms are checked by the app-wide text guard
        model = body.field_info.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue  # file uploads
        for where, leaf, metadata in _body_leaves(model, "body", set()):
            checks = {m.func for m in metadata if isinstance(m, AfterValidator)}
            strict = any(isinstance(m, Strict) and m.strict for m in metadata)
            if leaf is str and not checks & {single_line, multi_line}:
                loose.append(f"{path} {where}: text without single_line/multi_line")
            if leaf is int and not (strict and (_upper_bound(metadata) or MAX_INT + 1) <= MAX_INT):
                loose.append(f"{path} {where}: int not Strict and bounded by MAX_INT")
            if leaf is float and not strict:
                loose.append(f"{path} {where}: float not Strict")
    assert sorted(set(loose)) == []
