"""Request and response bodies for capability profiles (能力画像)."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Id, Line, LongText, RegionCode, ShortText
from app.models import Tier
from app.organizations.schemas import ProductItem


class Certification(BaseModel):
    """A certificate the SME holds (e.g. IATF 16949) and until when it is valid."""

    model_config = ConfigDict(extra="forbid")

    standard: ShortText = Field(examples=["IATF 16949"])
    number: ShortText | None = None
    valid_until: date | None = None


class ProfileFields(BaseModel):
    """The editable content of a capability profile."""

    model_config = ConfigDict(extra="forbid")

    products: list[ProductItem] = Field(default_factory=list, max_length=200)
    technologies: list[ShortText] = Field(default_factory=list, max_length=100)
    processes: list[ShortText] = Field(default_factory=list, max_length=100)
    materials: list[ShortText] = Field(default_factory=list, max_length=100)
    certifications: list[Certification] = Field(default_factory=list, max_length=50)
    capacity: Line | None = Field(default=None, examples=["年产 50 万件"])
    minimum_order: Line | None = Field(default=None, examples=["1,000 件起订"])
    regions_served: list[RegionCode] = Field(default_factory=list, max_length=50)
    description: LongText = ""


class ProfileCreate(ProfileFields):
    """A new profile. SMEs may leave out ``organization_id``: it defaults to their own."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "products": [
                        {"name": "车规级压力传感器", "share": 0.6},
                        {"name": "MEMS 芯片", "share": 0.3},
                    ],
                    "technologies": ["MEMS 工艺"],
                    "certifications": [{"standard": "IATF 16949", "valid_until": "2027-06-30"}],
                    "capacity": "年产 200 万只",
                    "regions_served": ["440000"],
                }
            ]
        },
    )

    organization_id: Id | None = None


class ProfileUpdate(BaseModel):
    """Fields to change; absent fields stay as they are. Lists are replaced whole."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "certifications": [{"standard": "IATF 16949", "valid_until": "2027-06-30"}],
                    "capacity": "伺服电机 30 万台/年",
                },
                {
                    "products": [
                        {"name": "伺服电机", "share": 0.6},
                        {"name": "伺服驱动器", "share": 0.4},
                    ]
                },
            ]
        },
    )

    products: list[ProductItem] | None = Field(default=None, max_length=200)
    technologies: list[ShortText] | None = Field(default=None, max_length=100)
    processes: list[ShortText] | None = Field(default=None, max_length=100)
    materials: list[ShortText] | None = Field(default=None, max_length=100)
    certifications: list[Certification] | None = Field(default=None, max_length=50)
    capacity: Line | None = None
    minimum_order: Line | None = None
    regions_served: list[RegionCode] | None = Field(default=None, max_length=50)
    description: LongText | None = None


class OrganizationSummary(BaseModel):
    """The public facts of the organization a record belongs to."""

    id: int
    name: str
    region_code: str | None
    tier: Tier | None


class ProfileRead(ProfileFields):
    """A capability profile."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "products": [
                        {"name": "伺服电机", "share": 0.6},
                        {"name": "伺服驱动器", "share": 0.4},
                    ],
                    "technologies": ["高精度编码器"],
                    "processes": [],
                    "materials": [],
                    "certifications": [
                        {"standard": "ISO 9001", "number": None, "valid_until": "2027-12-31"}
                    ],
                    "capacity": "伺服电机 30 万台/年",
                    "minimum_order": None,
                    "regions_served": ["320000"],
                    "description": "中小功率交流伺服电机",
                    "id": 1,
                    "organization": {
                        "id": 3,
                        "name": "常州精驰伺服科技有限公司",
                        "region_code": "320411",
                        "tier": "little_giant",
                    },
                    "version": 1,
                    "created_at": "2027-03-01T09:30:00Z",
                    "updated_at": "2027-03-01T09:30:00Z",
                }
            ]
        },
        extra="ignore",
    )

    id: int
    organization: OrganizationSummary
    version: int
    created_at: datetime
    updated_at: datetime
