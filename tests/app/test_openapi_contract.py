"""What the OpenAPI document promises every client: one list shape, Chinese docs, examples."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

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
    lists = 0
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
            lists += 1
            if not properties >= PAGE_FIELDS:
                partial.append(f"{method} {path}")
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            if not {"page", "page_size"} <= names:
                partial.append(f"{method} {path} (no page/page_size parameters)")
    assert bare == [], "lists answered as bare arrays"
    assert partial == []
    assert lists >= 12
