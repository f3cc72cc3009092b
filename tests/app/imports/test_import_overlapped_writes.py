"""On PostgreSQL a profile import writes each batch while it plans the next (issue 15).

The writes go to a second thread (:func:`app.imports.service._overlapped_pass`); what is
written must be what the batch-after-batch pass writes: the same profiles, the same
placements on the chain map (new profiles and profiles placed anew), the same report, the
same change-log entries, the same progress, in one transaction that is kept whole or not at
all. Real databases only: the test's SQLite file (two passes there, nothing overlaps: the
same answers are expected), or PostgreSQL when ``XIESHOU_TEST_DATABASE_URL`` is set.
"""

import io
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, delete, select

from app.chains.seed import load_seed
from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.profiles import ProfileImporter
from app.imports.report import ImportReport
from app.models import CapabilityProfile, ChangeEntry, Organization, Placement
from app.platform import changes
from app.platform.db import make_sessionmaker
from tests.app.factories import make_uscc

FIRMS = 23
BATCH = 4
PRODUCTS = [
    "压力传感器",
    "MEMS芯片",
    "精密轴承",
    "伺服电机",
    "锂电池隔膜",
    "光刻胶",
    "减速器",
    "连接器",
]


def _run(engine: Engine, kind: ImportKind, data: bytes, **options: Any) -> ImportReport:
    with make_sessionmaker(engine)() as session:
        return jobs.run_file(
            session, kind, io.BytesIO(data), f"{kind.value}.csv", batch_size=BATCH, **options
        )


def _profiles_csv(usccs: list[str], shift: int = 0) -> bytes:
    lines = ["统一社会信用代码,主要产品,核心技术,产能"]
    for i, uscc in enumerate(usccs):
        a, b = PRODUCTS[(i + shift) % len(PRODUCTS)], PRODUCTS[(2 * i + 3) % len(PRODUCTS)]
        lines.append(f"{uscc},{a}:0.6、{b}:0.2,精密加工；表面处理,年产 {i} 万件")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def usccs(engine: Engine) -> list[str]:
    """``FIRMS`` SMEs on record and the seed chain map."""
    with make_sessionmaker(engine)() as session:
        load_seed(session)
        session.commit()
    codes = [make_uscc() for _ in range(FIRMS)]
    lines = ["企业名称,统一社会信用代码,企业类型,行政区划代码"]
    lines += [f"深圳市丙{i}有限公司,{c},中小企业,440300" for i, c in enumerate(codes)]
    report = _run(engine, ImportKind.firms, ("\n".join(lines) + "\n").encode())
    assert (report.written, report.created) == (True, FIRMS)
    return codes


def _state(engine: Engine) -> dict[str, Any]:
    """What the import left, by firm (ids differ from one run to the next)."""
    with engine.connect() as conn:
        uscc_of = dict(conn.execute(select(Organization.id, Organization.uscc)).all())
        profile_uscc = {
            pid: uscc_of[org]
            for pid, org in conn.execute(
                select(CapabilityProfile.id, CapabilityProfile.organization_id)
            )
        }
        profiles = {
            uscc_of[p.organization_id]: (p.products, p.technologies, p.capacity, p.version)
            for p in conn.execute(select(CapabilityProfile))
        }
        placements = sorted(
            (profile_uscc[p.profile_id], p.chain_id, p.node_id, p.confidence, p.term, p.source)
            for p in conn.execute(select(Placement).where(Placement.profile_id.is_not(None)))
        )
        logged = sorted(
            profile_uscc.get(entity_id or 0, "?")
            for (entity_id,) in conn.execute(
                select(ChangeEntry.entity_id).where(ChangeEntry.entity == changes.PROFILE)
            )
        )
    return {"profiles": profiles, "placements": placements, "logged": logged}


def _forget_profiles(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Placement))
        conn.execute(delete(CapabilityProfile))
        conn.execute(delete(ChangeEntry))


def _import_twice(engine: Engine, usccs: list[str]) -> tuple[dict[str, Any], list[Any], int]:
    """Some profiles first, then a file that creates, updates (placed anew) and leaves
    unchanged; the state, the second report's lines and the rows counted by progress."""
    first = _run(engine, ImportKind.profiles, _profiles_csv(usccs[:9]))
    assert (first.written, first.created) == (True, 9)
    counted: list[int] = []
    data = _profiles_csv(usccs[:5]) + _profiles_csv(usccs[5:], shift=1).split(b"\n", 1)[1]
    report = _run(engine, ImportKind.profiles, data, progress=counted.append)
    assert report.written
    assert (report.created, report.updated, report.unchanged) == (FIRMS - 9, 4, 5)
    lines = [(line.row, line.key, line.outcome, line.reason) for line in report.lines]
    return _state(engine), lines, sum(counted)


def test_overlapped_writes_store_what_one_batch_after_another_stores(
    engine: Engine, usccs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    overlapped = _import_twice(engine, usccs)
    state, _lines, counted = overlapped
    assert counted == FIRMS
    assert len(state["profiles"]) == FIRMS
    assert len({p[0] for p in state["placements"]}) > FIRMS // 2  # most are on the map
    # each profile written is logged once per import that wrote it
    assert state["logged"].count(usccs[0]) == 1
    assert state["logged"].count(usccs[6]) == 2
    _forget_profiles(engine)
    monkeypatch.setattr(ProfileImporter, "overlaps_writes", False)
    assert _import_twice(engine, usccs) == overlapped


def test_a_failed_write_while_the_next_batch_is_planned_keeps_nothing(
    engine: Engine, usccs: list[str]
) -> None:
    """A firm of a batch already planned is deleted by someone else before the batch is
    written: the import ends with nothing kept (on PostgreSQL the write fails on the missing
    firm; on SQLite the plan is checked again before writing and the row found missing)."""
    calls: list[int] = []

    def delete_a_later_firm(rows: int) -> None:
        calls.append(rows)
        if len(calls) == 1:  # batch 1 written (or checked); batch 2 planned, not yet written
            with engine.begin() as conn:
                conn.execute(delete(Organization).where(Organization.uscc == usccs[BATCH + 1]))

    data = _profiles_csv(usccs)
    if engine.dialect.name == "postgresql":
        # the write fails in the writing thread; the error reaches the caller, who rolls back
        with pytest.raises(psycopg.errors.ForeignKeyViolation):
            _run(engine, ImportKind.profiles, data, progress=delete_a_later_firm)
    else:
        report = _run(engine, ImportKind.profiles, data, progress=delete_a_later_firm)
        assert not report.written
    with engine.connect() as conn:
        assert conn.scalar(select(CapabilityProfile.id).limit(1)) is None
        assert conn.scalar(select(Placement.id).limit(1)) is None
        assert (
            conn.scalar(select(ChangeEntry.id).where(ChangeEntry.entity == changes.PROFILE)) is None
        )
