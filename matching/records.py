"""Plain records the matching library works on: profiles, needs and ranked matches.

Everything here is a frozen dataclass of plain Python values, so the service can build records
from database rows and the evaluation scripts from the benchmark files, and the ranking code
never sees either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "TIERS",
    "CertificationItem",
    "Match",
    "NeedRecord",
    "ProductItem",
    "ProfileRecord",
    "Reasons",
]

TIERS = ("innovative", "specialized", "little_giant")
"""专精特新 tiers, lowest first: 创新型中小企业, 专精特新中小企业, 专精特新"小巨人"."""


@dataclass(frozen=True, slots=True)
class ProductItem:
    """One product line of a supplier, with its share of revenue when known."""

    name: str
    weight: float | None = None


@dataclass(frozen=True, slots=True)
class CertificationItem:
    """A certification held, e.g. ``IATF 16949``; ``valid_until`` ``None`` means no expiry."""

    standard: str
    valid_until: date | None = None


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """What a supplier (an SME) makes and holds: the matching view of a capability profile.

    ``tier`` is ``"innovative"``, ``"specialized"``, ``"little_giant"`` or ``None``;
    ``region_code`` a 6-digit GB/T 2260 code; ``industry_codes`` GB/T 4754 codes.
    """

    id: int
    name: str
    products: tuple[ProductItem, ...] = ()
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
    """What a buyer wants (``products``, ``title``) and what for (``application``).

    A need typed as free text may leave ``products`` and ``application`` empty and say
    everything in ``title`` and ``description``. ``region_code`` is the buyer's own region;
    ``preferred_regions`` are region codes at any level (``440000``, ``440300``).
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
    expected_certifications: tuple[str, ...] = ()
    """Certifications read from the text, not confirmed by the buyer: they remove only the
    suppliers whose profiles list certifications without them (an unlisted one is unknown,
    not missing). ``required_certifications`` (the buyer's own field) removes every supplier
    that does not hold them."""


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why a match was ranked where it was, in facts a person can check against the records.

    Attributes
    ----------
    matched_products
        ``(wanted, offered)`` pairs: a term of the need and the supplier's product it matched,
        best first.
    certifications_met, certifications_missing
        Required certifications the supplier holds (valid on the query date) or lacks.
    certifications_unverified
        Certifications read from the need's text that the supplier's profile does not show
        (it lists none at all): to be checked with the supplier.
    distance_km
        Distance between the centres of the buyer's and the supplier's regions (``None`` when
        either is unknown).
    same_city, same_province
        Whether the supplier is in the buyer's city / province.
    in_preferred_region
        Whether the supplier is inside one of the need's preferred regions (``None`` when the
        need names none).
    tier
        The supplier's tier, if any.
    shared_industry_codes
        GB/T 4754 codes (大类, two digits) the supplier shares with the buyer.
    context_products
        ``(input, offered)`` pairs from weak context only: ``input`` is not something the
        need asked for but an input of its application in the chain map.
    name_variants
        ``(wanted, read_as, kind)`` for each matched pair whose wanted term was matched
        through another way of writing it (:mod:`matching.variants`): ``read_as`` is the
        synonym, English translation, short or long form, or typo correction, ``kind`` one of
        ``synonym``, ``english``, ``short``, ``long``, ``typo``.
    """

    matched_products: tuple[tuple[str, str], ...] = ()
    certifications_met: tuple[str, ...] = ()
    certifications_missing: tuple[str, ...] = ()
    distance_km: float | None = None
    same_city: bool = False
    same_province: bool = False
    in_preferred_region: bool | None = None
    tier: str | None = None
    shared_industry_codes: tuple[str, ...] = ()
    context_products: tuple[tuple[str, str], ...] = ()
    name_variants: tuple[tuple[str, str, str], ...] = ()
    certifications_unverified: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    """One ranked result: a profile id (shortlist) or a need id (opportunities)."""

    id: int
    score: float
    reasons: Reasons = field(default_factory=Reasons)
