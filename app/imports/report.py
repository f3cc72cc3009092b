"""What an import did, row by row, and its CSV rendering (the one writer for the API and CLI).

The CSV speaks Chinese (行号, 标识, 结果, 字段, 说明; a field is named by its column header in
the templates) and starts with a BOM so that Excel reads it as UTF-8. When nothing was
written (a dry run, or an all-or-nothing import with a bad row) a row's 结果 says what it
*would* have done, never that it was created.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import IO, Literal

from app.imports.rows import RowProblem

Outcome = Literal["created", "updated", "unchanged", "rejected"]
REPORT_HEADER = ("行号", "标识", "结果", "字段", "说明")
#: 结果 of a row, when the import was written and when it was not.
OUTCOME_WORDS: dict[Outcome, tuple[str, str]] = {
    "created": ("新建", "将新建（未写入）"),
    "updated": ("更新", "将更新（未写入）"),
    "unchanged": ("未变", "未变"),
    "rejected": ("拒绝", "拒绝"),
}
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(slots=True)
class ReportLine:
    """One line of the report: a row's outcome, or one problem or note about it."""

    row: int
    key: str
    outcome: Outcome
    field: str = ""
    reason: str = ""


@dataclass
class ImportReport:
    """Counts, the problems found, and whether the writes were kept.

    ``written`` is False for a dry run and for an all-or-nothing import that found a bad row:
    the caller then rolls back, and the counts say what *would* have happened.
    """

    kind: str
    dry_run: bool
    partial: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    batches_committed: int = 0
    lines: list[ReportLine] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows read (blank rows are skipped and not counted)."""
        return self.created + self.updated + self.unchanged + self.rejected

    @property
    def written(self) -> bool:
        """Are the changes kept (committed by the caller)?"""
        return not self.dry_run and (self.partial or self.rejected == 0)

    def add(self, line: ReportLine) -> None:
        """Count a row's outcome and keep its line."""
        if line.outcome == "created":
            self.created += 1
        elif line.outcome == "updated":
            self.updated += 1
        elif line.outcome == "unchanged":
            self.unchanged += 1
        self.lines.append(line)

    def reject(self, row: int, key: str, problems: list[RowProblem]) -> None:
        """Count a rejected row and keep each of its problems."""
        self.rejected += 1
        self.problems.extend(problems)
        for problem in problems:
            self.lines.append(ReportLine(row, key, "rejected", problem.field, problem.reason))

    def note(self, row: int, key: str, outcome: Outcome, field: str, reason: str) -> None:
        """A remark on an accepted row (e.g. its region was inferred from its name)."""
        self.lines.append(ReportLine(row, key, outcome, field, reason))

    @property
    def would_have(self) -> dict[str, int] | None:
        """What the accepted rows would have done, when nothing was written; else ``None``."""
        if self.written:
            return None
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def write_csv(self, out: IO[str], *, bom: bool = True) -> None:
        """The full report, one line per row outcome, problem or note, in row order."""
        if bom:
            out.write(BOM)
        writer = csv.writer(out)
        writer.writerow(REPORT_HEADER)
        headers = _headers(self.kind)
        shown = 0 if self.written else 1
        for line in sorted(self.lines, key=lambda line: line.row):
            writer.writerow(
                [
                    line.row,
                    _safe(line.key),
                    OUTCOME_WORDS[line.outcome][shown],
                    headers.get(line.field, line.field),
                    _safe(line.reason),
                ]
            )

    def to_csv(self, *, bom: bool = True) -> str:
        """The full report as CSV text, with a BOM first unless ``bom`` is False."""
        buffer = io.StringIO()
        self.write_csv(buffer, bom=bom)
        return buffer.getvalue()

    def to_csv_bytes(self) -> bytes:
        """The report as a file: UTF-8 with a BOM (what the API answers and the CLI writes)."""
        return self.to_csv().encode("utf-8")


def _headers(kind: str) -> dict[str, str]:
    """Column key → the Chinese header of the templates, for the report's 字段."""
    from app.imports.columns import COLUMNS, ImportKind

    if kind not in ImportKind.__members__:
        return {}
    return {column.key: column.header for column in COLUMNS[ImportKind(kind)]}


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas (cells starting with = + - @ tab CR)."""
    return "'" + text if text.startswith(_FORMULA_START) else text
