"""Warming a preloaded index state (``app.matches.index.warm_state``): the server's parent
ranks the snapshot's open needs before it forks its workers, so that what the first queries
build lazily is made once and shared. It fills caches only: every answer stays the same."""

from datetime import date
from pathlib import Path

import pytest

from app.matches.index import warm_state
from app.matches.loading import FirmFacts, IndexedNeed
from app.matches.snapshots import IndexState, ProfileBook
from matching import NeedIndex, SupplierIndex
from matching.records import NeedRecord, ProductItem, ProfileRecord

TODAY = date(2026, 1, 1)
PROFILES = [
    ProfileRecord(1, "甲", products=(ProductItem("锂电池", 0.9),), region_code="320500"),
    ProfileRecord(2, "乙", products=(ProductItem("精密齿轮", 0.8),), region_code="310000"),
    ProfileRecord(3, "丙", products=(ProductItem("减速器", 0.7),), region_code="320500"),
]
NEEDS = [
    NeedRecord(10, "采购锂电池", products=("锂电池",)),
    NeedRecord(11, "采购齿轮", products=("齿轮",)),
    NeedRecord(12, "减速机", products=("减速机",)),
]


def _state() -> IndexState:
    firm = FirmFacts(100, "链主", "310000", None)
    return IndexState(
        SupplierIndex().fit(PROFILES),
        NeedIndex().fit(NEEDS),
        ProfileBook(),
        {n.id: IndexedNeed(n, firm, n.title, "product") for n in NEEDS},
        0,
    )


def _answers(index: SupplierIndex) -> list[list[tuple[int, float]]]:
    return [[(m.id, m.score) for m in index.shortlist(n, k=20, today=TODAY)] for n in NEEDS]


def test_warming_ranks_every_open_need_and_fills_the_term_cache() -> None:
    state = _state()
    assert not state.suppliers._term_cache
    assert warm_state(state, budget_s=60, today=TODAY) == len(NEEDS)
    assert state.suppliers._term_cache  # the wanted terms' related names, made here


def test_warming_changes_no_answer() -> None:
    cold, warmed = _state(), _state()
    warm_state(warmed, budget_s=60, today=TODAY)
    assert _answers(warmed.suppliers) == _answers(cold.suppliers)
    assert any(_answers(cold.suppliers))  # the needs do match something


def test_warming_stops_once_its_time_is_spent_but_ranks_one_need() -> None:
    assert warm_state(_state(), budget_s=0, today=TODAY) == 1
    assert (
        warm_state(IndexState(SupplierIndex().fit([]), NeedIndex().fit([]), ProfileBook(), {}, 0))
        == 0
    )


def test_the_preloading_parent_warms_the_snapshot_it_preloaded(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import app.main
    from app.matches import snapshots

    state = _state()

    def preload_snapshot(root: Path, sessions: object, *, min_score: float) -> str:
        monkeypatch.setattr(snapshots, "_preloaded", (root / "tok", min_score, state))
        return "tok"

    monkeypatch.setenv("XIESHOU_INDEX_SNAPSHOTS", "true")
    monkeypatch.setattr(app.main, "snapshot_root", lambda url, data: tmp_path)
    monkeypatch.setattr(app.main, "preload_snapshot", preload_snapshot)
    app.main._preload_index_snapshot()
    assert state.suppliers._term_cache  # ranked in this process, before any fork
