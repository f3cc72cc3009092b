"""Response bodies for shortlists and opportunity feeds."""

from pydantic import BaseModel, ConfigDict, Field

from app.interests.schemas import InterestMarks
from app.models import NeedKind, Tier
from app.profiles.schemas import OrganizationSummary


class MatchedProduct(BaseModel):
    """A product the need asks for, and the product of the other side that matched it."""

    wanted: str = Field(examples=["压力传感器"])
    offered: str = Field(examples=["车规级MEMS压力传感器"])
    read_as: str | None = Field(
        default=None,
        description="Set when the wanted product matched through another way of writing it: "
        "a synonym, English name, short or long form, or a suspected typo.",
        examples=["畜电池 → 蓄电池 (疑似错字)"],
    )


class MatchReasons(BaseModel):
    """Why a pair ranks where it does, in terms a person can check."""

    matched_products: list[MatchedProduct]
    certifications_met: list[str]
    certifications_missing: list[str]
    certifications_unverified: list[str] = Field(
        default_factory=list,
        description="certifications read from the need's text that the supplier's profile "
        "does not show (it lists none): to check with the supplier",
    )
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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "need_id": 1,
                    "model_version": None,
                    "items": [
                        {
                            "rank": 1,
                            "score": 0.9696,
                            "profile_id": 1,
                            "organization": {
                                "id": 3,
                                "name": "常州精驰伺服科技有限公司",
                                "region_code": "320411",
                                "tier": "little_giant",
                            },
                            "products": ["伺服电机", "伺服驱动器"],
                            "reasons": {
                                "matched_products": [
                                    {"wanted": "伺服电机", "offered": "伺服电机", "read_as": None}
                                ],
                                "certifications_met": [],
                                "certifications_missing": [],
                                "certifications_unverified": [],
                                "distance_km": 82.7,
                                "same_city": False,
                                "same_province": True,
                                "tier": "little_giant",
                            },
                            "interest": {"buyer": None, "sme": None},
                            "explored": False,
                        }
                    ],
                    "reason": None,
                }
            ]
        }
    )

    need_id: int
    model_version: int | None = Field(
        default=None,
        description="the learned re-ranker that ordered the engine's results (null: the "
        "engine's own order); scores and reasons are always the engine's",
    )
    items: list[ShortlistEntry]
    reason: str | None = Field(
        default=None,
        examples=["no wanted product found"],
        description="why the list is empty when the need's reading explains it (see "
        "GET /needs/{id}/reading); null otherwise",
    )


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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "profile_id": 1,
                    "items": [
                        {
                            "rank": 1,
                            "score": 0.9696,
                            "need_id": 1,
                            "title": "采购伺服电机",
                            "kind": "supply",
                            "organization": {
                                "id": 2,
                                "name": "苏州汇川智能装备有限公司",
                                "region_code": "320505",
                                "tier": None,
                            },
                            "reasons": {
                                "matched_products": [
                                    {"wanted": "伺服电机", "offered": "伺服电机", "read_as": None}
                                ],
                                "certifications_met": [],
                                "certifications_missing": [],
                                "certifications_unverified": [],
                                "distance_km": 82.7,
                                "same_city": False,
                                "same_province": True,
                                "tier": "little_giant",
                            },
                            "interest": {"buyer": None, "sme": None},
                        }
                    ],
                }
            ]
        }
    )

    profile_id: int
    items: list[OpportunityEntry]


class SupplyPath(BaseModel):
    """How an SME could supply a buyer: the buyer's product needs an input, the SME makes it."""

    buyer_product: str = Field(examples=["磷酸铁锂电池"])
    input: str = Field(examples=["隔膜"], description="an input of the buyer's product")
    supplier_product: str = Field(examples=["锂电池隔膜"], description="the SME's product")
    via: str = Field(
        examples=["锂电池"],
        description="the chain-map product whose inputs the buyer's product shares "
        "(the buyer's product itself when it is in the chain map); for an input the map does "
        "not give the buyer's product, inferred from the inputs that go with the predicted "
        "ones, a chain-map product that takes both",
    )


class UpstreamReasons(BaseModel):
    """Why an SME could supply a buyer's upstream, in terms a person can check."""

    supply_paths: list[SupplyPath]
    distance_km: float | None
    same_city: bool
    same_province: bool
    tier: Tier | None


class UpstreamEntry(BaseModel):
    """One ranked SME for a buyer's upstream. No contacts."""

    rank: int
    score: float
    profile_id: int
    organization: OrganizationSummary
    products: list[str] = Field(description="the SME's products, most important first")
    reasons: UpstreamReasons


class PredictedInput(BaseModel):
    """An input the buyer's products probably need (the strongest has weight 1)."""

    name: str = Field(examples=["隔膜"])
    weight: float
    for_products: list[str] = Field(description="the buyer's products that need it")


class UpstreamSuppliers(BaseModel):
    """Ranked SMEs that could supply the inputs of a large firm's products (补链)."""

    organization_id: int
    products: list[str] = Field(description="the firm's products the ranking started from")
    inputs: list[PredictedInput]
    items: list[UpstreamEntry]
