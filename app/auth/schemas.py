"""Request and response bodies for API keys."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Id, Line
from app.models import Role


class KeyCreate(BaseModel):
    """A new key for an organization (the role must fit the organization's kind)."""

    model_config = ConfigDict(extra="forbid")

    organization_id: Id | None = Field(default=None, description="omit only for admin keys")
    role: Role
    label: Line = ""


class KeyRead(BaseModel):
    """A key without its secret."""

    id: int
    organization_id: int | None
    role: Role
    prefix: str
    label: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyRead):
    """A new key. ``key`` is shown this once and cannot be recovered: store it now."""

    key: str


class Me(BaseModel):
    """Who the presented key belongs to."""

    key_id: int | None = Field(description="the API key calling; null for a signed-in user")
    user_id: int | None = Field(default=None, description="the signed-in user, if one is calling")
    role: Role
    organization_id: int | None
