"""Response bodies of the import endpoints."""

from pydantic import BaseModel, Field

from app.imports.report import ImportReport

#: How many row problems the JSON summary lists (the CSV report has them all).
MAX_ERRORS = 100


class RowError(BaseModel):
    """One problem with one row: the row number as seen in the file, the column, the reason."""

    row: int = Field(examples=[7])
    field: str = Field(examples=["uscc"])
    reason: str = Field(examples=["not a valid 统一社会信用代码: check character is 4, expected 3"])


class ImportCounts(BaseModel):
    """How many rows would be created, updated or left unchanged."""

    created: int
    updated: int
    unchanged: int


class ImportSummary(BaseModel):
    """What an import did. ``written`` is false for a dry run and for an all-or-nothing
    import with bad rows: then nothing was stored, ``created``/``updated``/``unchanged`` are
    0, and ``would_have`` says what the accepted rows would have done."""

    kind: str
    dry_run: bool
    partial: bool
    written: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    would_have: ImportCounts | None = Field(
        default=None,
        description="when nothing was written: what the accepted rows would have done",
    )
    errors: list[RowError] = Field(description=f"the first {MAX_ERRORS} row problems")
    errors_truncated: bool
    report_csv: str | None = Field(
        default=None, description="the full per-row report, when asked for with report=inline"
    )

    @classmethod
    def of(cls, report: ImportReport, *, with_csv: bool = False) -> "ImportSummary":
        """Summarise a report."""
        would = report.would_have
        return cls(
            kind=report.kind,
            dry_run=report.dry_run,
            partial=report.partial,
            written=report.written,
            rows=report.rows,
            created=0 if would else report.created,
            updated=0 if would else report.updated,
            unchanged=0 if would else report.unchanged,
            rejected=report.rejected,
            would_have=ImportCounts(**would) if would else None,
            errors=[
                RowError(row=p.row, field=p.field, reason=p.reason)
                for p in report.problems[:MAX_ERRORS]
            ],
            errors_truncated=len(report.problems) > MAX_ERRORS,
            report_csv=report.to_csv(bom=False) if with_csv else None,
        )
