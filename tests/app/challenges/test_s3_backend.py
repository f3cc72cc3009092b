"""The S3 backend against a real S3-compatible server (MinIO, or moto's server mode).

Set ``XIESHOU_TEST_S3_URL`` (e.g. ``http://127.0.0.1:5000``; with ``XIESHOU_TEST_S3_KEY`` and
``XIESHOU_TEST_S3_SECRET`` when the server wants them) to run it; without it the test is
skipped (CI has no S3 server yet: give it one and set the variable). Nothing is mocked: the
bytes go over HTTP to the server and back, through the app as a response's attachment.
"""

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.attachments.storage import S3
from tests.app.challenges import files
from tests.app.challenges.helpers import RESPONSES, need, publish, respond
from tests.app.factories import World

URL = os.environ.get("XIESHOU_TEST_S3_URL", "")


@pytest.fixture
def bucket(app: FastAPI) -> Iterator[S3]:
    """A fresh bucket on the server, as the app's attachment backend."""
    if not URL:
        pytest.skip("XIESHOU_TEST_S3_URL is not set (an S3-compatible server to test against)")
    storage = S3(
        bucket=f"xieshou-test-{uuid.uuid4().hex[:12]}",
        endpoint_url=URL,
        region="us-east-1",
        access_key=os.environ.get("XIESHOU_TEST_S3_KEY", "test"),
        secret_key=os.environ.get("XIESHOU_TEST_S3_SECRET", "test"),
    )
    storage.client.make_bucket(storage.bucket)
    app.state.attachment_storage = storage
    yield storage
    for item in storage.client.list_objects(storage.bucket, recursive=True):
        storage.client.remove_object(storage.bucket, item.object_name)
    storage.client.remove_bucket(storage.bucket)


def test_an_attachment_goes_to_the_bucket_and_comes_back(
    client: TestClient, world: World, bucket: S3
) -> None:
    challenge = publish(client, world.firm_a, need(client, world.firm_a))
    mine: dict[str, Any] = respond(client, world.sme_a, challenge["id"])
    data = files.xlsx()
    answer = client.post(
        f"{RESPONSES}/{mine['id']}/attachments",
        files={"file": ("报价明细.xlsx", data, "application/octet-stream")},
        headers=world.sme_a.headers,
    )
    assert answer.status_code == 201, answer.text
    keys = [o.object_name for o in bucket.client.list_objects(bucket.bucket, recursive=True)]
    assert len(keys) == 1
    stored = bucket.client.get_object(bucket.bucket, keys[0])
    try:
        assert stored.read() == data
        assert stored.headers["Content-Type"] == answer.json()["media_type"]
    finally:
        stored.close()
        stored.release_conn()
    got = client.get(answer.json()["url"], headers=world.firm_a.headers)
    assert (got.status_code, got.content) == (200, data)
    bucket.delete(keys[0])
    assert not list(bucket.client.list_objects(bucket.bucket, recursive=True))
