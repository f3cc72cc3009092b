"""Request and response bodies for matchmaking sessions."""

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator

from app.consent import Contacts
from app.fields import Id, Line, Name, RegionCode, single_line
from app.matches.schemas import MatchedProduct
from app.messages import TextError, tr
from app.models import (
    Attendance,
    EventStatus,
    Outcome,
    ParticipantStatus,
    Presence,
    Side,
    Tier,
    Wish,
)

MAX_SLOTS = 60
MeetingMinutes = Annotated[int, Strict(), Field(ge=5, le=240, description="length of one meeting")]
TableCount = Annotated[int, Strict(), Field(ge=1, le=50, description="tables the buyer hosts")]
MaxMeetings = Annotated[
    int, Strict(), Field(ge=1, le=MAX_SLOTS, description="most meetings in the event")
]
SlotIndex = Annotated[int, Strict(), Field(ge=0, lt=MAX_SLOTS)]


def _to_the_minute(value: dt.time) -> dt.time:
    """A slot's time is stored as HH:MM: seconds or a time zone would be lost (and 09:00:00 to
    09:00:30 would become an empty round)."""
    if value.second or value.microsecond or value.tzinfo is not None:
        raise TextError(tr("a time to the minute without a time zone, such as 09:20"))
    return value


#: A slot's start or end, to the minute.
SlotTime = Annotated[dt.time, AfterValidator(_to_the_minute)]


class Slot(BaseModel):
    """One round (轮次) of meetings."""

    model_config = ConfigDict(extra="forbid")

    start: SlotTime = Field(examples=["09:00"])
    end: SlotTime = Field(examples=["09:20"])

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise TextError(tr("end must be after start"))
        return self


def _check_slots(slots: list[Slot]) -> list[Slot]:
    for i in range(1, len(slots)):
        if slots[i].start < slots[i - 1].end:
            raise TextError(
                tr(
                    "slot {i} starts before slot {previous} ends; give slots in order",
                    i=i,
                    previous=i - 1,
                )
            )
    return slots


class EventCreate(BaseModel):
    """A new session. Admins name the organizer's ``organization_id``; organizers omit it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "新能源汽车产业链百场万企对接会",
                    "focus": "新能源汽车 / 动力电池",
                    "region_code": "440300",
                    "venue": "深圳会展中心 3 号馆",
                    "date": "2026-12-10",
                    "slots": [
                        {"start": "09:00", "end": "09:20"},
                        {"start": "09:25", "end": "09:45"},
                    ],
                    "meeting_minutes": 20,
                }
            ]
        },
    )

    organization_id: Id | None = None
    name: Name
    focus: Line = ""
    region_code: RegionCode | None = None
    venue: Line = ""
    date: dt.date
    slots: list[Slot] = Field(min_length=1, max_length=MAX_SLOTS)
    meeting_minutes: MeetingMinutes = 20

    @model_validator(mode="after")
    def _slots_in_order(self) -> Self:
        _check_slots(self.slots)
        return self


class EventUpdate(BaseModel):
    """Fields to change; ``status`` moves draft ⇄ registration, or to closed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"status": "registration"},
                {"venue": "苏州国际博览中心 B1 馆", "date": "2027-04-18"},
            ]
        },
    )

    name: Name | None = None
    focus: Line | None = None
    region_code: RegionCode | None = None
    venue: Line | None = None
    date: dt.date | None = None
    slots: list[Slot] | None = Field(default=None, min_length=1, max_length=MAX_SLOTS)
    meeting_minutes: MeetingMinutes | None = None
    status: EventStatus | None = None

    @model_validator(mode="after")
    def _slots_in_order(self) -> Self:
        if self.slots:
            _check_slots(self.slots)
        return self


class EventRead(BaseModel):
    """A session."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "organization_id": 1,
                    "name": "2027 苏州智能装备产业链百场万企对接会",
                    "focus": "工业机器人核心部件",
                    "region_code": "320500",
                    "venue": "苏州国际博览中心",
                    "date": "2027-04-18",
                    "slots": [
                        {"start": "09:00:00", "end": "09:20:00"},
                        {"start": "09:25:00", "end": "09:45:00"},
                    ],
                    "meeting_minutes": 20,
                    "status": "draft",
                    "version": 1,
                    "created_at": "2027-03-01T09:30:00Z",
                    "updated_at": "2027-03-01T09:30:00Z",
                }
            ]
        }
    )

    id: int
    organization_id: int
    name: str
    focus: str
    region_code: str | None
    venue: str
    date: dt.date
    slots: list[Slot]
    meeting_minutes: int
    status: EventStatus
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ParticipantCreate(BaseModel):
    """Add a firm. Organizers add any firm (approved); a firm registers itself (pending)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"organization_id": 12, "tables": 2, "max_meetings": 8, "blocked_slots": [0]},
                {},
            ]
        },
    )

    organization_id: Id | None = None
    tables: TableCount = 1
    max_meetings: MaxMeetings | None = None
    blocked_slots: list[SlotIndex] = Field(default_factory=list, max_length=MAX_SLOTS)
    day_status: Literal["standby", "walk_in"] | None = Field(
        default=None,
        description="organizer: add as 候补 (standby) or 现场加入 (walk-in, checked in at "
        "once); they get meetings only from the day's re-plan",
    )


class ParticipantUpdate(BaseModel):
    """Change tables, cap, blocked slots or (organizer) the registration status."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"status": "approved"}, {"tables": 3, "blocked_slots": [4, 5]}]
        },
    )

    tables: TableCount | None = None
    max_meetings: MaxMeetings | None = None
    blocked_slots: list[SlotIndex] | None = Field(default=None, max_length=MAX_SLOTS)
    status: ParticipantStatus | None = None


class ParticipantRead(BaseModel):
    """A participant, with its firm's public name and tier."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 2,
                    "event_id": 1,
                    "organization_id": 3,
                    "organization_name": "常州精驰伺服科技有限公司",
                    "tier": "little_giant",
                    "side": "sme",
                    "status": "approved",
                    "tables": 1,
                    "max_meetings": None,
                    "blocked_slots": [],
                    "presence": None,
                    "checked_in_at": None,
                    "version": 1,
                }
            ]
        }
    )

    id: int
    event_id: int
    organization_id: int
    organization_name: str
    tier: Tier | None
    side: Side
    status: ParticipantStatus
    tables: int
    max_meetings: int | None
    blocked_slots: list[int]
    presence: Presence | None = Field(
        default=None, description="on the day: checked_in or absent; null before"
    )
    checked_in_at: dt.datetime | None = None
    version: int


class PreferenceSet(BaseModel):
    """Set one wish. A firm's key sets its own (omit ``from_participant_id``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"to_participant_id": 7, "wish": "must"},
                {"from_participant_id": 3, "to_participant_id": 7, "wish": None},
            ]
        },
    )

    from_participant_id: Id | None = None
    to_participant_id: Id
    wish: Wish | None = Field(description="must / would / no; null clears the wish")


class PreferenceRead(BaseModel):
    """One participant's wish about another."""

    from_participant_id: int
    to_participant_id: int
    wish: Wish


class MeetingRead(BaseModel):
    """A scheduled meeting."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "buyer_participant_id": 1,
                    "buyer_name": "苏州汇川智能装备有限公司",
                    "sme_participant_id": 2,
                    "sme_name": "常州精驰伺服科技有限公司",
                    "slot": 0,
                    "start": "09:00:00",
                    "end": "09:20:00",
                    "table_number": 1,
                    "score": 0.9696,
                    "published": True,
                    "outcome": None,
                    "attendance": None,
                    "room_url": "",
                }
            ]
        }
    )

    id: int
    buyer_participant_id: int
    buyer_name: str
    sme_participant_id: int
    sme_name: str
    slot: int
    start: dt.time
    end: dt.time
    table_number: int
    score: float | None = Field(
        description="the engine's match score of the pair, 0–1; null: the engine does not "
        "match them (the meeting was wished for)"
    )
    published: bool
    outcome: Outcome | None
    attendance: Attendance | None = Field(
        default=None, description="both_present / buyer_absent / sme_absent; null: not known"
    )
    room_url: str = Field(default="", description="online room of a hybrid session, if any")


class LeftOutRead(BaseModel):
    """A wanted pair without a meeting, and why."""

    buyer_participant_id: int
    buyer_name: str
    sme_participant_id: int
    sme_name: str
    reason: str
    text_zh: str


class SuggestionNeed(BaseModel):
    """The buyer's need that makes the pair: its best-matching open need."""

    id: int
    title: str


class SuggestedPair(BaseModel):
    """A buyer–SME pair the matching engine proposes, with each side's rank of the other."""

    buyer_participant_id: int
    buyer_name: str
    sme_participant_id: int
    sme_name: str
    score: float = Field(description="the buyer's best need's match score for the SME, 0–1")
    buyer_rank: int = Field(description="where the buyer's needs rank this SME in the session")
    sme_rank: int = Field(description="where this SME ranks the buyer in the session")
    need: SuggestionNeed
    matched_products: list[MatchedProduct]
    buyer_wish: Wish | None = Field(
        description="the buyer's stated wish, if any (shown to the organizer and the buyer)"
    )
    sme_wish: Wish | None = Field(
        description="the SME's stated wish, if any (shown to the organizer and the SME)"
    )


class Suggestions(BaseModel):
    """Suggested pairs, those both sides rank high first."""

    event_id: int
    total: int
    items: list[SuggestedPair]


class CounterpartContacts(BaseModel):
    """A counterpart's private contacts, shown after mutual interest or a held meeting."""

    participant_id: int
    organization_id: int
    organization_name: str
    basis: Literal["mutual_interest", "meeting_held"] = Field(
        description="why the contacts are shown"
    )
    contacts: Contacts


class ScheduleRead(BaseModel):
    """The result of a schedule run."""

    event: EventRead
    meetings: list[MeetingRead]
    left_out: list[LeftOutRead]
    unmet: list["UnmetRead"] = Field(
        default_factory=list, description="SMEs without a meeting, why, and free places"
    )
    objective: float
    upper_bound: float
    method: str
    notes: list[str]


class OutcomeSet(BaseModel):
    """What came of a meeting."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"outcome": "intent", "note": "约定下月送样 500 件伺服电机"},
                {"outcome": "signed", "note": "签订锂电池隔膜年度框架协议"},
            ]
        },
    )

    outcome: Outcome
    note: Line = ""


class TierCounts(BaseModel):
    """Meeting counts for SMEs of one tier (``none`` for SMEs without a tier)."""

    tier: str
    meetings: int
    held: int
    intents: int
    signings: int


class NodeCounts(BaseModel):
    """Meeting counts for SMEs whose top placement is one chain node (``node_id`` null: SMEs
    placed on no node), split by tier."""

    node_id: int | None
    node_name: str | None
    chain_name: str | None
    meetings: int
    held: int
    intents: int
    signings: int
    by_tier: list[TierCounts]


class EventReport(BaseModel):
    """What came of a session: meetings held, 意向 and 签约, by SME tier and by chain node."""

    event_id: int
    meetings: int
    published: int
    with_outcome: int
    held: int = Field(description="both firms marked present, or an outcome says it took place")
    no_shows: int = Field(default=0, description="one side marked absent (爽约)")
    intents: int
    signings: int
    by_tier: list[TierCounts]
    by_node: list[NodeCounts] = Field(
        default_factory=list,
        description="by the chain node of each SME's top placement (产业链环节), then by tier",
    )


class AttendanceSet(BaseModel):
    """Whether a meeting took place: both there, or which side did not come."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"attendance": "sme_absent"}, {"attendance": "both_present"}]
        },
    )

    attendance: Attendance | None = Field(description="null clears it")


class PresenceSet(BaseModel):
    """A participant at the desk: checked in (签到) or absent (爽约); null clears it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"presence": "checked_in"}, {"presence": "absent"}]},
    )

    presence: Presence | None


class CheckIn(BaseModel):
    """The check-in token printed as a QR code on a firm's agenda."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"token": "42.Yk3mQ0vR8pLx2aTn5cW7eQ"}]}
    )

    token: Annotated[
        str,
        Field(min_length=8, max_length=80, pattern=r"^[0-9]+\.[A-Za-z0-9_-]+$"),
        AfterValidator(single_line),
    ]


RoomUrl = Annotated[
    str,
    Field(max_length=500, pattern=r"^(https?://\S+)?$", description="https://… or empty"),
    AfterValidator(single_line),
]


class RoomSet(BaseModel):
    """The online room of a meeting (hybrid sessions); empty removes it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"room_url": "https://meeting.tencent.com/dm/abc123"}]},
    )

    room_url: RoomUrl


class FreePlaceRead(BaseModel):
    """A free table-slot an SME could take."""

    buyer_participant_id: int
    buyer_name: str
    table_number: int
    slot: int
    start: dt.time
    end: dt.time
    score: float


class UnmetRead(BaseModel):
    """An SME without a meeting: why, and the free table-slots it could take."""

    sme_participant_id: int
    sme_name: str
    status: ParticipantStatus
    reason: str
    text_zh: str
    places: list[FreePlaceRead]


class UnmetFill(BaseModel):
    """Which SMEs to place (default: every SME without a meeting)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{}, {"sme_participant_ids": [17, 23], "from_slot": 4}]},
    )

    sme_participant_ids: list[Id] | None = Field(default=None, max_length=1_000)
    from_slot: Annotated[int, Strict(), Field(ge=0, lt=MAX_SLOTS)] = Field(
        default=0, description="on the day: only slots from this one (0-based) on"
    )


class FillRead(BaseModel):
    """The meetings a fill or a re-plan added, and who is still without one."""

    added: list[MeetingRead]
    unmet: list[UnmetRead]
    notified: int = Field(description="firms whose changed agenda went to the outbox")


class ReplanSet(BaseModel):
    """The day's re-plan: new meetings only from ``from_slot`` (0-based) on."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"from_slot": 4}]})

    from_slot: Annotated[int, Strict(), Field(ge=0, lt=MAX_SLOTS)] = 0


class ReplanRead(FillRead):
    """The re-plan's result: the new meetings, the no-shows it freed, what stays unmet."""

    freed: list[MeetingRead]
    objective: float
    upper_bound: float


ScheduleRead.model_rebuild()
