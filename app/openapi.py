"""The OpenAPI document tells what the app answers: problem+json errors, the configured caps."""

from typing import Any

from fastapi import FastAPI

from app.errors import document_problems
from app.pagination import document_page_size
from app.platform.settings import Settings


def install_openapi(app: FastAPI, settings: Settings) -> None:
    """Amend ``app``'s generated OpenAPI document with what the framework cannot know."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        document_problems(document)
        document_page_size(document, settings.max_page_size)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
