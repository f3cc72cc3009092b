"""scripts/bench_chain_combiner.py: buyers that share a relevant supplier stay together."""

import numpy as np

from tests.scripts.loading import load_script


def test_buyers_sharing_a_supplier_directly_or_through_others_are_one_group() -> None:
    mod = load_script("bench_chain_combiner")
    empty = np.zeros((0, len(mod.FEATURES)))
    buyers = [
        mod.Buyer("a", [], empty, {1, 2}),
        mod.Buyer("b", [], empty, {3}),
        mod.Buyer("c", [], empty, {2, 4}),
        mod.Buyer("d", [], empty, {4, 5}),
        mod.Buyer("e", [], empty, {3, 6}),
        mod.Buyer("f", [], empty, {7}),
    ]
    groups = mod.groups_sharing_suppliers(buyers)
    assert groups[0] == groups[2] == groups[3]  # a–c through 2, c–d through 4
    assert groups[1] == groups[4]
    assert len({groups[0], groups[1], groups[5]}) == 3


def test_the_engines_order_is_scored_when_no_model_is_given() -> None:
    mod = load_script("bench_chain_combiner")
    signals = np.zeros((3, len(mod.FEATURES)))
    buyer = mod.Buyer("a", [5, 6, 7], signals, {6})
    got = mod.scores([buyer], None)
    assert got["recall@50"] == 1.0
    assert 0.6 < got["ndcg@10"] < 0.7  # the one relevant firm second: 1 / log2(3)
