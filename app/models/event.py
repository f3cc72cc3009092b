"""百场万企 matchmaking sessions (洽谈会): events, participants, preferences, meetings."""

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, JSONType, TimestampMixin, UTCDateTime
from app.models.enums import Role
from app.models.organization import Organization


class EventStatus(StrEnum):
    """Life cycle of a session: draft → registration → scheduled → published → closed."""

    draft = "draft"
    registration = "registration"
    scheduled = "scheduled"
    published = "published"
    closed = "closed"


class Side(StrEnum):
    """Which side of the table a participant sits on."""

    buyer = "buyer"  # 大企业 / 链主, holds tables
    sme = "sme"  # 中小企业, moves between tables


class ParticipantStatus(StrEnum):
    """Where a firm stands in an event.

    ``invited``: added by an organizer that does not manage the firm, waiting for the firm
    to accept with its own key; ``pending``: self-registered, waiting for the organizer;
    ``approved``: taking part (added by an organizer that manages the firm, or accepted, or
    registered and approved); ``rejected``: turned away, or the firm declined; ``standby``
    (候补) and ``walk_in`` (现场加入): not in the planned schedule, offered freed tables by the
    day's re-plan once checked in.
    """

    invited = "invited"
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    standby = "standby"  # 候补: takes part on the day when a table frees up
    walk_in = "walk_in"  # 现场加入: added on the day


class Wish(StrEnum):
    """One participant's wish to meet another: must / would / no."""

    must = "must"
    would = "would"
    no = "no"


class Outcome(StrEnum):
    """What came of a meeting."""

    not_held = "not_held"
    no_interest = "no_interest"
    informative = "informative"
    intent = "intent"  # 意向
    signed = "signed"  # 签约


class Attendance(StrEnum):
    """Whether a meeting took place on the day: both there, or which side did not come."""

    both_present = "both_present"
    buyer_absent = "buyer_absent"
    sme_absent = "sme_absent"


class Presence(StrEnum):
    """A participant on the day: checked in (签到) or absent (爽约)."""

    checked_in = "checked_in"
    absent = "absent"


#: Participant statuses that take part in the day (the planned ones and the day's additions).
DAY_STATUSES = frozenset(
    {ParticipantStatus.approved, ParticipantStatus.standby, ParticipantStatus.walk_in}
)
#: A meeting row holds its table and its SME's slot unless one side did not come.
ATTENDING_SQL = "attendance IS NULL OR attendance = 'both_present'"

#: Outcomes that say the meeting took place.
HELD_OUTCOMES = frozenset(
    {Outcome.no_interest, Outcome.informative, Outcome.intent, Outcome.signed}
)


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def author_check(prefix: str) -> CheckConstraint:
    """``<prefix>_role`` is a role (or NULL: entered before authors were recorded)."""
    return CheckConstraint(
        f"{prefix}_role IS NULL OR {_in(f'{prefix}_role', Role)}", name=f"{prefix}_role"
    )


class EnteredByMixin:
    """Who entered the row: the role and organization of the key that wrote it.

    Both are NULL for rows from before authors were recorded. :mod:`app.consent` reads them to
    decide whether the row speaks for a firm (the firm's own key, an admin, or the organizer
    that manages the firm) or counts for nothing.
    """

    entered_by_role: Mapped[str | None] = mapped_column(String(16))
    entered_by_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )


class Event(TimestampMixin, Base):
    """A matchmaking session owned by the organizer's organization."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(_in("status", EventStatus), name="status"),
        Index("ix_events_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    focus: Mapped[str] = mapped_column(String(500), default="")
    region_code: Mapped[str | None] = mapped_column(String(6))
    venue: Mapped[str] = mapped_column(String(500), default="")
    date: Mapped[dt.date] = mapped_column(Date)
    #: ``[{"start": "09:00", "end": "09:20"}, …]``: slot ``i`` is the i-th entry.
    slots: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    meeting_minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.draft.value)
    #: Signs the participants' check-in tokens (made when the first agenda is printed).
    checkin_key: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class EventParticipant(EnteredByMixin, TimestampMixin, Base):
    """A buyer or an SME taking part in an event (or invited to).

    ``entered_by_*`` says who enrolled the firm: the firm itself (registered or accepted),
    the organizer that manages it, or, for an invitation, an organizer that does not.
    """

    __tablename__ = "event_participants"
    __table_args__ = (
        CheckConstraint(_in("side", Side), name="side"),
        CheckConstraint(_in("status", ParticipantStatus), name="status"),
        CheckConstraint("tables >= 1", name="tables"),
        CheckConstraint(f"presence IS NULL OR {_in('presence', Presence)}", name="presence"),
        author_check("entered_by"),
        UniqueConstraint("event_id", "organization_id"),
        Index("ix_event_participants_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=ParticipantStatus.approved.value)
    tables: Mapped[int] = mapped_column(Integer, default=1)
    max_meetings: Mapped[int | None] = mapped_column(Integer)
    blocked_slots: Mapped[list[int]] = mapped_column(JSONType, default=list)
    #: On the day: checked in, or absent (a no-show); NULL until then.
    presence: Mapped[str | None] = mapped_column(String(16))
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(lazy="raise", foreign_keys=[organization_id])

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class EventPreference(EnteredByMixin, Base):
    """``from_participant`` wants (must / would) or refuses (no) to meet ``to_participant``."""

    __tablename__ = "event_preferences"
    __table_args__ = (
        CheckConstraint(_in("wish", Wish), name="wish"),
        author_check("entered_by"),
        UniqueConstraint("from_participant_id", "to_participant_id"),
        Index("ix_event_preferences_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    from_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE")
    )
    to_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE")
    )
    wish: Mapped[str] = mapped_column(String(8))


class EventMeeting(Base):
    """A scheduled meeting: an SME at one of a buyer's tables in one slot.

    A pair meets once (a no-show row keeps the pair). A meeting one side did not come to
    (``attendance`` ``buyer_absent`` / ``sme_absent``) stays for the record but frees its
    table and its SME's slot for the day's re-plan.
    """

    __tablename__ = "event_meetings"
    __table_args__ = (
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', Outcome)}", name="outcome"),
        CheckConstraint(
            f"attendance IS NULL OR {_in('attendance', Attendance)}", name="attendance"
        ),
        author_check("outcome_by"),
        UniqueConstraint("buyer_participant_id", "sme_participant_id"),
        Index(
            "uq_event_meetings_sme_slot_attending",
            "sme_participant_id",
            "slot",
            unique=True,
            sqlite_where=text(ATTENDING_SQL),
            postgresql_where=text(ATTENDING_SQL),
        ),
        Index(
            "uq_event_meetings_table_slot_attending",
            "slot",
            "buyer_participant_id",
            "table_number",
            unique=True,
            sqlite_where=text(ATTENDING_SQL),
            postgresql_where=text(ATTENDING_SQL),
        ),
        Index("ix_event_meetings_event_id", "event_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    buyer_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE")
    )
    sme_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE")
    )
    slot: Mapped[int] = mapped_column(Integer)
    table_number: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    value: Mapped[float] = mapped_column(Float, default=0.0)
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    #: Who recorded the outcome (see :class:`EnteredByMixin`).
    outcome_by_role: Mapped[str | None] = mapped_column(String(16))
    outcome_by_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    #: Whether it took place: ``both_present`` / ``buyer_absent`` / ``sme_absent``; NULL unknown.
    attendance: Mapped[str | None] = mapped_column(String(16))
    #: An online room for a hybrid session (empty: in person only).
    room_url: Mapped[str] = mapped_column(String(500), default="", server_default="")


class EventLeftOut(Base):
    """A wanted pair the last schedule run could not place, with the scheduler's reason."""

    __tablename__ = "event_left_out"
    __table_args__ = (Index("ix_event_left_out_event_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    buyer_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE")
    )
    sme_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE")
    )
    reason: Mapped[str] = mapped_column(String(32))
    text_zh: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
