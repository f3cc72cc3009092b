"""API shapes of challenges (榜单 / 询价), responses (揭榜对接表 or 报价), scores,
clarifications, the comparison table and selection."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.fields import MAX_INT, Id, Integer, Line, LongText, ShortText
from app.models import ChallengeAccess, ChallengeKind, ChallengeStatus, ResponseStatus

#: An amount in 万元, to the 元.
Wan = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4, examples=["50"])]
#: A unit price in 元, to the 分.
Yuan = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, examples=["12.50"])]
Days = Annotated[Integer, Field(ge=0, le=3650)]

KIND_ZH = {ChallengeKind.proposal: "揭榜挂帅", ChallengeKind.quotation: "询价"}
STATUS_ZH = {
    ChallengeStatus.open: "征集中",
    ChallengeStatus.decided: "已遴选",
    ChallengeStatus.cancelled: "已撤榜",
}
RESPONSE_ZH = {
    ResponseStatus.submitted: "已提交",
    ResponseStatus.withdrawn: "已撤回",
    ResponseStatus.selected: "入选",
    ResponseStatus.not_selected: "未入选",
}


class Indicator(BaseModel):
    """A 技术指标: what is measured and the target."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText
    target: Line = ""


class Criterion(BaseModel):
    """An evaluation criterion (评审维度) and its weight in percent."""

    model_config = ConfigDict(extra="forbid")

    name: ShortText
    weight: Annotated[Integer, Field(ge=1, le=100)]


class ChallengeCreate(BaseModel):
    """Publish a need as a challenge. A 技术攻关 or 补链 need gets proposals (揭榜); a 配套
    need gets quotations (询价). Criteria weights sum to 100 (a quotation may have none)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "goals": "突破谐波减速器寿命瓶颈",
                    "indicators": [{"name": "传动精度", "target": "≤1弧分"}],
                    "budget_min_wan": "50",
                    "budget_max_wan": "200",
                    "response_deadline": "2027-01-31T16:00:00Z",
                    "criteria": [
                        {"name": "技术方案", "weight": 60},
                        {"name": "报价", "weight": 40},
                    ],
                    "access": "open",
                    "terms_text": "对接中获知的技术资料仅用于本次揭榜，不得外泄。",
                }
            ]
        },
    )

    goals: LongText = ""
    indicators: list[Indicator] = Field(default_factory=list, max_length=30)
    budget_min_wan: Wan | None = None
    budget_max_wan: Wan | None = None
    response_deadline: AwareDatetime
    criteria: list[Criterion] = Field(default_factory=list, max_length=20)
    access: ChallengeAccess = ChallengeAccess.open
    invited_organization_ids: list[Id] = Field(default_factory=list, max_length=500)
    terms_text: LongText = Field(default="", description="保密条款 responders accept first")

    @model_validator(mode="after")
    def _budget_order(self) -> "ChallengeCreate":
        low, high = self.budget_min_wan, self.budget_max_wan
        if low is not None and high is not None and low > high:
            raise ValueError("budget_min_wan is above budget_max_wan")
        return self


class ChallengeRead(BaseModel):
    """A challenge as its readers see it."""

    id: int
    need_id: int
    need_title: str
    organization_id: int
    buyer_name: str
    kind: ChallengeKind
    kind_zh: str
    status: ChallengeStatus
    status_zh: str
    access: ChallengeAccess
    goals: str
    indicators: list[Indicator]
    budget_min_wan: Decimal | None
    budget_max_wan: Decimal | None
    response_deadline: dt.datetime
    accepting: bool = Field(description="open and before its deadline")
    criteria: list[Criterion]
    terms_text: str
    terms_version: int
    published_at: dt.datetime
    decided_at: dt.datetime | None
    invited_organization_ids: list[int] | None = Field(
        default=None, description="the buyer's side only"
    )
    responses: int | None = Field(default=None, description="count; the buyer's side only")
    my_response_id: int | None = Field(default=None, description="the calling SME's response")
    terms_accepted_version: int | None = Field(
        default=None, description="the terms version the calling SME accepted, if any"
    )


class TermsAccept(BaseModel):
    """The click-through: the version of the terms read."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"terms_version": 1}]}
    )

    terms_version: Annotated[Integer, Field(ge=1, le=MAX_INT)]


class TermsAcceptanceRead(BaseModel):
    """A recorded click-through."""

    challenge_id: int
    organization_id: int
    terms_version: int
    accepted_at: dt.datetime


class Commitment(BaseModel):
    """指标承诺: the value the SME commits to for one indicator."""

    model_config = ConfigDict(extra="forbid")

    indicator: ShortText
    value: Line


class Proposal(BaseModel):
    """揭榜对接表: the structured answer to a 技术攻关 / 补链 challenge."""

    model_config = ConfigDict(extra="forbid")

    summary: Annotated[LongText, Field(min_length=1, description="方案摘要")]
    technical_route: LongText = Field(default="", description="技术路线")
    commitments: list[Commitment] = Field(default_factory=list, max_length=30)
    duration_days: Days | None = Field(default=None, description="周期 (days)")
    price_min_wan: Wan | None = Field(default=None, description="报价区间 from (万元)")
    price_max_wan: Wan | None = Field(default=None, description="报价区间 to (万元)")
    team: LongText = Field(default="", description="团队")
    prior_cases: LongText = Field(default="", description="过往案例")

    @model_validator(mode="after")
    def _price_order(self) -> "Proposal":
        low, high = self.price_min_wan, self.price_max_wan
        if low is not None and high is not None and low > high:
            raise ValueError("price_min_wan is above price_max_wan")
        return self


class Quotation(BaseModel):
    """报价 for a 配套 need."""

    model_config = ConfigDict(extra="forbid")

    unit_price_yuan: Yuan = Field(description="单价 (元)")
    price_unit: ShortText = Field(default="件", description="per what (件, 套, 千克 …)")
    moq: Annotated[Integer, Field(ge=1, le=2**31 - 1)] = Field(description="最小起订量")
    lead_time_days: Days = Field(description="交期 (days)")
    valid_until: dt.date = Field(description="报价有效期至")
    payment_term_days: Days | None = Field(default=None, description="账期 (days)")
    delivery_terms: Line = Field(default="", description="交货条款 (e.g. 到厂价含税)")
    note: LongText = ""


class ResponseWrite(BaseModel):
    """A response or its revision: a ``proposal`` for 揭榜, a ``quotation`` for 询价."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "proposal": {
                        "summary": "采用新型柔轮材料与齿形修形",
                        "technical_route": "材料—齿形—寿命试验",
                        "commitments": [{"indicator": "寿命", "value": "2.2万小时"}],
                        "duration_days": 180,
                        "price_min_wan": "80",
                        "price_max_wan": "120",
                        "team": "博士 2 人",
                        "prior_cases": "为某机器人企业配套",
                    },
                    "note": "",
                }
            ]
        },
    )

    proposal: Proposal | None = None
    quotation: Quotation | None = None
    note: Line = Field(default="", description="what changed (kept with the revision)")


class RevisionRead(BaseModel):
    """One kept version of a response."""

    number: int
    proposal: Proposal | None
    quotation: Quotation | None
    attachment_ids: list[int]
    note: str
    created_at: dt.datetime


class AttachmentRead(BaseModel):
    """An attachment's record (download it at ``url``)."""

    id: int
    response_id: int
    filename: str
    media_type: str
    size_bytes: int
    sha256: str
    created_at: dt.datetime
    url: str


class ResponseRead(BaseModel):
    """A response with its current content."""

    id: int
    challenge_id: int
    organization_id: int
    sme_name: str
    status: ResponseStatus
    status_zh: str
    revision: int
    shortlisted: bool | None = Field(default=None, description="the buyer's side only")
    deal_id: int | None
    proposal: Proposal | None
    quotation: Quotation | None
    attachments: list[AttachmentRead]
    created_at: dt.datetime
    updated_at: dt.datetime


class ResponseDetail(ResponseRead):
    """A response with every kept revision, oldest first."""

    revisions: list[RevisionRead]


class ScoreItem(BaseModel):
    """A score (0–100) against the criterion at ``criterion`` (0-based index)."""

    model_config = ConfigDict(extra="forbid")

    criterion: Annotated[Integer, Field(ge=0, le=19)]
    score: Annotated[Integer, Field(ge=0, le=100)]
    note: Line = ""


class ScoresWrite(BaseModel):
    """The calling reviewer's scores of one response (replaces the reviewer's earlier ones)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "scores": [
                        {"criterion": 0, "score": 85, "note": "路线清楚"},
                        {"criterion": 1, "score": 70},
                    ]
                }
            ]
        },
    )

    scores: list[ScoreItem] = Field(min_length=1, max_length=20)


class ScoreRead(BaseModel):
    """One reviewer's score."""

    criterion: int
    reviewer: str
    score: int
    note: str


class ShortlistWrite(BaseModel):
    """Put a response on the shortlist (入围) or take it off."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"shortlisted": True}]}
    )

    shortlisted: bool


class ClarificationWrite(BaseModel):
    """A question (buyer) or an answer (SME) on a response; ``parent_id`` threads it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"body": "寿命试验按什么标准？", "parent_id": None}]},
    )

    body: Annotated[LongText, Field(min_length=1)]
    parent_id: Id | None = None


class ClarificationRead(BaseModel):
    """One message of a response's clarification thread."""

    id: int
    response_id: int
    parent_id: int | None
    author_organization_id: int | None
    author_side: Literal["buyer", "sme", "other"]
    body: str
    created_at: dt.datetime


class ComparisonRow(BaseModel):
    """One response in the comparison table: mean score per criterion, the weighted total."""

    response_id: int
    organization_id: int
    sme_name: str
    status: ResponseStatus
    shortlisted: bool
    criterion_scores: list[float | None]
    reviewers: int
    weighted_total: float | None
    price_min_wan: Decimal | None = None
    price_max_wan: Decimal | None = None
    duration_days: int | None = None
    unit_price_yuan: Decimal | None = None
    price_unit: str | None = None
    moq: int | None = None
    lead_time_days: int | None = None
    valid_until: dt.date | None = None
    payment_term_days: int | None = None
    delivery_terms: str | None = None
    attachments: int


class Comparison(BaseModel):
    """Responses × criteria, best weighted total first (quotations: cheapest first)."""

    challenge_id: int
    kind: ChallengeKind
    criteria: list[Criterion]
    rows: list[ComparisonRow]


class SelectionWrite(BaseModel):
    """Select one or more responses (遴选); the others are told politely."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"response_ids": [3, 7], "note": "请于两周内联系"}]},
    )

    response_ids: list[Id] = Field(min_length=1, max_length=50)
    note: Line = Field(default="", description="a line for the announcement")


class SelectionRead(BaseModel):
    """The announced result: the selected responses and their deals at 意向."""

    challenge: ChallengeRead
    selected: list[ResponseRead]
    not_selected: list[int]


__all__ = [
    "AttachmentRead",
    "ChallengeCreate",
    "ChallengeRead",
    "ClarificationRead",
    "ClarificationWrite",
    "Comparison",
    "ComparisonRow",
    "Criterion",
    "Indicator",
    "Proposal",
    "Quotation",
    "ResponseDetail",
    "ResponseRead",
    "ResponseWrite",
    "RevisionRead",
    "ScoreItem",
    "ScoreRead",
    "ScoresWrite",
    "SelectionRead",
    "SelectionWrite",
    "ShortlistWrite",
    "TermsAccept",
    "TermsAcceptanceRead",
]
