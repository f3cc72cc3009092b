"""Firms: one row per organization (a large firm or an SME), matched by USCC or external id.

Industry codes and a large firm's main products are replaced when the row gives them; the
tier rule is the organizations' (:mod:`app.organizations.rules`), and a tier or USCC change is
audited as the API audits it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, select

from app.imports import bulk
from app.imports.importer import ORGS, Importer, Plan, Writes, not_managed
from app.imports.report import ReportLine
from app.imports.rows import ParsedRow
from app.models import OrganizationIndustry, OrganizationProduct
from app.models.base import utcnow
from app.organizations import rules as organization_rules
from app.organizations.schemas import OrganizationCreate
from app.organizations.service import audit_classification, classification
from app.reference.region_inference import infer_region
from app.reference.tables import regions

_INDUSTRIES: Table = OrganizationIndustry.__table__  # type: ignore[assignment]
_ORG_PRODUCTS: Table = OrganizationProduct.__table__  # type: ignore[assignment]

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


@dataclass
class FirmPlan(Plan):
    """A batch of firms: new and changed organizations, their industry codes and products, and
    the classification changes to audit."""

    inserts: list[dict[str, Any]] = field(default_factory=list)
    new_codes: list[list[str]] = field(default_factory=list)
    new_products: list[list[tuple[str, float | None]]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    replaced_codes: dict[int, list[str]] = field(default_factory=dict)
    replaced_products: dict[int, list[tuple[str, float | None]]] = field(default_factory=dict)
    reclassified: list[tuple[int, dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    #: The new firms, their codes and their products bound (then the lists above are empty).
    prepared: bulk.Prepared | None = None
    new_code_rows: bulk.Prepared | None = None
    new_product_rows: bulk.Prepared | None = None

    def writes_anything(self) -> bool:
        """Does applying the plan write a row?"""
        return bool(self.inserts or self.prepared or self.updates)


class FirmImporter(Importer):
    def plan(self, rows: list[ParsedRow]) -> FirmPlan:
        """Look the firms up and classify them (see :meth:`Importer.plan`)."""
        self._start_plan()
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
        known = tuple(sorted(o["id"] for o in by_uscc.values()))
        codes: dict[int, list[str]] = self._read("_industries", known)
        products: dict[int, list[tuple[str, float | None]]] = self._read("_products", known)
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
                self._reject(parsed, "uscc", not_managed(existing["id"]))
                continue
            merged = dict(existing)
            self._merge(merged, data, given)
            broken = organization_rules.tier_problem(
                merged["kind"], merged["tier"], merged["tier_year"]
            )
            if broken is not None:
                self._broken(parsed, broken)
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
        plan = FirmPlan(
            inserts=inserts,
            new_codes=new_codes,
            new_products=new_products,
            updates=updates,
            replaced_codes=replaced_codes,
            replaced_products=replaced_products,
            reclassified=reclassified,
        )
        if self.prepare and inserts:
            # Bound here, outside the writing transaction; the new firms' codes and products
            # hold the firm's position among the new rows until its id is known.
            plan.prepared = self._prepared(ORGS, inserts)
            plan.new_code_rows = self._prepared(_INDUSTRIES, _code_rows(enumerate(new_codes)))
            plan.new_product_rows = self._prepared(
                _ORG_PRODUCTS, _product_rows(enumerate(new_products))
            )
            plan.inserts, plan.new_codes, plan.new_products = [], [], []
        return self._finish_plan(plan)

    def apply(self, plan: Plan) -> bool:
        """Write the firms (see :meth:`Importer.apply`)."""
        assert isinstance(plan, FirmPlan)
        if not plan.writes_anything():
            return False
        new_codes, new_products = plan.new_codes, plan.new_products
        replaced_codes, replaced_products = plan.replaced_codes, plan.replaced_products
        ids = self._write(ORGS, _ORG_FIELDS, Writes(plan.inserts, plan.updates, plan.prepared))
        for org_id, before, after in plan.reclassified:
            audit_classification(self.session, self.caller, org_id, before, after)
        if replaced_codes:
            self.session.execute(
                delete(_INDUSTRIES).where(_INDUSTRIES.c.organization_id.in_(list(replaced_codes)))
            )
        if plan.new_code_rows is not None:
            bulk.insert_rows(
                self.session, _INDUSTRIES, plan.new_code_rows.with_ids("organization_id", ids)
            )
        fresh_codes = (
            [] if plan.new_code_rows is not None else list(zip(ids, new_codes, strict=True))
        )
        industry_rows = _code_rows([*fresh_codes, *replaced_codes.items()])
        bulk.insert_rows(self.session, _INDUSTRIES, industry_rows)
        if replaced_products:
            self.session.execute(
                delete(_ORG_PRODUCTS).where(
                    _ORG_PRODUCTS.c.organization_id.in_(list(replaced_products))
                )
            )
        if plan.new_product_rows is not None:
            bulk.insert_rows(
                self.session, _ORG_PRODUCTS, plan.new_product_rows.with_ids("organization_id", ids)
            )
        fresh = (
            [] if plan.new_product_rows is not None else list(zip(ids, new_products, strict=True))
        )
        product_rows = _product_rows([*fresh, *replaced_products.items()])
        bulk.insert_rows(self.session, _ORG_PRODUCTS, product_rows)
        return True

    def _products(self, org_ids: tuple[int, ...]) -> dict[int, list[tuple[str, float | None]]]:
        out: dict[int, list[tuple[str, float | None]]] = {}
        if not org_ids:
            return out
        for org_id, name, share in self.session.execute(
            select(_ORG_PRODUCTS.c.organization_id, _ORG_PRODUCTS.c.name, _ORG_PRODUCTS.c.share)
            .where(self._among(_ORG_PRODUCTS.c.organization_id, org_ids))
            .order_by(_ORG_PRODUCTS.c.organization_id, _ORG_PRODUCTS.c.position)
        ):
            out.setdefault(org_id, []).append((name, share))
        return out

    def _industries(self, org_ids: tuple[int, ...]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        if not org_ids:
            return out
        for org_id, industry in self.session.execute(
            select(_INDUSTRIES.c.organization_id, _INDUSTRIES.c.code)
            .where(self._among(_INDUSTRIES.c.organization_id, org_ids))
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


def _code_rows(codes: Iterable[tuple[int, list[str]]]) -> list[dict[str, Any]]:
    """The industry-code rows of firms (each an id, or a position among the new ones)."""
    return [
        {"organization_id": org, "code": c, "position": i}
        for org, org_codes in codes
        for i, c in enumerate(org_codes)
    ]


def _product_rows(
    products: Iterable[tuple[int, list[tuple[str, float | None]]]],
) -> list[dict[str, Any]]:
    """The product rows of firms (each an id, or a position among the new ones)."""
    return [
        {"organization_id": org, "position": i, "name": name, "share": share}
        for org, items in products
        for i, (name, share) in enumerate(items)
    ]


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
