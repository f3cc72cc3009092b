"""Request and response bodies for supply needs (配套需求 / 补链需求 / 技术攻关)."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Id, Line, LongText, Name, Number, RegionCode, ShortText
from app.models import NeedKind, NeedStatus
from app.profiles.schemas import OrganizationSummary


class NeedFields(BaseModel):
    """The editable content of a supply need."""

    model_config = ConfigDict(extra="forbid")

    kind: NeedKind = NeedKind.supply
    title: Name
    description: LongText = ""
    products: list[ShortText] = Field(
        default_factory=list, max_length=50, description="what is wanted (产品)"
    )
    application: Line = Field(default="", description="what it is for (用途), not what is wanted")
    quantity: Number | None = Field(default=None, ge=0, le=1e15)
    quantity_unit: ShortText | None = Field(default=None, max_length=50, examples=["件/年"])
    required_certifications: list[ShortText] = Field(default_factory=list, max_length=20)
    preferred_regions: list[RegionCode] = Field(default_factory=list, max_length=50)
    deadline: date | None = None


class NeedCreate(NeedFields):
    """A new need, ``draft`` (default) or ``open``. Large firms may leave out ``organization_id``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "supply",
                    "title": "采购车规级压力传感器",
                    "description": "用于新能源汽车热管理系统，年需求约 20 万只",
                    "products": ["压力传感器"],
                    "application": "新能源汽车热管理系统",
                    "quantity": 200000,
                    "quantity_unit": "只/年",
                    "required_certifications": ["IATF 16949"],
                    "preferred_regions": ["440000"],
                    "deadline": "2027-03-31",
                    "status": "open",
                }
            ]
        },
    )

    organization_id: Id | None = None
    status: NeedStatus = NeedStatus.draft


class NeedUpdate(BaseModel):
    """Fields to change; absent fields stay. ``status`` moves draft → open → closed only."""

    model_config = ConfigDict(extra="forbid")

    kind: NeedKind | None = None
    title: Name | None = None
    description: LongText | None = None
    products: list[ShortText] | None = Field(default=None, max_length=50)
    application: Line | None = None
    quantity: Number | None = Field(default=None, ge=0, le=1e15)
    quantity_unit: ShortText | None = Field(default=None, max_length=50)
    required_certifications: list[ShortText] | None = Field(default=None, max_length=20)
    preferred_regions: list[RegionCode] | None = Field(default=None, max_length=50)
    deadline: date | None = None
    status: NeedStatus | None = None


class NeedRead(NeedFields):
    """A supply need."""

    model_config = ConfigDict(extra="ignore")

    id: int
    status: NeedStatus
    organization: OrganizationSummary
    version: int
    created_at: datetime
    updated_at: datetime
