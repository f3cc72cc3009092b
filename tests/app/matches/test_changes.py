"""The change feed sees every logged change once, even when commits land out of order."""

from sqlalchemy import Engine

from app.models import ChangeEntry
from app.platform.changes import ChangeFeed
from app.platform.db import make_sessionmaker


def _log(engine: Engine, *entries: tuple[int, str, int | None]) -> None:
    with make_sessionmaker(engine)() as session:
        session.add_all(ChangeEntry(id=i, entity=e, entity_id=x) for i, e, x in entries)
        session.commit()


def test_reads_each_change_once(engine: Engine) -> None:
    feed = ChangeFeed()
    factory = make_sessionmaker(engine)
    with factory() as session:
        feed.start(session)
    _log(engine, (1, "profile", 7), (2, "need", 3), (3, "organization", 5))
    with factory() as session:
        batch = feed.read(session)
        assert (batch.profiles, batch.needs, batch.organizations) == ({7}, {3}, {5})
        assert not feed.read(session)


def test_a_change_committed_late_below_the_head_is_not_lost(engine: Engine) -> None:
    feed = ChangeFeed()
    factory = make_sessionmaker(engine)
    with factory() as session:
        feed.start(session)
    _log(engine, (1, "profile", 1), (3, "profile", 3))  # id 2 is still in flight
    with factory() as session:
        assert feed.read(session).profiles == {1, 3}
        assert set(feed.gaps) == {2}
    _log(engine, (2, "profile", 2))
    with factory() as session:
        assert feed.read(session).profiles == {2}
        assert feed.gaps == {}


def test_start_watches_recent_gaps_below_the_head(engine: Engine) -> None:
    _log(engine, (1, "need", 1), (4, "need", 4))
    feed = ChangeFeed()
    factory = make_sessionmaker(engine)
    with factory() as session:
        feed.start(session)
        assert feed.last_id == 4
        assert set(feed.gaps) == {2, 3}
    _log(engine, (3, "need", 3))
    with factory() as session:
        assert feed.read(session).needs == {3}


def test_gaps_time_out(engine: Engine) -> None:
    feed = ChangeFeed(gap_timeout_s=0.0)
    factory = make_sessionmaker(engine)
    with factory() as session:
        feed.start(session)
    _log(engine, (2, "all", None))
    with factory() as session:
        assert feed.read(session).rebuild
        assert set(feed.gaps) == {1}
        feed.read(session)
        assert feed.gaps == {}


def test_a_gap_as_large_as_a_bulk_import_in_flight_is_read_when_it_lands(engine: Engine) -> None:
    """A bulk import of ~100,000 rows takes its ids before it commits: a feed that reads a
    later change meanwhile watches 100,000 missing ids, more than one query may name
    (PostgreSQL takes at most 65,535 parameters; SQLite 32,766 in its default build)."""
    feed = ChangeFeed()
    factory = make_sessionmaker(engine)
    with factory() as session:
        feed.start(session)
    _log(engine, (1, "profile", 1), (100_002, "profile", 2))  # 2 … 100,001 in flight
    with factory() as session:
        assert feed.read(session).profiles == {1, 2}
        assert len(feed.gaps) == 100_000
    _log(engine, (2, "organization", 20), (50_000, "organization", 21), (100_001, "need", 9))
    with factory() as session:
        batch = feed.read(session)
    assert (batch.organizations, batch.needs, batch.profiles) == ({20, 21}, {9}, set())
    assert len(feed.gaps) == 100_000 - 3


def test_scattered_gaps_are_read_without_reading_a_change_twice(engine: Engine) -> None:
    """Two writers interleaving leave every other id missing: more ranges than a query names
    one by one, so the feed reads from the first gap on and skips what it read before."""
    feed = ChangeFeed()
    factory = make_sessionmaker(engine)
    with factory() as session:
        feed.start(session)
    _log(engine, *((i, "profile", i) for i in range(1, 3_001, 2)))  # the odd ids
    with factory() as session:
        assert len(feed.read(session).profiles) == 1_500
        assert len(feed.gaps) == 1_499
    _log(engine, (2, "need", 2), (2_998, "need", 2_998))
    with factory() as session:
        batch = feed.read(session)
    assert (batch.needs, batch.profiles) == ({2, 2_998}, set())
