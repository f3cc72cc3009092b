"""The bundled demo: loads into a fresh SQLite file, is idempotent, and its keys work."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db import make_engine
from app.demo import loader
from app.demo.rules import synthetic_uscc
from app.main import create_app
from app.models import CapabilityProfile, Chain, Organization, Placement, SupplyNeed
from app.reference.uscc import uscc_problem


def test_synthetic_usccs_are_valid_and_unique() -> None:
    codes = {firm["code"] for firm in loader.catalog()}
    usccs = {synthetic_uscc(code, "440300") for code in codes}
    assert len(usccs) == len(codes) == 4586
    assert all(uscc_problem(u) is None for u in usccs)


def test_catalog_is_cleaned() -> None:
    names = {name for firm in loader.catalog() for name, _w in firm["products"]}
    assert not names & {"平衡项目", "分部间抵销", "其他"}


def test_demo_loads_once_and_its_keys_work(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    messages: list[str] = []
    assert loader.load(url, log=messages.append) is True
    assert loader.load(url, log=messages.append) is False
    assert messages[-1].startswith("demo already loaded")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Organization)) == 4587
        assert (conn.scalar(select(func.count()).select_from(CapabilityProfile)) or 0) > 2000
        assert (conn.scalar(select(func.count()).select_from(SupplyNeed)) or 0) >= 20
        pudong = conn.execute(
            select(Organization.region_code, Organization.region_inferred).where(
                Organization.external_id == "600000.SH"
            )
        ).one()
        assert pudong == ("310000", True)
        # The seed chain map is loaded and every kind of record is placed on it.
        assert (conn.scalar(select(func.count()).select_from(Chain)) or 0) >= 5
        placed_profiles = conn.scalar(select(func.count(func.distinct(Placement.profile_id))))
        placed_needs = conn.scalar(select(func.count(func.distinct(Placement.need_id))))
        assert (placed_profiles or 0) > 500
        assert (placed_needs or 0) > 10
    engine.dispose()
    keys = loader.issue_keys(url)
    assert [k.role.value for k in keys] == ["admin", "organizer", "large_firm", "sme"]
    with TestClient(create_app(Settings(database_url=url))) as client:
        for item in keys:
            me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {item.key}"})
            assert me.status_code == 200
            assert me.json()["role"] == item.role.value
            assert me.json()["organization_id"] == item.organization_id
