"""What an import logs in the change log: exactly the ids it wrote, nothing when rolled back."""

import io
from typing import Any

from sqlalchemy import Engine, select

from app.imports import jobs
from app.imports.columns import ImportKind
from app.imports.report import ImportReport
from app.models import CapabilityProfile, ChangeEntry, Organization, SupplyNeed
from app.platform import changes
from app.platform.db import make_sessionmaker
from tests.app.factories import make_uscc

FIRMS = "企业名称,统一社会信用代码,企业类型,梯度\n"


def _run(engine: Engine, kind: str, text: str, **options: Any) -> ImportReport:
    with make_sessionmaker(engine)() as session:
        return jobs.run_file(
            session, ImportKind(kind), io.BytesIO(text.encode()), f"{kind}.csv", **options
        )


def _log(engine: Engine) -> list[tuple[str, int | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(ChangeEntry.entity, ChangeEntry.entity_id).order_by(ChangeEntry.id)
        )
        return [(entity, entity_id) for entity, entity_id in rows]


def _ids(engine: Engine, model: Any) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(select(model.id).order_by(model.id)))


def _firm(uscc: str, i: int, kind: str = "中小企业", tier: str = "小巨人") -> str:
    return f"深圳市甲{i}精密有限公司,{uscc},{kind},{tier}\n"


def test_an_import_logs_the_ids_it_wrote_and_nothing_else(engine: Engine) -> None:
    codes = [make_uscc() for _ in range(5)]
    firms = FIRMS + "".join(_firm(c, i) for i, c in enumerate(codes))
    assert _run(engine, "firms", firms, batch_size=2).created == 5
    orgs = _ids(engine, Organization)
    assert _log(engine) == [(changes.ORGANIZATION, i) for i in orgs]
    assert all(entity != changes.EVERYTHING for entity, _ in _log(engine))

    profiles = "统一社会信用代码,主要产品\n" + "".join(f"{c},压力传感器\n" for c in codes)
    assert _run(engine, "profiles", profiles, batch_size=2).created == 5
    profile_ids = _ids(engine, CapabilityProfile)
    assert _log(engine)[5:] == [(changes.PROFILE, i) for i in profile_ids]

    # a re-import that changes one row logs that one row; an unchanged one logs nothing
    assert _run(engine, "profiles", profiles).unchanged == 5
    assert len(_log(engine)) == 10
    changed = profiles.replace(f"{codes[3]},压力传感器", f"{codes[3]},MEMS芯片")
    assert _run(engine, "profiles", changed).updated == 1
    with engine.connect() as conn:
        updated = conn.scalar(
            select(CapabilityProfile.id)
            .join(Organization, Organization.id == CapabilityProfile.organization_id)
            .where(Organization.uscc == codes[3])
        )
    assert _log(engine)[10:] == [(changes.PROFILE, updated)]


def test_needs_log_need_ids(engine: Engine) -> None:
    firm = make_uscc()
    assert _run(engine, "firms", FIRMS + _firm(firm, 1, kind="大企业", tier="")).created == 1
    needs = f"统一社会信用代码,需求标题,需求产品\n{firm},采购甲,压力传感器\n{firm},采购乙,外壳\n"
    assert _run(engine, "needs", needs).created == 2
    assert _log(engine)[1:] == [(changes.NEED, i) for i in _ids(engine, SupplyNeed)]


def test_a_rolled_back_import_logs_nothing(engine: Engine) -> None:
    good = "".join(_firm(make_uscc(), i) for i in range(4))
    # four good rows in two batches are flushed, then the third batch has a bad row
    report = _run(engine, "firms", FIRMS + good + _firm("bad", 9), batch_size=2)
    assert (report.written, report.rejected) == (False, 1)
    assert _ids(engine, Organization) == []
    assert _log(engine) == []


def test_partial_logs_each_committed_batch(engine: Engine) -> None:
    rows = [_firm(make_uscc(), i) for i in range(4)]
    text = FIRMS + rows[0] + _firm("bad", 8) + "".join(rows[1:])
    report = _run(engine, "firms", text, batch_size=2, partial=True)
    assert (report.created, report.rejected, report.batches_committed) == (4, 1, 3)
    assert _log(engine) == [(changes.ORGANIZATION, i) for i in _ids(engine, Organization)]
