"""Build the demo data shipped in ``app/demo/data`` from the shared data folder (run once).

    .venv/bin/python -m app.demo.build /work/shared/data

Writes ``catalog.jsonl.gz`` (every firm with its cleaned products: accounting lines such as
平衡项目, 分部间抵销, 其他 removed by :func:`matching.catalog.clean_products`) and
``needs.jsonl.gz`` (demo supply needs derived from the ``upstream`` chain links). The output is
deterministic: the same input gives the same bytes.
"""

import csv
import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from app.demo.rules import firm_kind
from matching.catalog import clean_products

DATA = Path(__file__).parent / "data"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: How many large firms get demo needs, and at most how many needs each.
NEED_FIRMS = 12
NEEDS_PER_FIRM = 3


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


def _needs(source: Path, firms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    inputs: dict[str, list[str]] = defaultdict(list)
    with (source / "product_chain_links.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["relation"] == "upstream" and len(row["related_product"]) <= 100:
                inputs[row["product"]].append(row["related_product"])
    candidates = []
    for firm in firms:
        if firm_kind(firm["code"], firm["list_date"]) != "large_firm":
            continue
        linked = [(name, w or 0.0) for name, w in firm["products"] if inputs.get(name)]
        if linked:
            candidates.append((-len(linked), firm["code"], firm, linked))
    candidates.sort(key=lambda c: (c[0], c[1]))
    needs: list[dict[str, Any]] = []
    for _n, code, _firm, linked in candidates[:NEED_FIRMS]:
        linked.sort(key=lambda item: (-item[1], item[0]))
        made = 0
        for product, _w in linked:
            for material in sorted(set(inputs[product]))[:1]:
                status = "draft" if (len(needs) % 5) == 4 else "open"
                needs.append(
                    {
                        "external_id": code,
                        "title": f"采购{material}（用于{product}）",
                        "kind": "supply",
                        "status": status,
                        "products": [material],
                        "application": product,
                        "description": f"用于{product}生产，寻求{material}配套供应商。",
                    }
                )
                made += 1
            if made >= NEEDS_PER_FIRM:
                break
    return needs


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)
    path.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    """Build the data files from ``argv[0]`` (default ``/work/shared/data``)."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0] if args else "/work/shared/data")
    firms = _catalog(source)
    needs = _needs(source, firms)
    _write(DATA / "catalog.jsonl.gz", firms)
    _write(DATA / "needs.jsonl.gz", needs)
    print(f"{len(firms)} firms, {len(needs)} needs → {DATA}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
