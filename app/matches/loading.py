"""Read profiles and needs for the matching index in a few Core queries (no ORM objects).

The index is built from every profile and open need at start-up, so loading must be cheap:
one query for the rows, one for their organizations' industry codes. Alongside each record
the index keeps the few facts a shortlist shows (firm name, region, tier, products), so that
answering a shortlist needs no further database reads.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.models import (
    CapabilityProfile,
    NeedStatus,
    Organization,
    OrganizationIndustry,
    SupplyNeed,
)
from matching.reading import resolve_need
from matching.records import CertificationItem, NeedRecord, ProductItem, ProfileRecord

_CHUNK = 900  # ids per IN (…) clause: below SQLite's variable limit


@dataclass(frozen=True, slots=True)
class FirmFacts:
    """The public facts of a firm that a ranked result shows."""

    id: int
    name: str
    region_code: str | None
    tier: str | None


@dataclass(frozen=True, slots=True)
class IndexedProfile:
    """A profile as the index holds it: the record to rank, and what a result shows."""

    record: ProfileRecord
    firm: FirmFacts
    products: tuple[str, ...]  # most important first


@dataclass(frozen=True, slots=True)
class IndexedNeed:
    """An open need as the index holds it."""

    record: NeedRecord
    firm: FirmFacts
    title: str
    kind: str


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value)
    return None


def industries_of(session: Session, org_ids: Collection[int] | None) -> dict[int, tuple[str, ...]]:
    """GB/T 4754 codes per organization, in their stated order (all organizations if ``None``)."""
    query = select(OrganizationIndustry.organization_id, OrganizationIndustry.code).order_by(
        OrganizationIndustry.organization_id, OrganizationIndustry.position
    )
    codes: dict[int, list[str]] = defaultdict(list)
    for chunk in _chunks(org_ids):
        q = query if chunk is None else query.where(OrganizationIndustry.organization_id.in_(chunk))
        for org_id, code in session.execute(q):
            codes[org_id].append(code)
    return {k: tuple(v) for k, v in codes.items()}


def _chunks(ids: Collection[int] | None) -> list[list[int] | None]:
    if ids is None:
        return [None]
    items = sorted(ids)
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def ids_of_organizations(session: Session, org_ids: Collection[int]) -> tuple[set[int], set[int]]:
    """The ids of the capability profiles and of the needs of ``org_ids``, read in chunks (an
    import of firms changes ~100,000 organizations at once: one ``IN (…)`` of them all would
    pass PostgreSQL's 65,535 parameters, and SQLite's 32,766 in its default build)."""
    profiles: set[int] = set()
    needs: set[int] = set()
    for chunk in _chunks(org_ids):
        assert chunk is not None
        profiles.update(
            session.scalars(
                select(CapabilityProfile.id).where(CapabilityProfile.organization_id.in_(chunk))
            )
        )
        needs.update(
            session.scalars(select(SupplyNeed.id).where(SupplyNeed.organization_id.in_(chunk)))
        )
    return profiles, needs


_FIRM = (Organization.id, Organization.name, Organization.region_code, Organization.tier)


def _firm(row: Any) -> FirmFacts:
    return FirmFacts(row.org_id, row.org_name, row.region_code, row.tier)


def load_profiles(session: Session, ids: Collection[int] | None = None) -> list[IndexedProfile]:
    """Profiles with their SMEs' facts; every profile when ``ids`` is ``None``."""
    query: Select[Any] = select(
        CapabilityProfile.id,
        CapabilityProfile.products,
        CapabilityProfile.technologies,
        CapabilityProfile.processes,
        CapabilityProfile.materials,
        CapabilityProfile.certifications,
        CapabilityProfile.capacity,
        CapabilityProfile.description,
        _FIRM[0].label("org_id"),
        _FIRM[1].label("org_name"),
        _FIRM[2],
        _FIRM[3],
    ).join(Organization, CapabilityProfile.organization_id == Organization.id)
    rows: list[Any] = []
    for chunk in _chunks(ids):
        q = query if chunk is None else query.where(CapabilityProfile.id.in_(chunk))
        rows.extend(session.execute(q))
    industries = industries_of(session, None if ids is None else {r.org_id for r in rows})
    out = []
    for r in rows:
        products = tuple(ProductItem(p["name"], p.get("share")) for p in r.products)
        record = ProfileRecord(
            id=r.id,
            name=r.org_name,
            products=products,
            technologies=tuple(r.technologies),
            processes=tuple(r.processes),
            materials=tuple(r.materials),
            certifications=tuple(
                CertificationItem(c["standard"], _date(c.get("valid_until")))
                for c in r.certifications
            ),
            region_code=r.region_code,
            tier=r.tier,
            industry_codes=industries.get(r.org_id, ()),
            capacity=r.capacity,
            description=r.description,
        )
        ranked = sorted(products, key=lambda p: -(p.weight or 0.0))
        out.append(IndexedProfile(record, _firm(r), tuple(p.name for p in ranked)))
    return out


def load_open_needs(session: Session, ids: Collection[int] | None = None) -> list[IndexedNeed]:
    """Open needs with their firms' facts; every open need when ``ids`` is ``None``."""
    query: Select[Any] = (
        select(  # type: ignore[assignment]
            SupplyNeed.id,
            SupplyNeed.title,
            SupplyNeed.kind,
            SupplyNeed.description,
            SupplyNeed.products,
            SupplyNeed.application,
            SupplyNeed.required_certifications,
            SupplyNeed.preferred_regions,
            SupplyNeed.deadline,
            _FIRM[0].label("org_id"),
            _FIRM[1].label("org_name"),
            _FIRM[2],
            _FIRM[3],
        )
        .join(Organization, SupplyNeed.organization_id == Organization.id)
        .where(SupplyNeed.status == NeedStatus.open.value)
    )
    rows: list[Any] = []
    for chunk in _chunks(ids):
        q = query if chunk is None else query.where(SupplyNeed.id.in_(chunk))
        rows.extend(session.execute(q))
    industries = industries_of(session, None if ids is None else {r.org_id for r in rows})
    return [
        IndexedNeed(
            resolve_need(
                NeedRecord(
                    id=r.id,
                    title=r.title,
                    description=r.description,
                    products=tuple(r.products),
                    application=r.application,
                    required_certifications=tuple(r.required_certifications),
                    preferred_regions=tuple(r.preferred_regions),
                    region_code=r.region_code,
                    industry_codes=industries.get(r.org_id, ()),
                    deadline=r.deadline,
                )
            ),
            _firm(r),
            r.title,
            r.kind,
        )
        for r in rows
    ]


def need_record_for(session: Session, need: SupplyNeed) -> NeedRecord:
    """The matching record of any need (open or not), e.g. to preview a draft's shortlist.

    Like every need the index ranks, it is resolved: what its text says about required
    certifications, preferred regions and its application fills the fields the firm left
    empty (:func:`matching.reading.resolve_need`).
    """
    org = need.organization
    codes = industries_of(session, [org.id]).get(org.id, ())
    return resolve_need(as_written(need, industry_codes=codes))


def as_written(need: SupplyNeed, *, industry_codes: tuple[str, ...] = ()) -> NeedRecord:
    """The matching record of a need as its firm wrote it, before its text is read into it.

    ``need.organization`` must be loaded.
    """
    return NeedRecord(
        id=need.id,
        title=need.title,
        description=need.description,
        products=tuple(need.products),
        application=need.application,
        required_certifications=tuple(need.required_certifications),
        preferred_regions=tuple(need.preferred_regions),
        region_code=need.organization.region_code,
        industry_codes=industry_codes,
        deadline=need.deadline,
    )
