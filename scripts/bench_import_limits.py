"""Hostile import files against a real server: how long each takes to refuse, and its memory.

    .venv/bin/python scripts/bench_import_limits.py
    .venv/bin/python scripts/bench_import_limits.py --postgres

Runs ``xieshou serve`` (one worker) on a scratch database, imports one small workbook to warm
it up, then uploads each hostile file of ``tests/app/hostile_files.py`` (the XLSX bombs of the
attack run in issue 14 and bad CSVs) to ``POST /api/v1/imports/firms``. Prints one JSON object
per file: its packed size, the answer's status and detail, seconds to the answer, and the
server's resident memory (sampled every 10 ms) above what it was before the upload.
"""

import argparse
import io
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from bench_support import admin_key, running_server, scratch_database, server_env
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.app import hostile_files as hostile

MB = 1 << 20
FILES: dict[str, Callable[[], bytes]] = {
    "shared-string-800MB.xlsx": hostile.shared_string_bomb,
    "dimension-XFD1048576.xlsx": hostile.dimension_bomb,
    "rows-2GB.xlsx": hostile.row_bomb,
    "lying-size-300MB.xlsx": hostile.lying_sizes,
    "wide-row-5M-cells.xlsx": hostile.wide_row_bomb,
    "entities.xlsx": hostile.entity_bomb,
    "zip64-3M-entries.xlsx": lambda: hostile.zip64_entries(3_000_000),
    "field-200K.csv": hostile.long_field_csv,
    "binary.csv": hostile.binary_csv,
    "mixed-encodings.csv": hostile.mixed_encoding_csv,
}


def rss(pid: int) -> int:
    """Resident memory of ``pid`` in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no process {pid}")


def peak_while(pid: int, done: threading.Event) -> list[int]:
    """Start sampling ``pid``'s memory until ``done``; the list gets the peak at the end."""
    peak = [0]

    def sample() -> None:
        while not done.wait(0.01):
            peak[0] = max(peak[0], rss(pid))

    threading.Thread(target=sample, daemon=True).start()
    return peak


def small_workbook() -> bytes:
    workbook = Workbook()
    workbook.active.append(list(hostile.HEADERS))
    workbook.active.append(["甲有限公司", "91350100M000100Y43", "中小企业", "440300"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database")
    args = parser.parse_args()
    with scratch_database("postgresql" if args.postgres else "sqlite") as url:
        cli = [sys.executable, "-m", "app.cli", "db", "upgrade"]
        subprocess.run(cli, env=server_env(url), check=True, capture_output=True)
        key = admin_key(url)
        with (
            running_server(url) as server,
            httpx.Client(
                base_url=server.base, headers={"Authorization": f"Bearer {key}"}, timeout=300
            ) as client,
        ):
            pid = server.proc.pid
            warm = client.post(
                "/api/v1/imports/firms", files={"file": ("w.xlsx", small_workbook())}
            )
            warm.raise_for_status()
            for name, build in FILES.items():
                data = build()
                before = rss(pid)
                done = threading.Event()
                peak = peak_while(pid, done)
                started = time.perf_counter()
                answer = client.post("/api/v1/imports/firms", files={"file": (name, data)})
                seconds = time.perf_counter() - started
                done.set()
                time.sleep(0.02)
                result = {
                    "file": name,
                    "packed_bytes": len(data),
                    "status": answer.status_code,
                    "seconds": round(seconds, 3),
                    "rss_before_mb": round(before / MB, 1),
                    "rss_growth_mb": round((max(peak[0], before) - before) / MB, 1),
                    "detail": answer.json().get("detail"),
                }
                print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
