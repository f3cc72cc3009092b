"""Streaming readers for CSV (UTF-8, UTF-8 with BOM, GBK/GB18030), XLSX and JSONL files.

Each reader yields :class:`RawRecord` one at a time, with cells keyed by column key (see
:mod:`app.imports.columns`) and numbered as a person sees the file: in CSV and XLSX the
header is row 1 and the first record row 2; in JSONL the row is the line number.

Every reader keeps to :class:`~app.imports.limits.ImportLimits` while it reads (lines are
read at most a row's worth at a time, rows and cells are counted), and every cell's text
passes :func:`app.fields.text_issue`, the API's rule, so a bad cell rejects its row.
"""

import codecs
import csv
import io
import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from app.fields import text_issue
from app.imports.columns import ImportKind, header_map, resolve_headers
from app.imports.limits import LIMITS, ImportLimits
from app.imports.problems import FileProblem, FileTooLarge
from app.messages import tr
from app.spreadsheets import detect_encoding

__all__ = ["FileProblem", "FileTooLarge", "RawRecord", "detect_encoding", "read_records"]

_SCAN_CHUNK = 1 << 20


@dataclass(slots=True)
class RawRecord:
    """One record as read: cell values by column key, or why (and in which column, ``field``)
    the record could not be read."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    field: str = "row"


#: Records as a reader yields them (a generator: closing it lets go of the stream).
Records = Generator[RawRecord, None, None]


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


def text_encoding(stream: IO[bytes]) -> str:
    """:func:`detect_encoding`, for a file that must be text throughout: a NUL byte (a binary
    or UTF-16 file) or bytes that do not decode (a file mixing encodings) reject the file and
    name the line."""
    encoding = detect_encoding(stream)
    start = stream.tell()
    decoder = codecs.getincrementaldecoder(encoding)()
    label = tr("not UTF-8") if encoding.startswith("utf-8") else tr("neither UTF-8 nor GBK/GB18030")
    line = 1
    while chunk := stream.read(_SCAN_CHUNK):
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line += chunk.count(b"\n", 0, nul)
            raise FileProblem(
                tr(
                    "line {line} holds a NUL byte: not a text file (UTF-16? save it as CSV UTF-8)",
                    line=line,
                )
            )
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            line += chunk.count(b"\n", 0, max(exc.start, 0))
            raise FileProblem(
                tr("line {line} is {label} (does the file mix encodings?)", line=line, label=label)
            ) from None
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise FileProblem(
            tr("the file ends inside a character: it is {label}", label=label)
        ) from None
    stream.seek(start)
    return encoding


def read_records(
    stream: IO[bytes], filename: str, kind: ImportKind, limits: ImportLimits = LIMITS
) -> Records:
    """The records of a CSV, XLSX or JSONL file, read one at a time within ``limits``.

    Raises :class:`FileTooLarge` (413) or :class:`FileProblem` (422) when the file as a whole
    cannot be imported; a bad cell makes its record an error naming the column.
    """
    start = stream.tell()
    head = stream.read(8)
    stream.seek(start)
    fmt = detect_format(filename, head)
    if fmt == "xlsx":
        records = _read_xlsx(stream, kind, limits)
    elif fmt == "jsonl":
        records = _read_jsonl(stream, kind, limits)
    else:
        records = _read_csv(stream, kind, limits)
    return _checked(records, limits)


def _checked(records: Records, limits: ImportLimits) -> Records:
    """A cell longer than the limit rejects the file; a cell whose text the API would refuse
    (NUL, lone surrogates, control characters) rejects its record, naming the column, and is
    dropped, so not even the report repeats it."""
    try:
        for record in records:
            bad = []
            for key, value in record.values.items():
                for text in _texts(value):
                    if len(text) > limits.max_cell_chars:
                        raise FileProblem(
                            tr(
                                "row {row}, column {column}: longer than {limit} characters",
                                row=record.row,
                                column=key,
                                limit=f"{limits.max_cell_chars:,}",
                            )
                        )
                    issue = text_issue(text, multiline=True)
                    if issue is not None:
                        bad.append(key)
                        if record.error is None:
                            record.error, record.field = issue.zh, key
            for key in bad:
                record.values.pop(key, None)
            yield record
    finally:
        records.close()  # now, while the reader's stream is still open


def _texts(value: Any) -> Iterator[str]:
    """The strings in a cell (JSONL cells may be lists or objects, nested)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())


def _count(rows: int, limits: ImportLimits) -> None:
    if rows > limits.max_rows:
        raise FileTooLarge(tr("more than {limit} rows", limit=f"{limits.max_rows:,}"))


def _lines(text: io.TextIOWrapper, limits: ImportLimits) -> Iterator[str]:
    """The lines of ``text``, none read beyond a row's worth of characters."""
    limit = limits.max_line_chars
    number = 0
    while line := text.readline(limit + 1):
        number += 1
        if len(line) > limit:
            raise FileProblem(
                tr(
                    "line {line} is longer than {limit} characters",
                    line=number,
                    limit=f"{limit:,}",
                )
            )
        yield line


def _keyed(kind: ImportKind, headers: list[str], limits: ImportLimits) -> list[str | None]:
    if len(headers) > limits.max_columns:
        raise FileProblem(
            tr(
                "{count} columns; at most {limit} are accepted",
                count=len(headers),
                limit=limits.max_columns,
            )
        )
    keys, unknown = resolve_headers(kind, headers)
    if unknown:
        raise FileProblem(
            tr("unknown column(s) for {kind}: {names}", kind=kind.value, names=", ".join(unknown))
        )
    if not any(keys):
        raise FileProblem(tr("no known column in the header row"))
    seen: set[str] = set()
    for key in keys:
        if key is not None:
            if key in seen:
                raise FileProblem(tr("column {column} appears twice", column=key))
            seen.add(key)
    return keys


def _read_csv(stream: IO[bytes], kind: ImportKind, limits: ImportLimits) -> Records:
    encoding = text_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        lines = _lines(text, limits)
        first = next(lines, "")
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        header = next(csv.reader([first], delimiter=delimiter), [])
        keys = _keyed(kind, header, limits)
        reader = csv.reader(lines, delimiter=delimiter)
        index = 1
        while True:
            index += 1
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                raise FileProblem(
                    tr("row {row} is not readable CSV: {problem}", row=index, problem=exc)
                ) from None
            if cells is None:
                break
            _count(index - 1, limits)
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(keys) and any(c.strip() for c in cells[len(keys) :]):
                yield RawRecord(index, error=f"有 {len(cells)} 个单元格，但表头只有 {len(keys)} 列")
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


def _read_xlsx(stream: IO[bytes], kind: ImportKind, limits: ImportLimits) -> Records:
    from app.imports import xlsx  # and openpyxl with it: when a workbook comes, not at start-up

    keys: list[str | None] | None = None
    for index, values in xlsx.read_rows(stream, limits):
        cells = [_cell(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if keys is None:  # the first row with anything in it is the header
            keys = _keyed(kind, cells, limits)
            continue
        yield RawRecord(index, {k: v for k, v in zip(keys, cells, strict=False) if k is not None})


def _read_jsonl(stream: IO[bytes], kind: ImportKind, limits: ImportLimits) -> Records:
    known = header_map(kind)
    encoding = text_encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline=None)
    try:
        for index, line in enumerate(_lines(text, limits), start=1):
            _count(index, limits)
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield RawRecord(index, error=f"不是有效的 JSON：{exc.msg}")
                continue
            except RecursionError:
                yield RawRecord(index, error="JSON 嵌套过深")
                continue
            if not isinstance(obj, dict):
                yield RawRecord(index, error="每行必须是一个 JSON 对象")
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
                # repr: a name may hold anything JSON can spell, lone surrogates too
                named = ", ".join(repr(name[:60]) for name in unknown)
                yield RawRecord(index, error=f"未知的字段：{named}")
                continue
            yield RawRecord(index, values)
    finally:
        text.detach()
