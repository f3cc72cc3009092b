"""An import as a job that owns its transactions (the command line, the upload endpoint, the
demo loader and the benchmark all run imports through here).

- all-or-nothing (default): one transaction for the whole file, committed only when every
  row is good; a bad row, an error or a kill (Ctrl-C, SIGTERM, a crash) rolls it all back.
  Every row is parsed, checked and planned first without writing (a bad row ends the import
  there, having written nothing); only then does the writing transaction start, checking each
  plan against the database and writing it in bulk, so other writers wait seconds rather than
  the whole import (on SQLite, for its one writer turn);
- ``partial``: each batch of :data:`~app.imports.service.BATCH_SIZE` rows is its own
  transaction; the good rows of a batch are committed together, bad rows are reported and
  skipped. A kill leaves the batches already committed and nothing of the one in flight, so
  re-running the same file finishes the job (re-imported rows come back ``unchanged``);
- ``dry_run``: everything is validated and looked up, nothing is written.

A file is read and checked to its end (:mod:`app.imports.staging`) before its transaction
starts, so reading a large or hostile file never holds a transaction open.
"""

from collections.abc import Callable, Iterable
from typing import IO

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.imports.columns import ImportKind
from app.imports.limits import LIMITS, ImportLimits
from app.imports.readers import RawRecord
from app.imports.report import ImportReport
from app.imports.service import BATCH_SIZE, import_records
from app.imports.staging import stage
from app.notifications import triggers


def run_records(
    session: Session,
    kind: ImportKind,
    records: Iterable[RawRecord],
    *,
    caller: Principal | None = None,
    dry_run: bool = False,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
    counting: Callable[[str], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import ``records`` and commit or roll back as the mode says; returns the report.

    ``progress(rows)`` is called after each batch; with ``counting(note)``, an all-or-nothing
    import tells when its count starts again: rows checked, then rows imported (see
    :func:`~app.imports.service.import_records`).
    """
    try:
        report = import_records(
            session,
            kind,
            records,
            caller=caller,
            dry_run=dry_run,
            partial=partial,
            checkpoint=session.commit,
            progress=progress,
            counting=counting,
            batch_size=batch_size,
        )
    except BaseException:
        session.rollback()
        raise
    if not report.written:
        session.rollback()
    if caller is not None:
        triggers.import_finished(session, caller.organization_id, report)
    session.commit()
    return report


def run_file(
    session: Session,
    kind: ImportKind,
    stream: IO[bytes],
    filename: str,
    *,
    caller: Principal | None = None,
    dry_run: bool = False,
    partial: bool = False,
    progress: Callable[[int], None] | None = None,
    counting: Callable[[str], None] | None = None,
    batch_size: int = BATCH_SIZE,
    limits: ImportLimits = LIMITS,
) -> ImportReport:
    """Import a CSV, XLSX or JSONL file (read and checked whole first) and commit or roll back."""
    with stage(stream, filename, kind, limits=limits) as staged:
        return run_records(
            session,
            kind,
            staged.read(),
            caller=caller,
            dry_run=dry_run,
            partial=partial,
            progress=progress,
            counting=counting,
            batch_size=batch_size,
        )
