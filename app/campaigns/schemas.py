"""API shapes of campaigns (百场万企 活动) and their report."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.deals.schemas import Amount
from app.fields import Id, Integer, LongText, Name, RegionCode
from app.messages import TextError, tr
from app.models import DealStage

Target = Annotated[Integer, Field(ge=0, le=10_000_000)]


class CampaignCreate(BaseModel):
    """A new campaign. Admins name the organizer's ``organization_id``; organizers omit it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "2026 年广东省百场万企",
                    "chain_id": 1,
                    "region_code": "440000",
                    "starts_on": "2026-01-01",
                    "ends_on": "2026-12-31",
                    "target_sessions": 100,
                    "target_firms": 10000,
                    "target_intents": 2000,
                    "target_signed_wan": "50000",
                }
            ]
        },
    )

    organization_id: Id | None = None
    name: Name
    description: LongText = ""
    chain_id: Id | None = None
    region_code: RegionCode | None = None
    starts_on: dt.date
    ends_on: dt.date
    target_sessions: Target = 0
    target_firms: Target = 0
    target_intents: Target = 0
    target_signed_wan: Amount = Decimal(0)

    @model_validator(mode="after")
    def _period(self) -> "CampaignCreate":
        if self.ends_on < self.starts_on:
            raise TextError(tr("ends_on is before starts_on"))
        return self


class CampaignUpdate(BaseModel):
    """Changes to a campaign (send If-Match)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"target_intents": 2500, "ends_on": "2026-12-31"}]},
    )

    name: Name | None = None
    description: LongText | None = None
    chain_id: Id | None = None
    region_code: RegionCode | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    target_sessions: Target | None = None
    target_firms: Target | None = None
    target_intents: Target | None = None
    target_signed_wan: Amount | None = None


class CampaignRead(BaseModel):
    """A campaign as its organizer sees it."""

    id: int
    organization_id: int
    name: str
    description: str
    chain_id: int | None
    chain_name: str | None
    region_code: str | None
    starts_on: dt.date
    ends_on: dt.date
    target_sessions: int
    target_firms: int
    target_intents: int
    target_signed_wan: Decimal
    event_ids: list[int]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class Totals(BaseModel):
    """The period's headline figures."""

    sessions: int = Field(description="campaign sessions dated in the period")
    sessions_held: int = Field(description="of those, published or closed")
    firms: int = Field(description="distinct firms taking part in the sessions held")
    buyers: int
    smes: int
    meetings_scheduled: int
    meetings_held: int
    no_shows: int
    intents: int = Field(
        description="pairs of firms that reached 意向: a meeting recorded as 意向/签约, or a deal "
        "opened in the period"
    )
    deals: int = Field(description="campaign deals open or closed at the period's end")
    signed_deals: int = Field(description="deals that reached 签约 in the period")
    signed_amount_wan: Decimal
    payment_terms_over_limit: int


class TargetProgress(BaseModel):
    """One target against what was done."""

    key: str
    name: str
    target: Decimal
    actual: Decimal
    share: float | None = Field(description="actual / target (null when the target is 0)")


class FirmCount(BaseModel):
    """Firms of one kind and tier."""

    kind: str
    tier: str | None
    label: str
    firms: int


class StageRow(BaseModel):
    """Deals at one stage at the period's end."""

    stage: DealStage
    stage_zh: str
    deals: int
    amount_wan: Decimal


class BreakdownRow(BaseModel):
    """Meetings and deals of one chain node, region or tier (keyed on the SME's side)."""

    key: str
    name: str
    meetings: int
    held: int
    no_shows: int
    intents: int
    deals: int
    signed: int
    signed_amount_wan: Decimal


class FirmRow(BaseModel):
    """A firm of the campaign's sessions, with its meetings and no-show history."""

    organization_id: int
    name: str
    kind: str
    tier: str | None
    region_code: str | None
    sessions: int
    meetings: int
    no_shows: int = Field(description="meetings it did not come to, over past sessions")


class NodeGap(BaseModel):
    """A chain node's weak-link gap before the period and at its end."""

    node_id: int
    node_name: str
    stage: int
    demand: int
    supply_before: float
    supply_after: float
    contracted_before: int
    contracted_after: int
    gap_before: float
    gap_after: float
    closed: bool = Field(description="the gap narrowed in the period (signed deals on the node)")


class CampaignReport(BaseModel):
    """A campaign's report for one period."""

    campaign: CampaignRead
    period_from: dt.date
    period_to: dt.date
    payment_term_limit_days: int
    totals: Totals
    targets: list[TargetProgress]
    firms: list[FirmCount]
    deals_by_stage: list[StageRow]
    by_node: list[BreakdownRow]
    by_region: list[BreakdownRow]
    by_tier: list[BreakdownRow]
    firms_without_meeting: list[FirmRow]
    gaps: list[NodeGap]
