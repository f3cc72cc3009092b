"""What reading a need and finding name variants cost, on the dev benchmark files.

Prints one JSON object per stage:

- ``dictionary``: loading the shipped name dictionary (seconds; resident memory growth, MB);
- ``reading`` (one per file): :func:`matching.reading.read_text` per need, first call and
  cached, p50/p99 in ms;
- ``variants``: :meth:`matching.variants.NameVariants.of` for each wanted term read, over a
  :class:`~matching.SupplierIndex` of the catalog (as a shortlist meets a term it has not
  seen), first call per term, p50/p99 in ms.

Usage::

    python scripts/bench_reading.py --catalog ../shared/data/firms.jsonl \\
        --queries ../shared/data/bench/need_supplier_dev_freetext.jsonl \\
        ../shared/data/bench/probe_dev_notice.jsonl
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluate import load_catalog

from matching import SupplierIndex
from matching.reading import read_text
from matching.variants import name_dictionary


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ms(samples: list[float]) -> dict[str, float]:
    arr = np.array(samples) * 1000
    return {
        "p50_ms": round(float(np.percentile(arr, 50)), 4),
        "p99_ms": round(float(np.percentile(arr, 99)), 4),
    }


def _needs(path: Path) -> list[tuple[str, str]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            need = json.loads(line)["need"]
            out.append((need.get("title", ""), need.get("description", "")))
    return out


def main() -> None:
    """Run the stages and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, required=True, help="firms.jsonl")
    parser.add_argument("--queries", type=Path, nargs="+", required=True, help="bench .jsonl")
    args = parser.parse_args()

    before, started = _rss_mb(), time.perf_counter()
    name_dictionary()
    print(
        json.dumps(
            {
                "stage": "dictionary",
                "s": round(time.perf_counter() - started, 3),
                "rss_growth_mb": round(_rss_mb() - before, 1),
            }
        )
    )

    all_terms: list[str] = []
    for path in args.queries:
        needs = _needs(path)
        first, cached = [], []
        for title, description in needs:
            t = time.perf_counter()
            reading = read_text(title, description)
            first.append(time.perf_counter() - t)
            t = time.perf_counter()
            read_text(title, description)
            cached.append(time.perf_counter() - t)
            all_terms.extend(p.text for p in reading.products)
        print(
            json.dumps(
                {
                    "stage": "reading",
                    "file": path.name,
                    "n": len(needs),
                    "first": _ms(first),
                    "cached": _ms(cached),
                }
            )
        )

    profiles, _codes = load_catalog(args.catalog)
    finder = SupplierIndex().fit(profiles).variants_
    samples = []
    for term in dict.fromkeys(all_terms):
        t = time.perf_counter()
        finder.of(term)
        samples.append(time.perf_counter() - t)
    print(json.dumps({"stage": "variants", "terms": len(samples), "first": _ms(samples)}))


if __name__ == "__main__":
    main()
