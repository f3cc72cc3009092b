"""What an uploaded file really is, read from its bytes (never its name), with bounded memory.

Accepted: PDF, DOCX, XLSX, PNG and JPEG. Refused with a clear reason:

- anything else (an ``.exe`` named ``方案.pdf`` is not a PDF);
- a polyglot: an image or PDF that also carries a ZIP directory (it would open as an archive
  too), or an archive with bytes before its first entry (a file that is two things at once);
- an Office file whose ZIP directory is too large, declares more unpacked bytes than the
  limits or an unlikely compression ratio (a zip bomb), or unpacks to more than it declared
  (checked while streaming every entry through a small buffer, so a lying archive costs at
  most the limit in CPU and nothing in memory); one without its main part;
- an image larger in pixels than the limit, read from its header (PNG ``IHDR``, JPEG
  ``SOFn``) before any pixel is decoded.
"""

import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"

#: What each accepted type is called to a person.
TYPE_NAMES = {PDF: "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)", PNG: "PNG", JPEG: "JPEG"}

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_ZIP_LOCAL = b"PK\x03\x04"
_ZIP_END = b"PK\x05\x06"
_EOCD = struct.Struct("<4s4H2LH")
_CHUNK = 64 << 10
_RATIO_FLOOR = 1 << 20
#: JPEG start-of-frame markers (C4, C8 and CC are other things).
_LIED = "压缩包解压后大于其声明的大小（疑似压缩炸弹），不予接收"
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True, slots=True)
class ContentLimits:
    """What an attachment's content may be."""

    #: Pixels of an image (width × height): 40 megapixels, a large camera photo.
    max_pixels: int = 40_000_000
    #: Width or height of an image.
    max_side: int = 20_000
    #: Entries in a DOCX/XLSX archive.
    max_entries: int = 2_000
    #: Bytes all the entries of a DOCX/XLSX may unpack to.
    max_unpacked_bytes: int = 200 << 20
    #: Unpacked bytes per packed byte of an entry over 1 MiB unpacked.
    max_ratio: int = 100


class Refused(Exception):
    """The file is not accepted; ``reason`` says why in Chinese, ``too_large`` for 413."""

    def __init__(self, reason: str, *, too_large: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.too_large = too_large


def identify(stream: IO[bytes], size: int, limits: ContentLimits) -> str:
    """The media type of the seekable ``stream`` (``size`` bytes), or :class:`Refused`."""
    stream.seek(0)
    head = stream.read(32)
    if head.startswith(b"%PDF-"):
        _no_zip_inside(stream, size, "PDF")
        return PDF
    if head.startswith(_PNG_MAGIC):
        _no_zip_inside(stream, size, "PNG")
        _png_size(head, limits)
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        _no_zip_inside(stream, size, "JPEG")
        _jpeg_size(stream, limits)
        return JPEG
    if head.startswith(_ZIP_LOCAL):
        return _office(stream, size, limits)
    if _ZIP_END in _tail(stream, size):
        raise Refused("文件开头不是压缩包，结尾却有压缩包目录（多重格式文件），不予接收")
    raise Refused("只接收 PDF、Word (DOCX)、Excel (XLSX)、PNG、JPEG 文件（按文件内容判断）")


def _tail(stream: IO[bytes], size: int) -> bytes:
    back = min(size, _EOCD.size + 0xFFFF)
    stream.seek(size - back)
    data = stream.read(back)
    stream.seek(0)
    return data


def _no_zip_inside(stream: IO[bytes], size: int, kind: str) -> None:
    if _ZIP_END in _tail(stream, size):
        raise Refused(f"这个 {kind} 文件同时是一个压缩包（多重格式文件），不予接收")


def _png_size(head: bytes, limits: ContentLimits) -> None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        raise Refused("PNG 文件头不完整")
    width, height = struct.unpack(">II", head[16:24])
    _check_pixels(width, height, limits)


def _jpeg_size(stream: IO[bytes], limits: ContentLimits) -> None:
    stream.seek(2)
    for _ in range(10_000):  # markers before the frame header; a real file has a dozen
        byte = stream.read(1)
        while byte == b"\xff":
            byte = stream.read(1)
        if not byte:
            break
        marker = byte[0]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            break
        (length,) = struct.unpack(">H", length_bytes)
        if marker in _SOF:
            frame = stream.read(5)
            if len(frame) < 5:
                break
            height, width = struct.unpack(">HH", frame[1:5])
            stream.seek(0)
            _check_pixels(width, height, limits)
            return
        if length < 2:
            break
        stream.seek(length - 2, 1)
    raise Refused("JPEG 文件头不完整：找不到图像尺寸")


def _check_pixels(width: int, height: int, limits: ContentLimits) -> None:
    if width == 0 or height == 0:
        raise Refused("图像尺寸为零")
    if max(width, height) > limits.max_side or width * height > limits.max_pixels:
        raise Refused(
            f"图像过大：{width}×{height} 像素，最多 {limits.max_pixels // 1_000_000} 百万像素、"
            f"边长 {limits.max_side}",
            too_large=True,
        )


def _office(stream: IO[bytes], size: int, limits: ContentLimits) -> str:
    tail = _tail(stream, size)
    at = tail.rfind(_ZIP_END)
    if at < 0 or at + _EOCD.size > len(tail):
        raise Refused("压缩包已损坏：找不到目录")
    _, _, _, _, entries, directory_size, directory_at, _ = _EOCD.unpack_from(tail, at)
    if entries > limits.max_entries or directory_size > limits.max_entries * 1024:
        raise Refused(f"压缩包条目过多：{entries} 个，最多 {limits.max_entries} 个", too_large=True)
    end_at = size - len(tail) + at
    if directory_at + directory_size != end_at:
        raise Refused("压缩包前后夹带了其他内容（多重格式文件），不予接收")
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Refused("压缩包已损坏，无法读取") from exc
    with archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise Refused("压缩包中有重名条目，不予接收")
        first = min((i.header_offset for i in infos), default=0)
        if first != 0:
            raise Refused("压缩包前夹带了其他内容（多重格式文件），不予接收")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unpacked_bytes:
            raise Refused(_bomb(declared, limits), too_large=True)
        for info in infos:
            # Deflate never grows data by more than a few bytes per block: more packed than
            # unpacked bytes means the declared size is a lie.
            if info.compress_size > info.file_size + info.file_size // 100 + 1024:
                raise Refused(_LIED, too_large=True)
            if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_ratio * max(
                info.compress_size, 1
            ):
                raise Refused(_bomb(declared, limits), too_large=True)
        if "word/document.xml" in names:
            kind = DOCX
        elif "xl/workbook.xml" in names:
            kind = XLSX
        else:
            raise Refused("只接收 Word (DOCX) 与 Excel (XLSX) 压缩格式的文档")
        if "[Content_Types].xml" not in names:
            raise Refused("不是有效的 Office 文档：缺少 [Content_Types].xml")
        total = 0
        for info in infos:
            total += _unpack(archive, info, limits.max_unpacked_bytes - total)
    stream.seek(0)
    return kind


def _unpack(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Stream one entry through a small buffer; its real unpacked size, within its
    declared size and the budget left."""
    seen = 0
    cap = min(info.file_size, budget)
    try:
        with archive.open(info) as entry:
            while chunk := entry.read(_CHUNK):
                seen += len(chunk)
                if seen > cap:
                    raise Refused(
                        "压缩包解压后远大于其声明的大小（压缩炸弹），不予接收", too_large=True
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # zipfile stops at the declared size and then finds the checksum wrong: the entry
        # unpacks to more than it says (a damaged last block reads the same; both are refused).
        if seen + _CHUNK >= info.file_size and "CRC" in str(exc):
            raise Refused(_LIED, too_large=True) from exc
        raise Refused(f"压缩包条目 {info.filename[:100]} 已损坏或已加密") from exc
    return seen


def _bomb(declared: int, limits: ContentLimits) -> str:
    return (
        f"压缩包解压后有 {declared / (1 << 20):.0f} MB 或压缩比异常（疑似压缩炸弹），"
        f"最多接收 {limits.max_unpacked_bytes >> 20} MB"
    )
