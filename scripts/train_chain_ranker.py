"""Would a re-ranker of chain-discovery (补链) candidates, trained on the chain map alone, help?

An experiment, not shipped: on the chain-discovery dev set it did not beat the engine's own
order (README, "Tried and not shipped"). Unlike ``scripts/bench_chain_combiner.py``, nothing
is learned from a benchmark's relevance lists, so the whole dev set is unseen by the model.

Self-supervision that mimics how the chain-discovery benchmark is built ("relevant firms make
an input of the buyer's main products, by upstream links that are not in the map"):

1. Buyers: catalog firms (none named in an ``--exclude-buyers`` file, of which only the
   ``buyer`` field is read) whose first ``--main-products`` products are chain-map nodes with
   at least ``--min-inputs`` inputs in all. They are dealt into ``--rounds`` groups
   (``--passes`` times over, dealt afresh each pass).
2. In each round, every link into a main product of a buyer of that group is hidden with
   probability ``--hide``, and the predictor is fitted on the rest of the map. Links into
   other products stay, including those into a buyer's other, near-duplicate product names:
   at serving time a missing link is missing only for the product it goes into, so an input
   hidden from 电解铝 may still come back through the buyer's 铝锭, and it does here too.
3. The engine's candidates for each buyer (``rank_suppliers(..., k=--depth)``, the buyer
   excluded) are labelled positive when the firm lists, by its exact name (as 97 % of the dev
   set's relevant firms list a chain-map node), an input of a main product: with
   ``--positives hidden`` only a hidden input (the benchmark's definition), with ``all`` any
   of the map's inputs of it.
4. The :data:`FEATURES` of each candidate name no firm and no product. A logistic regression
   and a small gradient-boosted classifier are fitted on all but a validation share of the
   buyers (by hash), compared there with the engine's order by NDCG@10 and recall@50, and the
   better one (``--kind``), refitted on all, is written as JSON (feature names in order, and
   the logistic coefficients or the trees as arrays; never a pickle).

``--evaluate FILE`` then scores the model on a chain-discovery file (its relevance lists read
only to score): the engine's order and the model's order of the engine's top 30 / 50 / 100
(``--rerank-depth``), NDCG@10 and recall@50 per query and per distinct relevance list, on the
``scripts/evaluate.py`` splits, and the time per buyer of the engine's ranking against the
same plus the model's features and scores (alternating which goes first). ``--model`` scores a
written model without training. Progress goes to stderr, JSON lines to stdout::

    .venv/bin/python scripts/train_chain_ranker.py --catalog ../shared/data/firms.jsonl \\
        --exclude-buyers ../shared/data/bench/chain_discovery_dev.jsonl \\
        --rounds 6 --passes 2 --out /tmp/chain_ranker.json \\
        --evaluate ../shared/data/bench/chain_discovery_dev.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matching import SupplierIndex
from matching.catalog import chain_links, product_key
from matching.metrics import ndcg_at_k, recall_at_k
from matching.records import ProductItem, ProfileRecord
from matching.upstream import PredictedInput, UpstreamMatch, UpstreamPredictor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import load_catalog

FEATURES: tuple[str, ...] = (
    "score",
    "score_ratio",
    "log_rank",
    "in_tail",
    "input_rank",
    "input_weight",
    "inputs_matched",
    "inputs_weight_sum",
    "origin_own",
    "origin_similar",
    "origin_head",
    "origin_inferred",
    "source_similarity",
    "match_exact",
    "match_subtype",
    "match_mention",
    "any_exact",
    "log_makers_of_input",
    "input_is_node",
    "log_input_takers",
    "input_made_by_buyer",
    "name_length_ratio",
)
"""The signals of one candidate, in the order a written model reads them:

- ``score``, ``score_ratio``, ``log_rank``: the engine's score, that score over the best
  candidate's, and ``log(1 + position)`` in the engine's order;
- ``in_tail``: the candidate matched only inputs of the second, cheaper pass;
- ``input_rank``, ``input_weight``: the position and weight of the input its best supply path
  answers, in its own list (a tail input's weight times ``tail_weight``);
- ``inputs_matched``, ``inputs_weight_sum``: how many of the buyer's inputs it answers, and
  their summed weight;
- ``origin_*``, ``source_similarity``: how that input was predicted (its strongest source):
  the buyer's product is the chain-map node itself (``own``), a node with a similar name,
  a node with the same head character, or co-occurrence (``inferred``), and its similarity;
- ``match_exact``, ``match_subtype``, ``match_mention``: the supplier's product is the input's
  own name, ends with it, or holds it elsewhere (none: a variant); ``any_exact``: some path is
  exact;
- ``log_makers_of_input``: ``log(1 + candidates whose best path answers the same input)``;
- ``input_is_node``, ``log_input_takers``: the input has inputs of its own in the chain map,
  and ``log(1 + chain-map products that take it)``;
- ``input_made_by_buyer``: the buyer lists the input among its own products;
- ``name_length_ratio``: the input's length over the supplier product's.
"""

_MATCH_KINDS = ("exact", "sub-type", "mention", "other")


def _match_kind(wanted: str, offered: str) -> str:
    wanted, offered = product_key(wanted), product_key(offered)
    if offered == wanted:
        return "exact"
    if offered.endswith(wanted):
        return "sub-type"
    if wanted in offered:
        return "mention"
    return "other"


def candidate_features(
    matches: Sequence[UpstreamMatch],
    main: Sequence[PredictedInput],
    tail: Sequence[PredictedInput],
    *,
    tail_weight: float,
    head_similarity: float,
    takers: Callable[[str], int],
    is_node: Callable[[str], bool],
    buyer_products: Collection[str] = (),
) -> npt.NDArray[np.float64]:
    """The :data:`FEATURES` of each candidate, one row per match in the given order.

    Parameters
    ----------
    matches
        The engine's candidates, best first (each with at least one supply path).
    main, tail
        The inputs matched in the main pass and in the tail pass.
    tail_weight, head_similarity
        The predictor's parameters of those names.
    takers, is_node
        How many chain-map products take an input; whether it has inputs of its own.
    buyer_products
        The buyer's own product names (normalised).
    """
    rows = np.zeros((len(matches), len(FEATURES)), dtype=np.float64)
    if not matches:
        return rows
    where: dict[str, tuple[int, float, PredictedInput, bool]] = {}
    for rank, p in enumerate(tail):
        where[p.input] = (rank, tail_weight * p.weight, p, True)
    for rank, p in enumerate(main):
        where[p.input] = (rank, p.weight, p, False)
    makers = Counter(m.paths[0].input for m in matches)
    best = max(max(m.score for m in matches), 1e-9)
    own = set(buyer_products)
    for r, match in enumerate(matches):
        path = match.paths[0]
        rank, weight, predicted, in_tail = where.get(path.input, (len(main), 0.0, None, True))
        inputs = {p.input for p in match.paths}
        origin = "inferred"
        similarity = 0.0
        if predicted is not None and predicted.sources:
            source = predicted.sources[0]
            similarity = source.similarity
            if similarity <= 0.0:
                origin = "inferred"
            elif source.via == source.product:
                origin = "own"
            elif abs(similarity - head_similarity) < 1e-6:
                origin = "head"
            else:
                origin = "similar"
        kind = _match_kind(path.input, path.supplier_product)
        rows[r] = (
            match.score,
            match.score / best,
            math.log1p(r),
            float(in_tail),
            rank,
            weight,
            len(inputs),
            sum(where[i][1] for i in inputs if i in where),
            float(origin == "own"),
            float(origin == "similar"),
            float(origin == "head"),
            float(origin == "inferred"),
            similarity,
            float(kind == "exact"),
            float(kind == "sub-type"),
            float(kind == "mention"),
            float(any(_match_kind(p.input, p.supplier_product) == "exact" for p in match.paths)),
            math.log1p(makers[path.input]),
            float(is_node(path.input)),
            math.log1p(takers(path.input)),
            float(path.input in own),
            len(path.input) / max(len(path.supplier_product), 1),
        )
    return rows


class Candidates(NamedTuple):
    """The engine's candidates for one buyer, in its order, and the inputs matched (the main
    pass's and the tail pass's)."""

    matches: list[UpstreamMatch]
    inputs: list[PredictedInput]
    tail_inputs: list[PredictedInput]


def engine_candidates(
    predictor: UpstreamPredictor,
    index: SupplierIndex,
    products: Sequence[ProductItem],
    depth: int,
    exclude: Collection[int],
) -> Candidates:
    """``rank_suppliers(..., k=depth)``: the main ranking's best ``max(depth,
    candidate_pool)`` with the tail's makers filled in, and the inputs of both passes."""
    main, tail = predictor._predicted(products, tail=predictor.tail_inputs > 0)
    if not main:
        return Candidates([], [], [])
    matches = predictor.rank_suppliers(index, products, k=depth, exclude=exclude, inputs=main)
    return Candidates(matches, main, tail)


def features_of(
    predictor: UpstreamPredictor, found: Candidates, products: Sequence[ProductItem]
) -> npt.NDArray[np.float64]:
    """:func:`candidate_features` of ``found`` with the predictor's chain map."""
    return candidate_features(
        found.matches,
        found.inputs,
        found.tail_inputs,
        tail_weight=predictor.tail_weight,
        head_similarity=predictor.head_similarity,
        takers=lambda name: len(predictor._takers.get(name, ())),
        is_node=lambda name: name in predictor._row_of,
        buyer_products={product_key(p.name) for p in products},
    )


@dataclass(frozen=True)
class ChainRanker:
    """A fitted scorer of :data:`FEATURES` rows: higher is more likely a maker of an input of
    the buyer's main products (see the module docstring).

    ``kind`` is ``"logistic"`` (``params``: ``mean``, ``scale``, ``coef``, ``intercept``;
    the score is ``intercept + coef · (x - mean) / scale``) or ``"trees"`` (``params``:
    ``baseline`` and ``trees``, each a dict of equal-length arrays ``feature``,
    ``threshold``, ``left``, ``right``, ``leaf``, ``value``, ``missing_left``: a node sends
    ``x`` left when ``x[feature] <= threshold``; the score is ``baseline`` plus the leaves'
    values, a log-odds as scikit-learn's ``HistGradientBoostingClassifier`` computes it).
    """

    features: tuple[str, ...]
    kind: str
    params: Mapping[str, Any]
    provenance: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.kind not in ("logistic", "trees"):
            raise ValueError(f"unknown chain ranker kind {self.kind!r}")

    def decision(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The log-odds of each row of ``x`` (columns in :attr:`features` order)."""
        x = np.asarray(x, dtype=np.float64).reshape(-1, len(self.features))
        if self.kind == "logistic":
            mean = np.asarray(self.params["mean"], dtype=np.float64)
            scale = np.asarray(self.params["scale"], dtype=np.float64)
            coef = np.asarray(self.params["coef"], dtype=np.float64)
            return ((x - mean) / scale) @ coef + float(self.params["intercept"])
        out = np.full(len(x), float(self.params["baseline"]))
        rows = np.arange(len(x))
        for tree in self._trees():
            feature, threshold, left, right, leaf, value, missing_left = tree
            node = np.zeros(len(x), dtype=np.intp)
            for _ in range(len(feature)):  # at most one step per node
                inner = ~leaf[node]
                if not inner.any():
                    break
                values = x[rows, feature[node]]
                go_left = np.where(np.isnan(values), missing_left[node], values <= threshold[node])
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            out += value[node]
        return out

    def _trees(self) -> list[tuple[npt.NDArray[Any], ...]]:
        cached: list[tuple[npt.NDArray[Any], ...]] | None = self.__dict__.get("_arrays")
        if cached is None:
            cached = [
                (
                    np.asarray(t["feature"], dtype=np.intp),
                    np.asarray(t["threshold"], dtype=np.float64),
                    np.asarray(t["left"], dtype=np.intp),
                    np.asarray(t["right"], dtype=np.intp),
                    np.asarray(t["leaf"], dtype=bool),
                    np.asarray(t["value"], dtype=np.float64),
                    np.asarray(t["missing_left"], dtype=bool),
                )
                for t in self.params["trees"]
            ]
            object.__setattr__(self, "_arrays", cached)  # frozen: a cache, not state
        return cached

    def to_dict(self) -> dict[str, Any]:
        """The model as plain JSON-able data (see :meth:`from_dict`)."""
        return {
            "format": "xieshou-chain-ranker/1",
            "features": list(self.features),
            "kind": self.kind,
            "params": dict(self.params),
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChainRanker:
        """A ranker from :meth:`to_dict`'s data.

        Raises
        ------
        ValueError
            If the data is of another format or its features are not :data:`FEATURES`.
        """
        if data.get("format") != "xieshou-chain-ranker/1":
            raise ValueError(f"not a chain ranker: format {data.get('format')!r}")
        features = tuple(data["features"])
        if features != FEATURES:
            raise ValueError("the chain ranker's features are not this code's FEATURES")
        return cls(features, str(data["kind"]), data["params"], data.get("provenance", {}))


class Example(NamedTuple):
    """One training buyer: its candidates' features and labels, in the engine's order."""

    product: str
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.bool_]
    positives: int


def _validation(product: str, share: float) -> bool:
    digest = int(hashlib.sha1(("chain-ranker:" + product).encode()).hexdigest(), 16)  # noqa: S324
    return (digest % 1000) < share * 1000


def examples(
    profiles: Sequence[ProfileRecord],
    excluded: set[int],
    args: argparse.Namespace,
) -> list[Example]:
    """The labelled candidates of every training buyer over all rounds."""
    rng = random.Random(args.seed)
    links = list(dict.fromkeys((link.input, link.product) for link in chain_links()))
    inputs_of: dict[str, list[str]] = defaultdict(list)
    for source, target in links:
        inputs_of[target].append(source)
    makers: dict[str, set[int]] = defaultdict(set)
    nodes_of: dict[int, list[str]] = {}
    for p in profiles:
        names = list(dict.fromkeys(product_key(i.name) for i in p.products))
        for name in names:
            makers[name].add(p.id)
        mine = [n for n in names[: args.main_products] if n in inputs_of]
        if p.id not in excluded and sum(len(inputs_of[n]) for n in mine) >= args.min_inputs:
            nodes_of[p.id] = mine
    buyers = sorted(nodes_of)
    print(json.dumps({"buyers": len(buyers), "links": len(links)}), file=sys.stderr)
    index = SupplierIndex().fit(profiles)
    out: list[Example] = []
    for step in range(args.passes * args.rounds):
        pass_no, round_no = divmod(step, args.rounds)
        if round_no == 0:
            rng.shuffle(buyers)
        group = buyers[round_no :: args.rounds]
        hidden: dict[str, set[str]] = {}
        for buyer in group:
            for product in nodes_of[buyer]:
                if product not in hidden:
                    hidden[product] = {i for i in inputs_of[product] if rng.random() < args.hide}
        kept = [(s, t) for s, t in links if s not in hidden.get(t, ())]
        predictor = UpstreamPredictor().fit(kept)
        desc = f"pass {pass_no + 1}/{args.passes} round {round_no + 1}/{args.rounds}"
        for buyer in tqdm(sorted(group), desc=desc, file=sys.stderr):
            if args.positives == "hidden":
                wanted = {i for product in nodes_of[buyer] for i in hidden[product]}
            else:
                wanted = {i for product in nodes_of[buyer] for i in inputs_of[product]}
            positives = set().union(*(makers.get(i, set()) for i in wanted)) - {buyer}
            if not positives:
                continue
            products = profiles[buyer].products
            found = engine_candidates(predictor, index, products, args.depth, {buyer})
            if not found.matches:
                continue
            x = features_of(predictor, found, products)
            y = np.array([m.id in positives for m in found.matches], dtype=bool)
            out.append(Example(str(buyer), x, y, len(positives)))
    return out


def evaluate(examples_: Sequence[Example], score: Any | None) -> dict[str, float]:
    """Mean NDCG@10 and recall@50 of the engine's order (``score`` ``None``) or of the order
    by ``score(x)``, on the labels of these examples (recall over the positives present
    among the candidates and the rest)."""
    ndcg, recall = [], []
    for ex in examples_:
        order = list(range(len(ex.y)))
        if score is not None:
            s = score(ex.x)
            order = np.lexsort((np.arange(len(s)), -s)).tolist()
        relevant = set(np.flatnonzero(ex.y).tolist())
        missing = {-(i + 1) for i in range(ex.positives - len(relevant))}
        ndcg.append(ndcg_at_k(order, relevant | missing, 10))
        recall.append(recall_at_k(order, relevant | missing, 50))
    return {
        "ndcg@10": round(float(np.mean(ndcg)), 4),
        "recall@50": round(float(np.mean(recall)), 4),
    }


def fit_logistic(x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> ChainRanker:
    """A standardised logistic regression as a :class:`ChainRanker`."""
    mean = x.mean(axis=0)
    scale = np.where(x.std(axis=0) > 1e-9, x.std(axis=0), 1.0)
    model = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    params = {
        "mean": mean.round(8).tolist(),
        "scale": scale.round(8).tolist(),
        "coef": model.coef_[0].round(8).tolist(),
        "intercept": round(float(model.intercept_[0]), 8),
    }
    return ChainRanker(FEATURES, "logistic", params, {})


def fit_trees(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], seed: int, max_iter: int = 150
) -> ChainRanker:
    """A small gradient-boosted classifier, its trees as arrays, as a :class:`ChainRanker`."""
    model = HistGradientBoostingClassifier(
        max_iter=max_iter,
        learning_rate=0.05,
        max_leaf_nodes=15,
        min_samples_leaf=200,
        random_state=seed,
    ).fit(x, y)
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": [float(t) for t in nodes["num_threshold"]],
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "leaf": nodes["is_leaf"].astype(bool).tolist(),
                "value": [round(float(v), 8) for v in nodes["value"]],
                "missing_left": nodes["missing_go_to_left"].astype(bool).tolist(),
            }
        )
    baseline = float(np.ravel(model._baseline_prediction)[0])
    ranker = ChainRanker(FEATURES, "trees", {"baseline": baseline, "trees": trees}, {})
    check = model.decision_function(x[:2000])
    if not np.allclose(check, ranker.decision(x[:2000]), atol=1e-6):
        raise RuntimeError("exported trees do not reproduce the classifier")
    return ranker


def evaluate_on_benchmark(
    ranker: ChainRanker,
    profiles: Sequence[ProfileRecord],
    codes: Sequence[str],
    queries: Path,
    depths: Sequence[int],
) -> None:
    """Print the engine's and the re-ranked order's NDCG@10 and recall@50 on a chain-discovery
    file (its relevance lists read only to score), per query and per distinct relevance list,
    for the ``scripts/evaluate.py`` splits; and each buyer's time for the engine's ranking
    against the ranking plus the re-ranker, alternating which goes first."""
    from chain_discovery_loss import print_split_metrics

    row_of = {c: i for i, c in enumerate(codes)}
    index = SupplierIndex().fit(profiles)
    predictor = UpstreamPredictor().fit()
    lines = [json.loads(x) for x in queries.open(encoding="utf-8") if x.strip()]
    metrics: dict[str, dict[str, float]] = defaultdict(dict)
    groups: dict[str, tuple[str, ...]] = {}
    timings: dict[str, list[float]] = defaultdict(list)
    deepest = max(max(depths), 100)
    for n, query in enumerate(tqdm(lines, desc="benchmark", file=sys.stderr)):
        buyer = row_of.get(str(query.get("buyer")))
        if buyer is None:
            continue
        relevant = {row_of[c] for c in query["relevant"] if c in row_of} - {buyer}
        if not relevant:
            continue
        query_id = str(query["id"])
        groups[query_id] = tuple(sorted(query["relevant"]))
        products = list(profiles[buyer].products)
        for first in (n % 2 == 0, n % 2 == 1):
            start = time.perf_counter()
            if first:
                predictor.rank_suppliers(index, products, k=100, exclude={buyer})
            else:
                found = engine_candidates(predictor, index, products, deepest, {buyer})
                score = ranker.decision(features_of(predictor, found, products))
            timings["engine" if first else "engine + re-ranker"].append(
                (time.perf_counter() - start) * 1000
            )
        ids = [m.id for m in found.matches]
        orders = {"engine": ids[:100]}
        for depth in depths:
            d = min(depth, len(ids))
            top = np.lexsort((np.arange(d), -score[:d])).tolist()
            orders[f"re-ranked top {depth}"] = ([ids[i] for i in top] + ids[d:])[:100]
        for name, order in orders.items():
            metrics[name + " ndcg@10"][query_id] = ndcg_at_k(order, relevant, 10)
            metrics[name + " recall@50"][query_id] = recall_at_k(order, relevant, 50)
    print_split_metrics(metrics, groups)
    for name, times in timings.items():
        line = {
            "timing_ms": name,
            "p50": round(float(np.percentile(times, 50)), 2),
            "p99": round(float(np.percentile(times, 99)), 2),
            "calls": len(times),
        }
        print(json.dumps(line), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the examples, compare the models on validation, write the chosen one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--catalog", type=Path, required=True, help="firms.jsonl")
    parser.add_argument(
        "--exclude-buyers", type=Path, action="append", default=[], help=".jsonl with buyer"
    )
    parser.add_argument("--out", type=Path, help="where to write the model (JSON)")
    parser.add_argument("--kind", choices=("best", "logistic", "trees"), default="best")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--passes", type=int, default=1, help="each product hidden this often")
    parser.add_argument("--hide", type=float, default=0.7)
    parser.add_argument("--min-inputs", type=int, default=1)
    parser.add_argument("--main-products", type=int, default=8)
    parser.add_argument(
        "--positives",
        choices=("hidden", "all"),
        default="hidden",
        help="makers of the hidden inputs only, or of all the map's inputs of the products",
    )
    parser.add_argument("--depth", type=int, default=100)
    parser.add_argument("--validation", type=float, default=0.25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--save-examples", type=Path, help="also write the examples (.npz)")
    parser.add_argument("--model", type=Path, help="evaluate this model instead of training")
    parser.add_argument("--evaluate", type=Path, help="a chain-discovery .jsonl to score on")
    parser.add_argument("--rerank-depth", type=int, nargs="+", default=[30, 50, 100])
    args = parser.parse_args(argv)
    if args.model is not None:
        if args.evaluate is None:
            parser.error("--model needs --evaluate")
        profiles, codes = load_catalog(args.catalog)
        model = ChainRanker.from_dict(json.loads(args.model.read_text(encoding="utf-8")))
        evaluate_on_benchmark(model, profiles, codes, args.evaluate, args.rerank_depth)
        return 0

    started = time.perf_counter()
    profiles, codes = load_catalog(args.catalog)
    row_of = {c: i for i, c in enumerate(codes)}
    excluded: set[int] = set()
    for path in args.exclude_buyers:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                buyer = row_of.get(str(json.loads(line).get("buyer")))
                if buyer is not None:
                    excluded.add(buyer)
    data = examples(profiles, excluded, args)
    if args.save_examples is not None:
        np.savez_compressed(
            args.save_examples,
            x=np.vstack([e.x for e in data]),
            y=np.concatenate([e.y for e in data]),
            buyer=np.concatenate([[i] * len(e.y) for i, e in enumerate(data)]),
        )
    valid = [e for e in data if _validation(e.product, args.validation)]
    train = [e for e in data if not _validation(e.product, args.validation)]
    summary = {
        "buyers": len(data),
        "train": len(train),
        "validation": len(valid),
        "candidates": int(sum(len(e.y) for e in data)),
        "positives": int(sum(e.y.sum() for e in data)),
        "excluded_buyers": len(excluded),
    }
    print(json.dumps(summary), flush=True)

    def stack(part: Sequence[Example]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        return np.vstack([e.x for e in part]), np.concatenate([e.y for e in part])

    x_train, y_train = stack(train)
    fitted = {
        "logistic": fit_logistic(x_train, y_train),
        "trees": fit_trees(x_train, y_train, args.seed),
    }
    results = {"engine": evaluate(valid, None)}
    for name, ranker in fitted.items():
        results[name] = evaluate(valid, ranker.decision)
    print(json.dumps({"validation": results}), flush=True)
    kind = args.kind
    if kind == "best":
        kind = max(fitted, key=lambda n: results[n]["ndcg@10"])
    x_all, y_all = stack(data)
    final = fit_logistic(x_all, y_all) if kind == "logistic" else fit_trees(x_all, y_all, args.seed)
    provenance = {
        "trained_by": "scripts/train_chain_ranker.py",
        "trained_on": "the shipped chain map (matching/data/product_chain_links.csv.gz) with "
        "links hidden, and the catalog's product lists; no benchmark relevance list",
        "catalog": args.catalog.name,
        "excluded_buyers_from": [p.name for p in args.exclude_buyers],
        "arguments": {k: v for k, v in vars(args).items() if not isinstance(v, Path | list)},
        "examples": summary,
        "validation": results,
        "scikit_learn": sklearn.__version__,
        "date": datetime.now(UTC).date().isoformat(),
    }
    ranker = ChainRanker(FEATURES, kind, final.params, provenance)
    if args.out is not None:
        args.out.write_text(
            json.dumps(ranker.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n",
            encoding="utf-8",
        )
    print(
        json.dumps(
            {"written": str(args.out), "kind": kind, "seconds": time.perf_counter() - started}
        ),
        flush=True,
    )
    if args.evaluate is not None:
        evaluate_on_benchmark(ranker, profiles, codes, args.evaluate, args.rerank_depth)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
