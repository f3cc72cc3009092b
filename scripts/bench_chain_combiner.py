"""Would a learned combiner of chain-discovery signals rank upstream suppliers better?

Chain discovery (:meth:`matching.upstream.UpstreamPredictor.rank_suppliers`) finds most
relevant makers within its top few hundred but not its top 10. This script asks whether a
model fitted on the dev set's relevance lists could re-order those candidates, and whether
that would carry over to buyers it was not fitted on.

For each buyer of a chain-discovery file, the engine's top ``--depth`` candidates are
described by signals that name no firm: the engine's score and rank, the rank and weight of
the predicted input a candidate matched, how many inputs it matched, the revenue share and
list position of its product that matched, whether that product is the input itself, how
many candidates match the same input, how many products it lists, and whether the input came
from the buyer's own product being a chain-map node. A gradient-boosted classifier
(scikit-learn, fixed seed) is fitted on them and its order compared with the engine's, on:

- ``split``: fitted on the ``tune`` two thirds of the buyers, scored on the ``heldout``
  third (``scripts/evaluate.py --split``);
- ``grouped``: three folds in which buyers sharing any relevant firm stay in the same fold,
  so that a model cannot score by recognising suppliers it was fitted on.

Prints one JSON line per evaluation (NDCG@10 and recall@50 of the engine and of the
combiner). Nothing is written; nothing here is shipped::

    .venv/bin/python scripts/bench_chain_combiner.py --catalog ../shared/data/firms.jsonl \\
        --queries ../shared/data/bench/chain_discovery_dev.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from sklearn.ensemble import HistGradientBoostingClassifier
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import SupplierIndex
from matching.catalog import product_key
from matching.metrics import ndcg_at_k, recall_at_k
from matching.records import ProfileRecord
from matching.upstream import PredictedInput, UpstreamMatch, UpstreamPredictor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import in_split, load_catalog

FEATURES = (
    "score",
    "log_rank",
    "input_rank",
    "input_weight",
    "inputs_matched",
    "inputs_weight_sum",
    "product_share",
    "log_product_position",
    "product_is_input",
    "log_makers_of_input",
    "log_products_listed",
    "buyer_product_is_node",
)


class Buyer(NamedTuple):
    """One chain-discovery query: its id, the engine's candidates in order, their signals
    and the relevant catalog rows."""

    query_id: str
    candidates: list[int]
    signals: npt.NDArray[np.float64]
    relevant: set[int]


def signals(
    matches: Sequence[UpstreamMatch],
    predicted: Sequence[PredictedInput],
    profiles: Sequence[ProfileRecord],
) -> npt.NDArray[np.float64]:
    """The :data:`FEATURES` of each candidate, in the engine's order."""
    by_input = {p.input: (r, p.weight) for r, p in enumerate(predicted)}
    makers = Counter(i for m in matches for i in {p.input for p in m.paths})
    rows = []
    for rank, match in enumerate(matches):
        listed = profiles[match.id].products
        share = {product_key(p.name): p.weight or 0.0 for p in listed}
        position = {product_key(p.name): k for k, p in enumerate(listed)}
        path = match.paths[0]
        inputs = {p.input for p in match.paths}
        input_rank, input_weight = by_input.get(path.input, (len(predicted), 0.0))
        offered = product_key(path.supplier_product)
        rows.append(
            [
                match.score,
                np.log1p(rank),
                input_rank,
                input_weight,
                len(inputs),
                sum(by_input.get(i, (0, 0.0))[1] for i in inputs),
                share.get(offered, 0.0),
                np.log1p(position.get(offered, len(listed))),
                float(offered == path.input),
                np.log1p(makers[path.input]),
                np.log1p(len(listed)),
                float(path.via == path.buyer_product),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(-1, len(FEATURES))


def load_buyers(catalog: Path, queries: Path, depth: int) -> list[Buyer]:
    """The engine's candidates and their signals for every buyer of ``queries``."""
    profiles, codes = load_catalog(catalog)
    row_of = {c: i for i, c in enumerate(codes)}
    index = SupplierIndex().fit(profiles)
    predictor = UpstreamPredictor().fit()
    lines = [json.loads(line) for line in queries.open(encoding="utf-8") if line.strip()]
    out = []
    for query in tqdm(lines, desc="candidates", file=sys.stderr):
        buyer = row_of.get(str(query.get("buyer")))
        if buyer is None:
            continue
        relevant = {row_of[c] for c in query["relevant"] if c in row_of} - {buyer}
        if not relevant:
            continue
        products = profiles[buyer].products
        predicted = predictor.predict_inputs(products)
        matches = predictor.rank_suppliers(
            index, products, k=depth, exclude={profiles[buyer].id}, inputs=predicted
        )
        out.append(
            Buyer(
                str(query["id"]),
                [m.id for m in matches],
                signals(matches, predicted, profiles),
                relevant,
            )
        )
    return out


def groups_sharing_suppliers(buyers: Sequence[Buyer]) -> list[int]:
    """A group number per buyer: buyers sharing any relevant firm, directly or through
    others, are in the same group."""
    parent = list(range(len(buyers)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for i, buyer in enumerate(buyers):
        for firm in buyer.relevant:
            if firm in owner:
                parent[root(i)] = root(owner[firm])
            else:
                owner[firm] = i
    return [root(i) for i in range(len(buyers))]


def scores(
    buyers: Sequence[Buyer], model: HistGradientBoostingClassifier | None
) -> dict[str, float]:
    """Mean NDCG@10 and recall@50 of the engine's order (``model`` ``None``) or the model's."""
    ndcg, recall = [], []
    for buyer in buyers:
        order = buyer.candidates
        if model is not None and order:
            p = model.predict_proba(buyer.signals)[:, 1]
            order = [order[i] for i in np.lexsort((order, -p))]
        ndcg.append(ndcg_at_k(order, buyer.relevant, 10))
        recall.append(recall_at_k(order, buyer.relevant, 50))
    return {
        "ndcg@10": round(float(np.mean(ndcg)), 4),
        "recall@50": round(float(np.mean(recall)), 4),
    }


def fit(buyers: Sequence[Buyer]) -> HistGradientBoostingClassifier:
    """The combiner, fitted on these buyers' candidates."""
    x = np.vstack([b.signals for b in buyers if b.candidates])
    y = np.concatenate([[c in b.relevant for c in b.candidates] for b in buyers if b.candidates])
    model = HistGradientBoostingClassifier(
        max_iter=150, learning_rate=0.05, max_leaf_nodes=7, min_samples_leaf=100, random_state=0
    )
    return model.fit(x, y)


def compare(name: str, train: Sequence[Buyer], test: Sequence[Buyer]) -> dict[str, object]:
    """Engine against combiner on ``test``, the combiner fitted on ``train``."""
    model = fit(train)
    return {
        "evaluation": name,
        "fitted_on": len(train),
        "scored_on": len(test),
        "engine": scores(test, None),
        "combiner": scores(test, model),
        "combiner_on_its_own_buyers": scores(train, model),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True, help="firms.jsonl")
    parser.add_argument("--queries", type=Path, required=True, help="chain-discovery .jsonl")
    parser.add_argument("--depth", type=int, default=300, help="candidates per buyer")
    args = parser.parse_args(argv)
    buyers = load_buyers(args.catalog, args.queries, args.depth)
    tune = [b for b in buyers if in_split(b.query_id, "tune")]
    heldout = [b for b in buyers if in_split(b.query_id, "heldout")]
    print(json.dumps(compare("split: tune -> heldout", tune, heldout)), flush=True)
    groups = groups_sharing_suppliers(buyers)
    print(
        json.dumps({"groups": len(set(groups)), "largest": Counter(groups).most_common(1)[0][1]}),
        flush=True,
    )
    for fold in range(3):
        inside = [
            int(hashlib.md5(str(g).encode()).hexdigest(), 16) % 3 == fold  # noqa: S324
            for g in groups
        ]
        train = [b for b, i in zip(buyers, inside, strict=True) if not i]
        test = [b for b, i in zip(buyers, inside, strict=True) if i]
        print(json.dumps(compare(f"grouped fold {fold}", train, test)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
