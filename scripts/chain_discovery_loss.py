"""Where chain discovery (补链) loses: its candidates by kind of match, origin of the input and
the benchmark's groups of buyers.

For each buyer of a chain-discovery file, the engine's top ``--depth`` candidates
(:meth:`matching.upstream.UpstreamPredictor.rank_suppliers`, as ``scripts/evaluate.py`` runs
it) are sorted into classes, and the share of relevant firms in each class is printed, for
ranks 1–10 and 11–50 separately:

- ``match``: how the candidate's best product answers an input: ``exact`` (the input's own
  name), ``sub-type`` (ends with it: 锂电池隔膜 for 隔膜), ``mention`` (starts with it or holds
  it inside: 变电站自动化 for 变电), ``other`` (a variant);
- ``origin``: where the matched input came from: ``own`` (a chain-map input of one of the
  buyer's own product names), ``similar`` (borrowed from a chain-map product with a similar
  name), ``inferred`` (co-occurrence), ``tail`` (the second pass);
- ``downstream_rows``: whether the input is the source of a ``downstream`` row of the shipped
  chain map (the map describes its uses from its own side);
- ``input_side``: whether the candidate makes, by its exact name, an input that only the
  input's side of the map states for one of the buyer's first
  ``UpstreamPredictor.input_side_products`` products (the engine puts those first).

``input_side_buyers`` prints the per-query and per-list means again for the buyers that have
such a link among their first products (``with``) and those that have none (``without``).

Buyers whose relevance lists are identical form one group: the benchmark holds many buyers of
the same main product (36 of the 324 dev buyers share one list of a single firm), so the
per-query mean weighs such a group 36 times. ``group`` prints the mean per distinct list
(each group's members averaged first) next to the per-query mean, with the ``--split`` parts
of ``scripts/evaluate.py``, and the largest groups' NDCG@10.

``exact-first`` re-sorts the engine's candidates with the score of those that match no input
exactly times ``--subtype-factor``: a what-if for the analysis, not what the engine ships.

Reads the benchmark only to score and classify; nothing is written or shipped::

    .venv/bin/python scripts/chain_discovery_loss.py --catalog ../shared/data/firms.jsonl \\
        --queries ../shared/data/bench/chain_discovery_dev.jsonl
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import SupplierIndex
from matching.catalog import product_key
from matching.metrics import ndcg_at_k, recall_at_k
from matching.upstream import PredictedInput, SupplyPath, UpstreamMatch, UpstreamPredictor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import in_split, load_catalog

MATCH_ORDER = ("exact", "sub-type", "mention", "other")


def downstream_sources() -> set[str]:
    """Products that are the source of a ``downstream`` row of the shipped chain map."""
    raw = resources.files("matching.data").joinpath("product_chain_links.csv.gz").read_bytes()
    rows = csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8")))
    return {product_key(r["product"]) for r in rows if r["relation"] == "downstream"}


def match_kind(path: SupplyPath) -> str:
    """How the supplier's product answers the input (see the module docstring)."""
    wanted, offered = product_key(path.input), product_key(path.supplier_product)
    if offered == wanted:
        return "exact"
    if offered.endswith(wanted):
        return "sub-type"
    if wanted in offered:
        return "mention"
    return "other"


def best_kind(match: UpstreamMatch) -> str:
    """The best :func:`match_kind` over a candidate's supply paths."""
    return min((match_kind(p) for p in match.paths), key=MATCH_ORDER.index)


def origin(item: str, predicted: dict[str, PredictedInput]) -> str:
    """Where an input came from: ``own``, ``similar``, ``inferred`` or ``tail``."""
    found = predicted.get(item)
    if found is None:
        return "tail"
    if any(s.via == s.product for s in found.sources):
        return "own"
    return "inferred" if found.sources[0].similarity == 0 else "similar"


def exact_first(matches: Sequence[UpstreamMatch], factor: float) -> list[int]:
    """The candidates re-sorted with inexact ones' scores times ``factor`` (stable)."""
    scored = [
        (m.score * (1.0 if best_kind(m) == "exact" else factor), -i, m.id)
        for i, m in enumerate(matches)
    ]
    return [firm for _, _, firm in sorted(scored, reverse=True)]


def group_mean(
    values: dict[str, float], groups: dict[str, tuple[str, ...]], ids: set[str]
) -> float:
    """Mean over distinct relevance lists of the mean over their members in ``ids``."""
    members: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for query_id in ids:
        members[groups[query_id]].append(values[query_id])
    return round(float(np.mean([np.mean(v) for v in members.values()])), 4) if members else 0.0


def print_split_metrics(
    metrics: dict[str, dict[str, float]],
    groups: dict[str, tuple[str, ...]],
    subset: set[str] | None = None,
    tag: dict[str, str] | None = None,
) -> None:
    """One JSON line per metric and split (all, tune, held-out): the mean per query and the
    mean per distinct relevance list (``groups``: each query's list); only the queries in
    ``subset`` when given, each line with ``tag`` added."""
    parts = {
        part: {q for q in groups if in_split(q, part) and (subset is None or q in subset)}
        for part in ("all", "tune", "heldout")
    }
    for name, values in metrics.items():
        for part, ids in parts.items():
            if not ids:
                continue
            line = {
                **(tag or {}),
                "metric": name,
                "split": part,
                "per_query": round(float(np.mean([values[q] for q in ids])), 4),
                "per_group": group_mean(values, groups, ids),
                "queries": len(ids),
                "groups": len({groups[q] for q in ids}),
            }
            print(json.dumps(line), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the JSON lines described in the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--depth", type=int, default=200)
    parser.add_argument("--subtype-factor", type=float, default=0.5)
    args = parser.parse_args(argv)

    profiles, codes = load_catalog(args.catalog)
    row_of = {c: i for i, c in enumerate(codes)}
    index = SupplierIndex().fit(profiles)
    predictor = UpstreamPredictor().fit()
    described = downstream_sources()
    today = date.today()
    lines = [json.loads(x) for x in args.queries.open(encoding="utf-8") if x.strip()]

    rates: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    with_side: set[str] = set()
    metrics: dict[str, dict[str, float]] = defaultdict(dict)
    groups: dict[str, tuple[str, ...]] = {}
    for query in tqdm(lines, desc="buyers", file=sys.stderr):
        buyer = row_of.get(str(query.get("buyer")))
        if buyer is None:
            continue
        relevant = {row_of[c] for c in query["relevant"] if c in row_of} - {buyer}
        if not relevant:
            continue
        query_id = str(query["id"])
        groups[query_id] = tuple(sorted(query["relevant"]))
        products = profiles[buyer].products
        side = predictor.input_side_inputs(products)
        if side:
            with_side.add(query_id)
        predicted = {p.input: p for p in predictor.predict_inputs(products)}
        matches = predictor.rank_suppliers(
            index, products, k=args.depth, exclude={profiles[buyer].id}, today=today
        )
        ranked = [m.id for m in matches]
        for name, order in (
            ("engine", ranked),
            ("exact-first", exact_first(matches, args.subtype_factor)),
        ):
            metrics[name + " ndcg@10"][query_id] = ndcg_at_k(order, relevant, 10)
            metrics[name + " recall@50"][query_id] = recall_at_k(order, relevant, 50)
        for rank, match in enumerate(matches[:50]):
            band = "1-10" if rank < 10 else "11-50"
            path = match.paths[0]
            hit = int(match.id in relevant)
            for feature, value in (
                ("match", best_kind(match)),
                ("origin", origin(path.input, predicted)),
                ("downstream_rows", str(product_key(path.input) in described).lower()),
                (
                    "input_side",
                    str(
                        any(p.input in side and match_kind(p) == "exact" for p in match.paths)
                    ).lower(),
                ),
            ):
                rates[(feature, value, band)][0] += hit
                rates[(feature, value, band)][1] += 1

    for (feature, value, band), (hits, n) in sorted(rates.items()):
        line = {
            "feature": feature,
            "value": value,
            "ranks": band,
            "n": n,
            "relevant_share": round(hits / n, 3),
        }
        print(json.dumps(line, ensure_ascii=False))
    print_split_metrics(metrics, groups)
    engine = {k: v for k, v in metrics.items() if k.startswith("engine")}
    print_split_metrics(engine, groups, with_side, {"input_side_buyers": "with"})
    print_split_metrics(engine, groups, set(groups) - with_side, {"input_side_buyers": "without"})
    sizes = Counter(groups.values())
    ndcg = metrics["engine ndcg@10"]
    for members, size in sizes.most_common(5):
        in_group = [q for q in groups if groups[q] == members]
        line = {
            "group_size": size,
            "relevant_firms": len(members),
            "engine_ndcg@10": round(float(np.mean([ndcg[q] for q in in_group])), 4),
        }
        print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
