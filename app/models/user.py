"""People's accounts: users, firms' sign-ups awaiting approval, invitations to claim a record.

Every secret here (password, e-mailed link, one-time code) is stored hashed: passwords with
argon2, link tokens and codes with SHA-256 (see :mod:`app.auth.tokens`).
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow
from app.models.enums import OrganizationKind, Role


class OrgRole(enum.StrEnum):
    """A user's standing in its organization: owners manage its users and API keys."""

    owner = "owner"
    member = "member"


class RegistrationStatus(enum.StrEnum):
    """Where a firm's sign-up stands (注册 → 验证邮箱 → 待审核 → 通过/驳回)."""

    unverified = "unverified"
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class TokenPurpose(enum.StrEnum):
    """What a user's e-mailed token is for."""

    reset = "reset"
    code = "code"


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class User(Base):
    """A person who signs in, belonging to one organization (none only for platform admins).

    ``role`` is what the person acts as (the API's :class:`~app.models.Role`, fitting the
    organization's kind); ``org_role`` whether it manages the organization's users and keys.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", Role), name="role"),
        CheckConstraint(_in("org_role", OrgRole), name="org_role"),
        CheckConstraint("role = 'admin' OR organization_id IS NOT NULL", name="org_required"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    #: Lower-case; one account per address.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str | None] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(16))
    org_role: Mapped[str] = mapped_column(String(16), default=OrgRole.member.value)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserToken(Base):
    """A password-reset link or a one-time sign-in code: hashed, expiring, single-use."""

    __tablename__ = "user_tokens"
    __table_args__ = (CheckConstraint(_in("purpose", TokenPurpose), name="purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Wrong codes tried against this one; past the limit it is spent.
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Registration(Base):
    """A firm's sign-up (自助注册): kept apart from organizations until it is approved.

    Approval by an organizer of its region (or an admin) creates the organization through
    the organizations service, and its first user (an owner) from this row.
    """

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint(_in("status", RegistrationStatus), name="status"),
        CheckConstraint(_in("kind", OrganizationKind), name="kind"),
        Index("ix_registrations_status_region", "status", "region_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    person: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18))
    region_code: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(16), default=RegistrationStatus.unverified.value)
    verify_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    verify_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )


class Invitation(Base):
    """A link to claim an existing organization record (an imported firm, or a colleague's).

    Single-use (``claimed_at``), expiring, and the claimer must give the record's USCC;
    ``attempts`` counts wrong ones, and past the limit the link is spent.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    invited_by_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    invited_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
