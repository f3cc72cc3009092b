"""Benchmark bulk import: N firms, then N capability profiles, through the CLI's code path.

    .venv/bin/python scripts/bench_import.py --rows 100000
    .venv/bin/python scripts/bench_import.py --rows 100000 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Generates a firms CSV and a profiles CSV in a temporary folder, imports them into a fresh SQLite
file (and, with ``--postgres``, into a fresh database ``xieshou_bench`` created on that server
and dropped afterwards), then re-imports the profiles (all ``unchanged``; ``--no-again`` skips
it). Prints one JSON object per import on stdout; progress goes to stderr. ``--repeat N`` does
it all N times on fresh databases and adds one ``"median"`` line per import. ``cpu_s`` is this
process's CPU time (the importer's own work, less sensitive than ``seconds`` to other load on a
shared machine; the database server's share is not in it).

On SQLite each line also tells how long the import kept other writers out: a probe thread
asks for the database's writer turn (``BEGIN IMMEDIATE`` with no busy wait) every 20 ms
while the import runs; ``lock_max_s`` is the longest stretch in which every ask was refused,
``lock_s`` the time refused in all (what a concurrent writer would have waited at most).
"""

import argparse
import csv
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.chains.command import seed
from app.imports.columns import ImportKind
from app.imports.command import import_file
from app.migrate import upgrade
from app.reference.tables import industries, regions
from app.reference.uscc import uscc_check_char

PRODUCTS = [
    "压力传感器",
    "MEMS芯片",
    "精密轴承",
    "伺服电机",
    "锂电池隔膜",
    "光刻胶",
    "碳纤维",
    "减速器",
    "PCB",
    "连接器",
    "液压阀",
    "工业相机",
    "激光器",
    "模具钢",
    "密封件",
    "车规级MCU",
]
CERTS = ["IATF 16949", "ISO 9001", "ISO 14001", "AS9100D", "ISO 13485"]


def uscc(i: int, region: str) -> str:
    body = f"91{region}{i:09d}"
    return body + uscc_check_char(body)


def generate(folder: Path, rows: int, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    city_codes = [c for c, r in regions().items() if r.level == 2 and r.name != "市辖区"]
    small = [c for c, i in industries().items() if i.level == 4]
    firms, profiles = folder / "firms.csv", folder / "profiles.csv"
    with (
        firms.open("w", encoding="utf-8", newline="") as f,
        profiles.open("w", encoding="utf-8", newline="") as p,
    ):
        fw, pw = csv.writer(f), csv.writer(p)
        fw.writerow(
            [
                "企业名称",
                "统一社会信用代码",
                "外部编号",
                "企业类型",
                "行政区划代码",
                "行业代码",
                "梯度",
                "梯度年份",
                "简介",
                "联系人",
                "联系电话",
                "电子邮箱",
            ]
        )
        pw.writerow(["统一社会信用代码", "主要产品", "核心技术", "资质认证", "产能", "服务区域"])
        for i in range(rows):
            region = rng.choice(city_codes)
            code = uscc(i + 1, region)
            fw.writerow(
                [
                    f"测试{i}精密制造有限公司",
                    code,
                    f"B{i:07d}",
                    "中小企业",
                    region,
                    "、".join(rng.sample(small, 2)),
                    rng.choice(["专精特新", "小巨人", "创新型"]),
                    rng.choice([2021, 2022, 2023]),
                    "精密零部件研发与制造",
                    "王经理",
                    "0755-88880000",
                    f"sales{i}@example.cn",
                ]
            )
            products = rng.sample(PRODUCTS, 3)
            pw.writerow(
                [
                    code,
                    f"{products[0]}:0.5、{products[1]}:0.3、{products[2]}",
                    "精密加工；表面处理",
                    f"{rng.choice(CERTS)}:2027-06-30",
                    "年产 50 万件",
                    region[:2] + "0000",
                ]
            )
    return firms, profiles


class LockProbe:
    """How long a SQLite database's writer turn was held by others (see the module's text)."""

    def __init__(self, path: str, every_s: float = 0.02) -> None:
        self.path = path
        self.every_s = every_s
        self.longest_s = 0.0
        self.total_s = 0.0
        self.asks = 0
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        busy_since: float | None = None
        last = time.perf_counter()
        try:
            while not self._stop.is_set():
                now = time.perf_counter()
                self.asks += 1
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("ROLLBACK")
                    free = True
                except sqlite3.OperationalError:
                    free = False
                    self.refused += 1
                if free:
                    if busy_since is not None:
                        self.longest_s = max(self.longest_s, now - busy_since)
                    busy_since = None
                else:
                    self.total_s += now - last
                    if busy_since is None:
                        busy_since = now
                last = now
                self._stop.wait(self.every_s)
            if busy_since is not None:
                self.longest_s = max(self.longest_s, time.perf_counter() - busy_since)
        finally:
            conn.close()

    def start(self) -> "LockProbe":
        """Start asking."""
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        """Stop asking; the figures."""
        self._stop.set()
        self._thread.join()
        return {"lock_max_s": round(self.longest_s, 2), "lock_s": round(self.total_s, 2)}


@contextmanager
def lock_probe(url: str) -> Iterator[dict[str, float]]:
    """Probe the writer turn of the SQLite database at ``url`` during the block; the figures
    are put into the yielded dict at its end (nothing for another database)."""
    figures: dict[str, float] = {}
    if not url.startswith("sqlite:///"):
        yield figures
        return
    probe = LockProbe(url.removeprefix("sqlite:///")).start()
    try:
        yield figures
    finally:
        figures.update(probe.stop())


def bench(
    db: str,
    url: str,
    files: dict[ImportKind, Path],
    rows: int,
    *,
    chain_map: bool,
    again: bool = True,
) -> list[dict[str, object]]:
    upgrade(url)
    if chain_map:  # as after `xieshou demo`: every imported profile is placed on the map too
        seed(url, place=False)
    runs = [(ImportKind.firms, ""), (ImportKind.profiles, "")]
    if again:
        runs.append((ImportKind.profiles, "again"))
    lines: list[dict[str, object]] = []
    for kind, note in runs:
        with lock_probe(url) as held:
            start, cpu = time.perf_counter(), time.process_time()
            report = import_file(url, kind, files[kind])
            seconds = time.perf_counter() - start
            cpu_s = time.process_time() - cpu
        if not report.written or report.rejected:
            raise SystemExit(f"import failed: {report.problems[:5]}")
        out: dict[str, object] = {
            "db": db,
            "kind": kind.value,
            "rows": rows,
            "seconds": round(seconds, 2),
            "cpu_s": round(cpu_s, 2),
            "rows_per_s": round(rows / seconds),
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            **held,
        }
        if note:
            out["run"] = "re-import"
        if chain_map:
            out["chain_map"] = "seed"
        print(json.dumps(out), flush=True)
        lines.append(out)
    return lines


def medians(lines: list[dict[str, object]], repeat: int) -> None:
    """One line per database and import with the median of its ``repeat`` runs."""
    groups: dict[tuple[object, ...], list[dict[str, object]]] = {}
    for line in lines:
        groups.setdefault((line["db"], line["kind"], line.get("run")), []).append(line)
    for group in groups.values():
        out = dict(group[0])
        for key in ("seconds", "cpu_s", "lock_max_s", "lock_s"):
            if key in out:
                out[key] = round(statistics.median(float(str(g[key])) for g in group), 2)
        out["rows_per_s"] = round(int(str(out["rows"])) / float(str(out["seconds"])))
        out["median_of"] = repeat
        print(json.dumps(out), flush=True)


def bench_postgres(
    server_url: str,
    database: str,
    files: dict[ImportKind, Path],
    args: argparse.Namespace,
    run: int,
) -> list[dict[str, object]]:
    """The same imports into a fresh PostgreSQL database (dropped afterwards)."""
    server = make_url(server_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        url = server.set(database=database).render_as_string(hide_password=False)
        return bench(
            "postgresql", url, files, args.rows, chain_map=args.chain_map, again=not args.no_again
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (any database on it)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs (a median line when > 1)")
    parser.add_argument(
        "--database", default="xieshou_bench", help="the PostgreSQL database to create and drop"
    )
    parser.add_argument(
        "--chain-map",
        action="store_true",
        help="load the seed chain map first, so imports also place every profile",
    )
    parser.add_argument(
        "--no-again", action="store_true", help="skip the re-import of the profiles (unchanged)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"generating {args.rows} firms and profiles …", file=sys.stderr)
        firms, profiles = generate(folder, args.rows)
        files = {ImportKind.firms: firms, ImportKind.profiles: profiles}
        lines: list[dict[str, object]] = []
        for run in range(args.repeat):
            if not args.no_sqlite:
                lines += bench(
                    "sqlite",
                    f"sqlite:///{folder / f'bench{run}.db'}",
                    files,
                    args.rows,
                    chain_map=args.chain_map,
                    again=not args.no_again,
                )
            if args.postgres:
                lines += bench_postgres(args.postgres, args.database, files, args, run)
        if args.repeat > 1:
            medians(lines, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
