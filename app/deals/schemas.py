"""API shapes of deals, their history, meeting ratings and follow-ups."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Id, Integer, Line
from app.models import DealStage

#: 合同金额 in 万元: up to 99 999 999.9999 (4 decimals: to the 元).
Amount = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4, examples=["120.5"])]
#: 账期 in days.
PaymentTerm = Annotated[Integer, Field(ge=0, le=3650, examples=[60])]

STAGE_ZH: dict[DealStage, str] = {
    DealStage.intent: "意向",
    DealStage.sample: "送样/验厂",
    DealStage.trial: "小批量",
    DealStage.signed: "签约",
    DealStage.supplying: "稳定供货",
    DealStage.ended: "终止",
}


class DealCreate(BaseModel):
    """A new deal at 意向: from a meeting (``meeting_id``) or from a mutual interest
    (``need_id`` and ``profile_id``, both marked 感兴趣; ``event_id`` optionally names a
    session both firms took part in, so the deal counts in its campaign)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "meeting_id": 12,
                    "title": "谐波减速器配套",
                    "amount_wan": "120",
                    "payment_term_days": 60,
                }
            ]
        },
    )

    meeting_id: Id | None = None
    need_id: Id | None = None
    profile_id: Id | None = None
    event_id: Id | None = None
    title: Line = ""
    node_id: Id | None = Field(
        default=None, description="chain node supplied; default the need's or the SME's top one"
    )
    amount_wan: Amount | None = None
    expected_signing_on: dt.date | None = None
    expected_supply_on: dt.date | None = None
    payment_term_days: PaymentTerm | None = None


class DealUpdate(BaseModel):
    """Changes to a deal (send If-Match). ``stage`` moves one step forward, or to ``ended``
    with an ``end_reason``; 签约 needs ``amount_wan``."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"stage": "sample", "note": "样品已寄出，下周验厂"}]},
    )

    stage: DealStage | None = None
    end_reason: Line | None = None
    note: Line = Field(default="", description="kept with the stage change in the history")
    title: Line | None = None
    node_id: Id | None = None
    amount_wan: Amount | None = None
    expected_signing_on: dt.date | None = None
    expected_supply_on: dt.date | None = None
    payment_term_days: PaymentTerm | None = None


class StageChangeRead(BaseModel):
    """One stage change: from, to, who (role and organization) and when."""

    from_stage: DealStage | None
    to_stage: DealStage
    changed_at: dt.datetime
    by_role: str | None
    by_organization_id: int | None
    note: str


class DealRead(BaseModel):
    """A deal as its two firms, the session's organizer and admins see it."""

    id: int
    buyer_organization_id: int
    buyer_name: str
    sme_organization_id: int
    sme_name: str
    event_id: int | None
    meeting_id: int | None
    need_id: int | None
    node_id: int | None
    node_name: str | None
    title: str
    stage: DealStage
    stage_zh: str
    amount_wan: Decimal | None
    expected_signing_on: dt.date | None
    expected_supply_on: dt.date | None
    payment_term_days: int | None
    payment_term_limit_days: int
    payment_term_over_limit: bool = Field(
        description="账期 longer than 保障中小企业款项支付条例's limit (XIESHOU_PAYMENT_TERM_LIMIT_DAYS)"
    )
    end_reason: str
    stage_changed_at: dt.datetime
    signed_on: dt.date | None
    follow_up_due: Literal[30, 90] | None = Field(
        description="days since the last stage change, when a follow-up is due (open deals)"
    )
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class DealDetail(DealRead):
    """A deal with its stage history, oldest first."""

    history: list[StageChangeRead]


class RatingSet(BaseModel):
    """A firm's word on a meeting it had."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"useful": True, "comment": "技术对口，约了下周送样"}]},
    )

    useful: bool
    comment: Line = Field(default="", max_length=200)


class RatingRead(BaseModel):
    """A rating as organizers (and the firm that gave it) see it."""

    meeting_id: int
    organization_id: int
    organization_name: str
    useful: bool
    comment: str
    updated_at: dt.datetime
