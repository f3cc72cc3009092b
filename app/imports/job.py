"""An uploaded import as a background job (kind ``import``).

The upload endpoint (API or console) only copies the file into the spool folder (under the
data folder) and enqueues the job; the job reads and checks the file
(:func:`app.imports.staging.stage`), imports it through :func:`app.imports.jobs.run_records`
with the uploader's principal, tells its progress in rows (an all-or-nothing import: the rows
checked, then the rows imported), and deletes the spooled file when it ends. A cancel stops it
at the next batch: an all-or-nothing import then leaves nothing, a partial one keeps the
batches it had committed.

The job's ``result`` is the import summary the endpoint used to answer
(:class:`~app.imports.schemas.ImportSummary`); an all-or-nothing import with bad rows, and a
file that cannot be read, end ``failed`` with the problem (its ``status``, ``detail`` and
``errors``) in the result as well.
"""

import os
import shutil
import uuid
from pathlib import Path
from typing import IO, Any

from app.auth.principal import Principal
from app.errors import ProblemError, problem_record
from app.imports import jobs as import_runs
from app.imports.columns import COLUMNS, ImportKind
from app.imports.report import OUTCOME_WORDS, ImportReport
from app.imports.schemas import ImportSummary
from app.imports.staging import stage
from app.messages import tr
from app.platform import jobs
from app.platform.settings import Settings, data_dir

KIND = "import"
#: How :func:`spool` names an upload kept in the job queue's store.
QUEUE_PREFIX = "queue:"
#: Report lines a console import keeps in its result (the page shows them).
CONSOLE_LINES = 200


def spool_dir(settings: Settings) -> Path:
    """Where uploads wait for their import job."""
    path = data_dir(settings) / "spool"
    path.mkdir(parents=True, exist_ok=True)
    return path


def spool(
    settings: Settings, stream: IO[bytes], filename: str, board: jobs.Board | None = None
) -> str:
    """Keep an upload for its job; the name it is kept under (the job deletes it).

    With a shared job queue (``XIESHOU_JOBS_URL``: Redis or a database, so that a worker on
    another host may run the job) the file waits in the queue's own store (``board``);
    otherwise in the spool folder of the data folder, on this machine."""
    suffix = Path(filename).suffix.lower()[:10]
    name = f"{uuid.uuid4().hex}{suffix}"
    if settings.jobs_url and board is not None:
        board.put_file(name, stream)
        return f"{QUEUE_PREFIX}{name}"
    with open(spool_dir(settings) / name, "wb") as out:
        shutil.copyfileobj(stream, out, 1 << 20)
    return name


def unspool(settings: Settings, spooled: str, board: jobs.Board | None = None) -> None:
    """Drop an upload kept by :func:`spool` (its job will not run)."""
    if spooled.startswith(QUEUE_PREFIX):
        if board is not None:
            board.drop_file(spooled.removeprefix(QUEUE_PREFIX))
    else:
        (spool_dir(settings) / Path(spooled).name).unlink(missing_ok=True)


def payload(
    caller: Principal,
    kind: ImportKind,
    spooled: str,
    filename: str,
    *,
    dry_run: bool,
    partial: bool,
    report: str = "json",
    console: bool = False,
) -> dict[str, Any]:
    """The job's input: who imports what, how."""
    return {
        "kind": kind.value,
        "spooled": spooled,
        "filename": filename,
        "dry_run": dry_run,
        "partial": partial,
        "report": report,
        "console": console,
        "caller": caller.as_record(),
    }


def _lines(report: ImportReport, kind: ImportKind) -> list[dict[str, Any]]:
    words = {k: w[0 if report.written else 1] for k, w in OUTCOME_WORDS.items()}
    headers = {c.key: c.header for c in COLUMNS[kind]}
    lines = sorted(report.lines, key=lambda line: line.row)[:CONSOLE_LINES]
    return [
        {
            "row": line.row,
            "key": line.key,
            "outcome": line.outcome,
            "outcome_words": words.get(line.outcome, line.outcome),
            "field": headers.get(line.field, line.field),
            "reason": line.reason,
        }
        for line in lines
    ]


def run(ctx: jobs.JobContext, data: dict[str, Any]) -> dict[str, Any]:
    """Import the spooled file (the job's handler)."""
    assert ctx.settings is not None
    spooled = str(data["spooled"])
    kind = ImportKind(data["kind"])
    if spooled.startswith(QUEUE_PREFIX):
        # The upload waits in the queue's store: copy it here (this may be another host).
        folder = spool_dir(ctx.settings)
        path = folder / f"{uuid.uuid4().hex}{Path(data['filename']).suffix.lower()[:10]}"
        with open(path, "wb") as out:
            ctx.board_file(spooled.removeprefix(QUEUE_PREFIX), out)
    else:
        path = spool_dir(ctx.settings) / Path(spooled).name
    try:
        return _run(ctx, data, path, kind)
    finally:
        if path.exists():
            os.unlink(path)


def _stop(ctx: jobs.JobContext) -> bool:
    ctx.check_cancelled()  # raises JobCancelled
    return False


def _run(
    ctx: jobs.JobContext, data: dict[str, Any], path: Path, kind: ImportKind
) -> dict[str, Any]:
    ctx.progress(0, None, "reading the file")
    try:
        with open(path, "rb") as stream:
            staged = stage(stream, data["filename"], kind, stop=lambda: _stop(ctx))
    except ProblemError as exc:  # unreadable, too large: nothing was imported
        found = exc.as_record()
        raise jobs.JobFailed(exc.detail, result={"problem": found}) from exc
    total = staged.records
    done = 0
    note = "rows imported"

    def progress(rows: int) -> None:
        nonlocal done
        done += rows
        ctx.progress(done, total, note)
        ctx.check_cancelled()

    def counting(name: str) -> None:
        # An all-or-nothing import checks every row, then writes them: each counted from 0.
        nonlocal done, note
        done, note = 0, name
        ctx.progress(0, total, note)

    ctx.progress(0, total, "rows imported")
    with staged, ctx.sessions() as session:
        report = import_runs.run_records(
            session,
            kind,
            staged.read(stop=lambda: _stop(ctx)),
            caller=Principal.from_record(data["caller"]),
            dry_run=bool(data["dry_run"]),
            partial=bool(data["partial"]),
            progress=progress,
            counting=counting,
        )
    ctx.progress(total, total, "rows imported")
    result: dict[str, Any] = ImportSummary.of(
        report, with_csv=data.get("report") in ("csv", "inline")
    ).model_dump(mode="json")
    if result.get("report_csv") is not None:
        result["report_url"] = f"/api/v1/imports/jobs/{ctx.job_id}/report"
    if data.get("console"):
        result["lines"] = _lines(report, kind)
        result["more_lines"] = max(0, len(report.lines) - CONSOLE_LINES)
    if report.written or report.dry_run:
        return result
    detail = tr("{count} row(s) rejected; nothing was imported", count=report.rejected)
    result["problem"] = problem_record(422, detail)
    raise jobs.JobFailed(detail.zh, result=result)


jobs.register(KIND, run, retries=0)
