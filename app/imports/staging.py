"""A whole import file read and checked before anything is written: the staged records.

An upload is read to the end first, within :class:`~app.imports.limits.ImportLimits`, and
its records are kept in a temporary file (in memory while small, on disk beyond). Only then
does the import open its writing transaction (on SQLite, the one writer turn), and it reads
the staged records back, which is quick: a file over a limit, or one that takes long to
parse, never holds up other writers.
"""

import json
import tempfile
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO

from app.imports.columns import ImportKind
from app.imports.limits import LIMITS, ImportLimits
from app.imports.readers import RawRecord, read_records

#: Staged records are kept in memory up to this many bytes, then in a temporary file.
SPOOL_BYTES = 8 << 20
#: How many records pass between two checks that the client is still there.
CHECK_EVERY = 500


class ClientGone(Exception):
    """The client went away: the import stops, and what it had not committed is rolled back."""


class StagedFile:
    """The checked records of one file, read back as often as needed; close it when done."""

    def __init__(self) -> None:
        # Closed by close() or the with block, not here: it lives as long as the records.
        self._file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
        self.records = 0

    def add(self, record: RawRecord) -> None:
        """Keep ``record``."""
        line = [record.row, record.values, record.error, record.field]
        self._file.write(json.dumps(line, ensure_ascii=False).encode())
        self._file.write(b"\n")
        self.records += 1

    def read(self, *, stop: Callable[[], bool] | None = None) -> Iterator[RawRecord]:
        """The records in file order; raises :class:`ClientGone` once ``stop()`` says so."""
        self._file.seek(0)
        for number, line in enumerate(self._file):
            if stop is not None and number % CHECK_EVERY == 0 and stop():
                raise ClientGone
            row, values, error, field = json.loads(line)
            yield RawRecord(row, values, error, field)

    def close(self) -> None:
        """Drop the records (and the temporary file)."""
        self._file.close()

    def __enter__(self) -> "StagedFile":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def stage(
    stream: IO[bytes],
    filename: str,
    kind: ImportKind,
    *,
    limits: ImportLimits = LIMITS,
    stop: Callable[[], bool] | None = None,
) -> StagedFile:
    """Read and check the whole of a CSV, XLSX or JSONL file; its records, staged.

    Raises :class:`~app.imports.problems.FileTooLarge` (413) or
    :class:`~app.imports.problems.FileProblem` (422) as soon as the file passes a limit or
    cannot be read, and :class:`ClientGone` once ``stop()`` says the client left.
    """
    staged = StagedFile()
    records = read_records(stream, filename, kind, limits)
    try:
        for number, record in enumerate(records):
            if stop is not None and number % CHECK_EVERY == 0 and stop():
                raise ClientGone
            staged.add(record)
    except BaseException:
        records.close()
        staged.close()
        raise
    return staged
