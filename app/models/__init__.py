"""All tables, imported here so that ``Base.metadata`` is complete (alembic relies on it)."""

from app.models.api_key import ApiKey, AuditEntry
from app.models.base import Base
from app.models.chain import Chain, ChainEdge, ChainNode, Placement, PlacementSource
from app.models.change import ChangeEntry
from app.models.console_session import ConsoleSession
from app.models.enums import NeedKind, NeedStatus, OrganizationKind, Role, Tier
from app.models.need import SupplyNeed
from app.models.organization import Organization, OrganizationIndustry, OrganizationProduct
from app.models.profile import CapabilityProfile

__all__ = [
    "ApiKey",
    "AuditEntry",
    "Base",
    "CapabilityProfile",
    "ChangeEntry",
    "ConsoleSession",
    "NeedKind",
    "NeedStatus",
    "Organization",
    "OrganizationIndustry",
    "OrganizationKind",
    "OrganizationProduct",
    "Role",
    "SupplyNeed",
    "Tier",
]
from app.models.event import (
    DAY_STATUSES,
    HELD_OUTCOMES,
    Attendance,
    EnteredByMixin,
    Event,
    EventLeftOut,
    EventMeeting,
    EventParticipant,
    EventPreference,
    EventStatus,
    Outcome,
    ParticipantStatus,
    Presence,
    Side,
    Wish,
)
from app.models.interest import InterestMark, InterestValue
from app.models.learning import Impression, Interaction, ModelStatus, ModelVersion

__all__ += [
    "DAY_STATUSES",
    "HELD_OUTCOMES",
    "Attendance",
    "EnteredByMixin",
    "Event",
    "EventLeftOut",
    "EventMeeting",
    "EventParticipant",
    "EventPreference",
    "EventStatus",
    "Impression",
    "Interaction",
    "InterestMark",
    "InterestValue",
    "ModelStatus",
    "Presence",
    "ModelVersion",
    "Outcome",
    "ParticipantStatus",
    "Side",
    "Wish",
]

__all__ += ["Chain", "ChainEdge", "ChainNode", "Placement", "PlacementSource"]

from app.models.campaign import Campaign, CampaignEvent
from app.models.deal import CONTRACTED, STAGE_ORDER, Deal, DealStage, DealStageChange, MeetingRating

__all__ += [
    "CONTRACTED",
    "STAGE_ORDER",
    "Campaign",
    "CampaignEvent",
    "Deal",
    "DealStage",
    "DealStageChange",
    "MeetingRating",
]

from app.models.notification import (
    CalendarFeed,
    Channel,
    MeetingCalendarEntry,
    NotificationKey,
    NotificationRecipient,
    OutboxMessage,
    OutboxStatus,
)

__all__ += [
    "CalendarFeed",
    "Channel",
    "MeetingCalendarEntry",
    "NotificationKey",
    "NotificationRecipient",
    "OutboxMessage",
    "OutboxStatus",
]

from app.models.user import (
    Invitation,
    OrgRole,
    Registration,
    RegistrationStatus,
    TokenPurpose,
    User,
    UserToken,
)

__all__ += [
    "Invitation",
    "OrgRole",
    "Registration",
    "RegistrationStatus",
    "TokenPurpose",
    "User",
    "UserToken",
]

from app.models.challenge import (
    Attachment,
    Challenge,
    ChallengeAccess,
    ChallengeInvitation,
    ChallengeKind,
    ChallengeResponse,
    ChallengeStatus,
    Clarification,
    ResponseRevision,
    ResponseScore,
    ResponseStatus,
    TermsAcceptance,
)

__all__ += [
    "Attachment",
    "Challenge",
    "ChallengeAccess",
    "ChallengeInvitation",
    "ChallengeKind",
    "ChallengeResponse",
    "ChallengeStatus",
    "Clarification",
    "ResponseRevision",
    "ResponseScore",
    "ResponseStatus",
    "TermsAcceptance",
]
