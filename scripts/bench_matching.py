"""Benchmark SupplierIndex against bm25s on a synthetic catalog, in process and over HTTP.

Profiles are sampled from the real product vocabulary of firms.jsonl (3–8 products each, with
revenue shares); queries are "采购X" needs for sampled product names. Prints one JSON object
per line on stdout; progress goes to stderr.

Usage::

    python scripts/bench_matching.py --profiles 100000 [--queries 200]
    python scripts/bench_matching.py --profiles 100000 --http --skip-bm25
    python scripts/bench_matching.py --profiles 10000 --db both

Stages (each a JSON line):

- ``build`` / ``shortlist`` (``"method": "xieshou"``): SupplierIndex fitted in process, peak
  memory, in-process shortlist p50/p99; ``upstream``: chain discovery for ``--queries``
  synthetic buyers (3–8 sampled products each) over the same index,
  :meth:`matching.upstream.UpstreamPredictor.rank_suppliers` p50/p99 (``predict_inputs``:
  the input prediction alone, first call per buyer, so uncached); ``"method": "bm25s"``: bm25s on character bigrams of
  the same catalog (skip with ``--skip-bm25``).
- HTTP (on by default when ``--profiles`` ≤ 100,000; force with ``--http``, skip with
  ``--no-http``). For each ``--db`` (``sqlite``, ``postgresql`` or ``both``; default
  ``sqlite``): a fresh database (SQLite file in a temporary folder, or a scratch PostgreSQL
  database created and dropped on 127.0.0.1), migrated; the same catalog loaded through the
  bulk import (``app.imports``, JSONL files, as ``xieshou import`` does): N SMEs, their N
  profiles, one large firm and its ``--queries`` open needs (title "采购X", product X;
  a repeated title is left out: a firm's needs are keyed by title).
  ``http_load``: import times. ``http_index_build``: ``MatchingIndex.build()`` timed in this
  process (the code a server runs at start-up). Then ``xieshou serve`` (one worker unless
  ``--workers``) is started and ``http_startup`` gives spawn → /healthz answering (alive; the
  index builds after), spawn → /readyz answering 200 and spawn → first shortlist answered.
  ``http_shortlist``: ``GET /api/v1/needs/{id}/shortlist?limit=20`` cycling over the needs,
  with 1 and 8 concurrent clients (``--requests`` each, after a warm-up), and ``GET /healthz``
  measured just before at the same concurrency as a baseline (``p50_vs_healthz``); ``load1``
  is the 1-minute load average after the run (the client shares the machine with the server).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_support import admin_key, measure, progress, running_server, scratch_database

from matching import NeedRecord, ProductItem, ProfileRecord, SupplierIndex
from matching.catalog import clean_products
from matching.upstream import UpstreamPredictor

DEFAULT_FIRMS = Path(__file__).resolve().parents[2] / "shared" / "data" / "firms.jsonl"
#: --http is on by default up to this many profiles.
HTTP_DEFAULT_MAX_PROFILES = (
    100_000  # the size of the HTTP goal; a million would take minutes to import
)
REGIONS = ("320505", "440305", "110105", "330106", None)
TIERS = ("innovative", "specialized", "little_giant", None)
TIER_NAMES = {"innovative": "创新型", "specialized": "专精特新", "little_giant": "小巨人"}
LARGE_FIRM_REGION = "440300"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(xs: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(float(np.percentile(xs, 50)), 2),
        "p99_ms": round(float(np.percentile(xs, 99)), 2),
    }


def _emit(line: dict[str, object]) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


def synthetic_catalog(
    vocab: list[str], profiles: int, queries: int, seed: int
) -> tuple[list[ProfileRecord], list[NeedRecord]]:
    """``profiles`` profiles (ids 0…N-1) and ``queries`` "采购X" needs, reproducible by seed."""
    rng = random.Random(seed)
    out = []
    for i in range(profiles):
        names = rng.sample(vocab, rng.randint(3, 8))
        shares = np.random.default_rng(i).dirichlet(np.ones(len(names)))
        out.append(
            ProfileRecord(
                id=i,
                name=f"p{i}",
                products=tuple(
                    ProductItem(n, float(w)) for n, w in zip(names, shares, strict=True)
                ),
                region_code=rng.choice(REGIONS),
                tier=rng.choice(TIERS),
            )
        )
    needs = [NeedRecord(id=i, title=f"采购{rng.choice(vocab)}") for i in range(queries)]
    return out, needs


# -- in process ------------------------------------------------------------------------------


def bench_in_process(profiles: list[ProfileRecord], queries: list[NeedRecord]) -> None:
    """SupplierIndex build time, peak memory and shortlist latency in this process."""
    n = len(profiles)
    base_mb = _peak_mb()
    t0 = time.perf_counter()
    index = SupplierIndex().fit(profiles)
    build = time.perf_counter() - t0
    _emit(
        {
            "method": "xieshou",
            "profiles": n,
            "build_s": round(build, 2),
            "peak_rss_mb": round(_peak_mb()),
            "rss_before_build_mb": round(base_mb),
        }
    )
    lat = []
    for q in queries:
        t0 = time.perf_counter()
        index.shortlist(q, k=20)
        lat.append((time.perf_counter() - t0) * 1000)
    _emit(
        {
            "method": "xieshou",
            "profiles": n,
            "shortlist": _pct(lat),
            "peak_rss_mb": round(_peak_mb()),
        }
    )
    t0 = time.perf_counter()
    predictor = UpstreamPredictor().fit()
    fit_s = time.perf_counter() - t0
    rng = random.Random(1)
    names = sorted(index.lexicon_.names)
    buyers = [
        [ProductItem(x, round(rng.random(), 3)) for x in rng.sample(names, rng.randint(3, 8))]
        for _ in queries
    ]
    predict, rank = [], []
    for products in buyers:
        t0 = time.perf_counter()
        inputs = predictor.predict_inputs(products)
        predict.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        predictor.rank_suppliers(index, products, k=20, inputs=inputs)
        rank.append((time.perf_counter() - t0) * 1000)
    _emit(
        {
            "method": "xieshou",
            "profiles": n,
            "predictor_fit_s": round(fit_s, 2),
            "predict_inputs": _pct(predict),
            "upstream": _pct([a + b for a, b in zip(predict, rank, strict=True)]),
            "peak_rss_mb": round(_peak_mb()),
        }
    )


def bench_bm25s(profiles: list[ProfileRecord], queries: list[NeedRecord]) -> None:
    """bm25s over character bigrams of the same catalog: build time and retrieval latency."""
    import bm25s

    n = len(profiles)
    progress("bm25s: tokenizing …")
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
    _emit(
        {
            "method": "bm25s",
            "profiles": n,
            "build_s": round(bm_build, 2),
            "peak_rss_mb": round(_peak_mb()),
        }
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
    _emit({"method": "bm25s", "profiles": n, "retrieve": _pct(lat)})


# -- over HTTP -------------------------------------------------------------------------------


def _uscc(i: int, region: str) -> str:
    from app.reference.uscc import uscc_check_char

    body = f"91{region}{i:09d}"
    return body + uscc_check_char(body)


def write_import_files(
    folder: Path, profiles: list[ProfileRecord], queries: list[NeedRecord]
) -> dict[str, Path]:
    """The catalog as JSONL import files (firms, profiles, needs) in ``folder``."""
    files = {kind: folder / f"{kind}.jsonl" for kind in ("firms", "profiles", "needs")}
    firm_uscc = _uscc(0, LARGE_FIRM_REGION)
    with (
        files["firms"].open("w", encoding="utf-8") as firms,
        files["profiles"].open("w", encoding="utf-8") as profs,
    ):
        firms.write(
            json.dumps(
                {
                    "name": "基准链主集团股份有限公司",
                    "uscc": firm_uscc,
                    "kind": "大企业",
                    "region_code": LARGE_FIRM_REGION,
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        for p in profiles:
            code = _uscc(p.id + 1, p.region_code or LARGE_FIRM_REGION)
            firm: dict[str, object] = {
                "name": f"基准{p.id}精密制造有限公司",
                "uscc": code,
                "kind": "中小企业",
            }
            if p.region_code:
                firm["region_code"] = p.region_code
            if p.tier:
                firm["tier"] = TIER_NAMES[p.tier]
            firms.write(json.dumps(firm, ensure_ascii=False) + "\n")
            products = [{"name": x.name, "share": round(x.weight or 0, 6)} for x in p.products]
            profs.write(json.dumps({"uscc": code, "products": products}, ensure_ascii=False) + "\n")
    titles = {q.title: q for q in queries}  # a firm's needs are keyed by title: no repeats
    if len(titles) < len(queries):
        progress(f"  {len(queries) - len(titles)} repeated need title(s) left out of the import")
    with files["needs"].open("w", encoding="utf-8") as needs:
        for q in titles.values():
            row = {
                "uscc": firm_uscc,
                "title": q.title,
                "products": [q.title.removeprefix("采购")],
                "kind": "配套需求",
                "status": "发布",
            }
            needs.write(json.dumps(row, ensure_ascii=False) + "\n")
    return files


def load_catalog(url: str, files: dict[str, Path]) -> dict[str, float]:
    """Migrate the database at ``url`` and bulk-import the files; seconds per kind."""
    from app.imports.columns import ImportKind
    from app.imports.command import import_file
    from app.migrate import upgrade

    t0 = time.perf_counter()
    upgrade(url)
    seconds = {"migrate_s": round(time.perf_counter() - t0, 2)}
    for kind in ("firms", "profiles", "needs"):
        t0 = time.perf_counter()
        report = import_file(url, ImportKind(kind), files[kind])
        if not report.written or report.rejected:
            raise SystemExit(f"{kind} import failed: {report.problems[:5]}")
        seconds[f"{kind}_s"] = round(time.perf_counter() - t0, 2)
    return seconds


def time_index_build(url: str) -> dict[str, float]:
    """``MatchingIndex.build()`` (what a server runs at start-up), timed in this process."""
    from app.matches.index import MatchingIndex
    from app.platform.db import make_engine, make_sessionmaker

    engine = make_engine(url)
    try:
        index = MatchingIndex(make_sessionmaker(engine))
        t0 = time.perf_counter()
        index.build()
        seconds = time.perf_counter() - t0
        profiles, needs = index.sizes
    finally:
        engine.dispose()
    return {"build_s": round(seconds, 2), "indexed_profiles": profiles, "indexed_needs": needs}


def open_need_ids(url: str) -> list[int]:
    """The ids of the open needs in the database at ``url``."""
    from sqlalchemy import select

    from app.models import NeedStatus, SupplyNeed
    from app.platform.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            query = select(SupplyNeed.id).where(SupplyNeed.status == NeedStatus.open.value)
            return list(conn.scalars(query.order_by(SupplyNeed.id)))
    finally:
        engine.dispose()


async def _http_rounds(
    base: str, key: str, need_ids: list[int], requests: int, warmup: int
) -> list[dict[str, object]]:
    async def health(client: httpx.AsyncClient, _i: int) -> httpx.Response:
        return await client.get("/healthz")

    items: list[int] = []

    async def shortlist(client: httpx.AsyncClient, i: int) -> httpx.Response:
        r = await client.get(
            f"/api/v1/needs/{need_ids[i % len(need_ids)]}/shortlist", params={"limit": 20}
        )
        if r.status_code == 200:
            items.append(len(r.json()["items"]))
        return r

    await measure(shortlist, base, key, warmup, 1)
    lines: list[dict[str, object]] = []
    for clients in (1, 8):
        baseline = await measure(health, base, key, requests, clients)
        progress(f"  shortlist with {clients} client(s), {requests} requests …")
        items.clear()
        result = await measure(shortlist, base, key, requests, clients)
        lines.append(
            {
                "clients": clients,
                **result,
                "mean_items": round(sum(items) / max(1, len(items)), 1),
                "baseline_healthz_p50_ms": baseline["p50_ms"],
                "baseline_healthz_p99_ms": baseline["p99_ms"],
                "p50_vs_healthz": round(result["p50_ms"] / baseline["p50_ms"], 2),
            }
        )
    return lines


def bench_http(
    db: str,
    profiles: list[ProfileRecord],
    queries: list[NeedRecord],
    *,
    requests: int,
    warmup: int,
    workers: int,
    ready_timeout_s: float,
) -> None:
    """Load the catalog into a fresh ``db``, serve it, and time shortlists over HTTP."""
    n = len(profiles)
    needs = len({q.title for q in queries})
    common: dict[str, object] = {"db": db, "profiles": n, "needs": needs}
    with tempfile.TemporaryDirectory() as tmp, scratch_database(db) as url:
        progress(f"[{db}] writing import files …")
        files = write_import_files(Path(tmp), profiles, queries)
        progress(f"[{db}] migrating and importing {n} SMEs + profiles, {needs} needs …")
        t0 = time.perf_counter()
        loaded = load_catalog(url, files)
        _emit(
            {
                "stage": "http_load",
                **common,
                **loaded,
                "total_s": round(time.perf_counter() - t0, 2),
            }
        )
        progress(f"[{db}] timing MatchingIndex.build() in process …")
        _emit({"stage": "http_index_build", **common, **time_index_build(url)})
        key = admin_key(url)
        need_ids = open_need_ids(url)
        if not need_ids:
            raise SystemExit("no open needs were imported")
        progress(f"[{db}] starting xieshou serve (ready once its index is built) …")
        with running_server(url, workers=workers, ready_timeout_s=ready_timeout_s) as server:
            headers = {"Authorization": f"Bearer {key}"}
            r = httpx.get(
                f"{server.base}/api/v1/needs/{need_ids[0]}/shortlist",
                params={"limit": 20},
                headers=headers,
                timeout=120,
            )
            r.raise_for_status()
            _emit(
                {
                    "stage": "http_startup",
                    **common,
                    "workers": workers,
                    "spawn_to_healthz_s": round(server.alive_s, 2),
                    "spawn_to_readyz_s": round(server.ready_s, 2),
                    "spawn_to_first_shortlist_s": round(time.monotonic() - server.spawned, 2),
                }
            )
            for line in asyncio.run(_http_rounds(server.base, key, need_ids, requests, warmup)):
                load = round(os.getloadavg()[0], 2)
                _emit(
                    {"stage": "http_shortlist", **common, "workers": workers, **line, "load1": load}
                )


def main() -> int:
    """Run the benchmark; see the module docstring."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--profiles", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200, help="queries in process; HTTP needs")
    ap.add_argument("--firms", default=str(DEFAULT_FIRMS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-bm25", action="store_true")
    ap.add_argument("--skip-in-process", action="store_true", help="only the HTTP stages")
    ap.add_argument(
        "--http",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"measure over HTTP (default: on when --profiles ≤ {HTTP_DEFAULT_MAX_PROFILES:,})",
    )
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="sqlite")
    ap.add_argument("--requests", type=int, default=400, help="HTTP requests per measurement")
    ap.add_argument("--warmup", type=int, default=20, help="HTTP shortlists before measuring")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument(
        "--ready-timeout", type=float, default=900, help="seconds to wait for the server"
    )
    args = ap.parse_args()
    http = args.http if args.http is not None else args.profiles <= HTTP_DEFAULT_MAX_PROFILES
    vocab = sorted(
        {
            p.name
            for line in Path(args.firms).read_text(encoding="utf-8").splitlines()
            for p in clean_products(json.loads(line)["products"])
            if p.name.isprintable()  # the importer refuses control characters (one has U+007F)
        }
    )
    progress(f"vocabulary: {len(vocab)} product names")
    profiles, queries = synthetic_catalog(vocab, args.profiles, args.queries, args.seed)
    progress(f"generated {len(profiles)} profiles, peak {_peak_mb():.0f} MB")
    if not args.skip_in_process:
        bench_in_process(profiles, queries)
        if not args.skip_bm25:
            bench_bm25s(profiles, queries)
    if http:
        for db in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
            bench_http(
                db,
                profiles,
                queries,
                requests=args.requests,
                warmup=args.warmup,
                workers=args.workers,
                ready_timeout_s=args.ready_timeout,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
