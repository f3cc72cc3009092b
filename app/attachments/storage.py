"""Where attachment bytes live: a folder on local disk (default) or an S3-compatible bucket.

``XIESHOU_ATTACHMENTS_BACKEND=local`` keeps files under ``XIESHOU_ATTACHMENTS_DIR``;
``s3`` puts them in ``XIESHOU_S3_BUCKET`` at ``XIESHOU_S3_ENDPOINT_URL`` through the MinIO
client (any S3-compatible store: MinIO, Ceph, 阿里云 OSS, AWS). The database keeps the record
and the key; the bytes never pass through it.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, BinaryIO, Protocol, cast

if TYPE_CHECKING:
    from app.platform.settings import Settings

_CHUNK = 64 << 10


class Storage(Protocol):
    """A place to keep attachment bytes under a key."""

    name: str

    def put(self, key: str, stream: IO[bytes], media_type: str) -> None:
        """Store the whole ``stream`` (read from its start) under ``key``."""

    def chunks(self, key: str) -> Iterator[bytes]:
        """The bytes stored under ``key``, a chunk at a time."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` (missing is fine)."""


class LocalDisk:
    """Files in a folder, written to a temporary name and renamed (never half a file)."""

    name = "local"

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"bad storage key {key!r}")
        return path

    def put(self, key: str, stream: IO[bytes], media_type: str) -> None:
        """Copy ``stream`` to the key's file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        stream.seek(0)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, _CHUNK)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def chunks(self, key: str) -> Iterator[bytes]:
        """Read the key's file in chunks."""
        with self._path(key).open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk

    def delete(self, key: str) -> None:
        """Remove the key's file."""
        self._path(key).unlink(missing_ok=True)


class S3:
    """An S3-compatible bucket through the MinIO client (imported here: start-up time)."""

    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str | None,
        access_key: str | None,
        secret_key: str | None,
    ) -> None:
        from urllib.parse import urlsplit

        from minio import Minio

        url = urlsplit(endpoint_url or "https://s3.amazonaws.com")
        self.bucket = bucket
        self.client = Minio(
            url.netloc,
            access_key=access_key,
            secret_key=secret_key,
            secure=url.scheme == "https",
            region=region,
        )

    def put(self, key: str, stream: IO[bytes], media_type: str) -> None:
        """Upload ``stream`` (in parts for large files, by the client)."""
        stream.seek(0, 2)
        length = stream.tell()
        stream.seek(0)
        self.client.put_object(
            self.bucket, key, cast("BinaryIO", stream), length, content_type=media_type
        )

    def chunks(self, key: str) -> Iterator[bytes]:
        """Stream the object's body."""
        response = self.client.get_object(self.bucket, key)
        try:
            yield from response.stream(_CHUNK)
        finally:
            response.close()
            response.release_conn()

    def delete(self, key: str) -> None:
        """Delete the object."""
        self.client.remove_object(self.bucket, key)


def from_settings(settings: "Settings") -> Storage:
    """The backend the settings name."""
    if settings.attachments_backend == "s3":
        return S3(
            bucket=settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=(
                settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else None
            ),
        )
    return LocalDisk(settings.attachments_dir)
