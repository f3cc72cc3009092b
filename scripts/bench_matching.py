"""Benchmark SupplierIndex against bm25s on a synthetic catalog (JSON lines on stdout).

Profiles are sampled from the real product vocabulary of firms.jsonl (3–8 products each, with
revenue shares); queries are "采购X" needs for sampled product names.

Usage::

    python scripts/bench_matching.py --profiles 100000 [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.catalog import clean_products
from matching.index import SupplierIndex
from matching.records import NeedRecord, ProductItem, ProfileRecord

DEFAULT_FIRMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "firms.jsonl"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(xs: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(float(np.percentile(xs, 50)), 2),
        "p99_ms": round(float(np.percentile(xs, 99)), 2),
    }


def main() -> int:
    """Run the benchmark; see the module docstring."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--profiles", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--firms", default=str(DEFAULT_FIRMS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-bm25", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    vocab = sorted(
        {
            p.name
            for line in Path(args.firms).read_text(encoding="utf-8").splitlines()
            for p in clean_products(json.loads(line)["products"])
        }
    )
    print(f"vocabulary: {len(vocab)} product names", file=sys.stderr, flush=True)
    profiles = []
    for i in range(args.profiles):
        names = rng.sample(vocab, rng.randint(3, 8))
        shares = np.random.default_rng(i).dirichlet(np.ones(len(names)))
        profiles.append(
            ProfileRecord(
                id=i,
                name=f"p{i}",
                products=tuple(
                    ProductItem(n, float(w)) for n, w in zip(names, shares, strict=True)
                ),
                region_code=rng.choice(("320505", "440305", "110105", "330106", None)),
                tier=rng.choice(("innovative", "specialized", "little_giant", None)),
            )
        )
    queries = [NeedRecord(id=i, title=f"采购{rng.choice(vocab)}") for i in range(args.queries)]
    print(
        f"generated {len(profiles)} profiles, peak {_peak_mb():.0f} MB", file=sys.stderr, flush=True
    )
    base_mb = _peak_mb()

    t0 = time.perf_counter()
    index = SupplierIndex().fit(profiles)
    build = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "method": "xieshou",
                "profiles": args.profiles,
                "build_s": round(build, 2),
                "peak_rss_mb": round(_peak_mb()),
                "rss_before_build_mb": round(base_mb),
            }
        ),
        flush=True,
    )
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        index.shortlist(q, k=20)
        lat.append((time.perf_counter() - t0) * 1000)
    print(
        json.dumps(
            {
                "method": "xieshou",
                "profiles": args.profiles,
                "shortlist": _pct(lat),
                "peak_rss_mb": round(_peak_mb()),
            }
        ),
        flush=True,
    )
    if args.skip_bm25:
        return 0

    import bm25s

    print("bm25s: tokenizing …", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    vocab_ids: dict[str, int] = {}
    corpus = []
    for p in profiles:
        doc = "".join(x.name for x in p.products)
        corpus.append(
            [vocab_ids.setdefault(doc[i : i + 2], len(vocab_ids)) for i in range(len(doc) - 1)]
        )
    model = bm25s.BM25()
    model.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=vocab_ids), show_progress=False)
    bm_build = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "method": "bm25s",
                "profiles": args.profiles,
                "build_s": round(bm_build, 2),
                "peak_rss_mb": round(_peak_mb()),
            }
        ),
        flush=True,
    )
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        text = q.title[2:]
        toks = [
            vocab_ids[text[i : i + 2]] for i in range(len(text) - 1) if text[i : i + 2] in vocab_ids
        ]
        if toks:
            s = model.get_scores(toks)
            top = np.argpartition(-s, 20)[:20]
            top[np.argsort(-s[top])]
        lat.append((time.perf_counter() - t0) * 1000)
    print(
        json.dumps({"method": "bm25s", "profiles": args.profiles, "retrieve": _pct(lat)}),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
