"""Request and response bodies for organizations."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, StringConstraints

from app.consent import Contacts
from app.fields import (
    IndustryCode,
    LongText,
    Name,
    Number,
    RegionCode,
    ShortText,
    Uscc,
    single_line,
)
from app.models import OrganizationKind, Tier

Website = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://\S+$"),
    AfterValidator(single_line),
]
ExternalId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(single_line),
]
TierYear = Annotated[
    int, Strict(), Field(ge=2011, le=2100, description="year the tier was granted")
]


class ProductItem(BaseModel):
    """One product, with its optional share of revenue (0–1)."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText
    share: Number | None = Field(default=None, ge=0, le=1)


class OrganizationCreate(BaseModel):
    """A new organization."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "sme",
                    "name": "深圳市精研传感科技有限公司",
                    "uscc": "91440300MA5FXXXX0U",
                    "region_code": "440300",
                    "industry_codes": ["3983"],
                    "tier": "little_giant",
                    "tier_year": 2023,
                    "description": "MEMS 压力传感器",
                    "contacts": {"person": "王经理", "phone": "0755-8888 0000"},
                },
                {
                    "kind": "large_firm",
                    "name": "宁德时代新能源科技股份有限公司",
                    "uscc": "91350900587527783P",
                    "region_code": "350902",
                    "products": [
                        {"name": "动力电池系统", "share": 0.7},
                        {"name": "储能系统", "share": 0.15},
                    ],
                },
            ]
        },
    )

    kind: OrganizationKind
    name: Name
    uscc: Uscc
    region_code: RegionCode | None = None
    industry_codes: list[IndustryCode] = Field(default_factory=list, max_length=20)
    tier: Tier | None = None
    tier_year: TierYear | None = None
    description: LongText = ""
    website: Website | None = None
    contacts: Contacts = Field(default_factory=Contacts)
    external_id: ExternalId | None = None
    products: list[ProductItem] = Field(
        default_factory=list,
        max_length=200,
        description="a large firm's own main products (主营产品), most important first",
    )


class OrganizationUpdate(BaseModel):
    """Fields to change; absent fields stay as they are. ``kind`` cannot change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "description": "伺服电机、伺服驱动器研发制造，年产伺服电机 30 万台",
                    "region_code": "320505",
                    "contacts": {
                        "person": "李工",
                        "phone": "0512-6688 1234",
                        "email": "sales@example-servo.cn",
                    },
                },
                {"tier": "little_giant", "tier_year": 2024},
            ]
        },
    )

    name: Name | None = None
    uscc: Uscc | None = None
    region_code: RegionCode | None = None
    industry_codes: list[IndustryCode] | None = Field(default=None, max_length=20)
    tier: Tier | None = None
    tier_year: TierYear | None = None
    description: LongText | None = None
    website: Website | None = None
    contacts: Contacts | None = None
    products: list[ProductItem] | None = Field(
        default=None, max_length=200, description="replaced whole; a large firm's only"
    )


class OrganizationRead(BaseModel):
    """An organization as the caller may see it (``contacts`` is null when hidden)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "kind": "sme",
                    "name": "常州精驰伺服科技有限公司",
                    "uscc": "91320400000000030P",
                    "region_code": "320411",
                    "region_name": "新北区",
                    "region_inferred": False,
                    "industry_codes": ["3812"],
                    "tier": "little_giant",
                    "tier_year": 2023,
                    "description": "伺服电机及驱动器",
                    "website": None,
                    "contacts": {
                        "person": "钱工",
                        "phone": "0519-8000 0002",
                        "email": "sales@example-jingchi.cn",
                    },
                    "products": [],
                    "registered_by_id": 1,
                    "profile_id": 1,
                    "external_id": None,
                    "version": 1,
                    "created_at": "2027-03-01T09:30:00Z",
                    "updated_at": "2027-03-01T09:30:00Z",
                }
            ]
        }
    )

    id: int
    kind: OrganizationKind
    name: str
    uscc: str
    region_code: str | None
    region_name: str | None
    region_inferred: bool
    industry_codes: list[str]
    tier: Tier | None
    tier_year: int | None
    description: str
    website: str | None
    contacts: Contacts | None
    products: list[ProductItem]
    registered_by_id: int | None
    profile_id: int | None = Field(
        default=None, description="an SME's capability profile (null: none yet, or not an SME)"
    )
    external_id: str | None
    version: int
    created_at: datetime
    updated_at: datetime
