"""Evaluate need → supplier ranking on a benchmark file, optionally against baselines.

Usage::

    .venv/bin/python scripts/evaluate.py --catalog ../shared/data/firms.jsonl \
        --queries ../shared/data/bench/need_supplier_dev.jsonl --baselines

Prints one JSON line per method: ``{"method", "ndcg@10", "recall@50", "mrr", "n"}``. Each
query's ``need`` is ranked by exactly the code the service uses
(:meth:`matching.SupplierIndex.shortlist`); ``relevant`` is read only to score.

Lines with a ``buyer`` (a firm code) instead of a ``need`` are chain discovery (补链): the
buyer's products (with their revenue shares) are taken from the catalog and the whole catalog
but the buyer is ranked by :meth:`matching.upstream.UpstreamPredictor.rank_suppliers`, the
code behind ``GET /organizations/{id}/upstream-suppliers``, with the predictor fitted on the
shipped chain links only. Their lines carry ``"task": "chain_discovery"`` (need lines
``"task": "need_supplier"`` when a file mixes both); ``--baselines`` adds ``tfidf_products``,
plain TF-IDF cosine between the buyer's and each firm's product names::

    .venv/bin/python scripts/evaluate.py --catalog ../shared/data/firms.jsonl \
        --queries ../shared/data/bench/chain_discovery_dev.jsonl --baselines --split a

``--context predicted|off`` changes the weak upstream context of need lines (the inputs of
the need's application, at weight ``CONTEXT_WEIGHT``): the service uses the shipped chain
map's inputs; ``predicted`` uses the chain-discovery input predictor's, ``off`` none. This
is how the upstream signal in shortlists was measured.

Robustness check: ``--perturb SEED`` rewrites every need's title and description with other
phrasings before ranking (other want cues such as 求购/拟采购/寻源/诚招/谁有, purposes such as
应用于/配套于/供…使用/作为…原料, reordered sentences, noise sentences about the buyer, the
quantity, the deadline, certifications and regions, full-width characters). A need with
``products`` is rewritten from its first product and its application; a free-text need by
substituting its cue words. ``--free-text`` also drops ``products`` and ``application``, so a
structured file becomes a free-text one. ``relevant`` is never read by the rewriting; NDCG
should stay close to the unperturbed figure::

    .venv/bin/python scripts/evaluate.py --catalog ../shared/data/firms.jsonl \
        --queries ../shared/data/bench/need_supplier_dev.jsonl --baselines --perturb 1 --free-text
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import numpy as np
from tqdm import tqdm

from matching import SupplierIndex
from matching.catalog import profile_from_firm
from matching.metrics import mrr, ndcg_at_k, recall_at_k
from matching.query import WantedTerm, split_free_text, wanted_terms
from matching.reading import NO_PRODUCT, read_need, resolve_need
from matching.records import NeedRecord, ProfileRecord
from matching.supplier_index import CONTEXT_WEIGHT, MAX_CONTEXT_TERMS
from matching.tokenize import char_ngrams
from matching.upstream import UpstreamPredictor

DEPTH = 100  # results ranked per query (≥ 50 for recall@50)
Ranker = Callable[[NeedRecord], list[int]]
BuyerRanker = Callable[[int], list[int]]
"""Ranks the catalog for the buyer at this catalog row, the buyer left out."""


def load_catalog(path: Path) -> tuple[list[ProfileRecord], list[str]]:
    """Profiles (id = line number) and the firm code of each."""
    profiles: list[ProfileRecord] = []
    codes: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                firm = json.loads(line)
                profiles.append(profile_from_firm(firm, len(profiles)))
                codes.append(str(firm["code"]))
    return profiles, codes


def need_from_query(i: int, need: dict[str, Any]) -> NeedRecord:
    """A benchmark ``need`` object as a :class:`NeedRecord` (no relevance information), as
    written: the engine's ranker resolves it (:func:`matching.reading.resolve_need`) as the
    service does; the baselines see it as written."""
    return NeedRecord(
        id=i,
        title=str(need.get("title") or ""),
        description=str(need.get("description") or ""),
        products=tuple(str(p) for p in need.get("products") or ()),
        application=str(need.get("application") or ""),
    )


class Benchmark(NamedTuple):
    """The queries of a benchmark file, by kind, with their relevant catalog rows."""

    needs: list[tuple[NeedRecord, set[int]]]
    """Need → supplier queries."""
    buyers: list[tuple[int, set[int]]]
    """Chain-discovery queries: the buyer's catalog row."""
    unknown_buyers: int
    """Chain-discovery lines whose buyer is not in the catalog (skipped)."""
    other: int
    """Lines with neither ``need`` nor ``buyer`` (skipped)."""
    need_ids: list[str]
    """The query id of each need (for ``--by-field``)."""
    buyer_ids: list[str]
    """The query id of each buyer line."""


def load_queries(
    path: Path,
    row_of_code: dict[str, int],
    *,
    split: str = "all",
    rng: random.Random | None = None,
    free_text: bool = False,
) -> Benchmark:
    """The queries of a benchmark file; ``relevant`` is read only to score.

    ``rng`` rewrites each need with other phrasings (:func:`perturb_need`).
    """
    needs: list[tuple[NeedRecord, set[int]]] = []
    buyers: list[tuple[int, set[int]]] = []
    need_ids: list[str] = []
    buyer_ids: list[str] = []
    unknown_buyers = other = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            query_id = str(row.get("id", len(needs) + len(buyers)))
            if not in_split(query_id, split):
                continue
            relevant = {row_of_code[c] for c in row.get("relevant", ()) if c in row_of_code}
            if "need" in row:
                need = need_from_query(len(needs), row["need"])
                if rng is not None:
                    need = perturb_need(need, rng, free_text=free_text)
                needs.append((need, relevant))
                need_ids.append(query_id)
            elif "buyer" in row:
                buyer = row_of_code.get(str(row["buyer"]))
                if buyer is None:
                    unknown_buyers += 1
                    continue
                buyers.append((buyer, relevant))
                buyer_ids.append(query_id)
            else:
                other += 1
    return Benchmark(needs, buyers, unknown_buyers, other, need_ids, buyer_ids)


SPLITS = ("all", "a", "b", "tune", "heldout")


def in_split(query_id: str, split: str) -> bool:
    """Deterministic parts of a query file by a hash of the query id.

    ``a``/``b``: halves. ``tune``/``heldout``: two thirds and one third; the query reader was
    tuned on ``tune`` only, ``heldout`` says how far that carries.
    """
    if split == "all":
        return True
    digest = int(hashlib.md5(query_id.encode("utf-8")).hexdigest(), 16)  # noqa: S324
    if split in ("a", "b"):
        return digest % 2 == (0 if split == "a" else 1)
    return (digest % 3 == 2) == (split == "heldout")


def part_of(query_id: str) -> str:
    """``"tune"`` or ``"heldout"``: the third a query falls in (see :func:`in_split`)."""
    return "heldout" if in_split(query_id, "heldout") else "tune"


def kind_of(query_id: str) -> str:
    """The kind of a query by its id's suffix: ``n2s-…-notice-xunjia`` → ``notice-xunjia``,
    ``n2s-…-free`` → ``free``, an id without one → ``base``."""
    parts = query_id.split("-")
    return "-".join(parts[2:]) or ("chain" if parts[0] == "chain" else "base")


def reading_of(need: NeedRecord) -> str:
    """Where a need's strongest wanted term was read: ``buyer`` (its products), ``field`` (a
    notice's labelled field), ``text`` (a want cue), ``fallback`` or ``none``."""
    reading = read_need(need)
    if NO_PRODUCT in reading.warnings:
        return "none"
    return reading.products[0].where


# -- paraphrase stress (--perturb) -----------------------------------------------------------

_TITLES = (
    "采购{x}",
    "{x}询价",
    "{x}采购项目",
    "求购{x}",
    "{x}采购需求",
    "寻源：{x}",
    "征集{x}供应商",
    "关于采购{x}的公告",
    "{x}供应商招募",
    "【求购】{x}",
    "{x}招标公告",
    "急购{x}",
    "{x}需求",
    "诚征{x}供应商",
    "{x}",
    "{x}（急）",
    "RFQ：{x}",
    "{x}寻找供应商",
)
_WANTS = (
    "采购{x}",
    "求购{x}",
    "拟采购{x}",
    "寻源{x}",
    "征集{x}供应商",
    "诚招{x}供应商",
    "需配套{x}",
    "现需{x}",
    "长期收购{x}",
    "寻找{x}合格供方",
    "诚邀{x}生产厂家报价",
    "需要一批{x}",
    "招募{x}配套企业",
    "拟引进{x}供应商",
    "面向社会征集{x}供应商",
    "计划采购{x}",
    "有{x}货源的厂家请联系",
    "本次拟采购{x}",
    "寻{x}厂家",
    "急求{x}",
    "欲购{x}",
    "邀请{x}生产企业参与报价",
    "招标采购{x}",
    "我单位现需{x}",
    "兹有{x}采购需求",
    "现对{x}进行公开询价",
    "本单位拟就{x}开展采购",
    "谁有{x}？",
    "诚寻{x}合作厂家",
)
_PURPOSES = (
    "用于{y}生产",
    "应用于{y}",
    "配套于{y}",
    "供{y}产线使用",
    "服务于{y}项目",
    "作为{y}原料",
    "作为{y}的原材料",
    "主要用在{y}上",
    "为{y}配套",
    "以满足{y}生产需要",
    "用来生产{y}",
    "{y}项目所需",
    "该产品将用于{y}",
    "主要应用在{y}方面",
    "配套生产{y}",
    "是生产{y}的必需品",
    "满足{y}项目的需求",
    "以供{y}使用",
    "应用场景：{y}",
)
_PURPOSE_FIRST = (
    "我司{y}产线需要{w}",
    "为满足{y}扩产需求，{w}",
    "因{y}生产需要，{w}",
    "本公司{y}项目{w}",
    "我们是做{y}的，{w}",
    "我厂主营{y}，现{w}",
)
_NOISE = (
    "我司是一家专业生产{y}的高新技术企业，产品远销海外。",
    "公司主要产品包括{y}等，年产值超过10亿元。",
    "我们是{y}领域的龙头企业。",
    "本公司成立于2008年，位于江苏省苏州市，是国家级专精特新小巨人企业。",
    "公司已通过ISO9001质量管理体系认证。",
    "要求供应商具备IATF 16949资质，交货期30天内。",
    "预计年采购量约500吨，分批交货。",
    "采购数量约1,000套。",
    "优先考虑长三角地区供应商。",
    "报价截止日期为2024年12月31日。",
    "付款方式：月结60天。",
    "联系人：王经理，电话13800000000。",
    "数量：2000件，需提供样品。",
    "中标供应商需签订框架协议。",
    "本次采购不接受联合体投标。",
)
_CUE_SUBSTITUTES = (
    ("需要采购", ("求购", "拟采购", "需配套", "计划采购", "急需", "需采购一批")),
    ("寻找", ("诚招", "征集", "寻源", "面向社会征集", "拟引进")),
    ("采购", ("求购", "拟采购", "寻源", "采买", "询购")),
    ("用于", ("应用于", "配套于", "服务于", "主要用在")),
    ("我司", ("本公司", "我们公司", "我厂", "我方")),
)


def _full_width(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return text
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _with_noise(core: str, y: str, rng: random.Random) -> str:
    sentences = [core]
    for template in rng.sample(_NOISE, rng.randint(0, 3)):
        if "{y}" not in template or y:
            sentences.insert(rng.randrange(len(sentences) + 1), template.format(y=y))
    return "".join(sentences)


def perturb_need(need: NeedRecord, rng: random.Random, *, free_text: bool = False) -> NeedRecord:
    """The need with its title and description written another way (see the module doc)."""
    if need.products:
        x, y = need.products[0], need.application
        want = rng.choice(_WANTS).format(x=x)
        if not y:
            core = want + "。"
        elif rng.random() < 0.3:
            core = rng.choice(_PURPOSE_FIRST).format(y=y, w=want) + "。"
        else:
            purpose = rng.choice(_PURPOSES).format(y=y)
            core = f"{want}，{purpose}。" if rng.random() < 0.6 else f"{purpose}，{want}。"
        title = rng.choice(_TITLES).format(x=x)
        description = _with_noise(core, y, rng)
    else:
        title, description = need.title, need.description
        for cue, substitutes in _CUE_SUBSTITUTES:
            if rng.random() < 0.7:
                title = title.replace(cue, rng.choice(substitutes), 1)
            if rng.random() < 0.7:
                description = description.replace(cue, rng.choice(substitutes), 1)
        description = _with_noise(description, "", rng)
    title, description = _full_width(title, rng), _full_width(description, rng)
    if free_text:
        return replace(need, title=title, description=description, products=(), application="")
    return replace(need, title=title, description=description)


def query_text(need: NeedRecord) -> str:
    """Everything a baseline gets to see of a need."""
    return " ".join([need.title, need.description, *need.products, need.application])


def document_text(profile: ProfileRecord) -> str:
    """A profile's product names joined (the baselines' document)."""
    return " ".join(p.name for p in profile.products)


def xieshou_ranker(profiles: list[ProfileRecord], context: str = "chain_map") -> Ranker:
    """The shortlist; ``context`` says what stands for the need's upstream (its application's
    inputs, weak): ``chain_map`` (the service's: the shipped map's inputs of the
    application), ``predicted`` (:class:`UpstreamPredictor`'s inputs of it) or ``off``."""
    index = SupplierIndex(application_context=context == "chain_map").fit(profiles)
    predictor = UpstreamPredictor().fit() if context == "predicted" else None
    today = date.today()

    def rank(need: NeedRecord) -> list[int]:
        need = resolve_need(need)  # as the service loads a need: read fields filled in
        terms = None
        if predictor is not None and wanted_terms(need):
            terms = wanted_terms(need)
            apps = [need.application] if need.application else []
            if not apps:
                for text in (need.title, need.description):
                    apps.extend(split_free_text(text or "")[1])
            have = {t.text for t in terms}
            inputs = predictor.predict_inputs(apps) if apps else []
            terms += [
                WantedTerm(p.input, CONTEXT_WEIGHT * p.weight, "context")
                for p in inputs[:MAX_CONTEXT_TERMS]
                if p.input not in have
            ]
        return [m.id for m in index.shortlist(need, k=DEPTH, today=today, terms=terms)]

    return rank


def tfidf_ranker(profiles: list[ProfileRecord]) -> Ranker:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    docs = vectorizer.fit_transform([document_text(p) for p in profiles])

    def rank(need: NeedRecord) -> list[int]:
        scores = (docs @ vectorizer.transform([query_text(need)]).T).toarray().ravel()
        return _top(scores, DEPTH)

    return rank


def bm25_ranker(profiles: list[ProfileRecord]) -> Ranker:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index([char_ngrams(document_text(p), 2, 2) for p in profiles], show_progress=False)

    def rank(need: NeedRecord) -> list[int]:
        tokens = [t for t in char_ngrams(query_text(need), 2, 2) if t in retriever.vocab_dict]
        if not tokens:
            return []
        docs, scores = retriever.retrieve([tokens], k=DEPTH, show_progress=False)
        return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return rank


def xieshou_buyer_ranker(profiles: list[ProfileRecord]) -> BuyerRanker:
    index = SupplierIndex().fit(profiles)
    predictor = UpstreamPredictor().fit()
    today = date.today()

    def rank(buyer: int) -> list[int]:
        matches = predictor.rank_suppliers(
            index, profiles[buyer].products, k=DEPTH, exclude={profiles[buyer].id}, today=today
        )
        return [m.id for m in matches]

    return rank


def tfidf_products_ranker(profiles: list[ProfileRecord]) -> BuyerRanker:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    docs = vectorizer.fit_transform([document_text(p) for p in profiles])

    def rank(buyer: int) -> list[int]:
        scores = (docs @ docs[buyer].T).toarray().ravel()
        scores[buyer] = 0.0
        return _top(scores, DEPTH)

    return rank


def _top(scores: np.ndarray, k: int) -> list[int]:
    k = min(k, scores.size)
    part = np.argpartition(-scores, k - 1)[:k]
    part = part[np.argsort(-scores[part], kind="stable")]
    return [int(i) for i in part if scores[i] > 0]


Q = TypeVar("Q")


class Scores(NamedTuple):
    """Per-query NDCG@10, Recall@50 and reciprocal rank, in query order."""

    ndcg: np.ndarray
    recall: np.ndarray
    rr: np.ndarray


def score_queries(
    method: str, rank: Callable[[Q], list[int]], queries: Sequence[tuple[Q, set[int]]]
) -> Scores:
    """Each query's NDCG@10, Recall@50 and reciprocal rank under ``rank``."""
    ndcg, recall, rr = [], [], []
    for query, relevant in tqdm(queries, desc=method, file=sys.stderr, leave=False):
        ranked = rank(query)
        ndcg.append(ndcg_at_k(ranked, relevant, 10))
        recall.append(recall_at_k(ranked, relevant, 50))
        rr.append(mrr(ranked, relevant))
    return Scores(np.asarray(ndcg), np.asarray(recall), np.asarray(rr))


def summarize(method: str, scores: Scores, keep: np.ndarray | None = None) -> dict[str, Any]:
    """Mean NDCG@10, Recall@50 and MRR over the queries (those ``keep`` selects)."""
    if keep is not None:
        scores = Scores(*(a[keep] for a in scores))
    n = int(scores.ndcg.size)
    return {
        "method": method,
        "ndcg@10": round(float(np.mean(scores.ndcg)), 4) if n else None,
        "recall@50": round(float(np.mean(scores.recall)), 4) if n else None,
        "mrr": round(float(np.mean(scores.rr)), 4) if n else None,
        "n": n,
    }


def evaluate(
    method: str, rank: Callable[[Q], list[int]], queries: Sequence[tuple[Q, set[int]]]
) -> dict[str, Any]:
    """Mean NDCG@10, Recall@50 and MRR of ``rank`` over the queries."""
    return summarize(method, score_queries(method, rank, queries))


def by_field(method: str, scores: Scores, groups: dict[str, list[str]]) -> list[dict[str, Any]]:
    """One line per group value: its means and its share of the method's NDCG loss."""
    loss = float(np.sum(1.0 - scores.ndcg)) or 1.0
    out = []
    for field, values in groups.items():
        for value in sorted(set(values)):
            keep = np.asarray([v == value for v in values])
            line = summarize(method, scores, keep)
            line["group"] = f"{field}={value}"
            line["loss_share"] = round(float(np.sum(1.0 - scores.ndcg[keep])) / loss, 4)
            out.append(line)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--catalog", type=Path, required=True, help="firms.jsonl")
    parser.add_argument(
        "--queries", type=Path, required=True, nargs="+", help="benchmark .jsonl file(s)"
    )
    parser.add_argument("--baselines", action="store_true", help="also TF-IDF and BM25")
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="all",
        help="evaluate on all queries or one part by a hash of the query id: a/b halves, "
        "tune (two thirds, what the query reader was tuned on) or heldout (the other third)",
    )
    parser.add_argument(
        "--by-field",
        action="store_true",
        help="also one line per group: part (tune/heldout), kind (the id's suffix: free, "
        "notice-…), reading (where the strongest wanted term was read: buyer, field, text, "
        "fallback, none) and certifications (read from the text, which the catalog's profiles "
        "never list, or none), each with its share of the NDCG loss",
    )
    parser.add_argument(
        "--context",
        choices=("chain_map", "predicted", "off"),
        default="chain_map",
        help="need lines: what stands for the need's upstream (the inputs of its application): "
        "the shipped chain map (the service's), the input predictor's, or nothing",
    )
    parser.add_argument(
        "--perturb",
        type=int,
        metavar="SEED",
        help="robustness check: rewrite each need with other phrasings (seeded)",
    )
    parser.add_argument(
        "--free-text",
        action="store_true",
        help="with --perturb: also drop products and application (structured → free text)",
    )
    args = parser.parse_args(argv)

    started = time.perf_counter()
    profiles, codes = load_catalog(args.catalog)
    row_of_code = {c: i for i, c in enumerate(codes)}
    print(f"catalog: {len(profiles)} firms", file=sys.stderr)

    benchmarks: list[tuple[str, Benchmark]] = []
    for path in args.queries:
        rng = random.Random(args.perturb)
        loaded = load_queries(
            path,
            row_of_code,
            split=args.split,
            rng=rng if args.perturb is not None else None,
            free_text=args.free_text,
        )
        if loaded.unknown_buyers:
            print(
                f"{path.name}: skipped {loaded.unknown_buyers} buyers not in the catalog",
                file=sys.stderr,
            )
        if loaded.other:
            print(
                f"{path.name}: skipped {loaded.other} lines with neither `need` nor `buyer`",
                file=sys.stderr,
            )
        benchmarks.append((path.stem, loaded))
    if not any(b.needs or b.buyers for _, b in benchmarks):
        print("no queries to evaluate", file=sys.stderr)
        return 0

    need_methods: list[tuple[str, Callable[[list[ProfileRecord]], Ranker]]] = [
        ("xieshou", lambda profiles: xieshou_ranker(profiles, args.context))
    ]
    buyer_methods: list[tuple[str, Callable[[list[ProfileRecord]], BuyerRanker]]] = [
        ("xieshou", xieshou_buyer_ranker)
    ]
    if args.baselines:
        need_methods += [("tfidf_char", tfidf_ranker), ("bm25", bm25_ranker)]
        buyer_methods.append(("tfidf_products", tfidf_products_ranker))
    several = len(benchmarks) > 1

    if any(b.needs for _, b in benchmarks):
        for name, build in need_methods:
            t0 = time.perf_counter()
            rank = build(profiles)
            for stem, bench in benchmarks:
                if not bench.needs:
                    continue
                tag: dict[str, Any] = {"file": stem} if several else {}
                if bench.buyers:
                    tag["task"] = "need_supplier"
                scores = score_queries(name, rank, bench.needs)
                _emit({**summarize(name, scores), **tag})
                if args.by_field:
                    groups = {
                        "part": [part_of(i) for i in bench.need_ids],
                        "kind": [kind_of(i) for i in bench.need_ids],
                        "reading": [reading_of(n) for n, _ in bench.needs],
                        "certifications": [
                            "read" if resolve_need(n).expected_certifications else "none"
                            for n, _ in bench.needs
                        ],
                    }
                    for line in by_field(name, scores, groups):
                        _emit({**line, **tag})
            print(f"{name}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if any(b.buyers for _, b in benchmarks):
        for name, build_buyer in buyer_methods:
            t0 = time.perf_counter()
            rank_buyer = build_buyer(profiles)
            for stem, bench in benchmarks:
                if not bench.buyers:
                    continue
                tag = {"file": stem} if several else {}
                scores = score_queries(name, rank_buyer, bench.buyers)
                _emit({**summarize(name, scores), **tag, "task": "chain_discovery"})
                if args.by_field:
                    groups = {"part": [part_of(i) for i in bench.buyer_ids]}
                    for line in by_field(name, scores, groups):
                        _emit({**line, **tag, "task": "chain_discovery"})
            print(f"{name} (chain discovery): {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    print(f"total {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def _emit(line: dict[str, Any]) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    sys.exit(main())
