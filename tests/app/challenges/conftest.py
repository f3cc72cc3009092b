"""Attachments go to a fresh local-disk folder per test (the shipped default backend)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from app.attachments.storage import LocalDisk


@pytest.fixture(autouse=True)
def attachment_folder(app: FastAPI, tmp_path: Path) -> Iterator[Path]:
    """The app's attachment backend: a local folder of this test's own."""
    folder = tmp_path / "attachments"
    app.state.attachment_storage = LocalDisk(folder)
    yield folder
    app.state.attachment_storage = None
