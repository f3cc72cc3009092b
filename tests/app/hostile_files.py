"""Hostile import files, built small: XLSX bombs (tiny packed, huge unpacked) and bad CSVs.

Each builder returns the file's bytes. The XLSX ones are real workbooks as far as their
directory goes (content types, relationships, a worksheet with the firm headers), so a
reader that trusts them gets as far as the bomb.
"""

import io
import struct
import zipfile
from collections.abc import Callable, Iterable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
MB = 1 << 20

HEADERS = ("企业名称", "统一社会信用代码", "企业类型", "行政区划代码")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)

#: Write the pieces of a part, one after the other (a generator, so nothing is held whole).
Pieces = Callable[[], Iterable[bytes]]


def _inline(column: str, row: int, text: str) -> str:
    return f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row() -> bytes:
    """Row 1 of a firms sheet: the template's headers as inline strings."""
    cells = "".join(_inline("ABCD"[i], 1, h) for i, h in enumerate(HEADERS))
    return f'<row r="1">{cells}</row>'.encode()


def workbook(sheet: Pieces, shared_strings: Pieces | None = None) -> bytes:
    """A workbook whose first worksheet (and shared strings) are written piece by piece."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        strings = shared_strings or (lambda: [f'<sst xmlns="{MAIN}"/>'.encode()])
        for name, pieces in (
            ("xl/sharedStrings.xml", strings),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            with archive.open(name, "w", force_zip64=True) as part:
                for piece in pieces():
                    part.write(piece)
    return out.getvalue()


def _sheet(*rows: bytes, before: bytes = b"") -> Pieces:
    start = f'<worksheet xmlns="{MAIN}">'.encode()
    return lambda: [start, before, b"<sheetData>", *rows, b"</sheetData></worksheet>"]


def shared_string_bomb(size: int = 800 * MB) -> bytes:
    """One shared string of ``size`` bytes (800 MB packs to about 800 KB)."""

    def strings() -> Iterable[bytes]:
        yield f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
        for _ in range(size // MB):
            yield b"A" * MB
        yield b"</t></si></sst>"

    return workbook(_sheet(header_row(), b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'), strings)


def dimension_bomb() -> bytes:
    """A few cells in a sheet that declares the largest dimension Excel allows."""
    data = (
        f'<row r="2">{_inline("A", 2, "甲有限公司")}</row>'
        f'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    ).encode()
    return workbook(_sheet(header_row(), data, before=b'<dimension ref="A1:XFD1048576"/>'))


def row_bomb(size: int = 2048 * MB) -> bytes:
    """``size`` bytes of rows (2 GB packs to a few MB)."""
    row = '<row><c t="inlineStr"><is><t>甲有限公司</t></is></c></row>'.encode()
    block = row * (MB // len(row))

    def sheet() -> Iterable[bytes]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        yield header_row()
        for _ in range(size // len(block)):
            yield block
        yield b"</sheetData></worksheet>"

    return workbook(sheet)


def wide_row_bomb(cells: int = 5_000_000) -> bytes:
    """One row of ``cells`` empty cells: one element tree of millions of children."""

    def sheet() -> Iterable[bytes]:
        yield f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        yield header_row()
        yield b'<row r="2">'
        for _ in range(cells // 100_000):
            yield b"<c/>" * 100_000
        yield b"</row></sheetData></worksheet>"

    return workbook(sheet)


def entity_bomb() -> bytes:
    """A sheet with a DTD that expands a few entities into a billion characters."""
    entities = '<!ENTITY a0 "AAAAAAAAAA">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    doctype = f"<!DOCTYPE worksheet [{entities}]>".encode()
    return workbook(
        lambda: [
            b'<?xml version="1.0"?>',
            doctype,
            f'<worksheet xmlns="{MAIN}"><sheetData>'.encode(),
            header_row(),
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>&a9;</t></is></c></row>',
            b"</sheetData></worksheet>",
        ]
    )


def lying_sizes(size: int = 300 * MB, declared: int = 1000) -> bytes:
    """A sheet of ``size`` bytes whose archive says it unpacks to ``declared`` bytes."""
    data = bytearray(row_bomb(size))
    name = b"xl/worksheets/sheet1.xml"
    local = data.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + name_length] == name:
            _patch_size(data, local + 22, local + 30 + name_length, declared)
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == name:
            _patch_size(data, central + 24, central + 46 + name_length, declared)
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _patch_size(data: bytearray, at: int, extra_at: int, declared: int) -> None:
    """Set the uncompressed size at ``at`` (or in its ZIP64 extra field when it says so)."""
    if struct.unpack_from("<L", data, at)[0] == 0xFFFFFFFF:
        # ZIP64: the sizes are in the extra field (id 1): uncompressed size comes first.
        data[extra_at + 4 : extra_at + 12] = struct.pack("<Q", declared)
    else:
        struct.pack_into("<L", data, at, declared)


def many_entries(count: int) -> bytes:
    """A workbook with ``count`` extra empty entries (its ZIP directory grows with them)."""
    base = io.BytesIO(workbook(_sheet(header_row())))
    with zipfile.ZipFile(base, "a", zipfile.ZIP_STORED) as archive:
        for i in range(count):
            archive.writestr(f"x/{i}", b"")
    return base.getvalue()


def zip64_entries(count: int) -> bytes:
    """A workbook whose ZIP64 end record claims ``count`` entries (zipfile believes it)."""
    data = workbook(_sheet(header_row()))
    at = data.rfind(b"PK\x05\x06")
    directory_size, directory_at = struct.unpack_from("<2L", data, at + 12)
    record = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count, directory_size, directory_at
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, at, 1)
    return data[:at] + record + locator + data[at:]


def long_field_csv(chars: int = 200_000) -> bytes:
    """A firms CSV whose second row's name is ``chars`` characters (csv's limit is 131,072)."""
    return f"{','.join(HEADERS)}\n{'甲' * chars},91350100M000100Y43,中小企业,440300\n".encode()


def binary_csv() -> bytes:
    """Bytes that are no text at all (an image, say), uploaded as a CSV."""
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64


def mixed_encoding_csv() -> bytes:
    """A header in UTF-8 and rows in GBK: one file, two encodings."""
    head = f"{','.join(HEADERS)}\n".encode()
    return head + "乙有限公司,91350100M000100Y43,中小企业,440300\n".encode("gbk") + b"\xff\xfe\n"
