"""Bulk upsert of firms, capability profiles and supply needs, in batches: the batch driver.

Each batch of rows is validated with the API's schemas (:mod:`app.imports.rows`), its keys are
looked up in one query per table, and its writes go out as a few bulk statements (COPY on
PostgreSQL, executemany on SQLite: :mod:`app.imports.bulk`), not one ORM flush per row. Each
kind has its importer: :mod:`app.imports.firms`, :mod:`app.imports.profiles`,
:mod:`app.imports.needs` (their shared part: :mod:`app.imports.importer`); the domain rules
they apply are the domains' own ``rules`` modules, as the API's.

Identity (what makes a re-import ``unchanged`` rather than a duplicate):

- a firm is its 统一社会信用代码, or its 外部编号 (``external_id``); when a row gives both and
  they belong to two different organizations the row is rejected;
- a profile is its SME's (one profile per SME);
- a need is its large firm plus its title.

Empty cells keep the stored value; an import never clears a field.

This module only flushes. The transaction is the caller's (see :mod:`app.imports.jobs`): the
service says, through :attr:`ImportReport.written`, whether the writes are to be kept, and
calls ``checkpoint`` after each batch in ``partial`` mode so the caller can commit it.

On SQLite, an all-or-nothing import works in two passes, so that it holds the database's one
writer turn only while it writes, not while it parses (PostgreSQL lets other writers in while
an import writes, so there it keeps the one pass, which costs less):

1. every batch is parsed, validated, looked up and planned (:meth:`Importer.plan`), writing
   nothing; the plans go to a temporary file. A bad row ends the import here: nothing was
   written and no writer was kept waiting;
2. the writing transaction starts (on SQLite ``BEGIN IMMEDIATE``), and each plan is checked
   (its lookups read again) and written in bulk.

Should a record a plan read have changed in between (someone edited it), the second pass
stops, rolls back, and the import runs once more as one pass holding the writer turn from
its first lookup (the records are taken from the temporary file), so it cannot fail twice
for that reason. Partial imports and dry runs keep their one pass: a partial import writes
each batch in its own short transaction already.
"""

import gc
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import IO

from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.imports.columns import ImportKind
from app.imports.firms import FirmImporter
from app.imports.importer import Importer, Plan
from app.imports.needs import NeedImporter
from app.imports.profiles import ProfileImporter
from app.imports.readers import RawRecord
from app.imports.report import ImportReport
from app.imports.rows import PARSERS, ParsedRow, RowProblem, code, external_id
from app.platform import changes

#: Rows per batch: one lookup and a few bulk statements each; in ``partial`` mode, one commit.
BATCH_SIZE = 2000

# The importers by their former names (tests and callers patch ``service._FirmImporter``).
_FirmImporter = FirmImporter
_ProfileImporter = ProfileImporter
_NeedImporter = NeedImporter


def _batched(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


_IMPORTERS: dict[ImportKind, type[Importer]] = {
    ImportKind.firms: FirmImporter,
    ImportKind.profiles: ProfileImporter,
    ImportKind.needs: NeedImporter,
}


#: What the change log calls the records each kind of import writes.
_CHANGED = {
    ImportKind.firms: changes.ORGANIZATION,
    ImportKind.profiles: changes.PROFILE,
    ImportKind.needs: changes.NEED,
}


def _raw_key(record: RawRecord) -> str:
    uscc = code(record.values.get("uscc"))
    return str(uscc or external_id(record.values.get("external_id")) or "")


_paused = 0
_paused_lock = threading.Lock()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No automatic garbage collection while an import runs (restored after it).

    An import allocates millions of short-lived objects while the process holds large
    long-lived ones (the reference tables, the placement model, the staged report); each
    full collection walks all of them, which cost more than half of an import's time. The
    import's own garbage is freed by reference counting; what cycles it leaves are collected
    after it.
    """
    global _paused
    with _paused_lock:
        _paused += 1
        if _paused == 1:
            gc.disable()
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0:
                gc.enable()


def import_records(
    session: Session,
    kind: ImportKind,
    records: Iterable[RawRecord],
    *,
    caller: Principal | None,
    dry_run: bool = False,
    partial: bool = False,
    checkpoint: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
    counting: Callable[[str], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Validate and upsert ``records``; the report says what happened to every row.

    Nothing is written on a dry run, nor after the first bad row unless ``partial`` (the
    caller rolls back what was flushed: see :attr:`ImportReport.written`). With ``partial``,
    ``checkpoint`` is called after each batch that wrote something, to commit it. The ids
    written (created or updated) are logged in the change log, in one multi-row insert per
    transaction, so the matching index catches up on exactly those records; a rolled-back
    import logs nothing. ``caller`` is None for
    the command line; organizers import only firms they registered (new firms are registered
    by them).

    ``progress(rows)`` is called after each batch. An all-or-nothing import goes through the
    rows twice (see the module's text): with ``counting``, it calls ``counting(CHECKED)``
    and ``counting(IMPORTED)`` before each pass (a count starts again at each); without it, only the
    first pass counts rows and the second calls ``progress(0)`` after each batch (a chance for
    the caller to stop it, as after each batch of the first).
    """
    with _collector_paused():
        return _import(
            session,
            kind,
            records,
            caller=caller,
            dry_run=dry_run,
            partial=partial,
            checkpoint=checkpoint,
            progress=progress,
            counting=counting,
            batch_size=batch_size,
        )


def _import(
    session: Session,
    kind: ImportKind,
    records: Iterable[RawRecord],
    *,
    caller: Principal | None,
    dry_run: bool,
    partial: bool,
    checkpoint: Callable[[], None] | None,
    progress: Callable[[int], None] | None,
    counting: Callable[[str], None] | None,
    batch_size: int,
) -> ImportReport:
    report = ImportReport(kind=kind.value, dry_run=dry_run, partial=partial)
    importer = _IMPORTERS[kind](session, caller, report)
    if dry_run or partial or not _one_writer_at_a_time(session):
        # PostgreSQL lets other writers in while an import writes (rows, not the database,
        # are locked), so the two passes would only cost it their second lookups.
        importer.prepare = not dry_run
        pending = _single_pass(
            importer, kind, records, checkpoint=checkpoint, progress=progress, size=batch_size
        )
        return _log(session, kind, caller, report, pending)
    with tempfile.TemporaryFile() as spool, tempfile.TemporaryFile() as kept:
        if counting is not None:
            counting(CHECKED)
        batches, writes = _plan_all(importer, kind, records, spool, kept, progress, batch_size)
        if not report.written or not writes:
            # a bad row, or nothing new: nothing is written, the writer turn never taken
            return _log(session, kind, caller, report, [])
        if counting is not None:
            counting(IMPORTED)
        _begin_writing(session)
        applied = _apply_all(importer, spool, batches, progress if counting else _checks(progress))
        if applied is not None:
            return _log(session, kind, caller, report, applied)
        # A record the plans read was changed meanwhile: plan and write again, this time
        # holding the writer turn from the first lookup to the end.
        session.rollback()
        report = ImportReport(kind=kind.value, dry_run=False, partial=False)
        importer = _IMPORTERS[kind](session, caller, report)
        if counting is not None:
            counting(IMPORTED)
        _begin_writing(session)
        pending = _single_pass(
            importer,
            kind,
            _kept_records(kept, batches),
            checkpoint=None,
            progress=progress if counting else _checks(progress),
            size=batch_size,
        )
        return _log(session, kind, caller, report, pending)


#: What an all-or-nothing import's progress counts, first and then (``counting``).
CHECKED = "rows checked"
IMPORTED = "rows imported"


def _parse(kind: ImportKind, report: ImportReport, batch: list[RawRecord]) -> list[ParsedRow]:
    """The rows of ``batch`` that pass the schema; the others are rejected in ``report``."""
    parse = PARSERS[kind]
    parsed: list[ParsedRow] = []
    for record in batch:
        if record.error is not None:
            problem = RowProblem(record.row, record.field, record.error)
            report.reject(record.row, _raw_key(record), [problem])
            continue
        result = parse(record.row, record.values)
        if isinstance(result, list):
            report.reject(record.row, _raw_key(record), result)
        else:
            parsed.append(result)
    return parsed


def _single_pass(
    importer: Importer,
    kind: ImportKind,
    records: Iterable[RawRecord],
    *,
    checkpoint: Callable[[], None] | None,
    progress: Callable[[int], None] | None,
    size: int,
) -> list[int]:
    """Parse, plan and write batch after batch (a dry run only plans); the ids written and not
    yet logged (``partial``: each batch is logged and ``checkpoint``\\ ed)."""
    report, session = importer.report, importer.session
    entity = _CHANGED[kind]
    pending: list[int] = []
    for batch in _batched(records, size):
        parsed = _parse(kind, report, batch)
        write = not report.dry_run and (report.partial or report.rejected == 0)
        if importer.run(parsed, write=write):
            pending.extend(importer.written)
            if report.partial and checkpoint is not None:
                changes.record_many(session, entity, pending)
                session.flush()
                checkpoint()
                report.batches_committed += 1
                pending = []
        if progress is not None:
            progress(len(batch))
    return pending


def _plan_all(
    importer: Importer,
    kind: ImportKind,
    records: Iterable[RawRecord],
    spool: IO[bytes],
    kept: IO[bytes],
    progress: Callable[[int], None] | None,
    size: int,
) -> tuple[int, bool]:
    """Parse and plan every batch, writing nothing; the plans are pickled into ``spool`` (with
    their batch's size), the records into ``kept`` (should the import have to begin again).
    Returns how many batches, and whether any plan writes a row.

    Planning stops writing plans once a row is rejected (nothing will be written), but every
    row is still checked so that the report names them all.
    """
    batches, writes = 0, False
    importer.remember_reads = True
    for batch in _batched(records, size):
        parsed = _parse(kind, importer.report, batch)
        plan = importer.plan(parsed)
        if importer.report.rejected == 0:
            pickle.dump((len(batch), plan), spool, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(batch, kept, protocol=pickle.HIGHEST_PROTOCOL)
            batches += 1
            writes = writes or plan.writes_anything()
        else:
            importer.prepare = False
        if progress is not None:
            progress(len(batch))
    return batches, writes


def _spooled(spool: IO[bytes], batches: int) -> Iterator[tuple[int, Plan]]:
    spool.seek(0)
    for _ in range(batches):
        # Our own temporary file, written by _plan_all in this process.
        rows, plan = pickle.load(spool)  # noqa: S301
        yield rows, plan


def _kept_records(kept: IO[bytes], batches: int) -> Iterator[RawRecord]:
    kept.seek(0)
    for _ in range(batches):
        yield from pickle.load(kept)  # noqa: S301 (as _spooled)


def _apply_all(
    importer: Importer,
    spool: IO[bytes],
    batches: int,
    progress: Callable[[int], None] | None,
) -> list[int] | None:
    """Check each plan against the database and write it; the ids written, or ``None`` when
    a plan no longer holds (a record it read was changed since: nothing is to be kept)."""
    written: list[int] = []
    for rows, plan in _spooled(spool, batches):
        if plan.writes_anything() and not importer.unchanged_since(plan):
            return None
        if importer.apply(plan):
            written.extend(importer.written)
        if progress is not None:
            progress(rows)
    return written


def _checks(progress: Callable[[int], None] | None) -> Callable[[int], None] | None:
    """A progress callback that only gives the caller its chance to stop the import (a cancel
    check), without counting rows again."""
    if progress is None:
        return None
    return lambda _rows: progress(0)


def _one_writer_at_a_time(session: Session) -> bool:
    """Does the database let only one transaction write at a time (SQLite)?"""
    return session.get_bind().dialect.name == "sqlite"


def _begin_writing(session: Session) -> None:
    """Start the writing transaction; on SQLite take the writer turn now (``BEGIN IMMEDIATE``,
    waiting for it as any writer does), so that nobody writes between a plan's check and its
    writes. Nothing to do when the session already writes (or, should it be called there, on
    another database: only SQLite's imports go in two passes)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and not getattr(raw, "in_transaction", True):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _log(
    session: Session,
    kind: ImportKind,
    caller: Principal | None,
    report: ImportReport,
    pending: list[int],
) -> ImportReport:
    """Log the ids written in the change log, audit the import, flush; the report."""
    if pending and report.written:
        changes.record_many(session, _CHANGED[kind], pending)
    if report.written and (report.created or report.updated):
        audit.record(
            session,
            caller,
            f"import.{kind.value}",
            "import",
            None,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
        )
    session.flush()
    return report
