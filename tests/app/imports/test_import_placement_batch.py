"""Placing a batch of imported profiles at once puts each on the nodes one-by-one placing does.

:meth:`ChainPlacer.place_many` works out a whole batch's nodes with array operations; the
reference here is the subject-by-subject loop it replaced (a subject's terms, best term per
node, nodes by confidence, the per-chain rule), run on the shipped seed chain map with the
terms profiles bring: several products with shares, technologies, repeated and unknown
terms, subjects with no term, ties between terms.
"""

import random
from collections.abc import Sequence

import numpy as np
import pytest

from app.chains import placing
from app.chains.seed import seed_document
from matching.placement import ChainPlacer, NodeDoc, PlacedNode, PlacementTerm


@pytest.fixture(scope="module")
def placer() -> ChainPlacer:
    docs: list[NodeDoc] = []
    for chain_id, chain in enumerate(seed_document().chains, start=1):
        for node in chain.nodes:
            docs.append(
                NodeDoc(
                    len(docs) + 1, chain_id, node.name, tuple(node.products), tuple(node.keywords)
                )
            )
    return ChainPlacer().fit(docs)


def _one_by_one(placer: ChainPlacer, terms: Sequence[PlacementTerm]) -> list[PlacedNode]:
    """One subject placed alone, as before batches (the reference)."""
    if not terms:
        return []
    sims = placer.similarity([t.text for t in terms])
    block = sims * np.asarray([min(max(t.weight, 0.0), 1.0) for t in terms])[:, None]
    best_term = block.argmax(axis=0)
    conf = block.max(axis=0)
    chosen: list[PlacedNode] = []
    per: dict[int, list[tuple[int, float]]] = {}
    for j in np.argsort(-conf, kind="stable"):
        c = float(conf[j])
        if c < placer.min_confidence or len(chosen) >= placer.max_nodes:
            break
        node = placer.nodes_[j]
        term = int(best_term[j])
        first = per.get(node.chain_id)
        if first is not None and (
            len(first) >= placer.per_chain or any(t == term and c < 0.95 * fc for t, fc in first)
        ):
            continue
        per.setdefault(node.chain_id, []).append((term, c))
        chosen.append(PlacedNode(node.id, node.chain_id, round(c, 4), terms[term].text))
    return chosen


def _subjects(placer: ChainPlacer, count: int) -> list[list[PlacementTerm]]:
    rng = random.Random(15)
    known = sorted({p for node in placer.nodes_ for p in (node.name, *node.products)})
    other = ["月饼", "技术服务", "高性能锂电池隔膜", "精密加工", "表面处理", "销售", "膏", ""]
    subjects: list[list[PlacementTerm]] = []
    for i in range(count):
        if i % 17 == 0:
            subjects.append([])
            continue
        names = rng.sample(known, rng.randint(1, 4)) + rng.sample(other, rng.randint(0, 2))
        if i % 5 == 0:
            names = names + names[:1]  # the same term twice: the first one is named
        products = [{"name": n, "share": rng.choice([None, 0.2, 0.5, 1])} for n in names]
        subjects.append(placing.profile_terms(products, rng.sample(other, 1)))
    return subjects


def test_a_batch_places_each_profile_as_one_by_one(placer: ChainPlacer) -> None:
    subjects = _subjects(placer, 600)
    expected = [_one_by_one(placer, s) for s in subjects]
    assert sum(1 for e in expected if e) > 400  # most land somewhere: the test is not empty
    assert any(len(e) == placer.max_nodes for e in expected)
    assert placer.place_many(subjects) == expected
    assert [placer.place(s) for s in subjects[:50]] == expected[:50]


def test_batches_larger_than_a_block_place_alike(
    placer: ChainPlacer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Subjects are placed block by block (memory); the block edges change nothing."""
    subjects = _subjects(placer, 200)
    whole = placer.place_many(subjects)
    monkeypatch.setattr("matching.placement._BLOCK", 7)
    assert placer.place_many(subjects) == whole
    assert placer.place_many([[], []]) == [[], []]
    assert placer.place_many([]) == []
