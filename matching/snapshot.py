"""Index snapshots on disk: numpy arrays and JSON, checked, published atomically.

A snapshot is a folder of ``.npy`` arrays, JSON files and a ``manifest.json`` naming every
file with its size and CRC-32, the snapshot's format version and whatever the caller records
(the change-log id it covers, say). :class:`SnapshotWriter` writes the folder under a
temporary name and renames it into place (``os.replace``), so a reader never sees half a
snapshot. :class:`SnapshotReader` checks the manifest (format, sizes, checksums) before
anything is used and opens arrays with ``np.load(mmap_mode="r")``: read-only pages of the
page cache, shared by every process on the machine that opens the same files.

Strings and variable-length records go into one byte blob with an offsets array
(:class:`RecordBlob`), so a million records cost two arrays, not a million Python objects.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "FORMAT_VERSION",
    "RecordBlob",
    "SnapshotError",
    "SnapshotReader",
    "SnapshotWriter",
]

FORMAT_VERSION = 3
"""Bumped whenever what a snapshot holds, or how, changes: other versions are ignored.
2: names are normalised with traditional characters simplified (``matching.tokenize``).
3: and with variant characters folded (胶黏剂 → 胶粘剂, ``matching.tokenize.VARIANT_CHARS``)."""
MANIFEST = "manifest.json"
_CHUNK = 1 << 22


class SnapshotError(Exception):
    """A snapshot that cannot be used: missing, of another format, or corrupt."""


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return crc


class SnapshotWriter:
    """Write a snapshot into ``root/.tmp-<token>``; :meth:`publish` renames it to ``root/<token>``.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> w = SnapshotWriter(root)
    >>> w.array("x", np.arange(3))
    >>> w.json("meta", {"a": 1})
    >>> final = w.publish({"change_id": 7})
    >>> r = SnapshotReader(final)
    >>> r.array("x").tolist(), r.json("meta"), r.manifest["change_id"]
    ([0, 1, 2], {'a': 1}, 7)
    """

    def __init__(self, root: Path, token: str | None = None) -> None:
        self.root = root
        self.token = token or uuid.uuid4().hex
        self.path = root / f".tmp-{self.token}"
        self.path.mkdir(parents=True)
        self._files: dict[str, dict[str, int]] = {}

    def _done(self, file: str) -> None:
        path = self.path / file
        self._files[file] = {"size": path.stat().st_size, "crc32": _crc(path)}

    def array(self, name: str, values: npt.ArrayLike) -> None:
        """Save one array as ``name.npy`` (no pickled objects)."""
        np.save(self.path / f"{name}.npy", np.ascontiguousarray(values), allow_pickle=False)
        self._done(f"{name}.npy")

    def json(self, name: str, value: Any) -> None:
        """Save a JSON-able value as ``name.json``."""
        (self.path / f"{name}.json").write_text(
            json.dumps(value, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        self._done(f"{name}.json")

    def records(self, name: str, items: Iterable[bytes]) -> None:
        """Save byte strings as one blob (``name.blob.npy``) and their offsets."""
        data = list(items)
        offsets = np.cumsum([0, *(len(i) for i in data)]).astype(np.int64)
        self.array(f"{name}.blob", np.frombuffer(b"".join(data), dtype=np.uint8))
        self.array(f"{name}.offsets", offsets)

    def publish(self, facts: dict[str, Any]) -> Path:
        """Write the manifest (``facts`` added to it), flush to disk and rename into place."""
        manifest = {"format": FORMAT_VERSION, "token": self.token, **facts, "files": self._files}
        (self.path / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
        for file in [*self._files, MANIFEST]:
            fd = os.open(self.path / file, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        final = self.root / self.token
        os.replace(self.path, final)
        return final

    def discard(self) -> None:
        """Remove the unfinished folder."""
        shutil.rmtree(self.path, ignore_errors=True)


class SnapshotReader:
    """A published snapshot, checked: :class:`SnapshotError` if it is of another format or any
    file is missing, of the wrong size or fails its checksum (``verify=False`` checks sizes
    only)."""

    def __init__(self, path: Path, *, verify: bool = True) -> None:
        self.path = path
        try:
            manifest = json.loads((path / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise SnapshotError(f"{path}: no readable manifest ({exc})") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
            found = manifest.get("format") if isinstance(manifest, dict) else None
            raise SnapshotError(f"{path}: format {found!r}, this version reads {FORMAT_VERSION}")
        files = manifest.get("files")
        if not isinstance(files, dict):
            raise SnapshotError(f"{path}: manifest lists no files")
        for file, expect in files.items():
            target = path / file
            try:
                size = target.stat().st_size
            except OSError as exc:
                raise SnapshotError(f"{path}: {file} missing") from exc
            if size != expect.get("size"):
                raise SnapshotError(f"{path}: {file} is {size} bytes, not {expect.get('size')}")
            if verify and _crc(target) != expect.get("crc32"):
                raise SnapshotError(f"{path}: {file} fails its checksum")
        self.manifest: dict[str, Any] = manifest

    def array(self, name: str, *, mmap: bool = True) -> npt.NDArray[Any]:
        """An array, memory-mapped read-only (``mmap=False``: read into private memory)."""
        file = f"{name}.npy"
        if file not in self.manifest["files"]:
            raise SnapshotError(f"{self.path}: no array {name}")
        try:
            return np.load(self.path / file, mmap_mode="r" if mmap else None, allow_pickle=False)  # type: ignore[no-any-return]
        except (OSError, ValueError) as exc:
            raise SnapshotError(f"{self.path}: {file} unreadable ({exc})") from exc

    def json(self, name: str) -> Any:
        """A JSON value."""
        file = f"{name}.json"
        if file not in self.manifest["files"]:
            raise SnapshotError(f"{self.path}: no {file}")
        try:
            return json.loads((self.path / file).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise SnapshotError(f"{self.path}: {file} unreadable ({exc})") from exc

    def records(self, name: str) -> RecordBlob:
        """Byte strings saved with :meth:`SnapshotWriter.records`."""
        return RecordBlob(self.array(f"{name}.blob"), self.array(f"{name}.offsets"))


class RecordBlob:
    """Byte strings ``i`` = ``blob[offsets[i]:offsets[i + 1]]``; arrays may be memory-mapped.

    Examples
    --------
    >>> b = RecordBlob.of([b"ab", b"", b"cde"])
    >>> b[2], len(b)
    (b'cde', 3)
    """

    def __init__(self, blob: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]) -> None:
        if offsets.ndim != 1 or offsets.size < 1 or int(offsets[-1]) != blob.size:
            raise SnapshotError("record offsets do not fit the blob")
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def of(cls, items: Sequence[bytes]) -> RecordBlob:
        """A blob held in memory (tests, small sets)."""
        offsets = np.cumsum([0, *(len(i) for i in items)]).astype(np.int64)
        blob = np.frombuffer(b"".join(items), dtype=np.uint8)
        return cls(blob, offsets)

    def __len__(self) -> int:
        return int(self.offsets.size) - 1

    def __getitem__(self, i: int) -> bytes:
        return self.blob[int(self.offsets[i]) : int(self.offsets[i + 1])].tobytes()
