"""Import files over the limits are refused quickly, whole, in bounded memory, and reading a
file holds up no other writer (issue 14, finding 3).

The hostile workbooks are the attack run's: one 800 MB shared string, a sheet declaring
``A1:XFD1048576``, 2 GB of rows; with others of their kind (a sheet lying about its size, a
row of millions of cells, an entity bomb, an archive of thousands of entries).
"""

import io
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from sqlalchemy import Engine, func, select

from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.limits import ImportLimits
from app.imports.problems import FileProblem, FileTooLarge
from app.imports.readers import read_records
from app.imports.xlsx import read_rows
from app.models import Organization, Role
from app.platform.db import make_sessionmaker
from tests.app import hostile_files as hostile
from tests.app.factories import bearer, issue_key, make_uscc
from tests.app.jobs.wait import run_job, wait_for_job
from tests.app.servers import running_server

MB = 1 << 20
#: How much a server's resident memory may grow while it refuses the hostile files.
RSS_BOUND = 300 * MB
#: How long refusing one hostile file may take (the attack run saw > 120 s and 40 s).
QUICK_S = 5.0

FIRMS_HEADER = ",".join(hostile.HEADERS)


def _stage_error(data: bytes, filename: str, limits: ImportLimits | None = None) -> Exception:
    with pytest.raises((FileTooLarge, FileProblem)) as caught:
        list(read_records(io.BytesIO(data), filename, ImportKind.firms, limits or ImportLimits()))
    return caught.value


@pytest.mark.parametrize(
    ("build", "limits", "status", "says"),
    [
        (lambda: hostile.shared_string_bomb(200 * MB), None, 413, "sharedStrings.xml unpacks to"),
        (lambda: hostile.row_bomb(64 * MB), None, 413, "sheet1.xml is packed"),
        (
            lambda: hostile.row_bomb(8 * MB),
            ImportLimits(max_unpacked_bytes=4 * MB),
            413,
            "sheet1.xml unpacks to",
        ),
        (hostile.dimension_bomb, None, 422, "row 1048576: more than 200 columns"),
        (lambda: hostile.wide_row_bomb(200_000), None, 422, "row 2: more than 200 columns"),
        (hostile.entity_bomb, None, 422, "declares a DTD"),
        (lambda: hostile.lying_sizes(32 * MB), None, 422, "sheet1.xml cannot be unpacked"),
        (lambda: hostile.many_entries(300), ImportLimits(max_entries=200), 413, "306 entries"),
        (lambda: hostile.zip64_entries(3_000_000), None, 413, "3,000,000 entries"),
    ],
    ids=[
        "shared-string",
        "ratio",
        "unpacked",
        "dimension",
        "wide-row",
        "entities",
        "lying-size",
        "entries",
        "zip64-entries",
    ],
)
def test_hostile_workbooks_are_refused_naming_the_problem(
    build: Callable[[], bytes], limits: ImportLimits | None, status: int, says: str
) -> None:
    data = build()
    started = time.monotonic()
    error = _stage_error(data, "firms.xlsx", limits)
    assert time.monotonic() - started < QUICK_S
    assert getattr(error, "status", None) == status
    assert says in str(error)


def _sheet(*rows: Sequence[object]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_rows_columns_and_cell_length_are_capped_in_every_format() -> None:
    limits = ImportLimits(max_rows=3, max_columns=6, max_cell_chars=50)
    line = f"甲有限公司,{make_uscc()},中小企业,440300"
    four_rows = f"{FIRMS_HEADER}\n" + f"{line}\n" * 4
    assert "more than 3 rows" in str(_stage_error(four_rows.encode(), "f.csv", limits))
    many_rows = [list(hostile.HEADERS)] + [["甲有限公司", make_uscc(), "中小企业", 440300]] * 4
    assert "more than 3 rows" in str(_stage_error(_sheet(*many_rows), "f.xlsx", limits))
    jsonl = '{"企业名称": "甲"}\n' * 5
    assert "more than 3 rows" in str(_stage_error(jsonl.encode(), "f.jsonl", limits))

    wide = ",".join([*hostile.HEADERS, "简介", "网址", "联系人"])
    assert "7 columns; at most 6" in str(_stage_error(f"{wide}\n".encode(), "f.csv", limits))
    wide_sheet = _sheet(list(hostile.HEADERS), ["甲", make_uscc(), "中小企业", 440300, 1, 2, 3])
    assert "row 2: more than 6 columns" in str(_stage_error(wide_sheet, "f.xlsx", limits))

    long_cell = f"{FIRMS_HEADER}\n{'甲' * 51},{make_uscc()},中小企业,440300\n"
    error = _stage_error(long_cell.encode(), "f.csv", limits)
    assert "row 2, column name: longer than 50 characters" in str(error)
    long_sheet = _sheet(list(hostile.HEADERS), ["甲" * 51, make_uscc(), "中小企业", 440300])
    assert "more than 50 characters" in str(_stage_error(long_sheet, "f.xlsx", limits))
    # A line longer than a row can be is refused before it is read whole.
    endless = f"{FIRMS_HEADER}\n" + "甲" * 10_000
    assert "line 2 is longer than" in str(_stage_error(endless.encode(), "f.csv", limits))


def test_the_xlsx_reader_reads_what_openpyxl_reads() -> None:
    """The streaming reader types every cell as openpyxl does (it replaced openpyxl's reader)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["名称", "整数", "日期", "布尔", "小数", "时刻", "时长"])
    sheet.append(["甲", 12, date(2027, 3, 31), True, 0.5, clock(12, 30), timedelta(hours=30)])
    sheet.append([None, -3, datetime(2027, 3, 31, 10, 0), False, 1e20, None, None])
    sheet["C3"].number_format = "yyyy-mm-dd hh:mm"
    sheet.append(["=1+1", "x" * 300, "", None, "乙"])
    sheet["A5"] = CellRichText("粗", TextBlock(InlineFont(b=True), "体"))
    sheet.cell(row=9, column=8, value="远处")
    workbook.create_sheet("说明").append(["不读这一页"])
    out = io.BytesIO()
    workbook.save(out)
    data = out.getvalue()

    ours = list(read_rows(io.BytesIO(data), ImportLimits()))
    theirs = []
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            theirs.append((number, values))
    book.close()
    assert ours == theirs
    assert ours[-1] == (9, [None] * 7 + ["远处"])


def test_an_xlsx_import_still_imports(engine: Engine) -> None:
    uscc = make_uscc()
    data = _sheet(list(hostile.HEADERS), ["甲有限公司", uscc, "中小企业", "440300"])
    with make_sessionmaker(engine)() as session:
        report = jobs.run_file(session, ImportKind.firms, io.BytesIO(data), "f.xlsx")
    assert (report.created, report.rejected) == (1, 0)


# --- over HTTP, against a real server ----------------------------------------------------


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[str]:
    """``xieshou serve`` (one worker, which says its process id) on the test database."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("XIESHOU_WORKER_HEADER", "true")
        with running_server(database_url) as base:
            yield base


def _memory(pid: int, field: str) -> int:
    """``VmRSS`` or ``VmHWM`` (peak) of process ``pid``, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} for {pid}")


class MemoryWatch:
    """Samples a process's resident memory; kills it (failing the test, sparing the machine)
    if it grows past ``bound``."""

    def __init__(self, pid: int, bound: int) -> None:
        self.pid = pid
        self.limit = _memory(pid, "VmRSS") + bound
        self.peak = 0
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.wait(0.02):
            try:
                rss = _memory(self.pid, "VmRSS")
            except (OSError, AssertionError):
                return
            self.peak = max(self.peak, rss)
            if rss > self.limit:
                self.killed = True
                os.kill(self.pid, signal.SIGKILL)
                return

    def __enter__(self) -> "MemoryWatch":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


HOSTILE = {
    "shared-string-800MB.xlsx": hostile.shared_string_bomb,
    "dimension-XFD1048576.xlsx": hostile.dimension_bomb,
    "rows-2GB.xlsx": hostile.row_bomb,
    "lying-size.xlsx": hostile.lying_sizes,
    "wide-row.xlsx": hostile.wide_row_bomb,
    "entities.xlsx": hostile.entity_bomb,
}


@pytest.mark.slow
def test_hostile_files_are_refused_quickly_in_bounded_memory(server: str, engine: Engine) -> None:
    admin = bearer(issue_key(engine, Role.admin, None))
    with httpx.Client(base_url=server, headers=admin, timeout=60) as client:
        fine = _sheet(list(hostile.HEADERS), ["甲有限公司", make_uscc(), "中小企业", "440300"])
        warm = client.post("/api/v1/imports/firms", files={"file": ("f.xlsx", fine)})
        run_job(client, warm, admin)
        pid = int(warm.headers["X-Xieshou-Worker"])  # its job runs in this process too
        for name, build in HOSTILE.items():
            data = build()
            with MemoryWatch(pid, RSS_BOUND) as watch:
                started = time.monotonic()
                try:
                    answer = client.post("/api/v1/imports/firms", files={"file": (name, data)})
                    job = wait_for_job(client, answer, admin, timeout_s=120)
                finally:
                    took = time.monotonic() - started
            assert not watch.killed, f"{name}: the server grew past {RSS_BOUND // MB} MB"
            assert job["status"] == "failed", (name, job)
            problem = job["result"]["problem"]
            assert problem["status"] in (413, 422), (name, problem)
            assert problem["errors"][0]["field"] == "file", name
            assert took < QUICK_S, f"{name}: {took:.1f} s"
        # Still serving, and nothing of the hostile files was stored.
        assert client.get("/healthz").status_code == 200
    with engine.connect() as db:
        assert db.scalar(select(func.count()).select_from(Organization)) == 1


def _slow_csv(rows: int) -> bytes:
    """A firms CSV of ``rows`` good rows and then one the limits refuse (a cell too long):
    long to read, and refused only at its end."""
    lines = [FIRMS_HEADER]
    lines += [f"企业{i},{make_uscc()},中小企业,440300" for i in range(rows)]
    lines.append(f"{'甲' * 40_000},{make_uscc()},中小企业,440300")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.slow
def test_reading_an_upload_holds_up_no_other_write(server: str, engine: Engine) -> None:
    # The 4.8 KB workbook kept the SQLite write transaction for minutes: others got 500s.
    # Now the upload is answered 202 at once and its job reads the file meanwhile.
    admin = bearer(issue_key(engine, Role.admin, None))
    data = _slow_csv(300_000)
    answered: list[float] = []

    def upload() -> None:
        with httpx.Client(base_url=server, headers=admin, timeout=120) as client:
            response = client.post("/api/v1/imports/firms", files={"file": ("f.csv", data)})
            job = wait_for_job(client, response, admin, timeout_s=120)
            answered.append(time.monotonic())
            assert job["status"] == "failed", job
            assert job["result"]["problem"]["status"] == 422

    importer = threading.Thread(target=upload)
    importer.start()
    time.sleep(1.0)  # the upload is in, and its job is reading it
    sent = time.monotonic()
    with httpx.Client(base_url=server, headers=admin, timeout=120) as client:
        write = client.post(
            "/api/v1/organizations",
            json={
                "kind": "sme",
                "name": "乙有限公司",
                "uscc": make_uscc(),
                "region_code": "440300",
            },
        )
        wrote = time.monotonic()
    importer.join()
    assert write.status_code == 201, write.text
    write_s, import_left_s = wrote - sent, answered[0] - sent
    assert import_left_s > 0.5, "the file was read too quickly to tell"
    assert write_s < import_left_s / 2, f"the write took {write_s:.2f} s of {import_left_s:.2f} s"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow
def test_an_import_stops_when_its_job_is_cancelled(server: str, engine: Engine) -> None:
    # A 5.8 MB workbook kept the server busy after its client had left. An import is a job
    # now, which goes on without its client, and stops when it is cancelled.
    admin = bearer(issue_key(engine, Role.admin, None))
    pid = int(httpx.get(f"{server}/healthz").headers["X-Xieshou-Worker"])
    data = _slow_csv(400_000)
    with httpx.Client(base_url=server, headers=admin, timeout=60) as client:
        started = client.post("/api/v1/imports/firms", files={"file": ("f.csv", data)})
        wait_for_job(client, started, admin, until={"running"})
        cancel = client.post(started.headers["location"] + "/cancel")
        assert cancel.status_code == 202, cancel.text
        job = wait_for_job(client, started, admin, timeout_s=10)
    assert job["status"] == "cancelled", job
    before = _cpu_seconds(pid)
    time.sleep(2.0)
    busy = _cpu_seconds(pid) - before
    assert busy < 0.5, f"the server still used {busy:.2f} s of CPU in 2 s"
