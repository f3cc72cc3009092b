"""What an import did, row by row, and its CSV rendering."""

import csv
import io
from dataclasses import dataclass, field
from typing import IO, Literal

from app.imports.rows import RowProblem

Outcome = Literal["created", "updated", "unchanged", "rejected"]
REPORT_HEADER = ("row", "key", "outcome", "field", "reason")
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

    def write_csv(self, out: IO[str]) -> None:
        """The full report, one line per row outcome, problem or note, in row order."""
        writer = csv.writer(out)
        writer.writerow(REPORT_HEADER)
        for line in sorted(self.lines, key=lambda line: line.row):
            writer.writerow(
                [line.row, _safe(line.key), line.outcome, line.field, _safe(line.reason)]
            )

    def to_csv(self) -> str:
        """The full report as CSV text."""
        buffer = io.StringIO()
        self.write_csv(buffer)
        return buffer.getvalue()


def _safe(text: str) -> str:
    """Neutralise spreadsheet formulas (cells starting with = + - @ tab CR)."""
    return "'" + text if text.startswith(_FORMULA_START) else text
