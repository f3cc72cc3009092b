"""Request and response bodies for API keys."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.fields import Id, Line
from app.models import Role


class KeyCreate(BaseModel):
    """A new key for an organization (the role must fit the organization's kind)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"organization_id": 12, "role": "sme", "label": "ERP 对接"},
                {"role": "admin", "label": "运维"},
            ]
        },
    )

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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 5,
                    "organization_id": 3,
                    "role": "sme",
                    "prefix": "7c77e6f54f89",
                    "label": "ERP 对接",
                    "created_at": "2027-03-01T09:30:00Z",
                    "last_used_at": None,
                    "revoked_at": None,
                    "key": "xs_3f9a1c2b7d4e_Q2hpbmVzZS1leGFtcGxlLW5vdC1hLXJlYWwta2V5",
                }
            ]
        }
    )

    key: str


class RecordCount(BaseModel):
    """How many records of a kind there are, and the link that lists them."""

    count: int = Field(examples=[3])
    url: str = Field(examples=["/api/v1/needs?organization_id=12"])


class Me(BaseModel):
    """Who the presented key belongs to, with links to what it works on.

    ``profile_id`` for an SME (null until it posts its profile), ``needs`` for a large firm,
    ``managed_firms`` for an organizer (the firms it registered and so manages).
    """

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "key_id": 4,
                    "user_id": None,
                    "role": "sme",
                    "organization_id": 3,
                    "organization_url": "/api/v1/organizations/3",
                    "profile_id": 1,
                    "profile_url": "/api/v1/profiles/1",
                    "needs": None,
                    "managed_firms": None,
                }
            ]
        }
    )

    key_id: int | None = Field(description="the API key calling; null for a signed-in user")
    user_id: int | None = Field(default=None, description="the signed-in user, if one is calling")
    role: Role
    organization_id: int | None
    organization_url: str | None = Field(default=None, examples=["/api/v1/organizations/12"])
    profile_id: int | None = Field(default=None, description="an SME's capability profile")
    profile_url: str | None = Field(default=None, examples=["/api/v1/profiles/7"])
    needs: RecordCount | None = Field(default=None, description="a large firm's supply needs")
    managed_firms: RecordCount | None = Field(
        default=None, description="an organizer's firms (those it registered)"
    )
