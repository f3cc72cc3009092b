"""Request and response bodies of the chain map (产业链图谱), placements and weak links."""

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.errors import FieldError, Problem
from app.fields import Id, Integer, LongText, Number, ShortText
from app.models import PlacementSource

ChainName = ShortText
NodeName = ShortText
Terms = list[ShortText]


class NodeFields(BaseModel):
    """The editable content of a chain node (环节)."""

    model_config = ConfigDict(extra="forbid")

    name: NodeName = Field(examples=["正极材料"])
    stage: Integer = Field(
        default=0, ge=0, le=50, description="position from upstream (0) to downstream"
    )
    description: LongText = ""
    products: Terms = Field(
        default_factory=list, max_length=500, examples=[["磷酸铁锂", "三元正极材料"]]
    )
    keywords: Terms = Field(default_factory=list, max_length=100, examples=[["正极"]])


class NodeCreate(NodeFields):
    """A new node of a chain."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "隔膜",
                    "stage": 1,
                    "description": "锂电池隔膜（湿法、干法）",
                    "products": ["锂电池隔膜", "涂覆隔膜"],
                    "keywords": ["湿法隔膜", "PE 隔膜"],
                }
            ]
        }
    )


class NodeUpdate(BaseModel):
    """Fields to change; absent fields stay."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"keywords": ["湿法隔膜", "陶瓷涂覆隔膜"]}]}
    )

    name: NodeName | None = None
    stage: Integer | None = Field(default=None, ge=0, le=50)
    description: LongText | None = None
    products: Terms | None = Field(default=None, max_length=500)
    keywords: Terms | None = Field(default=None, max_length=100)


class NodeRead(NodeFields):
    """A node of a chain."""

    model_config = ConfigDict(extra="ignore")

    id: int
    chain_id: int


class EdgeCreate(BaseModel):
    """``input_node_id`` supplies ``output_node_id``; both of this chain."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"input_node_id": 2, "output_node_id": 5}]}
    )

    input_node_id: Id
    output_node_id: Id


class EdgeRead(EdgeCreate):
    """An input → output edge."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": 3, "chain_id": 1, "input_node_id": 2, "output_node_id": 5}]
        }
    )

    id: int
    chain_id: int


class ChainCreate(BaseModel):
    """A new chain (add nodes and edges after, or import a whole map)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "新能源汽车", "description": "锂电池到整车"}]},
    )

    name: ChainName
    description: LongText = ""


class ChainUpdate(BaseModel):
    """Fields to change; absent fields stay."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"description": "从正极材料、隔膜到动力电池系统"}]},
    )

    name: ChainName | None = None
    description: LongText | None = None


class ChainSummary(BaseModel):
    """A chain without its nodes."""

    id: int
    name: str
    description: str
    nodes: int
    edges: int
    version: int
    updated_at: datetime


class ChainRead(BaseModel):
    """A chain with its nodes (upstream first) and edges."""

    id: int
    name: str
    description: str
    version: int
    nodes: list[NodeRead]
    edges: list[EdgeRead]
    created_at: datetime
    updated_at: datetime


class ExportNode(NodeFields):
    """A node in the import/export document."""


class ExportEdge(BaseModel):
    """An edge in the import/export document, by node names."""

    model_config = ConfigDict(extra="forbid")

    input: NodeName
    output: NodeName


class ExportChain(BaseModel):
    """A chain in the import/export document."""

    model_config = ConfigDict(extra="forbid")

    name: ChainName
    description: LongText = ""
    nodes: list[ExportNode] = Field(default_factory=list, max_length=500)
    edges: list[ExportEdge] = Field(default_factory=list, max_length=5000)


class ChainMapDocument(BaseModel):
    """The chain map as a document: what ``GET /chains/export`` gives and ``/import`` takes."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["xieshou-chain-map"] = "xieshou-chain-map"
    version: Literal[1] = 1
    chains: list[ExportChain] = Field(default_factory=list, max_length=200)


class ChainImportSummary(BaseModel):
    """What an import did (or, when ``written`` is false, would have done)."""

    written: bool
    chains_created: int
    chains_updated: int
    nodes_created: int
    nodes_updated: int
    edges_created: int
    edges_removed: int
    nodes_removed: int
    errors: list["ChainImportError"]
    placed: "PlaceSummary | None" = Field(
        default=None, description="the re-placement after the import, when asked for"
    )


class ChainImportError(BaseModel):
    """One problem in the file: the row (CSV line, or the chain's position in JSON), the field."""

    row: int = Field(examples=[3])
    field: str = Field(examples=["stage"])
    reason: str = Field(examples=["应为不小于 0 的整数"])


class ChainImportProblem(Problem):
    """A refused import (422, problem+json): a file that cannot be read names ``file`` in
    ``errors``; a file with faulty rows lists each row's problem and the import's counts."""

    errors: list[ChainImportError | FieldError] | None = None  # type: ignore[assignment]
    written: bool | None = None
    chains_created: int | None = None
    chains_updated: int | None = None
    nodes_created: int | None = None
    nodes_updated: int | None = None
    edges_created: int | None = None
    edges_removed: int | None = None
    nodes_removed: int | None = None


class Subject(StrEnum):
    """What is placed on a node."""

    profile = "profile"
    need = "need"


class PlacementRead(BaseModel):
    """A profile or need on a node of this chain."""

    id: int
    chain_id: int
    node_id: int | None = Field(description="null: an operator said this subject is on no node")
    node_name: str | None
    subject: Subject
    subject_id: int
    subject_name: str = Field(description="the firm's name, or the need's title")
    confidence: float = Field(ge=0, le=1)
    source: PlacementSource
    reviewed: bool
    term: str = Field(description="the product or wanted term that put it here")
    updated_at: datetime


class OverrideNode(BaseModel):
    """One node an operator places the subject on."""

    model_config = ConfigDict(extra="forbid")

    node_id: Id
    confidence: Number = Field(default=1.0, ge=0, le=1)


class PlacementOverride(BaseModel):
    """An operator's placement of one subject in this chain; it replaces the model's, for good.

    An empty ``nodes`` list says the subject is on no node of this chain.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"subject": "profile", "subject_id": 12, "nodes": [{"node_id": 3}]}]
        },
    )

    subject: Subject
    subject_id: Id
    nodes: list[OverrideNode] = Field(default_factory=list, max_length=20)


class PlacementReview(BaseModel):
    """Mark a model placement reviewed: kept as it is, and no longer replaced by the model."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reviewed": True}]})

    reviewed: bool


class PlaceSummary(BaseModel):
    """What a bulk placement did."""

    profiles: int
    needs: int
    placements: int
    seconds: float


ChainImportSummary.model_rebuild()


class Level(StrEnum):
    """Region level of the weak-link report."""

    province = "province"
    city = "city"


class ReportFormat(StrEnum):
    """Weak-link report formats."""

    json = "json"
    csv = "csv"
    xlsx = "xlsx"
    svg = "svg"


class WeakLinkCell(BaseModel):
    """One chain node in one region: open demand, qualified supply, and the gap."""

    node_id: int
    node_name: str
    stage: int
    region_code: str = Field(description="province (440000) or city (440300) code; '' unknown")
    region_name: str
    demand: int = Field(description="open needs placed on the node, from firms in the region")
    supply_innovative: int
    supply_specialized: int
    supply_little_giant: int
    supply_other: int = Field(description="SMEs without a tier")
    supply_contracted: int = Field(
        default=0, description="deals at 签约 or later on the node, large firm in the region"
    )
    supply_weighted: float
    gap_score: float = Field(ge=0, le=1)


class WeakLinkReport(BaseModel):
    """The 补链 weak-link report of one chain: node × region cells, worst gap first."""

    chain_id: int
    chain_name: str
    level: Level
    min_confidence: float
    formula: str
    cells: list[WeakLinkCell]
