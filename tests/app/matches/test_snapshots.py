"""A worker starts from an index snapshot plus the change log, and answers as a cold build does.

Real database (SQLite file or PostgreSQL), real snapshot files, a real second process for the
memory-mapped sharing.
"""

import json
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from app.matches import snapshots
from app.matches.index import MatchingIndex
from app.matches.snapshots import oldest_snapshot_change_id, read_snapshot
from app.models import (
    CapabilityProfile,
    IndexSnapshot,
    NeedKind,
    NeedStatus,
    Organization,
    SupplyNeed,
)
from app.platform import changes
from app.platform.db import make_sessionmaker
from matching.snapshot import MANIFEST
from tests.app.factories import make_uscc

TODAY = date(2026, 12, 2)
PRODUCTS = [
    "锂电池",
    "磷酸铁锂电池",
    "谐波减速器",
    "伺服电机",
    "钢化玻璃",
    "铝型材",
    "轮胎",
    "电机",
]
REGIONS = ["440300", "440100", "320500", "110000", "330100"]


def _world(engine: Engine, n: int = 60) -> tuple[list[int], list[int]]:
    """``n`` SMEs with profiles and a few buyers with open needs; (profile ids, need ids)."""
    with make_sessionmaker(engine)() as s:
        profiles = []
        for i in range(n):
            org = Organization(
                kind="sme",
                name=f"供应商{i}",
                uscc=make_uscc(),
                region_code=REGIONS[i % len(REGIONS)],
                tier=[None, "innovative", "specialized", "little_giant"][i % 4],
            )
            s.add(org)
            s.flush()
            profile = CapabilityProfile(
                organization_id=org.id,
                products=[
                    {"name": PRODUCTS[i % len(PRODUCTS)], "share": 0.7},
                    {"name": PRODUCTS[(i * 3 + 1) % len(PRODUCTS)], "share": 0.2},
                ],
                technologies=["精密加工"] if i % 3 else [],
                certifications=[{"standard": "IATF 16949", "valid_until": "2030-01-01"}]
                if i % 5 == 0
                else [],
                description=f"专业生产{PRODUCTS[i % len(PRODUCTS)]}",
            )
            s.add(profile)
            s.flush()
            profiles.append(profile.id)
        needs = []
        for j, product in enumerate(PRODUCTS):
            buyer = Organization(
                kind="large_firm", name=f"链主{j}", uscc=make_uscc(), region_code=REGIONS[j % 5]
            )
            s.add(buyer)
            s.flush()
            need = SupplyNeed(
                organization_id=buyer.id,
                kind=NeedKind.supply.value,
                status=NeedStatus.open.value,
                title=f"采购{product}",
                products=[product],
                required_certifications=["IATF 16949"] if j == 0 else [],
            )
            s.add(need)
            s.flush()
            needs.append(need.id)
        s.commit()
    return profiles, needs


def _answers(
    index: MatchingIndex, need_ids: list[int], profile_ids: list[int]
) -> dict[str, list[Any]]:
    """Every shortlist and opportunity feed, with scores and reasons."""
    out: dict[str, list[Any]] = {}
    for need_id in need_ids:
        need = index.open_need(need_id)
        assert need is not None
        result = index.shortlist(
            need.record, limit=20, region_prefix=None, tier=None, min_score=None, today=TODAY
        )
        out[f"n{need_id}"] = [
            (r.match.id, r.match.score, r.match.reasons, p) for r, p in result.items
        ]
    for profile_id in profile_ids[:10]:
        out[f"p{profile_id}"] = [
            (m.id, m.score, m.reasons)
            for m, _ in index.opportunities(
                profile_id, limit=20, region_prefix=None, min_score=None, today=TODAY
            )
        ]
    return out


def _started(engine: Engine, snapshot_dir: Path | None, **kwargs: object) -> MatchingIndex:
    index = MatchingIndex(
        make_sessionmaker(engine),
        snapshot_dir=snapshot_dir,
        ready_wait_s=120,  # the first build loads the dictionaries: slow on a loaded machine
        **kwargs,  # type: ignore[arg-type]
    )
    index.start(wait=True)
    return index


def _tokens(engine: Engine) -> list[str]:
    with make_sessionmaker(engine)() as s:
        return list(s.scalars(select(IndexSnapshot.token).order_by(IndexSnapshot.id)))


def test_a_worker_started_from_a_snapshot_answers_as_a_cold_build(
    engine: Engine, tmp_path: Path
) -> None:
    profiles, needs = _world(engine)
    cold = _started(engine, None)
    first = _started(engine, tmp_path)  # finds none: builds and writes one
    assert len(_tokens(engine)) == 1
    second = _started(engine, tmp_path)  # loads it
    try:
        assert second._snapshot_token == _tokens(engine)[0]
        assert _tokens(engine) == [second._snapshot_token]  # nothing new written
        expected = _answers(cold, needs, profiles)
        assert any(expected[f"n{n}"] for n in needs)
        assert _answers(first, needs, profiles) == expected
        assert _answers(second, needs, profiles) == expected
        assert second.sizes == cold.sizes
    finally:
        for index in (cold, first, second):
            index.stop()


def test_changes_after_the_snapshot_are_visible(engine: Engine, tmp_path: Path) -> None:
    profiles, needs = _world(engine)
    _started(engine, tmp_path).stop()  # writes the snapshot
    sessions = make_sessionmaker(engine)
    with sessions() as s:
        gone = s.get(CapabilityProfile, profiles[0])
        assert gone is not None
        s.delete(gone)
        changes.record(s, changes.PROFILE, profiles[0])
        changed = s.get(CapabilityProfile, profiles[1])
        assert changed is not None
        changed.products = [{"name": "谐波减速器", "share": 1.0}]
        changes.record(s, changes.PROFILE, profiles[1])
        org = Organization(kind="sme", name="新厂", uscc=make_uscc(), region_code="440300")
        s.add(org)
        s.flush()
        new = CapabilityProfile(organization_id=org.id, products=[{"name": "谐波减速器"}])
        s.add(new)
        s.flush()
        changes.record(s, changes.PROFILE, new.id)
        closed = s.get(SupplyNeed, needs[1])
        assert closed is not None
        closed.status = NeedStatus.closed.value
        changes.record(s, changes.NEED, needs[1])
        s.commit()
        new_id = new.id
    warm = _started(engine, tmp_path)
    cold = _started(engine, None)
    try:
        assert warm._snapshot_token is not None  # started from the snapshot, then caught up
        assert warm.profile(profiles[0]) is None
        assert warm.profile(new_id) is not None
        assert warm.open_need(needs[1]) is None
        reducer = needs[PRODUCTS.index("谐波减速器")]
        listed = _answers(warm, [reducer], [])[f"n{reducer}"]
        assert new_id in {item[0] for item in listed}
        assert profiles[1] in {item[0] for item in listed}
        still_open = [n for n in needs if n != needs[1]]
        left = [p for p in profiles if p != profiles[0]] + [new_id]
        assert _answers(warm, still_open, left) == _answers(cold, still_open, left)
        assert warm.sizes == cold.sizes
    finally:
        warm.stop()
        cold.stop()


def test_a_worker_starts_from_the_snapshot_preloaded_before_the_fork(
    engine: Engine, tmp_path: Path
) -> None:
    profiles, needs = _world(engine)
    _started(engine, tmp_path).stop()  # writes the snapshot
    (token,) = _tokens(engine)
    sessions = make_sessionmaker(engine)
    assert snapshots.preload_snapshot(tmp_path, sessions, min_score=0.1) == token
    assert snapshots._preloaded is not None
    preloaded = snapshots._preloaded[2]
    with sessions() as s:  # a change after the snapshot: the worker catches up from the log
        org = Organization(kind="sme", name="新厂", uscc=make_uscc(), region_code="440300")
        s.add(org)
        s.flush()
        new = CapabilityProfile(organization_id=org.id, products=[{"name": "谐波减速器"}])
        s.add(new)
        s.flush()
        changes.record(s, changes.PROFILE, new.id)
        s.commit()
        new_id = new.id
    first = _started(engine, tmp_path)  # takes the preloaded state: no second copy
    second = _started(engine, tmp_path)  # the preload is taken once: this one reads the files
    cold = _started(engine, None)
    try:
        assert first._snapshot_token == second._snapshot_token == token
        assert first._suppliers is preloaded.suppliers
        assert first._profiles is preloaded.profiles
        assert second._suppliers is not preloaded.suppliers
        assert snapshots._preloaded is None
        assert first.profile(new_id) is not None
        everyone = [*profiles, new_id]
        assert _answers(first, needs, everyone) == _answers(cold, needs, everyone)
        assert _answers(second, needs, everyone) == _answers(cold, needs, everyone)
    finally:
        for index in (first, second, cold):
            index.stop()


def test_a_preloaded_snapshot_that_is_not_the_newest_is_not_used(
    engine: Engine, tmp_path: Path
) -> None:
    _profiles, _needs = _world(engine, 20)
    _started(engine, tmp_path).stop()
    sessions = make_sessionmaker(engine)
    old = snapshots.preload_snapshot(tmp_path, sessions, min_score=0.1)
    assert old is not None
    assert snapshots._preloaded is not None
    stale = snapshots._preloaded[2]
    index = _started(engine, tmp_path, rebuild_above=5)
    try:
        with sessions() as s:  # a batch past rebuild_above: a newer snapshot is written
            added = []
            for i in range(10):
                org = Organization(
                    kind="sme", name=f"导入{i}", uscc=make_uscc(), region_code="440300"
                )
                s.add(org)
                s.flush()
                p = CapabilityProfile(organization_id=org.id, products=[{"name": "轮胎"}])
                s.add(p)
                s.flush()
                added.append(p.id)
            changes.record_many(s, changes.PROFILE, added)
            s.commit()
        deadline = time.monotonic() + 30
        while index._snapshot_token == old and time.monotonic() < deadline:
            time.sleep(0.1)
        assert index._snapshot_token != old
    finally:
        index.stop()
    snapshots._preloaded = (tmp_path / old, 0.1, stale)  # as a parent forked before it
    late = _started(engine, tmp_path)
    try:
        assert late._snapshot_token == index._snapshot_token
        assert late._suppliers is not stale.suppliers
        assert late.profile(added[-1]) is not None
    finally:
        late.stop()
        snapshots._preloaded = None


@pytest.mark.parametrize("damage", ["checksum", "format", "truncated"])
def test_a_corrupt_or_other_format_snapshot_is_ignored(
    engine: Engine, tmp_path: Path, damage: str
) -> None:
    profiles, needs = _world(engine, 30)
    _started(engine, tmp_path).stop()
    (token,) = _tokens(engine)
    folder = tmp_path / token
    if damage == "format":
        manifest = json.loads((folder / MANIFEST).read_text())
        manifest["format"] = 999
        (folder / MANIFEST).write_text(json.dumps(manifest))
    else:
        target = folder / "suppliers.products.rows.npy"
        data = bytearray(target.read_bytes())
        if damage == "checksum":
            data[-3] ^= 0xFF
        else:
            del data[len(data) // 2 :]
        target.write_bytes(bytes(data))
    rebuilt = _started(engine, tmp_path)
    cold = _started(engine, None)
    try:
        assert rebuilt._snapshot_token not in (None, token)  # built again and written anew
        assert _answers(rebuilt, needs, profiles) == _answers(cold, needs, profiles)
    finally:
        rebuilt.stop()
        cold.stop()


def test_a_large_batch_is_applied_by_rebuilding_aside(engine: Engine, tmp_path: Path) -> None:
    _world(engine, 20)
    index = _started(engine, tmp_path, rebuild_above=100)
    try:
        first = index._snapshot_token
        sessions = make_sessionmaker(engine)
        with sessions() as s:
            added = []
            for i in range(150):  # an import: many profiles in one batch
                org = Organization(
                    kind="sme", name=f"导入{i}", uscc=make_uscc(), region_code="440300"
                )
                s.add(org)
                s.flush()
                p = CapabilityProfile(organization_id=org.id, products=[{"name": "谐波减速器"}])
                s.add(p)
                s.flush()
                added.append(p.id)
            changes.record_many(s, changes.PROFILE, added)
            s.commit()
        deadline = time.monotonic() + 30
        while index.profile(added[-1]) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert index.profile(added[-1]) is not None
        assert index._snapshot_token not in (None, first)  # a new snapshot, swapped in
        assert index.sizes[0] == 170
        with sessions() as s:
            covers = sorted(s.scalars(select(IndexSnapshot.change_id)))
            assert len(covers) == 2  # the newest two are kept
            assert covers[-1] >= 1  # the new one covers the import's change ids
            assert oldest_snapshot_change_id(s) == covers[0]
    finally:
        index.stop()


_CHILD = textwrap.dedent(
    """
    import json, sys
    from datetime import date
    from pathlib import Path
    from app.matches.snapshots import read_snapshot
    path = Path(sys.argv[1])
    state = read_snapshot(path, min_score=0.1)
    rows = state.suppliers.products_.arrays()[1]
    int(rows.sum())  # touch every page
    need = state.open_needs[int(sys.argv[2])].record
    got = [[m.id, m.score] for m in state.suppliers.shortlist(need, 20, today=date(2026, 12, 2))]
    shared = 0
    lines = Path("/proc/self/smaps").read_text().splitlines()
    for i, line in enumerate(lines):
        if line.endswith("suppliers.products.rows.npy"):
            for more in lines[i + 1 : i + 25]:
                if more.startswith("Shared_Clean:"):
                    shared += int(more.split()[1])
                    break
    print(json.dumps({"shortlist": got, "shared_kb": shared}))
    """
)


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux /proc")
def test_two_processes_share_the_snapshot_files(engine: Engine, tmp_path: Path) -> None:
    _profiles, needs = _world(engine, 3000)
    _started(engine, tmp_path).stop()
    (token,) = _tokens(engine)
    here = read_snapshot(tmp_path / token, min_score=0.1)
    rows = here.suppliers.products_.arrays()[1]
    assert isinstance(rows, __import__("numpy").memmap) or not rows.flags.owndata
    int(rows.sum())  # this process maps and touches the pages too
    need = here.open_needs[needs[0]].record
    mine = [[m.id, m.score] for m in here.suppliers.shortlist(need, 20, today=TODAY)]
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path / token), str(needs[0])],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    answer = json.loads(child.stdout.strip().splitlines()[-1])
    assert mine
    assert answer["shortlist"] == mine
    assert answer["shared_kb"] > 0  # the same page-cache pages, mapped by both processes
