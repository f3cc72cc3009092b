"""揭榜挂帅 and 询价: a challenge (榜单) on a need, SMEs' responses (攻关方案 or 报价) with their
kept revisions, the confidentiality click-through, reviewers' scores, clarifications
(threaded per response) and attachments (their bytes live in a storage backend, not here)."""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, TimestampMixin, UTCDateTime, utcnow
from app.models.deal import WanAmount
from app.models.event import EnteredByMixin, author_check


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class ChallengeKind(StrEnum):
    """What a response to the challenge is: a proposal (技术攻关/补链) or a quotation (配套)."""

    proposal = "proposal"  # 揭榜对接表 + 攻关方案
    quotation = "quotation"  # 报价


class ChallengeStatus(StrEnum):
    """open (taking responses until the deadline) → decided (遴选 announced), or cancelled."""

    open = "open"
    decided = "decided"
    cancelled = "cancelled"


class ChallengeAccess(StrEnum):
    """Who may respond: every SME, or the invited ones."""

    open = "open"
    invited = "invited"


class ResponseStatus(StrEnum):
    """A response's state; selected / not_selected once the buyer announced its choice."""

    submitted = "submitted"
    withdrawn = "withdrawn"
    selected = "selected"
    not_selected = "not_selected"


class Challenge(EnteredByMixin, TimestampMixin, Base):
    """A need published as a challenge (榜单) or a request for quotation (询价).

    ``indicators`` are ``[{"name", "target"}]`` (技术指标); ``criteria`` are
    ``[{"name", "weight"}]`` with weights summing to 100. The confidentiality terms carry a
    version that a responder's click-through names.
    """

    __tablename__ = "challenges"
    __table_args__ = (
        CheckConstraint(_in("kind", ChallengeKind), name="kind"),
        CheckConstraint(_in("status", ChallengeStatus), name="status"),
        CheckConstraint(_in("access", ChallengeAccess), name="access"),
        author_check("entered_by"),
        UniqueConstraint("need_id"),
        Index("ix_challenges_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("supply_needs.id", ondelete="CASCADE"))
    #: The buyer (the need's firm).
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=ChallengeStatus.open.value)
    access: Mapped[str] = mapped_column(String(16), default=ChallengeAccess.open.value)
    goals: Mapped[str] = mapped_column(Text, default="")
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    budget_min_wan: Mapped[Decimal | None] = mapped_column("budget_min_yuan", WanAmount())
    budget_max_wan: Mapped[Decimal | None] = mapped_column("budget_max_yuan", WanAmount())
    response_deadline: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    terms_text: Mapped[str] = mapped_column(Text, default="")
    terms_version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    result_note: Mapped[str] = mapped_column(Text, default="")


class ChallengeInvitation(Base):
    """An SME invited to respond to an invited-only challenge."""

    __tablename__ = "challenge_invitations"
    __table_args__ = (
        UniqueConstraint("challenge_id", "organization_id"),
        Index("ix_challenge_invitations_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))


class TermsAcceptance(Base):
    """An SME's click-through of a challenge's confidentiality terms: which version, when, who."""

    __tablename__ = "challenge_terms_acceptances"
    __table_args__ = (UniqueConstraint("challenge_id", "organization_id", "terms_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    terms_version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer)
    key_id: Mapped[int | None] = mapped_column(Integer)


class ChallengeResponse(TimestampMixin, Base):
    """An SME's answer to a challenge; its content is the latest :class:`ResponseRevision`."""

    __tablename__ = "challenge_responses"
    __table_args__ = (
        CheckConstraint(_in("status", ResponseStatus), name="status"),
        UniqueConstraint("challenge_id", "organization_id"),
        Index("ix_challenge_responses_organization_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id", ondelete="CASCADE"))
    #: The responding SME.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=ResponseStatus.submitted.value)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    shortlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))


class ResponseRevision(Base):
    """One kept version of a response: its form content and the attachments in effect."""

    __tablename__ = "challenge_response_revisions"
    __table_args__ = (UniqueConstraint("response_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_responses.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    attachment_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(Integer)
    by_key_id: Mapped[int | None] = mapped_column(Integer)


class ResponseScore(TimestampMixin, Base):
    """A reviewer's score (0–100) of one response against one criterion (by its index)."""

    __tablename__ = "challenge_scores"
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
        UniqueConstraint("response_id", "criterion", "reviewer"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_responses.id", ondelete="CASCADE")
    )
    criterion: Mapped[int] = mapped_column(Integer)
    #: ``user:<id>`` or ``key:<id>``: one score per reviewer per criterion.
    reviewer: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")


class Clarification(Base):
    """A question or answer on a response (澄清), threaded by ``parent_id``."""

    __tablename__ = "challenge_clarifications"
    __table_args__ = (
        author_check("author"),
        Index("ix_challenge_clarifications_response_id", "response_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_responses.id", ondelete="CASCADE")
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenge_clarifications.id", ondelete="CASCADE")
    )
    author_role: Mapped[str | None] = mapped_column(String(16))
    author_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Attachment(Base):
    """A file attached to a response; its bytes are in ``backend`` under ``storage_key``."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_response_id", "response_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_responses.id", ondelete="CASCADE")
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(8))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
