"""Placing profiles and needs on the nodes of the chain map (产业链图谱), with a confidence.

A node is described by its name, its products and its keywords. A profile is described by its
products (weighted by share of revenue) and technologies; a need by its *wanted* products only
(what it is for is the buyer's own node, not the supplier's). Each term is compared with every
phrase of every node by TF-IDF character n-grams (Chinese has no word boundaries); a node's
keyword found inside a term counts as a strong match (``锂电池正极材料`` holds ``正极``). A term's
share of character n-grams unknown to every node lowers its similarity. A term's
similarity to a node is its best phrase; the node's confidence is the best term's similarity
scaled by that term's weight.

This module is a plain library: no FastAPI, no SQL.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from matching.placement_records import NodeDoc, PlacedNode, PlacementTerm
from matching.tokenize import normalize

__all__ = ["ChainPlacer", "NodeDoc", "PlacedNode", "PlacementTerm"]


#: Words that say how a firm earns (selling, servicing, trading), not what it makes.
GENERIC_WORDS = (
    r"销售|服务(?!器)|业务|产品|商品|贸易|代理|咨询|租赁|维修|其他|其它|收入|分部|板块|系列|类"
    r"|制造|加工|生产|批发|零售|经营"
)


_BLOCK = 4096


def _analyzer_text(text: str) -> str:
    return normalize(text).replace(" ", "")


class ChainPlacer(BaseEstimator):  # type: ignore[misc]
    """Place terms (products) on chain nodes by character n-gram similarity.

    Parameters
    ----------
    ngram_range : tuple of int, default=(1, 3)
        Character n-gram lengths of the TF-IDF vectorizer.
    keyword_floor : float, default=0.85
        Similarity given to a term that ends with one of a node's keywords or product names
        (the head of a Chinese compound comes last: ``锂电池隔膜`` is a kind of ``隔膜``), when
        the n-gram similarity is lower.
    inner_floor : float, default=0.5
        The same for a keyword found inside the term but not at its end.
    generic : str, default=GENERIC_WORDS
        A regular expression of words removed from the terms placed (not from the nodes)
        (``汽车零部件销售`` is compared as ``汽车零部件``; ``技术服务`` says nothing).
    min_confidence : float, default=0.45
        Nodes below this confidence are not returned.
    max_nodes : int, default=3
        At most this many nodes per subject, best first.
    per_chain : int, default=2
        At most this many nodes of one chain per subject.

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
        Fitted on every node phrase.
    phrase_matrix_ : scipy.sparse.csr_matrix
        L2-normalised TF-IDF rows, one per phrase.
    phrase_node_ : ndarray of int
        Index into ``nodes_`` of each phrase's node.
    run_owners_, run_starts_ : ndarray of int
        The nodes that have phrases and where each one's run of phrase rows starts.
    phrases_ : list of str
        The normalised phrases.
    keys_ : dict of str to ndarray
        Each keyword, product and node name (normalised) and the nodes that hold it.
    max_key_length_ : int
        Length of the longest key.
    generic_ : re.Pattern or None
        The compiled ``generic`` pattern.
    nodes_ : tuple of NodeDoc
        The nodes fitted on.

    Examples
    --------
    >>> nodes = [NodeDoc(1, 10, "正极材料", ("磷酸铁锂", "三元正极材料"), ("正极",)),
    ...          NodeDoc(2, 10, "电池", ("锂电池", "动力电池"), ("电池",)),
    ...          NodeDoc(3, 20, "逆变器", ("光伏逆变器",), ("逆变器",))]
    >>> placer = ChainPlacer().fit(nodes)
    >>> [(p.node_id, p.confidence >= 0.85) for p in placer.place([PlacementTerm("锰酸锂正极材料")])]
    [(1, True)]
    >>> placer.place([PlacementTerm("光伏逆变器")])[0].node_id
    3
    >>> placer.place([PlacementTerm("月饼")])
    []
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 3),
        keyword_floor: float = 0.85,
        inner_floor: float = 0.5,
        generic: str = GENERIC_WORDS,
        min_confidence: float = 0.45,
        max_nodes: int = 3,
        per_chain: int = 2,
    ) -> None:
        self.ngram_range = ngram_range
        self.keyword_floor = keyword_floor
        self.inner_floor = inner_floor
        self.generic = generic
        self.min_confidence = min_confidence
        self.max_nodes = max_nodes
        self.per_chain = per_chain

    def fit(self, nodes: Sequence[NodeDoc], y: None = None) -> ChainPlacer:
        """Learn the phrases of ``nodes``.

        Parameters
        ----------
        nodes : sequence of NodeDoc
            The chain map's nodes; at least one with a name.
        y : None
            Ignored.

        Returns
        -------
        ChainPlacer
            ``self``.
        """
        if not nodes:
            raise ValueError("fit needs at least one node")
        self.generic_ = re.compile(self.generic) if self.generic else None
        phrases: list[str] = []
        owner: list[int] = []
        keyed: dict[str, set[int]] = {}
        for i, node in enumerate(nodes):
            seen: set[str] = set()
            for text in (node.name, *node.products, *node.keywords):
                phrase = _analyzer_text(text)
                if phrase and phrase not in seen:
                    seen.add(phrase)
                    phrases.append(phrase)
                    owner.append(i)
            for text in (node.name, *node.keywords, *node.products):
                key = _analyzer_text(text)
                if len(key) >= 2:
                    keyed.setdefault(key, set()).add(i)
        vectorizer = TfidfVectorizer(
            analyzer="char", ngram_range=self.ngram_range, sublinear_tf=True, lowercase=False
        )
        self.phrase_matrix_ = vectorizer.fit_transform(phrases).tocsr()
        self.vectorizer_ = vectorizer
        self.phrase_node_ = np.asarray(owner, dtype=np.int64)
        self.run_owners_, self.run_starts_ = np.unique(self.phrase_node_, return_index=True)
        self.phrases_ = phrases
        self.nodes_ = tuple(nodes)
        self.keys_ = {k: np.asarray(sorted(v), dtype=np.int64) for k, v in keyed.items()}
        self.max_key_length_ = max((len(k) for k in keyed), default=0)
        return self

    def _clean(self, text: str) -> str:
        key = _analyzer_text(text)
        pattern = getattr(self, "generic_", None)
        return pattern.sub("", key) if pattern is not None else key

    def similarity(self, terms: Sequence[str]) -> NDArray[np.float64]:
        """Similarity in [0, 1] of each term to each node: shape ``(len(terms), len(nodes_))``.

        Parameters
        ----------
        terms : sequence of str
            Product names or other short texts.

        Returns
        -------
        ndarray
            Row ``i`` column ``j``: the best similarity of ``terms[i]`` to a phrase of node
            ``j``, raised to ``keyword_floor`` when the term ends with a key of node ``j`` and
            to ``inner_floor`` when a key is elsewhere inside it.
        """
        check_is_fitted(self, "phrase_matrix_")
        texts = [self._clean(t) for t in terms]
        out = np.zeros((len(texts), len(self.nodes_)), dtype=np.float64)
        if not texts:
            return out
        query = self.vectorizer_.transform(texts)
        # Phrases are stored node by node, so each node's phrases are one run of columns and
        # a node's best phrase is a max over that run; blocks of terms bound the dense memory.
        owners, starts = self.run_owners_, self.run_starts_
        for lo in range(0, len(texts), _BLOCK):
            sims = (query[lo : lo + _BLOCK] @ self.phrase_matrix_.T).toarray()
            out[lo : lo + _BLOCK, owners] = np.maximum.reduceat(sims, starts, axis=1)
        # n-grams no node has are dropped by the vectorizer; without this a term with extra
        # unknown characters (高性能锂电池隔膜) would look identical to a node's phrase.
        analyzer = self.vectorizer_.build_analyzer()
        vocabulary = self.vectorizer_.vocabulary_
        for i, text in enumerate(texts):
            grams = analyzer(text)
            if grams:
                known = sum(1 for g in grams if g in vocabulary)
                out[i] *= math.sqrt(known / len(grams))
        for i, text in enumerate(texts):
            if len(text) < 2:  # one character (石, 膏) or nothing left: too little to place on
                out[i] = 0.0
        longest = self.max_key_length_
        for i, text in enumerate(texts):
            n = len(text) if len(text) >= 2 else 0
            for a in range(n):
                for b in range(a + 1, min(n, a + longest) + 1):
                    hit = self.keys_.get(text[a:b])
                    if hit is not None:
                        floor = self.keyword_floor if b == n else self.inner_floor
                        out[i, hit] = np.maximum(out[i, hit], floor)
        return np.clip(out, 0.0, 1.0)

    def place(self, terms: Sequence[PlacementTerm]) -> list[PlacedNode]:
        """The nodes one subject belongs on, best first.

        Parameters
        ----------
        terms : sequence of PlacementTerm
            The subject's products (and technologies), each with a weight in (0, 1].

        Returns
        -------
        list of PlacedNode
            At most ``max_nodes`` (and ``per_chain`` per chain) with confidence at least
            ``min_confidence``; confidence is ``max over terms of similarity × weight``.
        """
        return self.place_many([terms])[0]

    def place_many(self, subjects: Sequence[Sequence[PlacementTerm]]) -> list[list[PlacedNode]]:
        """:meth:`place` for many subjects at once (one vectorizer call for all their terms).

        Parameters
        ----------
        subjects : sequence of sequences of PlacementTerm
            One list of terms per subject.

        Returns
        -------
        list of list of PlacedNode
            One list per subject, in order.
        """
        check_is_fitted(self, "phrase_matrix_")
        out: list[list[PlacedNode]] = []
        # blocks of subjects bound the memory of the (terms × nodes) arrays
        for lo in range(0, len(subjects), _BLOCK):
            out += self._place_block(subjects[lo : lo + _BLOCK])
        return out

    def _place_block(self, subjects: Sequence[Sequence[PlacementTerm]]) -> list[list[PlacedNode]]:
        flat = [t for terms in subjects for t in terms]
        out: list[list[PlacedNode]] = [[] for _ in subjects]
        if not flat:
            return out
        # product names repeat across firms: score each distinct text once
        distinct: dict[str, int] = {}
        which = np.fromiter(
            (distinct.setdefault(t.text, len(distinct)) for t in flat), dtype=np.int64
        )
        weights = np.asarray([min(max(t.weight, 0.0), 1.0) for t in flat], dtype=np.float64)
        scored = self.similarity(list(distinct))[which] * weights[:, None]
        # Each subject's terms are one run of rows: a node's confidence is the best of the
        # run, and the term that gave it the first row of the run reaching that best.
        sizes = np.fromiter((len(terms) for terms in subjects), dtype=np.int64, count=len(subjects))
        filled = np.flatnonzero(sizes)
        starts = (np.cumsum(sizes) - sizes)[filled]
        conf = np.maximum.reduceat(scored, starts, axis=0)
        run = np.repeat(np.arange(len(filled)), sizes[filled])
        rows = np.arange(len(flat))[:, None]
        first = (
            np.minimum.reduceat(np.where(scored == conf[run], rows, len(flat)), starts, axis=0)
            - starts[:, None]
        )
        order = np.argsort(-conf, axis=1, kind="stable")
        wanted = (conf >= self.min_confidence).sum(axis=1)
        for k, n in enumerate(wanted.tolist()):
            if not n:
                continue
            at = int(filled[k])
            terms = subjects[at]
            confs, best_terms = conf[k].tolist(), first[k].tolist()
            chosen: list[PlacedNode] = []
            per: dict[int, list[tuple[int, float]]] = {}
            for j in order[k, :n].tolist():
                if len(chosen) >= self.max_nodes:
                    break
                c = confs[j]
                node = self.nodes_[j]
                term = best_terms[j]
                earlier = per.get(node.chain_id)
                if earlier is not None and (
                    len(earlier) >= self.per_chain
                    # a second node of the chain from the same term must be about as good
                    or any(t == term and c < 0.95 * fc for t, fc in earlier)
                ):
                    continue
                per.setdefault(node.chain_id, []).append((term, c))
                chosen.append(PlacedNode(node.id, node.chain_id, round(c, 4), terms[term].text))
            out[at] = chosen
        return out
