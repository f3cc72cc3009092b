"""What the OpenAPI document promises every client: one list shape, Chinese docs, examples."""

import importlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel

import app as app_package

CJK = re.compile(r"[\u4e00-\u9fff]")
PAGE_FIELDS = {"items", "total", "page", "page_size"}


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document."""
    return app.openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _json_schema(operation: dict[str, Any], status: str) -> dict[str, Any] | None:
    content = operation.get("responses", {}).get(status, {}).get("content", {})
    found = content.get("application/json")
    return found.get("schema") if found else None


def test_every_list_answers_items_total_page_and_page_size(document: dict[str, Any]) -> None:
    bare, partial = [], []
    lists = rankings = 0
    for method, path, operation in _operations(document):
        if method != "GET":
            continue
        schema = _json_schema(operation, "200")
        if schema is None:
            continue
        schema = _resolve(document, schema)
        if schema.get("type") == "array":
            bare.append(f"{method} {path}")
        properties = set(schema.get("properties", {}))
        if "items" in properties:
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if _is_ranking(document, schema, names):
                rankings += 1
                continue
            lists += 1
            if not properties >= PAGE_FIELDS:
                partial.append(f"{method} {path}")
            if not {"page", "page_size"} <= names:
                partial.append(f"{method} {path} (no page/page_size parameters)")
    assert bare == [], "lists answered as bare arrays"
    assert partial == []
    assert lists >= 12
    assert rankings == 4  # shortlist, opportunities, upstream suppliers, session suggestions


def _is_ranking(document: dict[str, Any], schema: dict[str, Any], query: set[str]) -> bool:
    """A ranking (a need's shortlist, an SME's opportunities …) is the engine's top ``limit``,
    best first, each item with its score: not a page of stored records, so it takes
    ``limit`` instead of ``page``/``page_size`` (a page 2 would be a re-ranking)."""
    item = _resolve(document, schema["properties"]["items"].get("items", {}))
    return "limit" in query and "page" not in query and "score" in item.get("properties", {})


def test_every_operation_has_a_chinese_summary_and_description(document: dict[str, Any]) -> None:
    missing = [
        f"{method} {path}: {operation.get('summary')!r}"
        for method, path, operation in _operations(document)
        if not (
            CJK.search(operation.get("summary", ""))
            and CJK.search(operation.get("description", ""))
        )
    ]
    assert missing == []


def _has_example(document: dict[str, Any], media: dict[str, Any]) -> bool:
    if media.get("example") is not None or media.get("examples"):
        return True
    schema = _resolve(document, media.get("schema", {}))
    return bool(schema.get("examples") or schema.get("example"))


def test_every_request_body_has_an_example(document: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in _operations(document):
        body = operation.get("requestBody")
        if body is None:
            continue
        for content_type, media in body.get("content", {}).items():
            if content_type.startswith("multipart/"):
                continue  # a file upload: the form has one file field, nothing to show
            if not _has_example(document, media):
                missing.append(f"{method} {path} ({content_type})")
    assert missing == []


MAIN_ANSWERS = (
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/organizations/{org_id}"),
    ("GET", "/api/v1/organizations"),
    ("GET", "/api/v1/profiles/{profile_id}"),
    ("GET", "/api/v1/profiles"),
    ("GET", "/api/v1/needs/{need_id}"),
    ("GET", "/api/v1/needs"),
    ("GET", "/api/v1/needs/{need_id}/shortlist"),
    ("GET", "/api/v1/profiles/{profile_id}/opportunities"),
    ("GET", "/api/v1/events/{event_id}"),
    ("GET", "/api/v1/events"),
    ("GET", "/api/v1/events/{event_id}/participants"),
    ("GET", "/api/v1/events/{event_id}/meetings"),
    ("POST", "/api/v1/keys"),
)


def test_the_main_responses_have_examples(document: dict[str, Any]) -> None:
    """The answers a newcomer reads first show a filled-in example (a page: its items)."""
    missing = []
    for method, path in MAIN_ANSWERS:
        operation = document["paths"][path][method.lower()]
        status = "201" if method == "POST" else "200"
        schema = _json_schema(operation, status)
        assert schema is not None, (method, path)
        resolved = _resolve(document, schema)
        if set(resolved.get("properties", {})) >= PAGE_FIELDS:
            schema = resolved["properties"]["items"]["items"]
        if not _has_example(document, {"schema": schema}):
            missing.append(f"{method} {path}")
    assert missing == []


def _models_with_examples() -> Iterator[type[BaseModel]]:
    for path in sorted(Path(app_package.__file__).parent.glob("*/schemas.py")):
        module = importlib.import_module(f"app.{path.parent.name}.schemas")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
                and value.model_json_schema().get("examples")
            ):
                yield value


def test_every_schema_example_is_valid_for_its_model() -> None:
    """An example that the API would refuse teaches the wrong thing."""
    models = list(_models_with_examples())
    assert len(models) >= 25
    for model in models:
        for example in model.model_json_schema()["examples"]:
            model.model_validate_json(json.dumps(example))
