"""The rows of an .xlsx workbook's first worksheet, read in one streaming pass within limits.

openpyxl's reader is not used for uploads: it reads the shared strings whole (a 780 KB file
holding one 800 MB string took a server past 6.5 GB), trusts the dimension a sheet declares
(``A1:XFD1048576`` had it fill billions of empty cells) and builds each row as an element
tree however many cells it has. This reader checks the archive's directory before unpacking
anything, counts the bytes that come out while unpacking, and checks rows, columns and cell
length while expat parses 64 KiB at a time, so a workbook costs at most what
:class:`~app.imports.limits.ImportLimits` allows. Cells are typed as openpyxl types them
(numbers, dates by number format, booleans, text), with openpyxl's own helpers.
"""

import posixpath
import struct
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO, Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601

from app.imports.limits import ImportLimits
from app.imports.problems import FileProblem, FileTooLarge
from app.messages import tr

_CHUNK = 64 << 10
#: Parts smaller than this are not held to the compression ratio (tiny parts pack oddly).
_RATIO_FLOOR = 1 << 20
#: The end-of-central-directory record of a ZIP archive, and its ZIP64 locator and record.
_EOCD = struct.Struct("<4s4H2LH")
_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")

#: One row: its number as Excel shows it, and its cell values from column A (None: empty).
Row = tuple[int, list[Any]]


def read_rows(stream: IO[bytes], limits: ImportLimits) -> Iterator[Row]:
    """The rows of the first worksheet of the workbook in ``stream``, in order.

    Raises :class:`FileTooLarge` (413) or :class:`FileProblem` (422) as soon as the file is
    found to pass a limit or not to be a workbook.
    """
    archive = _Archive(stream, limits)
    try:
        workbook_path = _office_document(archive)
        epoch, sheet_rid = _workbook(archive, workbook_path)
        parts = _relationships(archive, workbook_path)
        sheet = parts.get(sheet_rid)
        if sheet is None or sheet[0] != "worksheet":
            raise FileProblem(tr("the workbook's first sheet is not a worksheet"))
        by_type = dict(parts.values())
        strings = (
            _shared_strings(archive, by_type["sharedStrings"])
            if "sharedStrings" in by_type
            else _SharedStrings()
        )
        styles = _Styles()
        if "styles" in by_type:
            _parse(archive, by_type["styles"], limits.max_part_bytes, styles)
        cells = _Sheet(strings, styles, epoch, limits)
        yield from _parse_rows(archive, sheet[1], cells)
    finally:
        archive.close()


class _Archive:
    """The ZIP container, checked before it is opened; parts unpacked within the limits."""

    def __init__(self, stream: IO[bytes], limits: ImportLimits) -> None:
        self.limits = limits
        self.unpacked = 0
        _check_directory(stream, limits)
        try:
            self.zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, ValueError, OSError) as exc:
            raise FileProblem(tr("not a readable .xlsx workbook: {problem}", problem=exc)) from exc

    def close(self) -> None:
        self.zip.close()

    def has(self, name: str) -> bool:
        try:
            self.zip.getinfo(name)
        except KeyError:
            return False
        return True

    def chunks(self, name: str, cap: int) -> Iterator[bytes]:
        """The unpacked bytes of part ``name``, refused beyond ``cap`` or the archive's limits."""
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            raise FileProblem(tr("the workbook has no part {name}", name=name)) from None
        self._check_declared(info, cap)
        seen = 0
        try:
            with self.zip.open(info) as part:
                while chunk := part.read(_CHUNK):
                    seen += len(chunk)
                    self.unpacked += len(chunk)
                    # zipfile stops at the declared size; count anyway, it costs nothing.
                    if seen > info.file_size:
                        raise FileTooLarge(tr("{name} unpacks to more than it declares", name=name))
                    self._check_unpacked(name, seen, cap)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise FileProblem(
                tr("{name} cannot be unpacked: {problem}", name=name, problem=exc)
            ) from exc

    def _check_unpacked(self, name: str, size: int, cap: int) -> None:
        if size > cap:
            raise FileTooLarge(
                tr("{name} unpacks to more than {limit} bytes", name=name, limit=f"{cap:,}")
            )
        if self.unpacked > self.limits.max_unpacked_bytes:
            raise FileTooLarge(
                tr(
                    "the workbook unpacks to more than {limit} bytes",
                    limit=f"{self.limits.max_unpacked_bytes:,}",
                )
            )

    def _check_declared(self, info: zipfile.ZipInfo, cap: int) -> None:
        name, size, limits = info.filename, info.file_size, self.limits
        if size > cap:
            raise FileTooLarge(
                tr(
                    "{name} unpacks to {size} bytes; at most {limit} are accepted",
                    name=name,
                    size=f"{size:,}",
                    limit=f"{cap:,}",
                )
            )
        if size > _RATIO_FLOOR and size > limits.max_ratio * max(info.compress_size, 1):
            ratio = size // max(info.compress_size, 1)
            raise FileTooLarge(
                tr(
                    "{name} is packed {ratio}:1; at most {limit}:1 is accepted",
                    name=name,
                    ratio=f"{ratio:,}",
                    limit=limits.max_ratio,
                )
            )
        if self.unpacked + size > limits.max_unpacked_bytes:
            raise FileTooLarge(
                tr(
                    "the workbook unpacks to more than {limit} bytes",
                    limit=f"{limits.max_unpacked_bytes:,}",
                )
            )


def _check_directory(stream: IO[bytes], limits: ImportLimits) -> None:
    """Refuse an archive whose directory alone is too large, before zipfile reads it."""
    stream.seek(0, 2)
    size = stream.tell()
    tail = min(size, _EOCD64.size + _LOCATOR.size + _EOCD.size + 0xFFFF)
    stream.seek(size - tail)
    end = stream.read(tail)
    stream.seek(0)
    at = end.rfind(b"PK\x05\x06")
    if at < 0 or at + _EOCD.size > len(end):
        raise FileProblem(tr("not a readable .xlsx workbook: no ZIP directory found"))
    _, _, _, _, entries, directory_size, _, _ = _EOCD.unpack_from(end, at)
    # A ZIP64 record just before the locator just before the end record overrides both
    # counts, as zipfile reads it.
    record = at - _LOCATOR.size - _EOCD64.size
    if record >= 0 and end[at - _LOCATOR.size : at - _LOCATOR.size + 4] == b"PK\x06\x07":
        if end[record : record + 4] != b"PK\x06\x06":
            raise FileProblem(tr("not a readable .xlsx workbook: a broken ZIP64 directory"))
        entries, directory_size = _EOCD64.unpack_from(end, record)[7:9]
    if entries > limits.max_entries or directory_size > limits.max_entries * 1024:
        raise FileTooLarge(
            tr(
                "the archive has {count} entries; at most {limit} are accepted",
                count=f"{entries:,}",
                limit=f"{limits.max_entries:,}",
            )
        )


class _Handler:
    """Receives one part's XML events; names come without their namespace prefix."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        """An element starts."""

    def end(self, name: str) -> None:
        """An element ends."""

    def text(self, data: str) -> None:
        """Character data (text of the current element, in pieces)."""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _parser(name: str, handler: _Handler) -> Any:
    """An expat parser feeding ``handler``; any DTD (entity expansion) is refused."""
    names: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = names.get(tag)
        if local is None:
            local = names[tag] = _local(tag)
        handler.start(local, attrs)

    def end(tag: str) -> None:
        local = names.get(tag)
        if local is None:
            local = names[tag] = _local(tag)
        handler.end(local)

    def no_dtd(*_: object) -> None:
        raise FileProblem(
            tr("{name} declares a DTD (<!DOCTYPE>), which a workbook never has", name=name)
        )

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = no_dtd
    parser.EntityDeclHandler = no_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = handler.text
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    return parser


def _feed(parser: Any, name: str, data: bytes, *, final: bool = False) -> None:
    try:
        parser.Parse(data, final)
    except expat.ExpatError as exc:
        raise FileProblem(
            tr("{name} is not well-formed XML: {problem}", name=name, problem=exc)
        ) from exc


def _parse(archive: _Archive, name: str, cap: int, handler: _Handler) -> None:
    parser = _parser(name, handler)
    for chunk in archive.chunks(name, cap):
        _feed(parser, name, chunk)
    _feed(parser, name, b"", final=True)


def _parse_rows(archive: _Archive, name: str, sheet: "_Sheet") -> Iterator[Row]:
    parser = _parser(name, sheet)
    for chunk in archive.chunks(name, archive.limits.max_unpacked_bytes):
        _feed(parser, name, chunk)
        if sheet.done:
            yield from sheet.done
            sheet.done.clear()
    _feed(parser, name, b"", final=True)
    yield from sheet.done


class _Relationships(_Handler):
    def __init__(self) -> None:
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Relationship" and attrs.get("TargetMode") != "External":
            kind = attrs.get("Type", "").rpartition("/")[2]
            self.found[attrs.get("Id", "")] = (kind, attrs.get("Target", ""))


def _relationships(archive: _Archive, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, part path) of ``part`` (``""``: the package itself)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    handler = _Relationships()
    if archive.has(rels):
        _parse(archive, rels, archive.limits.max_part_bytes, handler)
    return {rid: (kind, _resolve(folder, target)) for rid, (kind, target) in handler.found.items()}


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


def _office_document(archive: _Archive) -> str:
    for kind, path in _relationships(archive, "").values():
        if kind == "officeDocument":
            return path
    return "xl/workbook.xml"


class _Workbook(_Handler):
    def __init__(self) -> None:
        self.epoch = WINDOWS_EPOCH
        self.first_sheet: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            self.epoch = MAC_EPOCH
        elif name == "sheet" and self.first_sheet is None:
            self.first_sheet = next((v for k, v in attrs.items() if _local(k) == "id"), "")


def _workbook(archive: _Archive, path: str) -> tuple[datetime, str]:
    """The workbook's date epoch and the relationship id of its first sheet."""
    handler = _Workbook()
    _parse(archive, path, archive.limits.max_part_bytes, handler)
    if handler.first_sheet is None:
        raise FileProblem(tr("the workbook has no sheet"))
    return handler.epoch, handler.first_sheet


class _SharedStrings(_Handler):
    """The shared string table, packed: one UTF-8 buffer and where each string ends."""

    def __init__(self, name: str = "", max_chars: int = 0) -> None:
        self.name = name
        self.max_chars = max_chars
        self.data = bytearray()
        self.ends = array("L")
        self.parts: list[str] | None = None
        self.length = 0
        self.phonetic = 0

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self.ends):
            raise IndexError(index)
        start = self.ends[index - 1] if index > 0 else 0
        return self.data[start : self.ends[index]].decode()

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            self.parts, self.length = [], 0
        elif name == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        if name == "si" and self.parts is not None:
            # openpyxl drops this escape prefix too, so both readers give the same text.
            self.data += "".join(self.parts).replace("x005F_", "").encode()
            self.ends.append(len(self.data))
            self.parts = None
        elif name == "rPh":
            self.phonetic -= 1

    def text(self, data: str) -> None:
        if self.parts is None or self.phonetic:
            return
        self.length += len(data)
        if self.length > self.max_chars:
            raise FileProblem(
                tr(
                    "shared string {number} in {name} is longer than {limit} characters",
                    number=len(self.ends) + 1,
                    name=self.name,
                    limit=f"{self.max_chars:,}",
                )
            )
        self.parts.append(data)


def _shared_strings(archive: _Archive, name: str) -> _SharedStrings:
    strings = _SharedStrings(name, archive.limits.max_cell_chars)
    _parse(archive, name, archive.limits.max_shared_strings_bytes, strings)
    return strings


class _Styles(_Handler):
    """Which cell styles show numbers as dates or durations."""

    def __init__(self) -> None:
        self.custom: dict[int, str] = {}
        self.formats: list[int] = []
        self.stack: list[str] = []
        self._dates: set[int] | None = None
        self._durations: set[int] = set()

    def start(self, name: str, attrs: dict[str, str]) -> None:
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        try:
            if name == "numFmt" and parent == "numFmts":
                self.custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif name == "xf" and parent == "cellXfs":
                self.formats.append(int(attrs.get("numFmtId", "0")))
        except ValueError as exc:
            raise FileProblem(
                tr("the workbook's styles are unreadable: {problem}", problem=exc)
            ) from exc

    def end(self, name: str) -> None:
        self.stack.pop()

    def _index(self) -> set[int]:
        if self._dates is None:
            self._dates = set()
            for style, number_format in enumerate(self.formats):
                code = self.custom.get(number_format) or BUILTIN_FORMATS.get(number_format)
                if is_date_format(code):
                    self._dates.add(style)
                if is_timedelta_format(code):
                    self._durations.add(style)
        return self._dates

    def is_date(self, style: int) -> bool:
        return style in self._index()

    def is_duration(self, style: int) -> bool:
        self._index()
        return style in self._durations


def _column(ref: str, limit: int) -> int:
    """The column number of a cell reference (``"AB12"`` → 28); stops counting past ``limit``."""
    number = 0
    for char in ref:
        digit = ord(char) - 64
        if not 1 <= digit <= 26:
            break
        number = number * 26 + digit
        if number > limit:
            break
    return number


class _Sheet(_Handler):
    """Turns a worksheet's XML into rows of values, checking the limits at every element."""

    def __init__(
        self,
        strings: _SharedStrings,
        styles: _Styles,
        epoch: datetime,
        limits: ImportLimits,
    ) -> None:
        self.strings = strings
        self.styles = styles
        self.epoch = epoch
        self.limits = limits
        self.done: list[Row] = []
        self.rows = 0
        self.row = 0
        self.cells: dict[int, Any] = {}
        self.column = 0
        self.count = 0
        self.kind = "n"
        self.style = 0
        self.value: str | None = None
        self.parts: list[str] | None = None
        self.length = 0
        self.inline = False
        self.phonetic = 0
        self.on_start: dict[str, Callable[[dict[str, str]], None]] = {
            "row": self._row,
            "c": self._cell,
            "v": self._collect,
            "is": self._inline,
            "t": self._inline_text,
            "rPh": self._phonetic,
        }

    def start(self, name: str, attrs: dict[str, str]) -> None:
        handle = self.on_start.get(name)
        if handle is not None:
            handle(attrs)

    def _row(self, attrs: dict[str, str]) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows + 1:
            raise FileTooLarge(tr("more than {limit} rows", limit=f"{self.limits.max_rows:,}"))
        ref = attrs.get("r")
        try:
            number = int(ref) if ref is not None else self.row + 1
        except ValueError:
            raise FileProblem(
                tr(
                    "row {row}: not a row number: {value}",
                    row=self.row + 1,
                    value=repr(str(ref)[:20]),
                )
            ) from None
        if number <= self.row:
            raise FileProblem(
                tr("row {row} comes after row {previous}", row=number, previous=self.row)
            )
        self.row, self.cells, self.column, self.count = number, {}, 0, 0

    def _cell(self, attrs: dict[str, str]) -> None:
        limit = self.limits.max_columns
        ref = attrs.get("r")
        self.column = _column(ref, limit) if ref else self.column + 1
        self.count += 1
        if self.column > limit or self.count > limit:
            raise FileProblem(tr("row {row}: more than {limit} columns", row=self.row, limit=limit))
        if self.column < 1:
            raise FileProblem(
                tr("row {row}: not a cell reference: {value}", row=self.row, value=f"{ref!r:.20}")
            )
        self.kind = attrs.get("t", "n")
        style = attrs.get("s")
        try:
            self.style = int(style) if style else 0
        except ValueError:
            raise FileProblem(
                tr("row {row}: not a style number: {value}", row=self.row, value=f"{style!r:.20}")
            ) from None
        self.value, self.parts, self.length = None, None, 0

    def _collect(self, attrs: dict[str, str]) -> None:
        self.parts = []

    def _inline(self, attrs: dict[str, str]) -> None:
        self.inline, self.value = True, ""

    def _inline_text(self, attrs: dict[str, str]) -> None:
        if self.inline and not self.phonetic:
            self.parts = []

    def _phonetic(self, attrs: dict[str, str]) -> None:
        self.phonetic += 1

    def text(self, data: str) -> None:
        if self.parts is None:
            return
        self.length += len(data)
        if self.length > self.limits.max_cell_chars:
            raise FileProblem(
                tr(
                    "row {row}, column {column}: more than {limit} characters",
                    row=self.row,
                    column=self.column,
                    limit=f"{self.limits.max_cell_chars:,}",
                )
            )
        self.parts.append(data)

    def end(self, name: str) -> None:
        if name == "v" and self.parts is not None:
            self.value, self.parts = "".join(self.parts), None
        elif name == "t" and self.parts is not None:
            self.value, self.parts = f"{self.value or ''}{''.join(self.parts)}", None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "is":
            self.inline = False
        elif name == "c":
            if self.value is not None:
                value = self._typed(self.value)
                if value is not None:
                    self.cells[self.column] = value
        elif name == "row" and self.cells:
            values: list[Any] = [None] * max(self.cells)
            for column, value in self.cells.items():
                values[column - 1] = value
            self.done.append((self.row, values))

    def _typed(self, raw: str) -> Any:
        """The value of the cell just read, typed as openpyxl types it."""
        kind = self.kind
        try:
            if kind == "n":
                if not raw:
                    return None
                number: float = float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw)
                if self.styles.is_date(self.style):
                    try:
                        return from_excel(
                            number, self.epoch, timedelta=self.styles.is_duration(self.style)
                        )
                    except (OverflowError, ValueError):
                        return "#VALUE!"
                return number
            if kind == "s":
                return self.strings[int(raw)]
            if kind == "b":
                return bool(int(raw))
            if kind == "d":
                return from_ISO8601(raw)
        except (ValueError, IndexError):
            raise FileProblem(
                tr(
                    "row {row}, column {column}: not a valid {kind} cell: {value}",
                    row=self.row,
                    column=self.column,
                    kind=repr(kind),
                    value=repr(raw[:20]),
                )
            ) from None
        return raw  # "str", "inlineStr", "e": the text as it is
