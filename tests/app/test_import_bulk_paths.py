"""PostgreSQL's COPY path and SQLite's statement path store the same rows for the same files.

Run on PostgreSQL (``XIESHOU_TEST_DATABASE_URL``) this compares COPY with SQLite; on SQLite it
compares the test database with a second SQLite file (both statement paths).
"""

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from app.chains.seed import load_seed
from app.imports import bulk, jobs
from app.imports.columns import ImportKind
from app.migrate import upgrade
from app.models import (
    CapabilityProfile,
    ChainNode,
    ChangeEntry,
    Organization,
    OrganizationIndustry,
    Placement,
)
from app.platform.db import make_engine, make_sessionmaker, session_scope
from app.reference.uscc import uscc_check_char

ROWS = bulk.COPY_FROM + 10  # enough rows for the COPY path
PRODUCTS = ["压力传感器", "MEMS芯片", "精密轴承", "伺服电机", "锂电池隔膜", "减速器"]


def _uscc(i: int) -> str:
    body = f"91440300{i:09d}"
    return body + uscc_check_char(body)


def _files() -> list[tuple[str, str, dict[str, Any]]]:
    firms = "企业名称,统一社会信用代码,外部编号,企业类型,行业代码,梯度,梯度年份,简介\n" + "".join(
        f"深圳市测试{i}精密有限公司,{_uscc(i)},B{i:05d},中小企业,3983、3972,"
        f'{"小巨人" if i % 2 else ""},{2023 if i % 2 else ""},"精密,零部件 ""{i}"""\n'
        for i in range(ROWS)
    )
    firms += f"某某大企业有限公司,{_uscc(ROWS)},,大企业,,,,\n"
    profiles = "统一社会信用代码,主要产品,核心技术,资质认证,服务区域\n" + "".join(
        f"{_uscc(i)},{PRODUCTS[i % 6]}:0.6、{PRODUCTS[(i + 1) % 6]},精密加工,"
        f"IATF 16949:2027-06-30,440000\n"
        for i in range(ROWS)
    )
    changed = "统一社会信用代码,主要产品,产能\n" + "".join(
        f"{_uscc(i)},{PRODUCTS[(i + 2) % 6]},年产 {i} 万件\n" for i in range(ROWS)
    )
    refused = "企业名称,统一社会信用代码,企业类型,梯度\n" + "".join(
        f"深圳市新{i}有限公司,{_uscc(ROWS + 1 + i)},中小企业,\n" for i in range(ROWS)
    )
    refused += f"深圳市坏有限公司,{_uscc(ROWS)},中小企业,小巨人\n"  # a large firm made an SME
    return [
        ("firms", firms, {}),
        ("profiles", profiles, {}),
        ("profiles", changed, {}),
        ("firms", refused, {}),
        ("firms", firms.replace("精密有限公司", "精工有限公司"), {"partial": True}),
    ]


def _import_all(engine: Engine) -> list[Any]:
    for session in session_scope(make_sessionmaker(engine)):
        load_seed(session)
    reports = []
    for kind, text, options in _files():
        with make_sessionmaker(engine)() as session:
            report = jobs.run_file(
                session, ImportKind(kind), io.BytesIO(text.encode()), f"{kind}.csv", **options
            )
        reports.append(report.to_csv())
    return reports


def _content(engine: Engine) -> dict[str, Any]:
    """Every imported row, by natural keys (ids differ between databases' sequences)."""
    with make_sessionmaker(engine)() as session:
        uscc: dict[Any, str] = dict(
            session.execute(select(Organization.id, Organization.uscc)).all()
        )
        org_columns = [c for c in Organization.__table__.columns if c.name not in ("id",)]
        orgs = sorted(
            tuple(r[1:]) for r in session.execute(select(Organization.id, *org_columns)).all()
        )
        industries = sorted(
            (uscc[o], c, p)
            for o, c, p in session.execute(
                select(
                    OrganizationIndustry.organization_id,
                    OrganizationIndustry.code,
                    OrganizationIndustry.position,
                )
            )
        )
        profile_columns = [
            c
            for c in CapabilityProfile.__table__.columns
            if c.name not in ("id", "organization_id")
        ]
        profile_owner: dict[Any, str] = {}
        profiles = []
        for row in session.execute(
            select(CapabilityProfile.id, CapabilityProfile.organization_id, *profile_columns)
        ):
            profile_owner[row[0]] = uscc[row[1]]
            profiles.append((uscc[row[1]], *row[2:]))
        node: dict[Any, str] = dict(session.execute(select(ChainNode.id, ChainNode.name)).all())
        placements = sorted(
            (profile_owner[p.profile_id], node[p.node_id], p.confidence, p.source, p.term)
            for p in session.scalars(select(Placement))
        )
        log = [
            (entity, uscc.get(entity_id) if entity == "organization" else profile_owner[entity_id])
            for entity, entity_id in session.execute(
                select(ChangeEntry.entity, ChangeEntry.entity_id).order_by(ChangeEntry.id)
            )
        ]
    return {
        "orgs": orgs,
        "industries": industries,
        "profiles": sorted(profiles, key=repr),
        "placements": placements,
        "log": log,
    }


def _without_times(content: dict[str, Any]) -> dict[str, Any]:
    def plain(row: Any) -> Any:
        return tuple(v for v in row if not hasattr(v, "tzinfo"))

    return {k: [plain(r) for r in rows] for k, rows in content.items()}


def test_copy_and_statement_paths_store_the_same_rows(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    real_copy = bulk._copy_bound  # every COPY (rows bound while planning, or now)

    def counted(session: Any, target: str, *args: Any) -> None:
        copied.append(target)
        real_copy(session, target, *args)

    monkeypatch.setattr(bulk, "_copy_bound", counted)
    here = _import_all(engine)
    if engine.dialect.name == "postgresql":  # inserts and the updates' staging table
        assert {"organizations", "capability_profiles", "placements", "import_update"} <= {
            t.strip('"') for t in copied
        }
    else:
        assert copied == []
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(str(other.url))
    try:
        there = _import_all(other)
        assert here == there, "the same report, row by row"
        mine, theirs = _content(engine), _content(other)
    finally:
        other.dispose()
    assert len(mine["placements"]) > ROWS, "profiles were placed on the chain map"
    assert len(mine["log"]) == ROWS + 1 + ROWS + ROWS + ROWS
    assert _without_times(mine) == _without_times(theirs)
