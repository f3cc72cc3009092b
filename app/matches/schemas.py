"""Response bodies for shortlists and opportunity feeds."""

from pydantic import BaseModel, Field

from app.interests.schemas import InterestMarks
from app.models import NeedKind, Tier
from app.profiles.schemas import OrganizationSummary


class MatchedProduct(BaseModel):
    """A product the need asks for, and the product of the other side that matched it."""

    wanted: str = Field(examples=["压力传感器"])
    offered: str = Field(examples=["车规级MEMS压力传感器"])


class MatchReasons(BaseModel):
    """Why a pair ranks where it does, in terms a person can check."""

    matched_products: list[MatchedProduct]
    certifications_met: list[str]
    certifications_missing: list[str]
    distance_km: float | None
    same_city: bool
    same_province: bool
    tier: Tier | None


class ShortlistEntry(BaseModel):
    """One ranked SME for a need. No contacts: those come only after mutual interest."""

    rank: int
    score: float
    profile_id: int
    organization: OrganizationSummary
    products: list[str] = Field(description="the SME's products, most important first")
    reasons: MatchReasons
    interest: InterestMarks = Field(description="the firm's mark; the SME's if interested")
    explored: bool = Field(
        default=False,
        description="placed in a slot kept for rarely shown SMEs, not by its rank",
    )


class Shortlist(BaseModel):
    """Ranked SMEs for a need."""

    need_id: int
    model_version: int | None = Field(
        default=None,
        description="the learned re-ranker that ordered the engine's results (null: the "
        "engine's own order); scores and reasons are always the engine's",
    )
    items: list[ShortlistEntry]


class OpportunityEntry(BaseModel):
    """One ranked open need for an SME."""

    rank: int
    score: float
    need_id: int
    title: str
    kind: NeedKind
    organization: OrganizationSummary
    reasons: MatchReasons
    interest: InterestMarks = Field(description="the SME's mark; the firm's if interested")


class Opportunities(BaseModel):
    """Ranked open needs for an SME's profile."""

    profile_id: int
    items: list[OpportunityEntry]
