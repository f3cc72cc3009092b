"""Chain discovery (补链): which inputs a buyer's products need, and which SMEs make them.

The chain map says which inputs go into which products (``隔膜 → 锂电池``), but a buyer's own
product names are rarely nodes of it: 磷酸铁锂动力电池, 锂电池销售业务. So a buyer's product
borrows the inputs of the chain-map products whose names are most like its own (character
n-gram TF-IDF cosine, the nearest ``n_neighbors``): a product is mostly named by its head, so
磷酸铁锂动力电池 lands next to 锂电池 and 动力电池. An input named by several of the buyer's
products, or by several neighbours, adds up; a product with a larger revenue share counts more.

The predicted inputs then become weighted wanted terms of an ordinary shortlist
(:meth:`matching.SupplierIndex.shortlist`), so the SMEs are ranked from the live index, with
its filters and soft signals, at the cost of one shortlist query on a couple of dozen terms.
An SME's product answers an input when it is the input or a close sub-type of it (names that
merely mention the input do not count), and an SME making several of the inputs ranks above
one making a single one. Every result says which product of the buyer, which input, and which
product of the SME connect them.

Fitted on the shipped chain map, the defaults were tuned on one hash-half of the
chain-discovery dev set and checked on the other (``scripts/evaluate.py --split a|b``);
``min_match_quality`` and ``multi_input_share`` were re-tuned on two thirds of it and checked
on the other third (an SME whose product merely starts with an input, 煤炭销售 for 煤, often
does supply it: recall@50 0.51 → 0.59 on the held-out third); ``cooccurrence_weight`` and
``input_diversity`` were tuned on another two thirds (ids whose ``sha1("h13c:" + id) % 3`` is not 0) and checked on the
rest; nothing is learned from its relevance lists.

Inputs the chain map lacks for anything like the buyer's products are inferred from the
inputs that go with the predicted ones (they go into the same products), and the ranked SMEs
are re-ordered so that the top holds makers of several inputs, not only of the strongest
(among the best ``candidate_pool``, so that makers of weaker inputs can come up into a short
list).

Only the ``max_inputs`` strongest inputs are matched in the main ranking: more terms would
dilute what a maker of several of them earns. The next ``tail_inputs`` (ranked with more weight
on the inputs inferred from co-occurrence) are matched in a second pass whose makers only fill
in below the main ranking, each where its score times ``tail_weight`` beats the main
ranking's next: the main order is kept, and a buyer whose strongest inputs have few makers
still gets a full list. On the chain-discovery dev set's tune part (``scripts/evaluate.py
--split tune``) this raised recall@50 from 0.666 to 0.701 at the same NDCG@10; the held-out
part went from 0.544 to 0.575 (``tail_weight``, ``tail_inputs`` and ``candidate_pool`` were
chosen on tune only; 60 tail inputs gave 0.704 / 0.580 at twice the tail's cost).

A product also borrows, at a low fixed similarity, from the chain-map products that end in the
same character (``head_neighbors``): goods of one kind share inputs even when their names share
nothing else (片剂 and 针剂 take what 气雾剂 and 硬膏剂 take). These inputs are weak, so they
mostly reach the tail: recall@50 0.701 → 0.751 on tune and 0.575 → 0.597 on the held-out third,
NDCG@10 0.379 → 0.383 and 0.336 → 0.334 (``head_neighbors`` and ``head_similarity`` chosen on
tune only).

The chain map states most links from the product's side (its ``upstream`` rows: 水泥 lists 石膏)
and a few only from the input's side (``downstream`` rows: 电石 lists 水泥 among its uses,
while 水泥's own list lacks 电石). Such a link is one the product's own list is missing, the
kind chain discovery looks for, so the SMEs that make such an input of one of the buyer's main
lines (its first ``input_side_products`` products), by the input's exact name, are put first;
the order is otherwise kept. On tune NDCG@10 0.383 → 0.464 and recall@50 0.751 → 0.774; on the
held-out third 0.334 → 0.393 and 0.597 → 0.645 (``input_side_products`` chosen on tune only).
Among them, the makers of a common input material (one that at least ``input_side_takers``
chain-map products list among their own inputs) come first: NDCG@10 0.464 → 0.485 on tune,
0.393 → 0.444 on the held-out third (3–6 takers all gave 0.480–0.485 on tune; 5 was best).
Within each of those two groups, the makers of an input that is a chain-map product of its own
(the map lists inputs of it: 电石 yes, 铁精粉 no) come first (``input_side_nodes_first``):
a link stated from such an input's side is more often a real one (over the (buyer, link) pairs,
the mean share of the input's exact makers that were relevant was 0.65 on tune and 0.67 on
the held-out third, against 0.55 and 0.51 for the other inputs). NDCG@10 0.508 → 0.521 on
tune (20 buyers up, 1 down), 0.451 → 0.456 on the held-out third (10 up, 1 down), recall@50
0.7745 and 0.6466 → 0.6460 (the node test first, before the takers, gave 0.527 on tune but
0.447 on the held-out third; 3–10 takers with it gave 0.517–0.528 on tune, too jumpy to
re-choose on: 5 was kept).

A buyer none of whose main lines has such a link gets no such group, and its top places often
go to makers of an input whose own rows state other uses only (铁矿石, 聚氯乙烯, 黄金饰品,
predicted strongly from similar names): in the first 10 of those buyers they were relevant
0.6 % of the time on tune (163) and 0 % on the held-out third (87), against 7.4 % and 5.3 %
for the others (in places 11–50 they do better than the others, so they are moved, not
dropped). Among the first ``other_uses_depth`` they are moved behind the rest: NDCG@10
0.485 → 0.493 on tune (13 buyers up, none down), the held-out third and recall@50 unchanged
(depths 10–30 gave 0.490–0.493 on tune; 20 was best).
For such a buyer the makers of an input that the product's own side of the map already lists
for one of its products (塑料薄膜 lists 聚乙烯) serve a link the map has, not a gap: in the
first 10 of those buyers they were relevant 1.6 % of the time on tune (257) and 0.7 % on the
held-out third (147), against 8.9 % and 5.7 % for the others, and 0.3 % / 0 % in places 11–50.
Among the first ``known_inputs_depth`` (after the step above) the exact makers of such an
input are moved behind the rest: NDCG@10 0.493 → 0.508 on tune, 0.444 → 0.451 on the
held-out third, recall@50 unchanged (depths 15–40 gave 0.5082 on tune, 5 and 10 0.5076; all
the buyer's products rather than its first 8 or 3, and any exact path rather than the first,
were best on tune; moving non-exact makers too lost: 0.456).
What such a buyer's main lines lack is most often an input that goes into the same chain-map
products as the inputs the map does list for them (聚氯乙烯 goes with 聚乙烯 into 建材, and
塑料薄膜 lists 聚乙烯): the co-occurrence of inputs, seeded with those known inputs, learned
from the map alone. The exact makers of the ``co_inputs`` strongest such inputs (none that the
map lists for any of the buyer's products) come first: those the ranking holds in its order,
then the others. On tune NDCG@10 0.521 → 0.566 and recall@50 0.775 → 0.788; on the held-out
third 0.456 → 0.541 and 0.646 → 0.703 (17 tune buyers up, 2 down; 18 held-out up, none down;
per distinct relevance list 0.506 → 0.575 and 0.413 → 0.509). Seeded with all the buyer's
products instead of its main lines, 0.561 on tune; 5 / 8 / 15 / 20 inputs gave 0.553 / 0.552
/ 0.562 / 0.560 on tune, 10 0.565; the makers by the input's rank first, then the ranking's
order, 0.562 (all chosen on tune only).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from matching.catalog import ChainLink, chain_links, clean_products, product_key
from matching.query import WantedTerm
from matching.records import NeedRecord, ProductItem
from matching.supplier_index import SupplierIndex
from matching.upstream_records import InputSource, PredictedInput, SupplyPath, UpstreamMatch

__all__ = [
    "InputSource",
    "PredictedInput",
    "SupplyPath",
    "UpstreamMatch",
    "UpstreamPredictor",
]

_BATCH = 32
_CACHE_SIZE = 50_000
"""Product names whose neighbours are kept (the cache starts afresh when full)."""

LinkLike = ChainLink | tuple[str, str]
"""A chain link: a :class:`ChainLink`, or an ``(input, product)`` pair."""


def _as_link(link: LinkLike) -> tuple[str, str, bool]:
    """``(input, product, stated by the product's side)``; a plain pair is the product's."""
    if isinstance(link, ChainLink):
        return product_key(link.input), product_key(link.product), link.stated_by != "input"
    source, target = link
    return product_key(source), product_key(target), True


class UpstreamPredictor(BaseEstimator):  # type: ignore[misc]
    """Predict the inputs of products from a chain map, and rank the SMEs that make them.

    Parameters
    ----------
    n_neighbors
        How many chain-map products (with known inputs) a product borrows inputs from.
    min_similarity
        Neighbours less similar than this (cosine of character n-gram TF-IDF) are ignored.
    neighbor_weight
        How much a neighbour's inputs count, times its similarity, against the inputs of the
        product itself when it is a node of the chain map (which count 1).
    ngram_range
        Character n-grams of the similarity.
    share_floor
        A product's weight is ``share_floor + share`` (its revenue share in ``[0, 1]``; the
        mean share of the others when unknown), so unlisted shares still count.
    max_inputs
        At most this many inputs are predicted (and matched against suppliers).
    min_match_quality
        An SME's product answers an input only when at least this good a match
        (:func:`matching.similarity.match_quality`: 1 the same name, about 0.8 a sub-type,
        lower for names that merely mention the input); higher is cheaper on big catalogs.
    multi_input_share
        How much the other inputs an SME makes add to its best one (their mean score times
        this): a firm making several of the buyer's inputs is the better partner. Scores
        are scaled by ``1 / (1 + multi_input_share)``, so a firm making only the strongest
        input scores about ``1 / (1 + multi_input_share)``.
    cooccurrence_weight
        Inputs the chain map has for nothing like the buyer's products are inferred from
        the predicted ones: an input that goes into the same products as they do (cosine of
        their product sets, times their scores, times this) is predicted too, and a
        predicted input that goes with the others is strengthened. 0 turns this off.
    input_diversity
        The ranked SMEs are re-ordered (the same SMEs) so that makers of other inputs come
        up between makers of the strongest one: each SME already placed whose main input is
        the same scales a firm's score by this. The strongest input is often one the buyer
        already buys; 1 turns this off.
    candidate_pool
        The SMEs are re-ordered among at least this many ranked SMEs (then cut to ``k``),
        so that makers of weaker inputs can come up into a short list.
    tail_inputs
        Beyond the ``max_inputs`` strongest, this many more inputs (the next ones, ranked with
        ``tail_cooccurrence_weight``) are matched in a second, cheaper pass whose makers only
        fill in below the main ranking: a maker of a tail input enters where its score,
        times ``tail_weight``, beats the main ranking's. 0 turns this off.
    tail_weight
        How much a tail input's maker scores against a maker of a main input of the same
        weight (each ranking's inputs are scaled so that the strongest weighs 1).
    tail_cooccurrence_weight
        ``cooccurrence_weight`` when ranking the tail inputs: inferred inputs count more
        there, since the tail holds what the chain map does not say for anything like the
        buyer's products.
    head_neighbors
        A product also borrows from this many chain-map products that end in the same
        Chinese character (its head: 片剂, 针剂 and 气雾剂 are all 剂, dosage forms), the most
        similar first, when they are not among its ``n_neighbors`` already: goods of one kind
        share inputs even when their names share nothing else. 0 turns this off.
    head_similarity
        The similarity such a same-head product counts with (times ``neighbor_weight``),
        whatever its n-gram similarity.
    input_side_products
        An SME that makes, by its exact name, an input that the chain map states only from
        the input's side (a ``downstream`` row: 电石 lists 水泥 among its uses, while 水泥's own
        list of inputs lacks 电石) of one of the buyer's ``input_side_products`` main lines
        (the largest revenue shares; the first listed when none is known) comes before the
        other ranked SMEs; each group keeps its order. Such a link is one the product's own list is missing, which is what chain
        discovery looks for. 0 turns this off.
    input_side_takers
        Among those SMEs, the makers of an input that at least this many chain-map products
        list among their own inputs (a common input material, such as 硫酸 or 焦炭) come
        first: a link stated from the side of such an input is more often a real one than a
        link stated from the side of an input few products take. 0 turns this off.
    input_side_nodes_first
        Within each of those two groups, the makers of an input that is a chain-map product
        of its own (the map lists inputs of it: 甲醇, 电石, but not 铁精粉) come first: a link
        stated from the side of an input the map describes as made goods is more often a
        real one. False turns this off.
    other_uses_depth
        For a buyer none of whose main lines has such an input-side link, an SME among the
        first ``other_uses_depth`` whose first supply path is an input that the chain map
        states from the input's side for other products only (the input's own rows list its
        uses, and the buyer's main lines are not among them) is moved behind them, keeping
        its order. Their makers top the ranking when the input is predicted strongly (铁矿石,
        聚氯乙烯, 黄金饰品 from similar names) but are seldom what the buyer's lines lack.
        0 turns this off.
    known_inputs_depth
        For such a buyer too (none of its main lines has an input-side link), an SME among
        the first ``known_inputs_depth`` (after the step above) that makes, by its exact name,
        an input that the product's own side of the chain map already lists for one of the
        buyer's products (an ``upstream`` row: 塑料薄膜 lists 聚乙烯) is moved behind them,
        keeping its order. Such a maker serves a link the map already has, not a gap in the
        buyer's chain. 0 turns this off; it is off with ``input_side_products`` 0, as above.
    co_inputs
        For such a buyer, the inputs that go into the same chain-map products as the inputs
        the map's product side lists for its main lines (the co-occurrence of inputs, seeded
        with those known inputs; :meth:`co_inputs_of`) are the likeliest missing ones: the
        SMEs that make one of the ``co_inputs`` strongest, by its exact name, come first,
        those the ranking already holds in its order, then the others by the input's rank.
        An input the map lists for any of the buyer's products is not one of them. 0 turns
        this off; it is off with ``input_side_products`` 0.

    Attributes
    ----------
    products_ : list of str
        The chain-map products that have known inputs.
    inputs_ : list of tuple of str
        The inputs of each, in the order of ``products_``.
    vectorizer_ : TfidfVectorizer
        Fitted on ``products_``.
    n_links_ : int
        Distinct links learned.
    input_names_ : list of str
        Every input of the chain map (the rows of the co-occurrence of inputs).
    input_side_ : dict of str to frozenset of str
        The inputs of each product that only the input's side states (see
        ``input_side_products``); products without any are left out.
    input_takers_ : dict of str to int
        How many chain-map products list each input among their own inputs (their
        ``upstream`` rows).
    input_side_sources_ : frozenset of str
        Every input that ``input_side_`` holds for some product.

    Examples
    --------
    >>> from matching.records import ProductItem, ProfileRecord
    >>> predictor = UpstreamPredictor().fit([("隔膜", "锂电池"), ("正极材料", "锂电池"),
    ...                                      ("钢材", "汽车")])
    >>> [(p.input, p.weight) for p in predictor.predict_inputs(["磷酸铁锂电池"])]
    [('正极材料', 1.0), ('隔膜', 1.0)]
    >>> index = SupplierIndex().fit([
    ...     ProfileRecord(1, "甲", products=(ProductItem("锂电池隔膜", 0.9),)),
    ...     ProfileRecord(2, "乙", products=(ProductItem("汽车", 0.9),)),
    ... ])
    >>> [(m.id, m.paths[0].buyer_product, m.paths[0].input, m.paths[0].supplier_product)
    ...  for m in predictor.rank_suppliers(index, ["磷酸铁锂电池"])]
    [(1, '磷酸铁锂电池', '隔膜', '锂电池隔膜')]
    """

    def __init__(
        self,
        n_neighbors: int = 40,
        min_similarity: float = 0.3,
        neighbor_weight: float = 0.3,
        ngram_range: tuple[int, int] = (1, 3),
        share_floor: float = 1.0,
        max_inputs: int = 20,
        min_match_quality: float = 0.45,
        multi_input_share: float = 8.0,
        cooccurrence_weight: float = 0.05,
        input_diversity: float = 0.95,
        candidate_pool: int = 200,
        tail_inputs: int = 30,
        tail_weight: float = 0.2,
        tail_cooccurrence_weight: float = 0.2,
        head_neighbors: int = 30,
        head_similarity: float = 0.2,
        input_side_products: int = 8,
        input_side_takers: int = 5,
        other_uses_depth: int = 20,
        known_inputs_depth: int = 20,
        input_side_nodes_first: bool = True,
        co_inputs: int = 10,
    ) -> None:
        self.n_neighbors = n_neighbors
        self.min_similarity = min_similarity
        self.neighbor_weight = neighbor_weight
        self.ngram_range = ngram_range
        self.share_floor = share_floor
        self.max_inputs = max_inputs
        self.min_match_quality = min_match_quality
        self.multi_input_share = multi_input_share
        self.cooccurrence_weight = cooccurrence_weight
        self.input_diversity = input_diversity
        self.candidate_pool = candidate_pool
        self.tail_inputs = tail_inputs
        self.tail_weight = tail_weight
        self.tail_cooccurrence_weight = tail_cooccurrence_weight
        self.head_neighbors = head_neighbors
        self.head_similarity = head_similarity
        self.input_side_products = input_side_products
        self.input_side_takers = input_side_takers
        self.other_uses_depth = other_uses_depth
        self.known_inputs_depth = known_inputs_depth
        self.input_side_nodes_first = input_side_nodes_first
        self.co_inputs = co_inputs

    def fit(self, links: Iterable[LinkLike] | None = None, y: None = None) -> Self:
        """Learn the chain map: which inputs each product takes.

        Parameters
        ----------
        links
            ``(input, product)`` pairs or :class:`~matching.catalog.ChainLink` edges;
            default: the shipped sample (:func:`matching.catalog.chain_links`). Names are
            normalised; self-links and empty names are dropped.
        y
            Ignored (scikit-learn convention).

        Returns
        -------
        UpstreamPredictor
            ``self``.

        Raises
        ------
        ValueError
            If no usable link is given.
        """
        inputs: dict[str, dict[str, None]] = {}
        product_side: set[tuple[str, str]] = set()
        for link in chain_links() if links is None else links:
            source, target, by_product = _as_link(link)
            if source and target and source != target:
                inputs.setdefault(target, {})[source] = None
                if by_product:
                    product_side.add((source, target))
        if not inputs:
            raise ValueError("no usable chain links to learn from")
        self.products_ = list(inputs)
        self.inputs_ = [tuple(inputs[p]) for p in self.products_]
        self.n_links_ = sum(len(i) for i in self.inputs_)
        input_side = {
            product: frozenset(i for i in found if (i, product) not in product_side)
            for product, found in inputs.items()
        }
        self.input_side_ = {p: found for p, found in input_side.items() if found}
        self.input_side_sources_ = frozenset().union(*self.input_side_.values())
        takers: dict[str, int] = {}
        for source, _ in product_side:
            takers[source] = takers.get(source, 0) + 1
        self.input_takers_ = takers
        self._row_of = {p: i for i, p in enumerate(self.products_)}
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True, lowercase=False
        )
        self._matrix = self.vectorizer_.fit_transform(self.products_).T.tocsr()
        by_head: dict[str, list[int]] = {}
        for row, name in enumerate(self.products_):
            if _head(name):
                by_head.setdefault(name[-1], []).append(row)
        self._by_head = {h: np.asarray(rows, dtype=np.intp) for h, rows in by_head.items()}
        self._fit_cooccurrence()
        self._cache: dict[str, tuple[tuple[str, float], ...]] = {}
        return self

    def _fit_cooccurrence(self) -> None:
        """Inputs × products incidence, rows scaled to unit length: the cosine of two inputs
        is how often they go into the same products."""
        names = sorted({i for ins in self.inputs_ for i in ins})
        self.input_names_ = names
        self._input_col = {n: j for j, n in enumerate(names)}
        rows = [self._input_col[i] for ins in self.inputs_ for i in ins]
        cols = [p for p, ins in enumerate(self.inputs_) for _ in ins]
        incidence = sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(names), len(self.inputs_))
        )
        norms = np.sqrt(np.asarray(incidence.sum(axis=1)).ravel())
        self._incidence = sp.diags(1.0 / np.maximum(norms, 1.0)) @ incidence
        self._incidence_t = self._incidence.T.tocsr()
        self._incidence = self._incidence.tocsr()
        self._takers: dict[str, list[int]] = {}
        for row, ins in enumerate(self.inputs_):
            for item in ins:
                self._takers.setdefault(item, []).append(row)

    def _cooccurring(self, seeds: Sequence[tuple[str, float]]) -> dict[str, tuple[float, str]]:
        """Inputs that go into the same products as the ``(input, score)`` seeds: the sum of
        their cosines to the seeds, weighted by the seeds' scores, and the seed that gave
        most (an input's likeness to itself left out)."""
        rows = [self._input_col[n] for n, _ in seeds]
        weights = sp.diags(np.array([v for _, v in seeds], dtype=float))
        spread = (weights @ self._incidence[rows] @ self._incidence_t).toarray()
        spread[np.arange(len(rows)), rows] = 0.0
        total = spread.sum(axis=0)
        strongest = spread.argmax(axis=0)
        return {
            self.input_names_[j]: (float(total[j]), seeds[int(strongest[j])][0])
            for j in np.flatnonzero(total > 1e-9).tolist()
        }

    def _shared_product(self, a: str, b: str) -> str:
        """A chain-map product that takes both inputs (the first such)."""
        takers = set(self._takers[a])
        return next((self.products_[r] for r in self._takers[b] if r in takers), "")

    def _neighbours_of(self, names: Sequence[str]) -> list[tuple[tuple[str, float], ...]]:
        """Neighbours of each name; the ones not cached yet in one sparse product."""
        cache = self._cache
        got: dict[str, tuple[tuple[str, float], ...]] = {}
        for name in names:
            hit = cache.get(name)  # .get: another thread may clear the cache meanwhile
            if hit is not None:
                got[name] = hit
        todo = [n for n in dict.fromkeys(names) if n not in got]
        if todo:
            if len(cache) + len(todo) > _CACHE_SIZE:
                cache.clear()
            k = min(self.n_neighbors, len(self.products_))
            for start in range(0, len(todo), _BATCH):  # bounds the dense block's memory
                batch = todo[start : start + _BATCH]
                sims = (self.vectorizer_.transform(batch) @ self._matrix).toarray()
                for name, row_sims in zip(batch, sims, strict=True):
                    got[name] = cache[name] = self._top_neighbours(name, row_sims, k)
        return [got[n] for n in names]

    def _top_neighbours(
        self, name: str, sims: npt.NDArray[np.float64], k: int
    ) -> tuple[tuple[str, float], ...]:
        found: dict[str, float] = {}
        if name in self._row_of:
            found[name] = 1.0
        top = np.argpartition(-sims, k - 1)[:k]
        for i in top[np.lexsort((top, -sims[top]))].tolist():
            s = float(sims[i])
            if s >= self.min_similarity and self.products_[i] not in found:
                found[self.products_[i]] = min(s, 1.0)
        same_head = self._by_head.get(name[-1]) if self.head_neighbors > 0 and _head(name) else None
        if same_head is not None:
            nearest = same_head[np.argsort(-sims[same_head], kind="stable")[: self.head_neighbors]]
            for i in nearest.tolist():
                other = self.products_[i]
                if other != name and other not in found:
                    found[other] = self.head_similarity
        return tuple(found.items())

    def neighbours(self, name: str) -> list[tuple[str, float]]:
        """Chain-map products whose inputs ``name`` borrows, with their similarity.

        The product itself comes first (similarity 1) when it is a node with inputs.
        """
        check_is_fitted(self)
        return list(self._neighbours_of([product_key(name)])[0])

    def _weighted_products(
        self, products: Iterable[ProductItem | str | Mapping[str, Any]]
    ) -> list[tuple[str, float]]:
        items = clean_products(ProductItem(p) if isinstance(p, str) else p for p in products)
        known = [min(max(i.weight, 0.0), 1.0) for i in items if i.weight is not None]
        default = sum(known) / len(known) if known else 0.0
        return [
            (
                i.name,
                self.share_floor + (default if i.weight is None else min(max(i.weight, 0.0), 1.0)),
            )
            for i in items
        ]

    def predict_inputs(
        self, products: Iterable[ProductItem | str | Mapping[str, Any]]
    ) -> list[PredictedInput]:
        """The inputs a buyer making ``products`` probably needs, strongest first.

        Parameters
        ----------
        products
            The buyer's products: names, :class:`~matching.records.ProductItem` or
            ``{"name", "weight"}`` mappings with revenue shares. Accounting lines are dropped.

        Returns
        -------
        list of PredictedInput
            At most ``max_inputs``, weights scaled so the strongest is 1, ties by name.
        """
        check_is_fitted(self)
        return self._predicted(products)[0]

    def _predicted(
        self,
        products: Iterable[ProductItem | str | Mapping[str, Any]],
        *,
        tail: bool = False,
    ) -> tuple[list[PredictedInput], list[PredictedInput]]:
        """The ``max_inputs`` strongest inputs and, with ``tail``, the next ``tail_inputs``
        ranked with ``tail_cooccurrence_weight`` (each list's weights scaled so its strongest
        is 1); the buyer's products are looked up once for both."""
        direct, sources, spread = self._input_evidence(products)
        if not direct:
            return [], []
        main = self._ranked(direct, spread, self.cooccurrence_weight)[: self.max_inputs]
        rest: list[tuple[str, float]] = []
        if tail and self.tail_inputs > 0:
            taken = {item for item, _ in main}
            ranked = self._ranked(direct, spread, self.tail_cooccurrence_weight)
            rest = [kv for kv in ranked if kv[0] not in taken][: self.tail_inputs]
        for item, _ in main + rest:
            if item not in sources:  # inferred: say through which product it goes with a seed
                seed = spread[item][1]
                buyer_product = max(sources[seed], key=lambda ws: ws[0])[1].product
                via = self._shared_product(seed, item)
                sources[item] = [(0.0, InputSource(buyer_product, via, 0.0))]
        return self._as_predicted(main, sources), self._as_predicted(rest, sources)

    @staticmethod
    def _ranked(
        direct: Mapping[str, float],
        spread: Mapping[str, tuple[float, str]],
        cooccurrence_weight: float,
    ) -> list[tuple[str, float]]:
        """Inputs by their score with this much of the co-occurrence added, best first."""
        score = dict(direct)
        if cooccurrence_weight > 0:
            for item, (value, _) in spread.items():
                score[item] = score.get(item, 0.0) + cooccurrence_weight * value
        return sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))

    @staticmethod
    def _as_predicted(
        ranked: Sequence[tuple[str, float]],
        sources: Mapping[str, list[tuple[float, InputSource]]],
    ) -> list[PredictedInput]:
        if not ranked:
            return []
        top = ranked[0][1]
        return [
            PredictedInput(
                input=item,
                weight=round(value / top, 6),
                sources=tuple(s for _, s in sorted(sources[item], key=lambda ws: -ws[0])[:3]),
            )
            for item, value in ranked
        ]

    def _input_evidence(
        self, products: Iterable[ProductItem | str | Mapping[str, Any]]
    ) -> tuple[
        dict[str, float], dict[str, list[tuple[float, InputSource]]], dict[str, tuple[float, str]]
    ]:
        """The chain map's evidence for the inputs of ``products``: each input's score from
        the products and their neighbours, the weighted sources of each, and the inputs that
        go with the strongest ``max_inputs`` (co-occurrence and the seed that gave most)."""
        score: dict[str, float] = {}
        sources: dict[str, list[tuple[float, InputSource]]] = {}
        weighted = self._weighted_products(products)
        near = self._neighbours_of([name for name, _ in weighted])
        for (name, weight), neighbours in zip(weighted, near, strict=True):
            for via, sim in neighbours:
                factor = 1.0 if via == name else self.neighbor_weight * sim
                for item in self.inputs_[self._row_of[via]]:
                    score[item] = score.get(item, 0.0) + weight * factor
                    sources.setdefault(item, []).append(
                        (weight * factor, InputSource(name, via, round(sim, 4)))
                    )
        if not score:
            return {}, sources, {}
        seeds = sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[: self.max_inputs]
        return score, sources, self._cooccurring(seeds)

    def rank_suppliers(
        self,
        index: SupplierIndex,
        products: Iterable[ProductItem | str | Mapping[str, Any]],
        k: int = 20,
        *,
        exclude: Collection[int] = (),
        region_code: str | None = None,
        industry_codes: Sequence[str] = (),
        region_prefix: str | None = None,
        tier: str | None = None,
        min_score: float | None = None,
        today: date | None = None,
        inputs: Sequence[PredictedInput] | None = None,
    ) -> list[UpstreamMatch]:
        """The ``k`` SMEs in ``index`` best placed to supply the inputs of ``products``.

        Parameters
        ----------
        index
            The live supplier index.
        products
            The buyer's products (see :meth:`predict_inputs`).
        k
            How many to return at most.
        exclude
            Profile ids never to return (the buyer's own).
        region_code, industry_codes
            The buyer's region (for nearness) and GB/T 4754 codes (for the industry signal).
        region_prefix, tier, min_score, today
            As in :meth:`matching.SupplierIndex.shortlist` (but no minimum score unless
            given: a firm making one of many inputs scores low by design).
        inputs
            The inputs :meth:`predict_inputs` gave for ``products``, if already at hand.

        Returns
        -------
        list of UpstreamMatch
            Best first; each with at least one supply path.
        """
        check_is_fitted(self)
        if k <= 0:
            return []
        products = list(products)  # read more than once below
        want_tail = self.tail_inputs > 0
        if inputs is None:
            predicted, tail = self._predicted(products, tail=want_tail)
        else:
            predicted = list(inputs)
            tail = self._predicted(products, tail=want_tail)[1] if want_tail else []
            if predicted and tail:
                given = {p.input for p in predicted}
                tail = [p for p in tail if p.input not in given]
        if not predicted:
            return []
        # Scaled so that only a firm making every input (not one making the first) reaches 1:
        # unscaled, every maker of a top input would tie at the cap.
        scale = 1.0 / (1.0 + self.multi_input_share)
        need = NeedRecord(
            id=0, title="", region_code=region_code, industry_codes=tuple(industry_codes)
        )

        def ranked(
            inputs: Sequence[PredictedInput],
            weight: float,
            size: int,
            min_quality: float = self.min_match_quality,
        ) -> list[UpstreamMatch]:
            matches = index.shortlist(
                need,
                k=size,
                region_prefix=region_prefix,
                tier=tier,
                min_score=0.0 if min_score is None else min_score,  # scores are scaled down
                today=today,
                terms=[WantedTerm(p.input, weight * scale * p.weight, "chain") for p in inputs],
                exclude=exclude,
                min_quality=min_quality,
                multi_term_share=self.multi_input_share,
            )
            by_input = {p.input: p for p in inputs}
            out: list[UpstreamMatch] = []
            for match in matches:
                paths = []
                for wanted, offered in match.reasons.matched_products:
                    source = by_input[wanted].sources[0]
                    paths.append(SupplyPath(source.product, wanted, offered, source.via))
                out.append(UpstreamMatch(match.id, match.score, tuple(paths), match.reasons))
            return out

        pool = max(k, self.candidate_pool)
        main = self._diversified(ranked(predicted, 1.0, pool))
        if tail:  # its makers only fill in: the first k of its own ranking are enough
            main = _fill_in(main, ranked(tail, self.tail_weight, k), len(main) + k)
        main = self._input_side_first(main, products)
        co_inputs = self.co_inputs_of(products)
        if co_inputs:
            # only makers by the exact name count: the index need not rank looser names
            found = ranked(co_inputs, 1.0, pool, min_quality=1.0)
            main = _co_input_makers_first(main, found, co_inputs)
        return main[:k]

    def input_side_inputs(
        self, products: Iterable[ProductItem | str | Mapping[str, Any]]
    ) -> frozenset[str]:
        """The inputs that only the input's side of the chain map states for one of the buyer's
        ``input_side_products`` main lines (empty when that is 0).

        Parameters
        ----------
        products
            The buyer's products, as for :meth:`predict_inputs`. The main lines are those with
            the largest revenue shares; products without a share count as the mean of the
            others, and ties keep the given order.

        Returns
        -------
        frozenset of str
            Normalised input names.
        """
        check_is_fitted(self)
        if self.input_side_products <= 0 or not self.input_side_:
            return frozenset()
        weighted = self._weighted_products(products)
        # main lines: the largest revenue shares (a stable sort: the given order breaks ties,
        # and is the order when no share is known)
        names = [name for name, _ in sorted(weighted, key=lambda nw: -nw[1])]
        found: set[str] = set()
        for name in names[: self.input_side_products]:
            found |= self.input_side_.get(name, frozenset())
        return frozenset(found)

    def _input_side_first(
        self,
        matches: list[UpstreamMatch],
        products: Iterable[ProductItem | str | Mapping[str, Any]],
    ) -> list[UpstreamMatch]:
        """``matches`` with the exact makers of an input only the input's side states for
        one of the buyer's first ``input_side_products`` products first, those of an input
        with at least ``input_side_takers`` takers before the others and, with
        ``input_side_nodes_first``, within each of those the makers of an input that is a
        chain-map product of its own first (a stable partition: each part keeps its
        order)."""
        wanted = self.input_side_inputs(products)
        if not wanted:
            if self.input_side_products <= 0:
                return matches
            return self._known_inputs_behind(self._other_uses_behind(matches), products)
        common = self.input_side_takers
        # tiers: (not a common input, not a chain-map product of its own); rest last
        tiers: list[list[UpstreamMatch]] = [[], [], [], []]
        rest: list[UpstreamMatch] = []
        for match in matches:
            exact = [
                p.input
                for p in match.paths
                if p.input in wanted and product_key(p.supplier_product) == p.input
            ]
            if not exact:
                rest.append(match)
                continue
            is_common = common > 0 and max(self.input_takers_.get(i, 0) for i in exact) >= common
            is_node = self.input_side_nodes_first and any(i in self._row_of for i in exact)
            tiers[2 * (not is_common) + (not is_node)].append(match)
        return [m for tier in tiers for m in tier] + rest

    def _other_uses_behind(self, matches: list[UpstreamMatch]) -> list[UpstreamMatch]:
        """``matches`` with those among the first ``other_uses_depth`` whose first path's
        input is in ``input_side_sources_`` moved behind the first ``other_uses_depth`` others
        (for a buyer without input-side links; both parts keep their order)."""
        depth = self.other_uses_depth
        sources = self.input_side_sources_
        if depth <= 0 or not sources:
            return matches
        moved = [m for m in matches[:depth] if m.paths[0].input in sources]
        if not moved:
            return matches
        others = [m for m in matches[:depth] if m.paths[0].input not in sources]
        others += matches[depth:]
        return others[:depth] + moved + others[depth:]

    def known_inputs(
        self, products: Iterable[ProductItem | str | Mapping[str, Any]]
    ) -> frozenset[str]:
        """The inputs that the product's own side of the chain map (its ``upstream`` rows)
        lists for any of ``products``: links the map already has.

        Parameters
        ----------
        products
            The buyer's products, as for :meth:`predict_inputs` (all of them count).

        Returns
        -------
        frozenset of str
            Normalised input names.
        """
        check_is_fitted(self)
        found: set[str] = set()
        for name, _ in self._weighted_products(products):
            row = self._row_of.get(name)
            if row is not None:
                found.update(set(self.inputs_[row]) - self.input_side_.get(name, frozenset()))
        return frozenset(found)

    def co_inputs_of(
        self, products: Iterable[ProductItem | str | Mapping[str, Any]]
    ) -> list[PredictedInput]:
        """The ``co_inputs`` inputs likeliest to be missing from the chain map for a buyer
        without input-side links among its main lines (empty for any other buyer, or when
        ``co_inputs`` or ``input_side_products`` is 0).

        They are the inputs that go into the same chain-map products as the inputs the map's
        product side lists for the buyer's first ``input_side_products`` main lines (the
        co-occurrence of inputs, each such known input weighing 1), leaving out every input
        the map lists for any of the buyer's products.

        Parameters
        ----------
        products
            The buyer's products, as for :meth:`predict_inputs`.

        Returns
        -------
        list of PredictedInput
            Strongest first (weights scaled so that it is 1; ties by name), each with the
            buyer's product whose known input it goes with and a chain-map product that
            takes both (similarity 0: inferred).
        """
        check_is_fitted(self)
        if self.co_inputs <= 0 or self.input_side_products <= 0:
            return []
        weighted = self._weighted_products(products)
        main_lines = [name for name, _ in sorted(weighted, key=lambda nw: -nw[1])]
        main_lines = main_lines[: self.input_side_products]
        if any(name in self.input_side_ for name in main_lines):
            return []
        seed_of: dict[str, str] = {}  # known input of a main line -> that line
        for name in main_lines:
            row = self._row_of.get(name)
            if row is not None:
                for item in self.inputs_[row]:
                    seed_of.setdefault(item, name)
        if not seed_of:
            return []
        known = self.known_inputs([name for name, _ in weighted])
        spread = self._cooccurring([(item, 1.0) for item in sorted(seed_of)])
        ranked = sorted(
            ((item, value, seed) for item, (value, seed) in spread.items() if item not in known),
            key=lambda ivs: (-ivs[1], ivs[0]),
        )[: self.co_inputs]
        sources = {
            item: [(1.0, InputSource(seed_of[seed], self._shared_product(seed, item), 0.0))]
            for item, _, seed in ranked
        }
        return self._as_predicted([(item, value) for item, value, _ in ranked], sources)

    def _known_inputs_behind(
        self,
        matches: list[UpstreamMatch],
        products: Iterable[ProductItem | str | Mapping[str, Any]],
    ) -> list[UpstreamMatch]:
        """``matches`` with those among the first ``known_inputs_depth`` that make, by its
        exact name, one of :meth:`known_inputs` moved behind the first ``known_inputs_depth``
        others (both parts keep their order)."""
        depth = self.known_inputs_depth
        if depth <= 0:
            return matches
        known = self.known_inputs(products)
        if not known:
            return matches

        def serves_known(match: UpstreamMatch) -> bool:
            return any(
                p.input in known and product_key(p.supplier_product) == p.input for p in match.paths
            )

        head = matches[:depth]
        moved = [m for m in head if serves_known(m)]
        if not moved:
            return matches
        others = [m for m in head if not serves_known(m)] + matches[depth:]
        return others[:depth] + moved + others[depth:]

    def _diversified(self, matches: list[UpstreamMatch]) -> list[UpstreamMatch]:
        """Greedy re-ordering by ``score * input_diversity ** (firms placed with the same
        main input)``; each input's makers keep their order, so only the heads compete."""
        if self.input_diversity >= 1.0:
            return matches
        queues: dict[str, list[UpstreamMatch]] = {}
        for match in matches:
            queues.setdefault(match.paths[0].input, []).append(match)
        heads = dict.fromkeys(queues, 0)
        out: list[UpstreamMatch] = []
        while len(out) < len(matches):
            best = max(
                (i for i in heads if heads[i] < len(queues[i])),
                key=lambda i: queues[i][heads[i]].score * self.input_diversity ** heads[i],
            )
            out.append(queues[best][heads[best]])
            heads[best] += 1
        return out


def _head(name: str) -> bool:
    """Whether ``name`` has a head character to group by: two characters or more, the last
    a CJK ideograph (a Latin letter or digit says nothing about the kind of goods)."""
    return len(name) >= 2 and "\u4e00" <= name[-1] <= "\u9fff"


def _co_input_makers_first(
    main: list[UpstreamMatch], found: list[UpstreamMatch], co_inputs: Sequence[PredictedInput]
) -> list[UpstreamMatch]:
    """``main`` with the SMEs of ``found`` that make one of ``co_inputs`` by its exact name
    first: those in ``main`` in its order (their co-input paths put first), then the others
    by their best co-input's rank and ``found``'s order; the rest of ``main`` keeps its order."""
    rank_of = {p.input: i for i, p in enumerate(co_inputs)}
    exact: dict[int, tuple[SupplyPath, ...]] = {}
    best: dict[int, int] = {}
    for order, match in enumerate(found):
        paths = tuple(
            p
            for p in match.paths
            if p.input in rank_of and product_key(p.supplier_product) == p.input
        )
        if paths:
            exact[match.id] = paths
            best[match.id] = min(rank_of[p.input] for p in paths) * len(found) + order
    if not exact:
        return main
    first: list[UpstreamMatch] = []
    rest: list[UpstreamMatch] = []
    for match in main:
        if match.id not in exact:
            rest.append(match)
            continue
        paths = exact.pop(match.id)
        own = tuple(p for p in match.paths if p not in paths)
        first.append(UpstreamMatch(match.id, match.score, paths + own, match.reasons))
    by_id = {m.id: m for m in found}
    first += [by_id[i] for i in sorted(exact, key=best.__getitem__)]
    return first + rest


def _fill_in(main: list[UpstreamMatch], tail: list[UpstreamMatch], k: int) -> list[UpstreamMatch]:
    """The first ``k`` of ``main`` (in its order) with ``tail``'s SMEs (not in ``main``) let
    in wherever one scores above the next of ``main``: the main ranking's order is kept."""
    seen = {m.id for m in main}
    rest = [m for m in tail if m.id not in seen]
    out: list[UpstreamMatch] = []
    i = j = 0
    while len(out) < k and (i < len(main) or j < len(rest)):
        if j >= len(rest) or (i < len(main) and main[i].score >= rest[j].score):
            out.append(main[i])
            i += 1
        else:
            out.append(rest[j])
            j += 1
    return out
