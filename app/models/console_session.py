"""Web console sign-ins, kept server-side so that 退出 and key revocation end them for good."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow


class ConsoleSession(Base):
    """One sign-in: to the console with an API key or as a user, or a user's API token.

    The browser holds a random token; only its SHA-256 is stored, so a copy of the table
    signs nobody in. A session holds until ``expires_at`` unless ``revoked_at`` is set (by
    退出, or by revoking the key it was opened with); deleting the key deletes it.
    """

    __tablename__ = "console_sessions"
    __table_args__ = (
        CheckConstraint("(api_key_id IS NULL) <> (user_id IS NULL)", name="one_holder"),
        CheckConstraint("client IN ('console', 'api')", name="client"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    api_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_keys.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: ``console``: a browser's cookie; ``api``: a bearer token a user signed in for.
    client: Mapped[str] = mapped_column(String(8), default="console", server_default="console")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
