"""``xieshou import …``: import a file from the command line, or write a template."""

import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from tqdm import tqdm

from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.report import ImportReport
from app.imports.templates import template_csv, template_xlsx
from app.platform.db import make_engine, make_sessionmaker

#: How many row problems are printed on stderr (the --report file has them all).
SHOWN_PROBLEMS = 20


def import_file(
    database_url: str,
    kind: ImportKind,
    path: Path,
    *,
    dry_run: bool = False,
    partial: bool = False,
    report_path: Path | None = None,
    progress: bool = True,
) -> ImportReport:
    """Import ``path`` into the database at ``database_url`` (the command's code path)."""
    engine = make_engine(database_url)
    try:
        session = make_sessionmaker(engine)()
        with (
            path.open("rb") as stream,
            tqdm(
                desc=f"{kind.value} {path.name}",
                unit=" rows",
                file=sys.stderr,
                disable=not progress,
                mininterval=0.5,
            ) as bar,
        ):
            try:
                report = jobs.run_file(
                    session,
                    kind,
                    stream,
                    path.name,
                    dry_run=dry_run,
                    partial=partial,
                    progress=bar.update,
                    counting=lambda note: _restart(bar, f"{kind.value} {path.name} ({note})"),
                )
            finally:
                session.close()
    finally:
        engine.dispose()
    if report_path is not None:
        report_path.write_bytes(report.to_csv_bytes())
    return report


_KIND_WORDS = {"firms": "企业", "profiles": "能力画像", "needs": "需求"}


def _restart(bar: Any, description: str) -> None:
    """Count again from 0 under ``description`` (an all-or-nothing import's second pass)."""
    bar.reset()
    bar.set_description_str(description)


def describe(report: ImportReport) -> str:
    """A one-paragraph summary for people (Chinese, like the report)."""
    kind = _KIND_WORDS.get(report.kind, report.kind)
    counts = f"新建 {report.created} 行、更新 {report.updated} 行、未变 {report.unchanged} 行"
    if report.written:
        head = f"{kind}：共 {report.rows} 行，已写入：{counts}，拒绝 {report.rejected} 行"
    elif report.dry_run:
        head = (
            f"{kind}：共 {report.rows} 行，试运行，未写入任何数据；"
            f"正式导入将{counts}，拒绝 {report.rejected} 行"
        )
    else:
        head = (
            f"{kind}：共 {report.rows} 行，有 {report.rejected} 行被拒绝，未写入任何数据"
            f"（全部成功才写入）。修正后重新导入将{counts}；"
            "或加 --partial 只导入合格行"
        )
    lines = [head]
    for problem in report.problems[:SHOWN_PROBLEMS]:
        lines.append(f"  第 {problem.row} 行 {problem.field}：{problem.reason}")
    if len(report.problems) > SHOWN_PROBLEMS:
        lines.append(f"  … 另有 {len(report.problems) - SHOWN_PROBLEMS} 处问题（见 --report）")
    return "\n".join(lines)


def run_command(
    database_url: str,
    kind: str,
    file: str,
    *,
    dry_run: bool,
    partial: bool,
    report: str | None,
) -> int:
    """The ``xieshou import KIND FILE`` command; exit status 1 when rows were rejected."""
    from app.errors import ProblemError

    path = Path(file)
    if not path.is_file():
        print(f"error: no file {file}", file=sys.stderr)
        return 2
    try:
        result = import_file(
            database_url,
            ImportKind(kind),
            path,
            dry_run=dry_run,
            partial=partial,
            report_path=Path(report) if report else None,
        )
    except ProblemError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    print(describe(result), file=sys.stderr)
    url = make_url(database_url).render_as_string(hide_password=True)
    if result.written and (result.created or result.updated):
        print(f"stored in {url}", file=sys.stderr)
    return 1 if result.rejected else 0


def write_template(kind: str, fmt: str, output: str | None) -> int:
    """``xieshou import template KIND``: write the template to ``output`` (default: stdout for
    CSV, ``xieshou-KIND-template.xlsx`` for XLSX)."""
    data = template_csv(ImportKind(kind)) if fmt == "csv" else template_xlsx(ImportKind(kind))
    if output is None and fmt == "csv":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    target = Path(output or f"xieshou-{kind}-template.{fmt}")
    target.write_bytes(data)
    print(f"wrote {target}", file=sys.stderr)
    return 0
