"""Request and response bodies for interest marks."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.consent import Contacts
from app.models import InterestValue, NeedKind, NeedStatus
from app.profiles.schemas import OrganizationSummary


class InterestSet(BaseModel):
    """One side's mark on a pairing."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"value": "interested"}]}
    )

    value: InterestValue


class InterestMarks(BaseModel):
    """Both sides' marks as the caller may see them.

    Your own side's mark is always shown; the other side's only when it is ``interested``
    (a decline stays private to whoever made it, so it shows as ``null``).
    """

    buyer: InterestValue | None = None
    sme: InterestValue | None = None


class PairRead(BaseModel):
    """A (need, candidate SME) pairing seen from one side, with the other side's contacts
    once both said yes (mutual interest) or a meeting between the two firms was held."""

    need_id: int
    profile_id: int
    interest: InterestMarks
    mutual: bool = Field(description="both sides said interested")
    meeting_held: bool = Field(
        description="the two firms met at a matchmaking session, as one of them (or an "
        "organizer managing both) recorded it"
    )
    counterpart: OrganizationSummary = Field(description="the other side's firm")
    contacts: Contacts | None = Field(
        description="the other side's contacts: null until mutual interest or a held meeting"
    )
    contacts_basis: Literal["mutual_interest", "meeting_held"] | None = Field(
        default=None,
        description="why the contacts are shown: the two firms said yes to each other (on "
        "this or another need, or at a session), or met at a session and neither declined",
    )


class CandidateEntry(BaseModel):
    """A candidate SME of a need that either side marked."""

    profile_id: int
    organization: OrganizationSummary
    interest: InterestMarks
    mutual: bool
    updated_at: datetime


class InterestEntry(BaseModel):
    """A need an SME marked, or whose firm said it is interested in the SME."""

    need_id: int
    title: str
    kind: NeedKind
    status: NeedStatus
    organization: OrganizationSummary
    interest: InterestMarks
    mutual: bool
    updated_at: datetime
