"""Simulate buyers marking candidates, learn a re-ranker from the marks, measure it per round.

Usage::

    .venv/bin/python scripts/bench_learning.py --catalog ../shared/data/firms.jsonl \
        --queries ../shared/data/bench/need_supplier_dev.jsonl \
        --queries ../shared/data/bench/need_supplier_dev_freetext.jsonl

Each benchmark file's queries are split by a hash of the query id (the halves of
``scripts/evaluate.py --split``): half ``a`` are the simulated buyers' needs, half ``b`` are
held out and only measured. Each round every simulated buyer is served its shortlist (the
engine's top 20; from round 1 on, the engine's top 50 re-ranked by the model of the previous
round, with exploration slots for rarely shown firms, exactly as the service does) and looks
down it with position bias: position ``p`` is examined with probability ``p ** -bias``; an
examined relevant firm is marked interested with probability ``1 - miss``, an examined
irrelevant one with probability ``false_positive``. After the round a
:class:`~matching.rerank.PairwiseReranker` is fitted on every mark so far (the first logged
features of each shown pair, one group per need), as ``xieshou train`` does.

Prints one JSON line per (file, round): NDCG@10 on the held-out queries of the unlearned
engine and of the learned model in the same run (``learned``: the model's order;
``learned_served``: with the exploration slots a served list would have), and how many marks
the model was fitted on. Seeded and deterministic. ``--perturb SEED [--free-text]`` rewrites
every need with other phrasings first (noisier needs, more headroom).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluate import load_catalog, load_queries

from app.learning.training import MIN_GAIN, compare_on_time_split
from matching import SupplierIndex
from matching.metrics import ndcg_at_k
from matching.records import Match, NeedRecord
from matching.rerank import PairwiseReranker, pair_features, rerank

SHOWN = 20  # what a buyer is served
DEPTH = 50  # what the model re-ranks (the service's RERANK_DEPTH)


@dataclass
class Query:
    """A benchmark need with the engine's candidates (fixed: the engine does not learn)."""

    need: NeedRecord
    relevant: set[int]
    matches: list[Match]
    features: np.ndarray


@dataclass
class Log:
    """What the simulated buyers were shown and marked (first features of each shown pair)."""

    features: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    marked: set[tuple[int, int]] = field(default_factory=set)
    shown: dict[int, int] = field(default_factory=dict)  # profile → impressions

    def rows(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Features, responses (marked or not) and group (need) of every shown pair."""
        keys = list(self.features)
        x = np.vstack([self.features[k] for k in keys])
        y = np.array([float(k in self.marked) for k in keys])
        return x, y, np.array([k[0] for k in keys], dtype=np.int64)

    def fit(self, seed: int) -> PairwiseReranker | None:
        """A model fitted on every mark so far (``None`` without any)."""
        if not self.marked:
            return None
        try:
            return PairwiseReranker(random_state=seed).fit(*self.rows())
        except ValueError:
            return None

    def gate(self, current: PairwiseReranker | None) -> tuple[bool, float, float]:
        """``xieshou train``'s rule: would a new model beat ``current`` on the latest needs?"""
        if not self.marked:
            return False, 0.0, 0.0
        x, y, groups = self.rows()
        compared = compare_on_time_split(
            x,
            y,
            groups,
            sorted(set(groups.tolist())),
            current.decision_function if current else None,
        )
        if isinstance(compared, str):
            return False, 0.0, 0.0
        better = compared.candidate_ndcg > compared.current_ndcg + MIN_GAIN
        return better, compared.candidate_ndcg, compared.current_ndcg


def prepare(
    index: SupplierIndex, queries: Sequence[tuple[NeedRecord, set[int]]], depth: int
) -> list[Query]:
    """Rank every query once with the engine (top ``depth``) and compute its pair features."""
    today = date.today()
    out = []
    for need, relevant in tqdm(queries, desc="engine", file=sys.stderr, leave=False):
        matches = index.shortlist(need, k=depth, today=today)
        feats = np.vstack([pair_features(m) for m in matches]) if matches else np.zeros((0, 14))
        out.append(Query(need, relevant, matches, feats))
    return out


def served(
    q: Query, model: PairwiseReranker | None, shown: dict[int, int], k: int, explore: bool
) -> list[int]:
    """Profile ids as the service would list them for ``q``."""
    ranked = rerank(
        q.matches,
        k,
        model=model,
        impressions=shown if explore else None,
        explore_slots=2 if explore else 0,
    )
    return [r.match.id for r in ranked]


def simulate_round(
    queries: Sequence[Query],
    model: PairwiseReranker | None,
    log: Log,
    rng: random.Random,
    *,
    bias: float,
    miss: float,
    false_positive: float,
) -> int:
    """Serve every buyer, record what it marks; returns the marks made this round."""
    made = 0
    for qi, q in enumerate(queries):
        ids = served(q, model, log.shown, SHOWN, explore=True)
        row_of = {m.id: i for i, m in enumerate(q.matches)}
        for position, pid in enumerate(ids, start=1):
            log.shown[pid] = log.shown.get(pid, 0) + 1
            key = (qi, pid)
            log.features.setdefault(key, q.features[row_of[pid]])
            if rng.random() >= position**-bias:
                continue  # not examined
            liked = rng.random() < (1 - miss if pid in q.relevant else false_positive)
            if liked and key not in log.marked:
                log.marked.add(key)
                made += 1
    return made


def mean_ndcg(
    queries: Sequence[Query], model: PairwiseReranker | None, shown: dict[int, int], explore: bool
) -> float:
    """Mean NDCG@10 of the served lists over ``queries``."""
    values = [ndcg_at_k(served(q, model, shown, SHOWN, explore), q.relevant, 10) for q in queries]
    return float(np.mean(values)) if values else 0.0


def run_file(
    path: Path,
    index: SupplierIndex,
    row_of_code: dict[str, int],
    args: argparse.Namespace,
) -> None:
    """Simulate the rounds on one benchmark file and print a line per round."""
    perturb = random.Random(args.perturb) if args.perturb is not None else None
    train, _, _ = load_queries(path, row_of_code, split="a", rng=perturb, free_text=args.free_text)
    held, _, _ = load_queries(path, row_of_code, split="b", rng=perturb, free_text=args.free_text)
    buyers, measured = prepare(index, train, args.depth), prepare(index, held, args.depth)
    rng = random.Random(args.seed)
    log = Log()
    model: PairwiseReranker | None = None  # fitted on every mark so far
    serving: PairwiseReranker | None = None  # what the buyers are served: promoted only
    unlearned = mean_ndcg(measured, None, {}, explore=False)
    for round_no in tqdm(range(args.rounds + 1), desc=path.stem, file=sys.stderr, leave=False):
        made, promoted, gate = 0, False, (0.0, 0.0)
        if round_no:
            made = simulate_round(
                buyers,
                serving if args.gated else model,
                log,
                rng,
                bias=args.bias,
                miss=args.miss,
                false_positive=args.false_positive,
            )
            promoted, *rest = log.gate(serving)
            gate = (rest[0], rest[1])
            model = log.fit(args.seed)
            if promoted:
                serving = model
        learned = mean_ndcg(measured, model, {}, explore=False)
        learned_served = mean_ndcg(measured, model, log.shown, explore=True)
        print(
            json.dumps(
                {
                    "set": path.stem + ("" if args.perturb is None else f"+perturb{args.perturb}"),
                    "round": round_no,
                    "buyers": len(buyers),
                    "held_out": len(measured),
                    "marks_this_round": made,
                    "marks_total": len(log.marked),
                    "pairs_logged": len(log.features),
                    "ndcg@10_unlearned": round(unlearned, 4),
                    "ndcg@10_learned": round(learned, 4),
                    "ndcg@10_learned_served": round(learned_served, 4),
                    "delta": round(learned - unlearned, 4),
                    "promoted": promoted,
                    "gate_ndcg@10": {"candidate": round(gate[0], 4), "current": round(gate[1], 4)},
                    "ndcg@10_served": round(
                        mean_ndcg(measured, serving, log.shown, explore=True), 4
                    ),
                    "coef": (
                        None if model is None else [round(c, 3) for c in model.coef_.tolist()]
                    ),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--catalog", type=Path, required=True, help="firms.jsonl")
    parser.add_argument(
        "--queries", type=Path, action="append", required=True, help="benchmark .jsonl (repeat)"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--depth", type=int, default=DEPTH, help="engine candidates the model re-orders"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bias", type=float, default=1.0, help="examined with p ** -bias")
    parser.add_argument("--miss", type=float, default=0.1, help="relevant but not marked")
    parser.add_argument(
        "--false-positive", type=float, default=0.03, help="irrelevant but marked interested"
    )
    parser.add_argument("--perturb", type=int, metavar="SEED", help="rewrite needs (seeded)")
    parser.add_argument("--free-text", action="store_true", help="with --perturb: free text only")
    parser.add_argument(
        "--gated",
        action="store_true",
        help="serve the buyers only promoted models (as the service does); default: the "
        "latest fit, so that its effect on the logged data shows",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    profiles, codes = load_catalog(args.catalog)
    index = SupplierIndex().fit(profiles)
    row_of_code = {c: i for i, c in enumerate(codes)}
    print(f"catalog: {len(profiles)} firms", file=sys.stderr)
    for path in args.queries:
        run_file(path, index, row_of_code, args)
    print(f"total {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
