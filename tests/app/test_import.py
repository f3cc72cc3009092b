"""Bulk import (service and command line code path): formats, validation, modes, idempotence."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select

from app.imports import jobs, service
from app.imports.columns import ImportKind
from app.imports.command import import_file
from app.imports.report import ImportReport
from app.imports.templates import template_csv, template_xlsx
from app.models import (
    CapabilityProfile,
    ChangeEntry,
    Organization,
    OrganizationProduct,
    SupplyNeed,
)
from app.platform.db import make_sessionmaker
from tests.app.factories import make_uscc

FIRM_HEADER = (
    "企业名称,统一社会信用代码,外部编号,企业类型,行政区划代码,行业代码,梯度,梯度年份,联系电话"
)


def _firm_line(uscc: str, name: str = "深圳市精研传感科技有限公司", ext: str = "") -> str:
    return f"{name},{uscc},{ext},中小企业,,3983、3972,小巨人,2023,0755-88880000"


def _run(engine: Engine, kind: str, data: bytes, filename: str, **options: Any) -> ImportReport:
    with make_sessionmaker(engine)() as session:
        return jobs.run_file(session, ImportKind(kind), io.BytesIO(data), filename, **options)


def _count(engine: Engine, model: type[Any]) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def _orgs(engine: Engine) -> list[Organization]:
    with make_sessionmaker(engine)() as session:
        return list(session.scalars(select(Organization).order_by(Organization.id)))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_excel_writes(engine: Engine, encoding: str) -> None:
    text = f"{FIRM_HEADER}\n{_firm_line(make_uscc())}\n"
    report = _run(engine, "firms", text.encode(encoding), "firms.csv")
    assert (report.created, report.rejected, report.written) == (1, 0, True)
    [org] = _orgs(engine)
    assert org.name == "深圳市精研传感科技有限公司"
    assert (org.region_code, org.region_inferred) == ("440300", True)
    assert org.tier == "little_giant"


def test_xlsx_and_jsonl(engine: Engine) -> None:
    one, two = make_uscc(), make_uscc()
    book = Workbook()
    sheet = book.active
    sheet.append(["企业名称", "统一社会信用代码", "企业类型", "行政区划代码", "梯度年份", "梯度"])
    sheet.append(["甲科技有限公司", one, "sme", 440300, 2022, "专精特新"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert _run(engine, "firms", buffer.getvalue(), "firms.xlsx").created == 1
    line = {
        "name": "乙集团股份有限公司",
        "uscc": two,
        "kind": "large_firm",
        "region_code": "320500",
    }
    assert _run(engine, "firms", json.dumps(line).encode(), "firms.jsonl").created == 1
    orgs = _orgs(engine)
    assert [(o.region_code, o.tier, o.tier_year) for o in orgs] == [
        ("440300", "specialized", 2022),
        ("320500", None, None),
    ]


def test_bad_rows_are_reported_and_nothing_is_written(engine: Engine) -> None:
    good = _firm_line(make_uscc())
    bad_uscc = _firm_line("91440300000000999X", name="丙有限公司")
    bad_kind = f"丁有限公司,{make_uscc()},,合作社,,,,,"
    text = f"{FIRM_HEADER}\n{good}\n{bad_uscc}\n{bad_kind}\n"
    report = _run(engine, "firms", text.encode(), "firms.csv")
    assert not report.written
    assert report.rejected == 2
    assert [(p.row, p.field) for p in report.problems] == [(3, "uscc"), (4, "kind")]
    assert "校验位应为" in report.problems[0].reason, "the report speaks Chinese"
    assert _count(engine, Organization) == 0
    assert _count(engine, ChangeEntry) == 0
    csv_report = report.to_csv().splitlines()
    assert csv_report[0] == "\ufeff行号,标识,结果,字段,说明"
    assert any(line.startswith("3,") and ",拒绝,统一社会信用代码," in line for line in csv_report)
    # Nothing was written: the good row is what *would* have been created, not "created".
    assert any(line.startswith("2,") and ",将新建（未写入）," in line for line in csv_report)
    assert not any(",新建," in line for line in csv_report)


def test_partial_keeps_the_good_rows(engine: Engine) -> None:
    text = f"{FIRM_HEADER}\n{_firm_line(make_uscc())}\n{_firm_line('bad')}\n"
    report = _run(engine, "firms", text.encode(), "firms.csv", partial=True)
    assert (report.created, report.rejected, report.written) == (1, 1, True)
    assert _count(engine, Organization) == 1


def test_re_import_is_unchanged_and_a_change_is_an_update(engine: Engine) -> None:
    uscc = make_uscc()
    text = f"{FIRM_HEADER}\n{_firm_line(uscc, ext='A-1')}\n"
    assert _run(engine, "firms", text.encode(), "f.csv").created == 1
    again = _run(engine, "firms", text.encode(), "f.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    renamed = f"企业名称,统一社会信用代码,企业类型,外部编号\n深圳市新名称有限公司,{uscc},sme,A-1\n"
    changed = _run(engine, "firms", renamed.encode(), "f.csv")
    assert changed.updated == 1
    [org] = _orgs(engine)
    assert (org.name, org.uscc, org.version) == ("深圳市新名称有限公司", uscc, 2)
    assert org.contact_phone == "0755-88880000", "columns not in the file are kept"
    # one change-log entry per import transaction that changed anything, not one per row
    assert _count(engine, ChangeEntry) == 2


def test_dry_run_writes_nothing(engine: Engine) -> None:
    text = f"{FIRM_HEADER}\n{_firm_line(make_uscc())}\n"
    report = _run(engine, "firms", text.encode(), "f.csv", dry_run=True)
    assert (report.created, report.written) == (1, False)
    assert _count(engine, Organization) == 0


def test_full_width_codes_are_normalised(engine: Engine) -> None:
    uscc = make_uscc()
    wide = "".join(chr(ord(c) + 0xFEE0) for c in uscc)
    text = (
        f"{FIRM_HEADER}\n甲有限公司,{wide},６０００００．ＳＨ,中小企业,４４０３００,３９８３,,,\n"
    )
    report = _run(engine, "firms", text.encode(), "f.csv")
    assert report.created == 1, report.problems
    [org] = _orgs(engine)
    assert (org.uscc, org.external_id, org.region_code) == (uscc, "600000.SH", "440300")
    assert not org.region_inferred


def test_profiles_and_needs_name_their_firm(engine: Engine) -> None:
    sme, firm = make_uscc(), make_uscc()
    firms = (
        f"{FIRM_HEADER}\n{_firm_line(sme, ext='S1')}\n"
        f"江苏恒瑞医药股份有限公司,{firm},F1,大企业,,,,,\n"
    )
    assert _run(engine, "firms", firms.encode(), "f.csv").created == 2
    profiles = (
        "外部编号,主要产品,资质认证,服务区域\n"
        "S1,压力传感器:0.6、MEMS芯片:30%,IATF 16949:2027-06-30；ISO 9001:2015,440000|320000\n"
    )
    report = _run(engine, "profiles", profiles.encode(), "p.csv")
    assert report.created == 1, report.problems
    needs = (
        "统一社会信用代码,需求标题,需求产品,用途,状态,截止日期,优先地区\n"
        f"{firm},采购压力传感器,压力传感器,热管理系统,发布,2027/3/31,440000\n"
        f"{sme},采购外壳,外壳,,发布,,\n"
    )
    report = _run(engine, "needs", needs.encode(), "n.csv", partial=True)
    assert (report.created, report.rejected) == (1, 1)
    assert (report.problems[0].row, report.problems[0].field) == (3, "uscc")
    assert "大企业" in report.problems[0].reason
    with make_sessionmaker(engine)() as session:
        profile = session.scalars(select(CapabilityProfile)).one()
        assert profile.products == [
            {"name": "压力传感器", "share": 0.6},
            {"name": "MEMS芯片", "share": 0.3},
        ]
        assert [c["valid_until"] for c in profile.certifications] == ["2027-06-30", None]
        assert profile.regions_served == ["440000", "320000"]
        need = session.scalars(select(SupplyNeed)).one()
        assert (need.status, str(need.deadline), need.application) == (
            "open",
            "2027-03-31",
            "热管理系统",
        )
    assert _run(engine, "needs", needs.encode(), "n.csv", partial=True).unchanged == 1
    assert _run(engine, "profiles", profiles.encode(), "p.csv").unchanged == 1


def test_unknown_sme_is_a_row_error(engine: Engine) -> None:
    report = _run(
        engine, "profiles", f"统一社会信用代码,主要产品\n{make_uscc()},x\n".encode(), "p.csv"
    )
    assert report.rejected == 1
    assert report.problems[0].field == "uscc"


def test_a_crash_mid_import_leaves_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [_firm_line(make_uscc(), name=f"深圳市甲{i}有限公司") for i in range(25)]
    text = (FIRM_HEADER + "\n" + "\n".join(lines) + "\n").encode()
    calls = 0
    real = service._FirmImporter.run

    def crash_on_third(self: Any, rows: Any, *, write: bool) -> bool:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real(self, rows, write=write)

    real_apply = service._FirmImporter.apply

    def crash_on_third_write(self: Any, plan: Any) -> bool:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real_apply(self, plan)

    # All-or-nothing writes in its second pass (after every row was checked): crash there.
    monkeypatch.setattr(service._FirmImporter, "apply", crash_on_third_write)
    with pytest.raises(KeyboardInterrupt):
        _run(engine, "firms", text, "f.csv", batch_size=10)
    assert calls == 3
    assert _count(engine, Organization) == 0
    assert _count(engine, ChangeEntry) == 0
    monkeypatch.setattr(service._FirmImporter, "apply", real_apply)
    monkeypatch.setattr(service._FirmImporter, "run", crash_on_third)
    calls = 0
    with pytest.raises(KeyboardInterrupt):
        _run(engine, "firms", text, "f.csv", batch_size=10, partial=True)
    assert _count(engine, Organization) == 20, "partial: the two committed batches stay"
    monkeypatch.setattr(service._FirmImporter, "run", real)
    finished = _run(engine, "firms", text, "f.csv", batch_size=10, partial=True)
    assert (finished.unchanged, finished.created) == (20, 5)


def test_duplicate_rows_in_a_file(engine: Engine) -> None:
    uscc = make_uscc()
    text = f"{FIRM_HEADER}\n{_firm_line(uscc)}\n{_firm_line(uscc)}\n"
    report = _run(engine, "firms", text.encode(), "f.csv")
    assert [(p.row, p.field) for p in report.problems] == [(3, "uscc")]
    assert "第 2 行" in report.problems[0].reason


def test_unknown_column_rejects_the_file(engine: Engine) -> None:
    from app.errors import InvalidInput

    with pytest.raises(InvalidInput, match="邮编"):
        _run(engine, "firms", "企业名称,邮编\n甲,1\n".encode(), "f.csv")


def test_the_templates_own_examples_import(engine: Engine) -> None:
    """Each template's example rows import as they are, in the order the 说明 gives."""
    expected = {ImportKind.firms: 2, ImportKind.profiles: 1, ImportKind.needs: 1}
    for kind in (ImportKind.firms, ImportKind.profiles, ImportKind.needs):
        csv_bytes = template_csv(kind)
        assert csv_bytes.startswith(b"\xef\xbb\xbf")
        report = _run(engine, kind.value, csv_bytes, f"t.{kind.value}.csv")
        assert report.problems == []
        assert (report.written, report.created) == (True, expected[kind])
    # The XLSX templates hold the same rows: importing them again changes nothing.
    for kind in (ImportKind.firms, ImportKind.profiles, ImportKind.needs):
        report = _run(engine, kind.value, template_xlsx(kind), "t.xlsx")
        assert report.problems == []
        assert report.unchanged == expected[kind], kind
    [large, sme] = _orgs(engine)
    assert (large.kind, sme.kind, sme.tier) == ("large_firm", "sme", "little_giant")
    assert _count(engine, OrganizationProduct) == 2
    assert _count(engine, CapabilityProfile) == 1
    assert _count(engine, SupplyNeed) == 1


def test_every_column_example_of_a_uscc_is_a_valid_code() -> None:
    """The 说明 sheet shows each column's example: a USCC there passes its check character."""
    from app.imports.columns import COLUMNS
    from app.reference.uscc import uscc_issue

    examples = [c.example for columns in COLUMNS.values() for c in columns if c.key == "uscc"]
    assert examples
    assert [e for e in examples if uscc_issue(e) is not None] == []


def test_the_xlsx_template_explains_which_firms_list_main_products() -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(template_xlsx(ImportKind.firms)))
    notes = {row[0]: row for row in workbook["说明"].iter_rows(values_only=True) if row[0]}
    assert "仅大企业" in notes["主营产品"][3]
    assert "仅中小企业" in notes["梯度"][3]


def test_command_code_path_writes_the_report(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "firms.csv"
    source.write_text(f"{FIRM_HEADER}\n{_firm_line(make_uscc())}\n{_firm_line('x')}\n", "gbk")
    report_path = tmp_path / "report.csv"
    report = import_file(
        database_url, ImportKind.firms, source, report_path=report_path, progress=False
    )
    assert report.rejected == 1
    data = report_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "the CLI's report has a BOM, like the API's"
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == "行号,标识,结果,字段,说明"
    assert len(lines) == 4  # header, row 2 created (+ region note), row 3 rejected


def test_large_firms_main_products_import_and_update(engine: Engine) -> None:
    uscc = make_uscc()
    header = "企业名称,统一社会信用代码,企业类型,主营产品"
    first = f"{header}\n乙集团股份有限公司,{uscc},大企业,动力电池系统:0.7、储能系统:15%\n"
    report = _run(engine, "firms", first.encode(), "firms.csv")
    assert (report.created, report.rejected) == (1, 0), report
    with make_sessionmaker(engine)() as session:
        rows = session.execute(
            select(OrganizationProduct.name, OrganizationProduct.share).order_by(
                OrganizationProduct.position
            )
        ).all()
    assert [tuple(r) for r in rows] == [("动力电池系统", 0.7), ("储能系统", 0.15)]
    assert _run(engine, "firms", first.encode(), "firms.csv").unchanged == 1
    second = f"{header}\n乙集团股份有限公司,{uscc},大企业,储能系统\n"
    assert _run(engine, "firms", second.encode(), "firms.csv").updated == 1
    with make_sessionmaker(engine)() as session:
        names = session.scalars(select(OrganizationProduct.name)).all()
    assert names == ["储能系统"]


def test_an_sme_row_with_main_products_is_rejected(engine: Engine) -> None:
    text = (
        f"企业名称,统一社会信用代码,企业类型,主营产品\n甲科技有限公司,{make_uscc()},中小企业,隔膜\n"
    )
    report = _run(engine, "firms", text.encode(), "firms.csv")
    assert (report.created, report.rejected) == (0, 1)
    assert report.problems[0].field == "products"
    assert _count(engine, OrganizationProduct) == 0


def test_an_import_that_changes_a_tier_audits_it_like_the_api(engine: Engine) -> None:
    """Regression: imports changed tier and USCC without the per-field audit entries."""
    from app.models import AuditEntry

    uscc = make_uscc()
    _run(engine, "firms", f"{FIRM_HEADER}\n{_firm_line(uscc)}\n".encode(), "firms.csv")
    line = _firm_line(uscc).replace("小巨人,2023", "专精特新,2022")
    report = _run(engine, "firms", f"{FIRM_HEADER}\n{line}\n".encode(), "firms.csv")
    assert report.updated == 1
    with make_sessionmaker(engine)() as session:
        entries = list(
            session.scalars(select(AuditEntry).where(AuditEntry.action.like("organization.%.set")))
        )
    assert [(e.action, e.detail) for e in entries] == [
        (
            "organization.tier.set",
            {"before": ["little_giant", 2023], "after": ["specialized", 2022]},
        )
    ]
