"""The reader's check on the catalog: every listed product name read as a need would name it.

Each distinct product name of the catalog is read twice by :func:`matching.reading.read_text`,
as a title ``采购X`` and as a notice field ``采购内容：X``, and the readings are written to a
JSON file. Run it on two trees (a ``git worktree`` of the commit before a reader change, with
``PYTHONPATH`` set to it, and the tree after) and compare: a rule that cuts real goods names
shows up as names read differently::

    PYTHONPATH=/tmp/wt_before python scripts/read_catalog_names.py \\
        --catalog ../shared/data/firms.jsonl --out /tmp/names_before.json
    python scripts/read_catalog_names.py --catalog ../shared/data/firms.jsonl \\
        --out /tmp/names_after.json --against /tmp/names_before.json

Prints how many names were read and, with ``--against``, how many read differently and which.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH: a worktree given there wins

from matching.reading import read_text  # noqa: E402


def catalog_names(path: Path) -> list[str]:
    """The distinct product names of a catalog file (``firms.jsonl``), sorted."""
    names: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                names.update(
                    p["name"] for p in json.loads(line).get("products") or [] if p.get("name")
                )
    return sorted(names)


def readings(names: list[str]) -> dict[str, list[list[str]]]:
    """Each name's products read from ``采购X`` and from ``采购内容：X``."""
    return {
        name: [
            [p.text for p in read_text(f"采购{name}").products],
            [p.text for p in read_text("", f"采购内容：{name}").products],
        ]
        for name in names
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--catalog", type=Path, required=True, help="firms.jsonl")
    parser.add_argument("--out", type=Path, required=True, help="where to write the readings")
    parser.add_argument("--against", type=Path, help="readings of another tree to compare with")
    args = parser.parse_args()
    out = readings(catalog_names(args.catalog))
    args.out.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    print(f"{len(out)} names read", file=sys.stderr)
    if args.against:
        before = json.loads(args.against.read_text(encoding="utf-8"))
        changed = [name for name in out if out[name] != before.get(name)]
        print(f"{len(changed)} read differently", file=sys.stderr)
        for name in changed:
            print(
                json.dumps(
                    {"name": name, "before": before.get(name), "after": out[name]},
                    ensure_ascii=False,
                )
            )


if __name__ == "__main__":
    main()
