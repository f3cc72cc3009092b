"""A timestamp given with any offset is stored as the same instant on both databases."""

import datetime as dt

from sqlalchemy import Engine, select

from app.models import AuditEntry
from app.platform.db import make_sessionmaker, session_scope


def test_an_offset_timestamp_reads_back_as_the_same_instant(engine: Engine) -> None:
    # Regression: SQLite kept the wall time and dropped the offset, so 09:00+08:00 read back
    # as 09:00Z, eight hours late (a challenge's deadline did).
    beijing = dt.timezone(dt.timedelta(hours=8))
    moment = dt.datetime(2026, 12, 10, 9, 0, tzinfo=beijing)
    sessions = make_sessionmaker(engine)
    for session in session_scope(sessions):
        entry = AuditEntry(action="test.offset", entity="test", at=moment)
        session.add(entry)
        session.flush()
        entry_id = entry.id
    with sessions() as session:
        stored = session.scalar(select(AuditEntry.at).where(AuditEntry.id == entry_id))
    assert stored == moment
    assert stored is not None
    assert stored.utcoffset() == dt.timedelta(0)
