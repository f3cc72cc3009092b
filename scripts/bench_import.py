"""Benchmark bulk import: N firms, then N capability profiles, through the CLI's code path.

    .venv/bin/python scripts/bench_import.py --rows 100000
    .venv/bin/python scripts/bench_import.py --rows 100000 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres

Generates a firms CSV and a profiles CSV in a temporary folder, imports them into a fresh SQLite
file (and, with ``--postgres``, into a fresh database ``xieshou_bench`` created on that server
and dropped afterwards), then re-imports the profiles (all ``unchanged``). Prints one JSON object
per import on stdout; progress goes to stderr.
"""

import argparse
import csv
import json
import random
import sys
import tempfile
import time
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


def bench(db: str, url: str, files: dict[ImportKind, Path], rows: int, *, chain_map: bool) -> None:
    upgrade(url)
    if chain_map:  # as after `xieshou demo`: every imported profile is placed on the map too
        seed(url, place=False)
    runs = [(ImportKind.firms, ""), (ImportKind.profiles, ""), (ImportKind.profiles, "again")]
    for kind, note in runs:
        start = time.perf_counter()
        report = import_file(url, kind, files[kind])
        seconds = time.perf_counter() - start
        if not report.written or report.rejected:
            raise SystemExit(f"import failed: {report.problems[:5]}")
        out = {
            "db": db,
            "kind": kind.value,
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds),
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if note:
            out["run"] = "re-import"
        if chain_map:
            out["chain_map"] = "seed"
        print(json.dumps(out), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (any database on it)")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument(
        "--chain-map",
        action="store_true",
        help="load the seed chain map first, so imports also place every profile",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"generating {args.rows} firms and profiles …", file=sys.stderr)
        firms, profiles = generate(folder, args.rows)
        files = {ImportKind.firms: firms, ImportKind.profiles: profiles}
        if not args.no_sqlite:
            bench(
                "sqlite",
                f"sqlite:///{folder / 'bench.db'}",
                files,
                args.rows,
                chain_map=args.chain_map,
            )
        if args.postgres:
            server = make_url(args.postgres)
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("DROP DATABASE IF EXISTS xieshou_bench"))
                conn.execute(text("CREATE DATABASE xieshou_bench"))
            try:
                url = server.set(database="xieshou_bench").render_as_string(hide_password=False)
                bench("postgresql", url, files, args.rows, chain_map=args.chain_map)
            finally:
                with admin.connect() as conn:
                    conn.execute(text("DROP DATABASE IF EXISTS xieshou_bench WITH (FORCE)"))
                admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
