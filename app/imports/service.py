"""Bulk upsert of firms, capability profiles and supply needs, in batches.

Each batch of rows is validated with the API's schemas, its keys are looked up in one query
per table, and its writes go out as a few multi-row statements (``INSERT … RETURNING`` and
executemany ``UPDATE``), not one ORM flush per row.

Identity (what makes a re-import ``unchanged`` rather than a duplicate):

- a firm is its 统一社会信用代码, or its 外部编号 (``external_id``); when a row gives both and
  they belong to two different organizations the row is rejected;
- a profile is its SME's (one profile per SME);
- a need is its large firm plus its title.

Empty cells keep the stored value; an import never clears a field.

This module only flushes. The transaction is the caller's (see :mod:`app.imports.jobs`): the
service says, through :attr:`ImportReport.written`, whether the writes are to be kept, and
calls ``checkpoint`` after each batch in ``partial`` mode so the caller can commit it.
"""

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.chains import placing
from app.imports.columns import ImportKind
from app.imports.readers import RawRecord
from app.imports.report import ImportReport, ReportLine
from app.imports.rows import (
    PARSERS,
    TIER_ONLY_SME,
    TIER_YEAR_ALONE,
    ParsedRow,
    RowProblem,
    code,
    external_id,
)
from app.matches import changes
from app.models import (
    CapabilityProfile,
    NeedStatus,
    Organization,
    OrganizationIndustry,
    OrganizationKind,
    OrganizationProduct,
    SupplyNeed,
)
from app.models.base import utcnow
from app.needs.schemas import NeedCreate
from app.needs.service import TRANSITIONS
from app.organizations.schemas import OrganizationCreate
from app.organizations.service import audit_classification, classification
from app.profiles.schemas import ProfileFields
from app.reference.region_inference import infer_region
from app.reference.tables import regions

#: Rows per batch: one lookup and a few bulk statements each; in ``partial`` mode, one commit.
BATCH_SIZE = 2000

_ORGS: Table = Organization.__table__  # type: ignore[assignment]
_INDUSTRIES: Table = OrganizationIndustry.__table__  # type: ignore[assignment]
_ORG_PRODUCTS: Table = OrganizationProduct.__table__  # type: ignore[assignment]
_PROFILES: Table = CapabilityProfile.__table__  # type: ignore[assignment]
_NEEDS: Table = SupplyNeed.__table__  # type: ignore[assignment]

_ORG_FIELDS = (
    "kind",
    "name",
    "uscc",
    "region_code",
    "region_inferred",
    "external_id",
    "tier",
    "tier_year",
    "description",
    "website",
    "contact_person",
    "contact_phone",
    "contact_email",
)
_PROFILE_FIELDS = tuple(ProfileFields.model_fields)
_NEED_FIELDS = (*(f for f in NeedCreate.model_fields if f != "organization_id"),)


def _batched(records: Iterable[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch


def _bulk_update(
    session: Session, table: Table, fields: Iterable[str], rows: list[dict[str, Any]]
) -> None:
    """``UPDATE table SET … WHERE id = :b_id`` for many rows at once (executemany)."""
    if not rows:
        return
    names = [*fields, "version", "updated_at"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in names})
    )
    session.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])


def _insert_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [row_id for (row_id,) in result]


class _Importer:
    """Shared state of one import: the session, the caller, the report, keys already seen."""

    def __init__(self, session: Session, caller: Principal | None, report: ImportReport) -> None:
        self.session = session
        self.caller = caller
        self.report = report
        self.seen: dict[Any, int] = {}

    def run(self, rows: list[ParsedRow], *, write: bool) -> bool:
        """Classify (and with ``write``, store) a batch; True when something was written."""
        raise NotImplementedError

    def _first_sight(self, parsed: ParsedRow, *keys: Any) -> bool:
        """False (and the row rejected) when an earlier row of the file had one of ``keys``."""
        for key in keys:
            if key is not None and key in self.seen:
                field = "uscc" if key == ("uscc", parsed.uscc) else "external_id"
                if isinstance(key, tuple) and key[0] == "need":
                    field = "title"
                self._reject(parsed, field, f"与第 {self.seen[key]} 行是同一条记录")
                return False
        for key in keys:
            if key is not None:
                self.seen[key] = parsed.row
        return True

    def _reject(self, parsed: ParsedRow, field: str, reason: str) -> None:
        self.report.reject(parsed.row, parsed.key, [RowProblem(parsed.row, field, reason)])

    def _may_manage(self, org: dict[str, Any]) -> bool:
        caller = self.caller
        if caller is None or caller.is_admin:
            return True
        if caller.organization_id is None:
            return False
        return org["id"] == caller.organization_id or (
            caller.is_organizer and org["registered_by_id"] == caller.organization_id
        )

    def _orgs_by_key(
        self, rows: list[ParsedRow], columns: tuple[str, ...]
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
        usccs = {p.uscc for p in rows if p.uscc}
        externals = {p.external_id for p in rows if p.external_id}
        if not usccs and not externals:
            return {}, {}
        found = self.session.execute(
            select(*(_ORGS.c[name] for name in columns)).where(
                or_(_ORGS.c.uscc.in_(usccs), _ORGS.c.external_id.in_(externals))
            )
        ).mappings()
        by_uscc: dict[str, dict[str, Any]] = {}
        by_external: dict[str, dict[str, Any]] = {}
        for org in found:
            record = dict(org)
            by_uscc[record["uscc"]] = record
            if record["external_id"]:
                by_external[record["external_id"]] = record
        return by_uscc, by_external

    def _resolve(
        self,
        parsed: ParsedRow,
        by_uscc: dict[str, dict[str, Any]],
        by_external: dict[str, dict[str, Any]],
    ) -> tuple[dict[str, Any] | None, bool]:
        """The organization a row names, and False when its two keys disagree."""
        one = by_uscc.get(parsed.uscc) if parsed.uscc else None
        two = by_external.get(parsed.external_id) if parsed.external_id else None
        if one is not None and two is not None and one["id"] != two["id"]:
            self._reject(
                parsed,
                "external_id",
                f"统一社会信用代码 {parsed.uscc} 与外部编号 {parsed.external_id} 属于不同的企业",
            )
            return None, False
        return one or two, True


class _FirmImporter(_Importer):
    def run(self, rows: list[ParsedRow], *, write: bool) -> bool:
        rows = [
            p
            for p in rows
            if self._first_sight(
                p, ("uscc", p.uscc), ("external_id", p.external_id) if p.external_id else None
            )
        ]
        by_uscc, by_external = self._orgs_by_key(
            rows, ("id", "registered_by_id", "version", *_ORG_FIELDS)
        )
        codes = self._industries([o["id"] for o in by_uscc.values()])
        products = self._products([o["id"] for o in by_uscc.values()])
        now = utcnow()
        inserts: list[dict[str, Any]] = []
        new_codes: list[list[str]] = []
        new_products: list[list[tuple[str, float | None]]] = []
        updates: list[dict[str, Any]] = []
        replaced_codes: dict[int, list[str]] = {}
        replaced_products: dict[int, list[tuple[str, float | None]]] = {}
        reclassified: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        registered_by = (
            self.caller.organization_id if self.caller and self.caller.is_organizer else None
        )
        for parsed in rows:
            existing, ok = self._resolve(parsed, by_uscc, by_external)
            if not ok:
                continue
            data = parsed.data
            assert isinstance(data, OrganizationCreate)
            given = data.model_fields_set
            if existing is None:
                record = self._new(parsed, data, now, registered_by)
                inserts.append(record)
                new_codes.append(list(dict.fromkeys(data.industry_codes)))
                new_products.append(_product_list(data))
                self.report.add(ReportLine(parsed.row, parsed.key, "created"))
                self._region_note(parsed, record, "created")
                continue
            if existing["kind"] != data.kind.value:
                self._reject(
                    parsed,
                    "kind",
                    f"已是{_KIND_ZH.get(existing['kind'], existing['kind'])}，企业类型不能更改",
                )
                continue
            if not self._may_manage(existing):
                self._reject(parsed, "uscc", _not_managed(existing["id"]))
                continue
            merged = dict(existing)
            self._merge(merged, data, given)
            tier_problem = _tier_problem(merged)
            if tier_problem:
                self._reject(parsed, *tier_problem)
                continue
            wanted_codes = (
                list(dict.fromkeys(data.industry_codes))
                if "industry_codes" in given
                else codes.get(existing["id"], [])
            )
            same_codes = wanted_codes == codes.get(existing["id"], [])
            wanted_products = (
                _product_list(data) if "products" in given else products.get(existing["id"], [])
            )
            same_products = wanted_products == products.get(existing["id"], [])
            if same_codes and same_products and all(merged[f] == existing[f] for f in _ORG_FIELDS):
                self.report.add(ReportLine(parsed.row, parsed.key, "unchanged"))
                continue
            merged["version"] = existing["version"] + 1
            merged["updated_at"] = now
            updates.append(
                {
                    "id": existing["id"],
                    **{f: merged[f] for f in _ORG_FIELDS},
                    "version": merged["version"],
                    "updated_at": now,
                }
            )
            if not same_codes:
                replaced_codes[existing["id"]] = wanted_codes
            if not same_products:
                replaced_products[existing["id"]] = wanted_products
            reclassified.append(
                (
                    existing["id"],
                    classification(existing["tier"], existing["tier_year"], existing["uscc"]),
                    classification(merged["tier"], merged["tier_year"], merged["uscc"]),
                )
            )
            self.report.add(ReportLine(parsed.row, parsed.key, "updated"))
            self._region_note(parsed, merged, "updated", before=existing)
        if not write or not (inserts or updates):
            return False
        ids = _insert_returning_ids(self.session, _ORGS, inserts)
        _bulk_update(self.session, _ORGS, _ORG_FIELDS, updates)
        for org_id, before, after in reclassified:
            audit_classification(self.session, self.caller, org_id, before, after)
        if replaced_codes:
            self.session.execute(
                delete(_INDUSTRIES).where(_INDUSTRIES.c.organization_id.in_(list(replaced_codes)))
            )
        industry_rows = [
            {"organization_id": org_id, "code": c, "position": i}
            for org_id, org_codes in [*zip(ids, new_codes, strict=True), *replaced_codes.items()]
            for i, c in enumerate(org_codes)
        ]
        if industry_rows:
            self.session.execute(insert(_INDUSTRIES), industry_rows)
        if replaced_products:
            self.session.execute(
                delete(_ORG_PRODUCTS).where(
                    _ORG_PRODUCTS.c.organization_id.in_(list(replaced_products))
                )
            )
        product_rows = [
            {"organization_id": org_id, "position": i, "name": name, "share": share}
            for org_id, items in [*zip(ids, new_products, strict=True), *replaced_products.items()]
            for i, (name, share) in enumerate(items)
        ]
        if product_rows:
            self.session.execute(insert(_ORG_PRODUCTS), product_rows)
        return True

    def _products(self, org_ids: list[int]) -> dict[int, list[tuple[str, float | None]]]:
        out: dict[int, list[tuple[str, float | None]]] = {}
        if not org_ids:
            return out
        for org_id, name, share in self.session.execute(
            select(_ORG_PRODUCTS.c.organization_id, _ORG_PRODUCTS.c.name, _ORG_PRODUCTS.c.share)
            .where(_ORG_PRODUCTS.c.organization_id.in_(org_ids))
            .order_by(_ORG_PRODUCTS.c.organization_id, _ORG_PRODUCTS.c.position)
        ):
            out.setdefault(org_id, []).append((name, share))
        return out

    def _industries(self, org_ids: list[int]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        if not org_ids:
            return out
        for org_id, industry in self.session.execute(
            select(_INDUSTRIES.c.organization_id, _INDUSTRIES.c.code)
            .where(_INDUSTRIES.c.organization_id.in_(org_ids))
            .order_by(_INDUSTRIES.c.organization_id, _INDUSTRIES.c.position)
        ):
            out.setdefault(org_id, []).append(industry)
        return out

    @staticmethod
    def _new(
        parsed: ParsedRow, data: OrganizationCreate, now: Any, registered_by: int | None
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "kind": data.kind.value,
            "name": data.name,
            "uscc": data.uscc,
            "region_code": data.region_code,
            "region_inferred": False,
            "external_id": data.external_id,
            "tier": data.tier.value if data.tier else None,
            "tier_year": data.tier_year,
            "description": data.description,
            "website": data.website,
            "contact_person": data.contacts.person,
            "contact_phone": data.contacts.phone,
            "contact_email": data.contacts.email,
            "registered_by_id": registered_by,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        if record["region_code"] is None:
            _infer(record)
        return record

    @staticmethod
    def _merge(merged: dict[str, Any], data: OrganizationCreate, given: set[str]) -> None:
        for name in given:
            if name in ("kind", "industry_codes", "products"):
                continue
            if name == "contacts":
                for part in data.contacts.model_fields_set:
                    merged[f"contact_{part}"] = getattr(data.contacts, part)
            elif name == "tier":
                merged["tier"] = data.tier.value if data.tier else None
            elif name == "region_code":
                merged["region_code"] = data.region_code
                merged["region_inferred"] = False
            else:
                merged[name] = getattr(data, name)
        if merged["region_code"] is None:
            _infer(merged)

    def _region_note(
        self,
        parsed: ParsedRow,
        record: dict[str, Any],
        outcome: Any,
        before: dict[str, Any] | None = None,
    ) -> None:
        if before is not None and before["region_code"] == record["region_code"]:
            return
        if record["region_inferred"]:
            name = regions()[record["region_code"]].name
            reason = f"按企业名称推断为 {record['region_code']}（{name}）"
            self.report.note(parsed.row, parsed.key, outcome, "region_code", reason)
        elif record["region_code"] is None:
            self.report.note(
                parsed.row, parsed.key, outcome, "region_code", "未填写，企业名称中也没有地区"
            )


def _product_list(data: OrganizationCreate) -> list[tuple[str, float | None]]:
    """The firm's products in order, the first of each name kept."""
    out: dict[str, float | None] = {}
    for item in data.products:
        out.setdefault(item.name, item.share)
    return list(out.items())


def _infer(record: dict[str, Any]) -> None:
    found = infer_region(record["name"])
    if found is not None:
        record["region_code"] = found
        record["region_inferred"] = True


_KIND_ZH = {"sme": "中小企业", "large_firm": "大企业", "organizer": "组织方"}
_STATUS_ZH = {"draft": "草稿", "open": "已发布", "closed": "已关闭"}


def _not_managed(org_id: int) -> str:
    return f"您不管理企业 {org_id}（组织方只能更新自己登记的企业）"


def _no_organization(key: str) -> str:
    return f"没有找到企业 {key}，请先导入企业"


def _tier_problem(org: dict[str, Any]) -> tuple[str, str] | None:
    if org["tier"] is not None and org["kind"] != OrganizationKind.sme.value:
        return "tier", TIER_ONLY_SME
    if org["tier_year"] is not None and org["tier"] is None:
        return "tier_year", TIER_YEAR_ALONE
    return None


class _ProfileImporter(_Importer):
    def run(self, rows: list[ParsedRow], *, write: bool) -> bool:
        by_uscc, by_external = self._orgs_by_key(
            rows, ("id", "kind", "uscc", "external_id", "registered_by_id")
        )
        ready: list[tuple[ParsedRow, dict[str, Any]]] = []
        for parsed in rows:
            org, ok = self._resolve(parsed, by_uscc, by_external)
            if not ok:
                continue
            if org is None:
                field = "uscc" if parsed.uscc else "external_id"
                self._reject(parsed, field, _no_organization(parsed.key))
            elif org["kind"] != OrganizationKind.sme.value:
                self._reject(parsed, field_of(parsed), "能力画像只属于中小企业")
            elif not self._may_manage(org):
                self._reject(parsed, field_of(parsed), _not_managed(org["id"]))
            elif self._first_sight(parsed, ("uscc", org["uscc"])):
                ready.append((parsed, org))
        existing = self._profiles([org["id"] for _p, org in ready])
        now = utcnow()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for parsed, org in ready:
            data = parsed.data
            assert isinstance(data, ProfileFields)
            current = existing.get(org["id"])
            if current is None:
                inserts.append(
                    {
                        "organization_id": org["id"],
                        **data.model_dump(mode="json"),
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                self.report.add(ReportLine(parsed.row, parsed.key, "created"))
                continue
            given = data.model_dump(mode="json", include=data.model_fields_set)
            merged = {f: current[f] for f in _PROFILE_FIELDS} | given
            if all(merged[f] == current[f] for f in _PROFILE_FIELDS):
                self.report.add(ReportLine(parsed.row, parsed.key, "unchanged"))
                continue
            updates.append(
                {
                    "id": current["id"],
                    **merged,
                    "version": current["version"] + 1,
                    "updated_at": now,
                }
            )
            self.report.add(ReportLine(parsed.row, parsed.key, "updated"))
        if not write or not (inserts or updates):
            return False
        if inserts:
            self.session.execute(insert(_PROFILES), inserts)
        _bulk_update(self.session, _PROFILES, _PROFILE_FIELDS, updates)
        return True

    def _profiles(self, org_ids: list[int]) -> dict[int, dict[str, Any]]:
        if not org_ids:
            return {}
        found = self.session.execute(
            select(_PROFILES).where(_PROFILES.c.organization_id.in_(org_ids))
        ).mappings()
        return {row["organization_id"]: dict(row) for row in found}


def field_of(parsed: ParsedRow) -> str:
    """The key column a row named its organization by."""
    return "uscc" if parsed.uscc else "external_id"


class _NeedImporter(_Importer):
    def run(self, rows: list[ParsedRow], *, write: bool) -> bool:
        by_uscc, by_external = self._orgs_by_key(
            rows, ("id", "kind", "uscc", "external_id", "registered_by_id")
        )
        ready: list[tuple[ParsedRow, dict[str, Any]]] = []
        for parsed in rows:
            org, ok = self._resolve(parsed, by_uscc, by_external)
            if not ok:
                continue
            data = parsed.data
            assert isinstance(data, NeedCreate)
            if org is None:
                self._reject(parsed, field_of(parsed), _no_organization(parsed.key))
            elif org["kind"] != OrganizationKind.large_firm.value:
                self._reject(parsed, field_of(parsed), "需求只能由大企业发布")
            elif not self._may_manage(org):
                self._reject(parsed, field_of(parsed), _not_managed(org["id"]))
            elif self._first_sight(parsed, ("need", org["id"], data.title)):
                ready.append((parsed, org))
        existing = self._needs([org["id"] for _p, org in ready])
        now = utcnow()
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for parsed, org in ready:
            data = parsed.data
            assert isinstance(data, NeedCreate)
            current = existing.get((org["id"], data.title))
            fields = data.model_dump(mode="json", exclude={"organization_id"})
            fields["deadline"] = data.deadline
            if current is None:
                if data.status == NeedStatus.closed:
                    self._reject(parsed, "status", "新需求的状态应为 草稿 或 发布")
                    continue
                inserts.append(
                    {
                        "organization_id": org["id"],
                        **fields,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                self.report.add(ReportLine(parsed.row, parsed.key, "created"))
                continue
            given = {f: fields[f] for f in data.model_fields_set if f in fields}
            merged = {f: current[f] for f in _NEED_FIELDS} | given
            if (
                merged["status"] != current["status"]
                and NeedStatus(merged["status"]) not in TRANSITIONS[NeedStatus(current["status"])]
            ):
                self._reject(
                    parsed,
                    "status",
                    f"{_STATUS_ZH[current['status']]}的需求不能改为{_STATUS_ZH[merged['status']]}",
                )
                continue
            if all(merged[f] == current[f] for f in _NEED_FIELDS):
                self.report.add(ReportLine(parsed.row, parsed.key, "unchanged"))
                continue
            updates.append(
                {
                    "id": current["id"],
                    **merged,
                    "version": current["version"] + 1,
                    "updated_at": now,
                }
            )
            self.report.add(ReportLine(parsed.row, parsed.key, "updated"))
        if not write or not (inserts or updates):
            return False
        if inserts:
            self.session.execute(insert(_NEEDS), inserts)
        _bulk_update(self.session, _NEEDS, _NEED_FIELDS, updates)
        return True

    def _needs(self, org_ids: list[int]) -> dict[tuple[int, str], dict[str, Any]]:
        out: dict[tuple[int, str], dict[str, Any]] = {}
        if not org_ids:
            return out
        found = self.session.execute(
            select(_NEEDS)
            .where(_NEEDS.c.organization_id.in_(set(org_ids)))
            .order_by(_NEEDS.c.id.desc())
        ).mappings()
        for row in found:
            out[(row["organization_id"], row["title"])] = dict(row)  # lowest id wins
        return out


_IMPORTERS: dict[ImportKind, type[_Importer]] = {
    ImportKind.firms: _FirmImporter,
    ImportKind.profiles: _ProfileImporter,
    ImportKind.needs: _NeedImporter,
}


def _raw_key(record: RawRecord) -> str:
    uscc = code(record.values.get("uscc"))
    return str(uscc or external_id(record.values.get("external_id")) or "")


def import_records(
    session: Session,
    kind: ImportKind,
    records: Iterable[RawRecord],
    *,
    caller: Principal | None,
    dry_run: bool = False,
    partial: bool = False,
    checkpoint: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Validate and upsert ``records``; the report says what happened to every row.

    Nothing is written on a dry run, nor after the first bad row unless ``partial`` (the
    caller rolls back what was flushed: see :attr:`ImportReport.written`). With ``partial``,
    ``checkpoint`` is called after each batch that wrote something, to commit it. One
    ``changes.EVERYTHING`` entry is logged per transaction that changed anything, so the
    matching index rebuilds once rather than catching up row by row. ``caller`` is None for
    the command line; organizers import only firms they registered (new firms are registered
    by them).
    """
    report = ImportReport(kind=kind.value, dry_run=dry_run, partial=partial)
    importer = _IMPORTERS[kind](session, caller, report)
    parse = PARSERS[kind]
    pending = False
    for batch in _batched(records, batch_size):
        parsed: list[ParsedRow] = []
        for record in batch:
            if record.error is not None:
                problem = RowProblem(record.row, record.field, record.error)
                report.reject(record.row, _raw_key(record), [problem])
                continue
            result = parse(record.row, record.values)
            if isinstance(result, list):
                report.reject(record.row, _raw_key(record), result)
            else:
                parsed.append(result)
        write = not dry_run and (partial or report.rejected == 0)
        batch_started = utcnow()
        if importer.run(parsed, write=write):
            pending = True
            if kind is not ImportKind.firms:
                placing.place_written(session, kind.value, since=batch_started)
            if partial and checkpoint is not None:
                changes.record(session, changes.EVERYTHING, None)
                session.flush()
                checkpoint()
                report.batches_committed += 1
                pending = False
        if progress is not None:
            progress(len(batch))
    if pending and report.written:
        changes.record(session, changes.EVERYTHING, None)
    if report.written and (report.created or report.updated):
        audit.record(
            session,
            caller,
            f"import.{kind.value}",
            "import",
            None,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
        )
    session.flush()
    return report
