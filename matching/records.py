"""Plain, immutable records the matching library works on (no database, no web)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["CertificationItem", "Match", "NeedRecord", "ProductItem", "ProfileRecord", "Reasons"]


@dataclass(frozen=True, slots=True)
class ProductItem:
    """One product of a profile; ``weight`` is its revenue share in (0, 1] when known."""

    name: str
    weight: float | None = None


@dataclass(frozen=True, slots=True)
class CertificationItem:
    """A certification held, e.g. ``IATF 16949``; ``valid_until`` ``None`` means no expiry."""

    standard: str
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """What an SME (supplier) makes and holds.

    ``tier`` is one of ``"innovative"``, ``"specialized"``, ``"little_giant"`` or ``None``.
    """

    id: int
    name: str
    products: tuple[ProductItem, ...]
    technologies: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    certifications: tuple[CertificationItem, ...] = ()
    region_code: str | None = None
    tier: str | None = None
    industry_codes: tuple[str, ...] = ()
    capacity: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class NeedRecord:
    """What a large firm (buyer) wants (``products``, ``title``) and what for (``application``).

    ``region_code`` is the buyer's own region; ``preferred_regions`` are region prefixes it asks for.
    """

    id: int
    title: str
    description: str = ""
    products: tuple[str, ...] = ()
    application: str = ""
    required_certifications: tuple[str, ...] = ()
    preferred_regions: tuple[str, ...] = ()
    region_code: str | None = None
    industry_codes: tuple[str, ...] = ()
    deadline: date | None = None


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why a result was ranked where it is; every field can be checked against the records.

    ``matched_products`` pairs (need term, profile product) that contributed to the score.
    ``distance_km`` is between region centres (``None`` when either side is unknown).
    """

    matched_products: tuple[tuple[str, str], ...] = ()
    certifications_met: tuple[str, ...] = ()
    certifications_missing: tuple[str, ...] = ()
    distance_km: float | None = None
    same_city: bool = False
    same_province: bool = False
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked result: a profile id (shortlist) or a need id (opportunities)."""

    id: int
    score: float
    reasons: Reasons = field(default_factory=Reasons)
