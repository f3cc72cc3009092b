"""Request and response bodies for supply needs (配套需求 / 补链需求 / 技术攻关)."""

from datetime import date, datetime
from typing import Literal

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

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"status": "open"},
                {
                    "quantity": 20000,
                    "quantity_unit": "平方米",
                    "deadline": "2027-03-31",
                    "required_certifications": ["IATF 16949"],
                },
            ]
        },
    )

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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "supply",
                    "title": "采购伺服电机",
                    "description": "",
                    "products": ["伺服电机"],
                    "application": "工业机器人关节",
                    "quantity": 5000.0,
                    "quantity_unit": "台/年",
                    "required_certifications": [],
                    "preferred_regions": ["320000"],
                    "deadline": "2027-06-30",
                    "id": 1,
                    "status": "open",
                    "organization": {
                        "id": 2,
                        "name": "苏州汇川智能装备有限公司",
                        "region_code": "320505",
                        "tier": None,
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
    status: NeedStatus
    organization: OrganizationSummary
    version: int
    created_at: datetime
    updated_at: datetime


class ReadProduct(BaseModel):
    """A product the need asks for, how much it counts in ranking, and where it was read."""

    text: str = Field(examples=["伺服电机"])
    weight: float = Field(examples=[1.0])
    where: Literal["buyer", "field", "text", "fallback"] = Field(
        description="buyer: the firm's own products; field: a labelled field, item list or "
        "table row of a pasted notice; text: a sentence asking for it; fallback: a bare phrase "
        "without any cue (weak)"
    )


class ReadRegion(BaseModel):
    """A preferred region: as named (a province, a city or a group such as 长三角), its codes."""

    name: str = Field(examples=["长三角"])
    codes: list[str] = Field(examples=[["310000", "320000", "330000", "340000"]])


class ReadQuantity(BaseModel):
    """A quantity as written, with its number and unit when plain."""

    text: str = Field(examples=["12万片"])
    value: float | None = None
    unit: str | None = None


class NeedReadingOut(BaseModel):
    """How the service reads a need: what its shortlist ranks on, in the firm's words.

    A field the firm filled wins over the text (``from_firm`` says which). To correct the
    reading, PATCH the need's ``products``, ``application``, ``required_certifications`` or
    ``preferred_regions``. Read certifications are a hard filter; read regions are preferred.
    """

    need_id: int
    sentence: str = Field(
        examples=["我们理解您需要：伺服电机；用于：数控机床；资质：ISO 9001；地区：长三角"]
    )
    products: list[ReadProduct]
    applications: list[str]
    required_certifications: list[str]
    preferred_regions: list[ReadRegion]
    quantity: ReadQuantity | None
    deadline: date | None = Field(description="by when offers are due, as the text says")
    notes: list[str] = Field(
        description="read and not ranked on: preferred certifications, where goods go"
    )
    warnings: list[str] = Field(
        examples=[["no wanted product found"]],
        description="what the firm should check; 'no wanted product found' means the "
        "shortlist is empty until products are filled in",
    )
    from_firm: list[Literal["products", "application", "certifications", "regions", "deadline"]]
