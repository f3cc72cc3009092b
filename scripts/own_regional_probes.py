"""Write the project's own regional-word probes: a catalog product asked for by its Taiwan name.

Usage::

    .venv/bin/python scripts/own_regional_probes.py --catalog ../shared/data/firms.jsonl \
        --out /tmp/own_regional.jsonl
    .venv/bin/python scripts/evaluate.py --catalog ../shared/data/firms.jsonl \
        --queries /tmp/own_regional.jsonl

How they are made (2026-12-04, issue 13): for each pair of OpenCC's Taiwan phrase table
(``TWPhrasesRev.txt`` of the PyPI package ``opencc-python-reimplemented`` 0.1.7, Apache-2.0)
whose mainland word, simplified, is inside a product name listed by catalog firms, the most
listed such name of at most three characters more (the word itself, or a name with it as a
part: 激光 → 激光器) is asked for with the Taiwan word in its place, once in traditional
characters as the table writes it and once simplified. Relevant: the firms listing that
name exactly. The mainland words were chosen from the shipped table (goods a buyer may ask
for) after it was built, and scored before the table was used by ``matching/variants.py``;
nothing was tuned on them afterwards. Pairs
the tests use are not among them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from own_synonym_probes import load_firms, probe_need  # noqa: E402

from matching.tokenize import normalize  # noqa: E402

PAIRS: tuple[str, ...] = (
    # the mainland words probed (a goods word of the shipped regional_names.tsv.gz)
    "服务器",
    "激光",
    "打印机",
    "传感",
    "芯片",
    "硅",
    "二极管",
    "笔记本电脑",
    "自行车",
    "方便面",
    "软件",
    "硬盘",
    "连接器",
    "适配器",
    "空气净化器",
    "触摸屏",
)
EXTRA = 3
"""A probed name has at most this many characters more than the mainland word."""


def taiwan_words() -> dict[str, str]:
    """Simplified mainland word → the Taiwan word, in traditional characters as written."""
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("opencc-python-reimplemented is not installed: pip install -e '.[data]'")
    path = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "TWPhrasesRev.txt"
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        regional, _, mainland = line.partition("\t")
        for word in mainland.split():
            out.setdefault(normalize(word), regional)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, required=True, help="firms.jsonl")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    firms = load_firms(args.catalog)
    listed = Counter(n for _, names in firms for n in names if n)
    taiwan = taiwan_words()
    written = 0
    with args.out.open("w", encoding="utf-8") as out:
        for n, mainland in enumerate(PAIRS):
            regional = taiwan.get(mainland)
            found = [
                (count, name)
                for name, count in listed.items()
                if mainland in name and len(name) <= len(mainland) + EXTRA
            ]
            if not regional or not found:
                continue
            name = max(found, key=lambda x: (x[0], -len(x[1]), x[1]))[1]
            relevant = sorted(code for code, ns in firms if name in ns)
            for script, word in (("t", regional), ("s", normalize(regional))):
                asked = name.replace(mainland, word, 1)
                row = {
                    "id": f"own-{n:02d}{script}-regional",
                    "need": probe_need(asked),
                    "relevant": relevant,
                }
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                written += 1
    print(json.dumps({"needs": written, "pairs": len(PAIRS)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
