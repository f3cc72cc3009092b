"""Build the demo data shipped in ``app/demo/data`` from the shared data folder (run once).

    .venv/bin/python -m app.demo.build /work/shared/data

Writes ``catalog.jsonl.gz``: every firm with its cleaned products (accounting lines such as
平衡项目, 分部间抵销, 其他 removed by :func:`matching.catalog.clean_products`). The output is
deterministic: the same input gives the same bytes. The demo's needs, regions, contacts and
session are written by hand in :mod:`app.demo.story`, not built from the data.
"""

import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

from matching.catalog import clean_products

DATA = Path(__file__).parent / "data"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _printable(name: str) -> str:
    # a few source names end in DEL (U+007F); the API refuses control characters in names
    return _CONTROL.sub("", name)


def _catalog(source: Path) -> list[dict[str, Any]]:
    firms = []
    with (source / "firms.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            raw = json.loads(line)
            products = [
                [_printable(p.name), round(min(p.weight, 1.0), 4) if p.weight is not None else None]
                for p in clean_products(raw.get("products") or [])
                if len(p.name) <= 100
            ]
            firms.append(
                {
                    "code": raw["code"],
                    "short_name": raw.get("short_name") or "",
                    "full_name": raw.get("full_name") or raw.get("short_name") or raw["code"],
                    "list_date": raw.get("list_date") or "",
                    "sw_industry": (raw.get("sw_industry") or {}).get("name") or "",
                    "products": products[:200],
                }
            )
    return firms


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    """Build the data files from ``argv[0]`` (default ``/work/shared/data``)."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0] if args else "/work/shared/data")
    firms = _catalog(source)
    _write(DATA / "catalog.jsonl.gz", firms)
    print(f"{len(firms)} firms → {DATA}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
