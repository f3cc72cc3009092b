"""What an import file may hold, checked while it is read, before any of it is stored.

A file over a limit is refused as a whole, as soon as the reader gets there: 413 for sheer
size (rows, unpacked bytes, compression ratio), 422 for shape (columns, cell length, markup
an .xlsx never has). The XLSX limits bound what an archive may unpack to; they are checked
against the sizes the archive declares before anything is unpacked, and again against the
bytes that come out while it is unpacked.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """The caps on one import file (every format unless the name says XLSX)."""

    #: Records after the header row (Excel's own limit is 1,048,575).
    max_rows: int = 1_000_000
    #: Columns of a row (the templates have fewer than 30).
    max_columns: int = 200
    #: Characters in one cell (Excel's own limit is 32,767).
    max_cell_chars: int = 32_767
    #: XLSX: bytes all the parts that are read may unpack to, together.
    max_unpacked_bytes: int = 1 << 30
    #: XLSX: bytes the shared strings may unpack to (they are held in memory while reading).
    max_shared_strings_bytes: int = 128 << 20
    #: XLSX: bytes any other part that is read (workbook, styles, relationships) may unpack to.
    max_part_bytes: int = 16 << 20
    #: XLSX: unpacked bytes per packed byte of a part larger than 1 MiB (real sheets: ~15).
    max_ratio: int = 100
    #: XLSX: entries in the archive (a workbook has a few dozen).
    max_entries: int = 10_000

    @property
    def max_line_chars(self) -> int:
        """Characters in one line of a CSV or JSONL file: a full row of full cells."""
        return self.max_columns * (self.max_cell_chars + 3)


#: The limits of every import (HTTP and command line).
LIMITS = ImportLimits()
