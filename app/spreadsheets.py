"""Sheets of cells as files: CSV and XLSX out, a file's text encoding in.

Shared by every export (sessions, campaigns, challenges, the chain map) and by the importers,
below all of them. Every text cell that a spreadsheet would read as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab or CR) gets a leading apostrophe, so a firm's name cannot run
code in Excel.
"""

import codecs
import csv
import io
from dataclasses import dataclass
from typing import IO
from urllib.parse import quote

from app.errors import InvalidInput
from app.messages import tr

Cell = str | int | float | None
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class Sheet:
    """A table of cells with a header row."""

    title: str
    header: list[str]
    rows: list[list[Cell]]


def neutralize(value: Cell) -> Cell:
    """Text that a spreadsheet would evaluate, made literal with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(sheet: Sheet) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralize(h) for h in sheet.header])
    for row in sheet.rows:
        writer.writerow(["" if c is None else neutralize(c) for c in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _width(value: Cell) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def to_xlsx(sheet: Sheet) -> bytes:
    """One sheet, header row frozen, columns wide enough for their text (capped)."""
    # openpyxl is imported when a workbook is made, not at start-up (0.2 s a worker)
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet.title
    ws.append([neutralize(h) for h in sheet.header])
    for row in sheet.rows:
        ws.append([neutralize(c) for c in row])
    ws.freeze_panes = "A2"
    for i, title in enumerate(sheet.header):
        widest = max([_width(title)] + [_width(r[i]) for r in sheet.rows])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(max(widest + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def content_disposition(filename: str, fallback: str, *, inline: bool = False) -> str:
    """``attachment`` with an ASCII fallback and the real (Chinese) name per RFC 5987."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


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
        raise InvalidInput("file", tr("the upload must be seekable"))  # pragma: no cover
    stream.seek(start)
    return encoding
