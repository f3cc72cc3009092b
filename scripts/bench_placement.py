"""Placement speed and coverage on the demo catalog (4,586 listed firms) with the seed map.

Usage::

    .venv/bin/python scripts/bench_placement.py [--repeat 3]

Fits :class:`matching.placement.ChainPlacer` on the shipped seed chain map and places every
firm of ``app/demo/data/catalog.jsonl.gz`` by its products (weighted by revenue share, as the
service does), in one batch and one firm at a time (as a profile write does). Prints one JSON
object per line: fit time, batch and single-firm throughput, and how many firms got a node.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

from tqdm import tqdm

from app.chains.placing import profile_terms
from app.chains.seed import seed_document
from app.demo.loader import catalog
from matching.placement import ChainPlacer, NodeDoc


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="batch runs (best is reported)")
    args = parser.parse_args(argv)
    doc = seed_document()
    nodes: list[NodeDoc] = []
    chain_of: dict[int, str] = {}
    for ci, chain in enumerate(doc.chains):
        for node in chain.nodes:
            nid = len(nodes) + 1
            nodes.append(NodeDoc(nid, ci, node.name, tuple(node.products), tuple(node.keywords)))
            chain_of[nid] = chain.name
    firms = catalog()
    subjects = [
        profile_terms([{"name": n, "share": s} for n, s in firm["products"]], []) for firm in firms
    ]
    started = time.perf_counter()
    placer = ChainPlacer().fit(nodes)
    fit_s = time.perf_counter() - started
    print(json.dumps({"nodes": len(nodes), "chains": len(doc.chains), "fit_s": round(fit_s, 3)}))
    best = float("inf")
    placed: list[list[object]] = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        placed = list(placer.place_many(subjects))
        best = min(best, time.perf_counter() - started)
    print(
        json.dumps(
            {
                "mode": "batch",
                "firms": len(firms),
                "terms": sum(len(s) for s in subjects),
                "seconds": round(best, 3),
                "firms_per_s": round(len(firms) / best),
            }
        )
    )
    started = time.perf_counter()
    for terms in tqdm(subjects, desc="one at a time", unit=" firms", file=sys.stderr):
        placer.place(terms)
    single = time.perf_counter() - started
    print(
        json.dumps(
            {
                "mode": "one_at_a_time",
                "firms": len(firms),
                "seconds": round(single, 3),
                "ms_per_firm": round(1000 * single / len(firms), 3),
            }
        )
    )
    by_chain: Counter[str] = Counter()
    for result in placed:
        for chain in {chain_of[p.node_id] for p in result}:  # type: ignore[attr-defined]
            by_chain[chain] += 1
    print(
        json.dumps(
            {
                "firms_placed": sum(1 for r in placed if r),
                "share_placed": round(sum(1 for r in placed if r) / len(firms), 3),
                "by_chain": dict(by_chain.most_common()),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
