"""Evaluate need → supplier ranking on a benchmark file (one JSON line per method on stdout).

Usage::

    python scripts/evaluate.py --catalog ../shared/data/firms.jsonl \
        --queries ../shared/data/bench/need_supplier_dev.jsonl [--baselines] [--half 0|1]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.catalog import profile_from_firm
from matching.index import SupplierIndex
from matching.metrics import mrr, ndcg_at_k, recall_at_k
from matching.records import NeedRecord


def _need(raw: dict[str, Any], i: int) -> NeedRecord:
    return NeedRecord(
        id=i,
        title=str(raw.get("title") or ""),
        description=str(raw.get("description") or ""),
        products=tuple(str(p) for p in raw.get("products") or ()),
        application=str(raw.get("application") or ""),
    )


def _score(
    name: str, rankings: Sequence[list[str]], relevant: Sequence[set[str]]
) -> dict[str, Any]:
    n = len(relevant)
    return {
        "method": name,
        "ndcg@10": round(
            float(np.mean([ndcg_at_k(r, g, 10) for r, g in zip(rankings, relevant, strict=True)])),
            4,
        )
        if n
        else 0.0,
        "recall@50": round(
            float(
                np.mean([recall_at_k(r, g, 50) for r, g in zip(rankings, relevant, strict=True)])
            ),
            4,
        )
        if n
        else 0.0,
        "mrr": round(
            float(np.mean([mrr(r, g) for r, g in zip(rankings, relevant, strict=True)])), 4
        )
        if n
        else 0.0,
        "n": n,
    }


def _query_text(raw: dict[str, Any]) -> str:
    parts = [raw.get("title") or "", raw.get("description") or ""]
    parts += [*list(raw.get("products") or ()), raw.get("application") or ""]
    return " ".join(str(p) for p in parts if p)


def _tfidf(docs: list[str], queries: list[str], codes: list[str]) -> list[list[str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2))
    x = vec.fit_transform(docs)
    out: list[list[str]] = []
    for q in queries:
        s = (x @ vec.transform([q]).T).toarray().ravel()
        top = np.argsort(-s, kind="stable")[:50]
        out.append([codes[i] for i in top if s[i] > 0])
    return out


def _bigrams(text: str) -> list[str]:
    t = "".join(text.split())
    return [t[i : i + 2] for i in range(len(t) - 1)] or ([t] if t else [])


def _bm25(docs: list[str], queries: list[str], codes: list[str]) -> list[list[str]]:
    import bm25s

    vocab: dict[str, int] = {}
    corpus = [[vocab.setdefault(b, len(vocab)) for b in _bigrams(d)] for d in docs]
    model = bm25s.BM25()
    model.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=vocab), show_progress=False)
    out: list[list[str]] = []
    for q in queries:
        toks = [vocab[b] for b in _bigrams(q) if b in vocab]
        if not toks:
            out.append([])
            continue
        s = model.get_scores(toks)
        top = np.argsort(-s, kind="stable")[:50]
        out.append([codes[i] for i in top if s[i] > 0])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation; see the module docstring."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--baselines", action="store_true")
    ap.add_argument("--half", type=int, choices=(0, 1), help="only even (0) or odd (1) queries")
    args = ap.parse_args(argv)
    log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731

    firms = [
        json.loads(line)
        for line in Path(args.catalog).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    codes = [str(f["code"]) for f in firms]
    profiles = [profile_from_firm(f, i) for i, f in enumerate(firms)]
    t0 = time.perf_counter()
    index = SupplierIndex().fit(profiles)
    log(f"indexed {len(profiles)} profiles in {time.perf_counter() - t0:.2f} s")

    needs: list[dict[str, Any]] = []
    relevant: list[set[str]] = []
    skipped = 0
    for line in Path(args.queries).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        if "need" not in q:
            skipped += 1
            continue
        needs.append(q["need"])
        relevant.append(set(q.get("relevant") or ()))
    if skipped:
        log(
            f"skipped {skipped} lines without a 'need' (e.g. chain-discovery 'buyer' queries: "
            "not a need → supplier question)"
        )
    if args.half is not None:
        needs, relevant = needs[args.half :: 2], relevant[args.half :: 2]

    rankings = []
    t0 = time.perf_counter()
    for i, raw in enumerate(needs):
        matches = index.shortlist(_need(raw, i), k=50)
        rankings.append([codes[m.id] for m in matches])
        if (i + 1) % 200 == 0:
            log(f"xieshou: {i + 1}/{len(needs)} queries")
    log(f"xieshou: {len(needs)} queries in {time.perf_counter() - t0:.2f} s")
    print(json.dumps(_score("xieshou", rankings, relevant), ensure_ascii=False), flush=True)

    if args.baselines:
        docs = [" ".join(p["name"] for p in f.get("products") or ()) for f in firms]
        texts = [_query_text(n) for n in needs]
        log("baseline tfidf_char …")
        print(json.dumps(_score("tfidf_char", _tfidf(docs, texts, codes), relevant)), flush=True)
        log("baseline bm25 …")
        print(json.dumps(_score("bm25", _bm25(docs, texts, codes), relevant)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
