"""Pruning the change log: only what is safe, in batches; a worker behind the horizon rebuilds."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update

from app.matches.index import MatchingIndex
from app.migrate import upgrade
from app.models import ChangeEntry
from app.models.base import utcnow
from app.platform import changes
from app.platform.changes import ChangeBatch, ChangeFeed, Pruner
from app.platform.db import make_engine, make_sessionmaker
from tests.app.factories import World, make_uscc


def _log(engine: Engine, *ages: timedelta) -> list[int]:
    """Log one profile change per age (that long ago); their ids."""
    ids = []
    with make_sessionmaker(engine)() as session:
        for n, age in enumerate(ages):
            entry = ChangeEntry(entity=changes.PROFILE, entity_id=n + 1, at=utcnow() - age)
            session.add(entry)
            session.flush()
            ids.append(entry.id)
        session.commit()
    return ids


def _entries(engine: Engine) -> list[tuple[int, str, int | None]]:
    with make_sessionmaker(engine)() as session:
        rows = session.execute(
            select(ChangeEntry.id, ChangeEntry.entity, ChangeEntry.entity_id).order_by(
                ChangeEntry.id
            )
        )
        return [(r.id, r.entity, r.entity_id) for r in rows]


OLD = timedelta(days=8)
RECENT = timedelta(minutes=5)


def test_only_entries_older_than_the_retention_are_deleted_in_batches(engine: Engine) -> None:
    ids = _log(engine, *[OLD] * 7, RECENT, RECENT)
    deleted = changes.prune(
        make_sessionmaker(engine), retention=timedelta(days=7), batch_size=3
    )  # three batches
    assert deleted == 7
    left = _entries(engine)
    assert [i for i, e, _ in left if e == changes.PROFILE] == ids[7:]
    # Logged before anything was deleted: readers below the horizon must rebuild.
    assert left[-1][1:] == (changes.PRUNED, ids[7])
    assert changes.prune(make_sessionmaker(engine), retention=timedelta(days=7)) == 0


def test_the_newest_entry_and_anything_under_an_hour_old_are_kept(engine: Engine) -> None:
    ids = _log(engine, OLD, timedelta(minutes=50), OLD)  # the last is the head, however old
    factory = make_sessionmaker(engine)
    assert changes.prune(factory, retention=timedelta(0)) == 1  # an hour at least
    assert [i for i, e, _ in _entries(engine) if e == changes.PROFILE] == ids[1:]
    only_old = _log(engine, OLD)
    with factory() as session:  # everything is old now, the head included
        session.execute(update(ChangeEntry).values(at=utcnow() - OLD))
        session.commit()
    changes.prune(factory, retention=timedelta(days=7))
    with factory() as session:
        head = session.scalar(select(func.max(ChangeEntry.id)))
    assert head is not None
    assert head >= only_old[0]  # the top id survives, so SQLite never hands it out again


def test_an_index_snapshots_change_id_bounds_the_horizon(engine: Engine) -> None:
    ids = _log(engine, *[OLD] * 6)
    deleted = changes.prune(
        make_sessionmaker(engine), retention=timedelta(days=7), keep_from=ids[2]
    )
    assert deleted == 2
    assert [i for i, e, _ in _entries(engine) if e == changes.PROFILE] == ids[2:]


def test_a_feed_behind_the_horizon_rebuilds_and_one_at_the_head_does_not(engine: Engine) -> None:
    factory = make_sessionmaker(engine)
    behind, current = ChangeFeed(), ChangeFeed()
    with factory() as session:
        behind.start(session)  # a worker asleep for eight days
    ids = _log(engine, *[OLD] * 4, RECENT)
    with factory() as session:
        current.start(session)
    changes.prune(factory, retention=timedelta(days=7))
    with factory() as session:
        batch = behind.read(session)
        assert batch.rebuild, "changes 1..4 were deleted unread"
        assert batch.profiles == {5}
        assert not current.read(session).rebuild
        assert behind.last_id > ids[-1]
        assert not behind.read(session)  # once


def test_a_worker_behind_the_horizon_rebuilds_and_misses_nothing(
    engine: Engine, client: TestClient, world: World
) -> None:
    """A worker stopped for longer than the retention finds the log pruned past it."""
    factory = make_sessionmaker(engine)
    batches: list[ChangeBatch] = []
    # Polls every 15 s and hears no NOTIFY: it sleeps through what follows.
    asleep = MatchingIndex(factory, watchers=[batches.append], freshness_s=30.0, listen=False)
    asleep.start(wait=True)
    try:
        sme = client.post(
            "/api/v1/organizations",
            json={"kind": "sme", "name": "减速器厂", "uscc": make_uscc(), "region_code": "440300"},
            headers=world.admin.headers,
        ).json()["id"]
        created = client.post(
            "/api/v1/profiles",
            json={"organization_id": sme, "products": [{"name": "谐波减速器", "share": 0.9}]},
            headers=world.admin.headers,
        )
        assert created.status_code == 201, created.text
        profile_id = created.json()["id"]
        with factory() as session:  # eight days pass
            session.execute(update(ChangeEntry).values(at=utcnow() - OLD))
            session.commit()
        _log(engine, RECENT)
        assert changes.prune(factory, retention=timedelta(days=7)) > 0
        assert asleep.profile(profile_id) is None
        asleep.refresh()  # what its next poll would do
        assert any(b.rebuild for b in batches)
        deadline = time.monotonic() + 30
        while asleep.profile(profile_id) is None:  # rebuilt aside by its thread
            assert time.monotonic() < deadline, "the pruned change was missed"
            time.sleep(0.05)
    finally:
        asleep.stop()


def test_each_worker_prunes_in_the_background(engine: Engine) -> None:
    _log(engine, OLD, OLD, RECENT)
    pruner = Pruner(make_sessionmaker(engine), retention=timedelta(days=7), interval_s=0.05)
    pruner.start()
    try:
        deadline = time.monotonic() + 60  # liveness only (a loaded machine)
        while len([e for e in _entries(engine) if e[1] == changes.PROFILE]) > 1:
            assert time.monotonic() < deadline, "not pruned"
            time.sleep(0.05)
        assert pruner.alive
    finally:
        pruner.stop()


def test_xieshou_changes_prune(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'prune.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        _log(engine, OLD, OLD, OLD, timedelta(days=2))
        run = subprocess.run(
            [sys.executable, "-m", "app.cli", "changes", "prune", "--batch-size", "2"],
            capture_output=True,
            text=True,
            env=os.environ | {"XIESHOU_DATABASE_URL": url},
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout.strip() == "3"
        shorter = subprocess.run(
            [sys.executable, "-m", "app.cli", "changes", "prune", "--retention-days", "1"],
            capture_output=True,
            text=True,
            env=os.environ | {"XIESHOU_DATABASE_URL": url},
            timeout=120,
            check=False,
        )
        assert shorter.returncode == 0, shorter.stderr
        assert shorter.stdout.strip() == "1"  # the 2-day-old one (the markers stay on top)
    finally:
        engine.dispose()
