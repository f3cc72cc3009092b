"""Streaming readers for CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX and JSONL files.

Each reader yields :class:`RawRecord` one at a time, with cells keyed by column key (see
:mod:`app.imports.columns`) and numbered as a person sees the file: in CSV and XLSX the
header is row 1 and the first record row 2; in JSONL the row is the line number.
"""

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from app.errors import InvalidInput
from app.imports.columns import ImportKind, header_map, resolve_headers

_SCAN_CHUNK = 1 << 20


@dataclass(slots=True)
class RawRecord:
    """One record as read: cell values by column key, or why the record could not be read."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


class FileProblem(InvalidInput):
    """The file as a whole cannot be imported (format, encoding, unknown columns)."""

    def __init__(self, message: str) -> None:
        super().__init__("file", message)


def detect_format(filename: str, head: bytes) -> str:
    """``csv``, ``xlsx`` or ``jsonl``, from the file name, else from the first bytes."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.lstrip().startswith(b"{"):
        return "jsonl"
    return "csv"


def detect_encoding(stream: IO[bytes]) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` when the whole file decodes as UTF-8, else ``gb18030``.

    GB18030 is a superset of GBK and GB2312, the encodings Excel on Chinese Windows writes.
    A seekable stream is scanned whole (fast: no decoding into strings is kept) and rewound.
    """
    start = stream.tell() if stream.seekable() else 0
    head = stream.read(_SCAN_CHUNK)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        decoder = codecs.getincrementaldecoder("utf-8")()
        encoding = "utf-8"
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                if not stream.seekable():
                    break
                chunk = stream.read(_SCAN_CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "gb18030"
    if not stream.seekable():
        raise FileProblem("the upload must be seekable")  # pragma: no cover
    stream.seek(start)
    return encoding


def read_records(stream: IO[bytes], filename: str, kind: ImportKind) -> Iterator[RawRecord]:
    """The records of a CSV, XLSX or JSONL file, read one at a time."""
    start = stream.tell()
    head = stream.read(8)
    stream.seek(start)
    fmt = detect_format(filename, head)
    if fmt == "xlsx":
        return _read_xlsx(stream, kind)
    if fmt == "jsonl":
        return _read_jsonl(stream, kind)
    return _read_csv(stream, kind)


def _keyed(kind: ImportKind, headers: list[str]) -> list[str | None]:
    keys, unknown = resolve_headers(kind, headers)
    if unknown:
        raise FileProblem(f"unknown column(s) for {kind.value}: {', '.join(unknown)}")
    if not any(keys):
        raise FileProblem("no known column in the header row")
    seen: set[str] = set()
    for key in keys:
        if key is not None:
            if key in seen:
                raise FileProblem(f"column {key} appears twice")
            seen.add(key)
    return keys


def _read_csv(stream: IO[bytes], kind: ImportKind) -> Iterator[RawRecord]:
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        first = text.readline()
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter), [])
        keys = _keyed(kind, header)
        reader = csv.reader(text, delimiter=delimiter)
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(keys) and any(c.strip() for c in cells[len(keys) :]):
                yield RawRecord(index, error=f"{len(cells)} cells but {len(keys)} columns")
                continue
            yield RawRecord(
                index, {k: v for k, v in zip(keys, cells, strict=False) if k is not None}
            )
    finally:
        text.detach()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_xlsx(stream: IO[bytes], kind: ImportKind) -> Iterator[RawRecord]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:
        raise FileProblem(f"not a readable .xlsx workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        keys = _keyed(kind, [_cell(v) for v in header])
        for index, values in enumerate(rows, start=2):
            cells = [_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            yield RawRecord(
                index, {k: v for k, v in zip(keys, cells, strict=False) if k is not None}
            )
    finally:
        workbook.close()


def _read_jsonl(stream: IO[bytes], kind: ImportKind) -> Iterator[RawRecord]:
    known = header_map(kind)
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline=None)
    try:
        for index, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RawRecord(index, error=f"not valid JSON: {exc.msg}")
                continue
            if not isinstance(obj, dict):
                yield RawRecord(index, error="each line must be a JSON object")
                continue
            values: dict[str, Any] = {}
            unknown = []
            for name, value in obj.items():
                key = known.get("".join(str(name).split()).casefold())
                if key is None:
                    unknown.append(str(name))
                else:
                    values[key] = value
            if unknown:
                yield RawRecord(index, error=f"unknown field(s): {', '.join(unknown)}")
                continue
            yield RawRecord(index, values)
    finally:
        text.detach()
