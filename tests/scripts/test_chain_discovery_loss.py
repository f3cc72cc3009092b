"""scripts/chain_discovery_loss.py: how a candidate's product answers an input, the exact-first
what-if, and the mean over groups of buyers with one relevance list."""

from matching.upstream import SupplyPath, UpstreamMatch
from tests.scripts.loading import load_script


def _match(firm: int, score: float, *offers: tuple[str, str]) -> UpstreamMatch:
    paths = tuple(SupplyPath("锂电池", wanted, offered, "锂电池") for wanted, offered in offers)
    return UpstreamMatch(firm, score, paths)


def test_a_product_answers_an_input_exactly_as_a_sub_type_or_by_mentioning_it() -> None:
    mod = load_script("chain_discovery_loss")
    kinds = [
        mod.best_kind(_match(1, 0.1, ("隔膜", "隔膜"))),
        mod.best_kind(_match(2, 0.1, ("隔膜", "锂电池隔膜"))),
        mod.best_kind(_match(3, 0.1, ("变电", "变电站自动化"))),
        mod.best_kind(_match(4, 0.1, ("烧碱", "氢氧化钠"))),
        mod.best_kind(_match(5, 0.1, ("隔膜", "隔膜纸"), ("正极材料", "正极材料"))),
    ]
    assert kinds == ["exact", "sub-type", "mention", "other", "exact"]


def test_exact_first_lets_an_exact_maker_pass_a_higher_scored_inexact_one() -> None:
    mod = load_script("chain_discovery_loss")
    matches = [
        _match(1, 0.30, ("隔膜", "锂电池隔膜")),
        _match(2, 0.20, ("隔膜", "隔膜")),
        _match(3, 0.10, ("隔膜", "隔膜")),
    ]
    assert mod.exact_first(matches, 1.0) == [1, 2, 3]
    assert mod.exact_first(matches, 0.5) == [2, 1, 3]


def test_the_group_mean_counts_each_relevance_list_once() -> None:
    mod = load_script("chain_discovery_loss")
    values = {"a": 1.0, "b": 1.0, "c": 1.0, "d": 0.0}
    groups = {"a": ("x",), "b": ("x",), "c": ("x",), "d": ("y",)}
    assert mod.group_mean(values, groups, {"a", "b", "c", "d"}) == 0.5
    assert mod.group_mean(values, groups, {"a", "d"}) == 0.5
    assert mod.group_mean(values, groups, {"a", "b"}) == 1.0
