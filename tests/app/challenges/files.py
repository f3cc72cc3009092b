"""Small real files of each accepted type, and hostile ones (bombs, polyglots, huge images)."""

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

MB = 1 << 20

_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def pdf() -> bytes:
    """A one-page PDF (enough of one for its magic bytes and structure)."""
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG of ``width`` × ``height`` grey pixels (or just its header when huge)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(min(height, 4)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int = 16, height: int = 16) -> bytes:
    """A JPEG's header up to its frame (SOF0) with the given size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def docx(document: bytes = b"<w:document/>") -> bytes:
    """A minimal DOCX."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("word/document.xml", document)
    return out.getvalue()


def xlsx() -> bytes:
    """A real workbook (openpyxl)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单价", 12.5])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx_bomb(size: int = 300 * MB) -> bytes:
    """A DOCX whose document unpacks to ``size`` bytes of zeros (300 MB packs to ~300 KB)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(size // MB):
                part.write(b"\x00" * MB)
    return out.getvalue()


def png_with_zip() -> bytes:
    """A polyglot: a real PNG with a DOCX appended (opens as an image and as an archive)."""
    return png() + docx()


def zip_after_pdf() -> bytes:
    """A polyglot: a PDF header in front of a DOCX archive."""
    return pdf() + docx()


def executable() -> bytes:
    """A Windows executable's first bytes (named 方案.pdf in the tests)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
