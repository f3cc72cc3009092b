"""Request and response bodies for accounts (the console posts the same shapes)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.accounts.passwords import MAX_LENGTH, password_problem
from app.fields import Email, Id, Name, PersonName, Phone, RegionCode, Uscc, single_line
from app.models import OrgRole, Role


def _password(value: str) -> str:
    problem = password_problem(value)
    if problem:
        raise ValueError(problem)
    return value


#: A password being set (length and characters checked).
NewPassword = Annotated[str, AfterValidator(single_line), AfterValidator(_password)]
#: A password being presented (only bounded).
Password = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_LENGTH), AfterValidator(single_line)
]


class SignUp(BaseModel):
    """A firm registering itself: the firm, its contact person and the person's password."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "sme",
                    "name": "深圳市精密传动科技有限公司",
                    "uscc": "91440300MA5FXXXX0U",
                    "region_code": "440300",
                    "person": "王经理",
                    "email": "wang@example.com",
                    "phone": "0755-8888 0000",
                    "password": "换成你自己的长密码-2026",
                }
            ]
        },
    )

    kind: Literal["sme", "large_firm"]
    name: Name
    uscc: Uscc
    region_code: RegionCode
    person: PersonName
    email: Email
    phone: Phone | None = None
    password: NewPassword


class SignIn(BaseModel):
    """E-mail and password, for a bearer token."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"email": "wang@example.com", "password": "换成你自己的长密码-2026"}]
        },
    )

    email: Email
    password: Password


class SignedIn(BaseModel):
    """A user's bearer token: shown this once; send it as ``Authorization: Bearer``."""

    token: str
    expires_at: datetime
    user_id: int
    organization_id: int | None
    role: Role


class UserRead(BaseModel):
    """A user of an organization (no secrets)."""

    id: int
    organization_id: int | None
    email: str
    name: str
    role: Role
    org_role: OrgRole
    email_verified: bool
    disabled: bool
    created_at: datetime


class UserUpdate(BaseModel):
    """What an organization's owner may change about one of its users."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"org_role": "owner"}]}
    )

    org_role: OrgRole | None = None
    disabled: bool | None = None


class InvitationCreate(BaseModel):
    """Invite someone by e-mail to claim an organization's record."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"organization_id": 3, "email": "li@example.com"}]},
    )

    organization_id: Id
    email: Email | None = Field(
        default=None, description="default: the organization's contact e-mail"
    )


class InvitationRead(BaseModel):
    """An invitation, without its link."""

    id: int
    organization_id: int
    email: str
    created_at: datetime
    expires_at: datetime
    claimed_at: datetime | None
    revoked_at: datetime | None
