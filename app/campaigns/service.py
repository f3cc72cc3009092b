"""Campaigns (百场万企 活动): an organizer's sessions grouped by chain and region, with targets.

An organizer manages its own campaigns (admins all); nobody else sees them. A campaign
counts the sessions its organizer adds to it (only sessions the organizer manages).
"""

from sqlalchemy import Select, delete, false, select
from sqlalchemy.orm import Session

from app import audit
from app.auth.principal import Principal
from app.campaigns.schemas import CampaignCreate, CampaignRead, CampaignUpdate
from app.errors import Conflict, FieldText, Forbidden, InvalidInput, NotFound
from app.events import service as events
from app.messages import tr
from app.models import Campaign, CampaignEvent, Chain, Organization, OrganizationKind
from app.models.base import utcnow
from app.models.deal import plain_wan
from app.platform.db import flush
from app.versioning import check_version


def readable(caller: Principal) -> Select[Campaign]:
    """The campaigns ``caller`` may read: all (admin), its own organization's (organizer)."""
    statement = select(Campaign)
    if caller.is_admin:
        return statement
    if not caller.is_organizer or caller.organization_id is None:
        return statement.where(false())
    return statement.where(Campaign.organization_id == caller.organization_id)


def require_organizer(caller: Principal) -> None:
    """Campaigns are for organizers and admins (403 for firms)."""
    if not (caller.is_admin or caller.is_organizer):
        raise Forbidden(tr("campaigns are run by organizers"))


def get(session: Session, caller: Principal, campaign_id: int) -> Campaign:
    """The campaign if ``caller`` runs it (or is an admin); 403 for firms, else 404."""
    require_organizer(caller)
    found = session.scalar(readable(caller).where(Campaign.id == campaign_id))
    if found is None:
        raise NotFound(tr("campaign {id} not found", id=campaign_id))
    return found


def event_ids(session: Session, campaign_id: int) -> list[int]:
    """The ids of the campaign's sessions."""
    return list(
        session.scalars(
            select(CampaignEvent.event_id)
            .where(CampaignEvent.campaign_id == campaign_id)
            .order_by(CampaignEvent.event_id)
        )
    )


def to_read(session: Session, campaign: Campaign) -> CampaignRead:
    """The campaign as the API shows it."""
    chain = session.get(Chain, campaign.chain_id) if campaign.chain_id else None
    return CampaignRead(
        id=campaign.id,
        organization_id=campaign.organization_id,
        name=campaign.name,
        description=campaign.description,
        chain_id=campaign.chain_id,
        chain_name=chain.name if chain else None,
        region_code=campaign.region_code,
        starts_on=campaign.starts_on,
        ends_on=campaign.ends_on,
        target_sessions=campaign.target_sessions,
        target_firms=campaign.target_firms,
        target_intents=campaign.target_intents,
        target_signed_wan=plain_wan(campaign.target_signed_wan),
        event_ids=event_ids(session, campaign.id),
        version=campaign.version,
        created_at=campaign.created_at,
        updated_at=campaign.updated_at,
    )


def list_campaigns(session: Session, caller: Principal) -> list[Campaign]:
    """The campaigns ``caller`` runs, newest period first."""
    require_organizer(caller)
    return list(
        session.scalars(readable(caller).order_by(Campaign.starts_on.desc(), Campaign.id.desc()))
    )


def _check_chain(session: Session, chain_id: int | None) -> None:
    if chain_id is not None and session.get(Chain, chain_id) is None:
        raise InvalidInput("body.chain_id", tr("no chain {id}", id=chain_id))


def create(session: Session, caller: Principal, data: CampaignCreate) -> Campaign:
    """A new campaign of the organizer's organization (admins name the organizer)."""
    require_organizer(caller)
    if caller.is_organizer:
        if data.organization_id not in (None, caller.organization_id):
            raise Forbidden(tr("organizers create campaigns for their own organization"))
        org_id = caller.organization_id
    else:
        if data.organization_id is None:
            raise InvalidInput("body.organization_id", tr("required for admin keys"))
        org_id = data.organization_id
    org = session.get(Organization, org_id)
    if org is None or org.kind != OrganizationKind.organizer:
        raise InvalidInput("body.organization_id", tr("must be an organizer"))
    _check_chain(session, data.chain_id)
    campaign = Campaign(
        organization_id=org.id,
        name=data.name,
        description=data.description,
        chain_id=data.chain_id,
        region_code=data.region_code,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        target_sessions=data.target_sessions,
        target_firms=data.target_firms,
        target_intents=data.target_intents,
        target_signed_wan=data.target_signed_wan,
    )
    session.add(campaign)
    flush(session, "the campaign")
    audit.record(session, caller, "campaign.create", "campaign", campaign.id)
    return campaign


def update(
    session: Session, caller: Principal, campaign_id: int, data: CampaignUpdate, version: int | None
) -> Campaign:
    """Change the given fields if the client read the current version."""
    campaign = get(session, caller, campaign_id)
    check_version(campaign.version, version)
    fields = data.model_dump(exclude_unset=True)
    for name, value in fields.items():
        if value is None and name not in ("chain_id", "region_code"):
            raise InvalidInput(f"body.{name}", tr("cannot be null"))
    if "chain_id" in fields:
        _check_chain(session, data.chain_id)
    for name, value in fields.items():
        setattr(campaign, name, value)
    if campaign.ends_on < campaign.starts_on:
        raise InvalidInput("body.ends_on", tr("is before starts_on"))
    campaign.updated_at = utcnow()
    flush(session, f"campaign {campaign.id}")
    audit.record(session, caller, "campaign.update", "campaign", campaign.id, fields=sorted(fields))
    return campaign


def delete_campaign(
    session: Session, caller: Principal, campaign_id: int, version: int | None
) -> None:
    """Delete a campaign (its sessions stay)."""
    campaign = get(session, caller, campaign_id)
    check_version(campaign.version, version)
    session.delete(campaign)
    flush(session, f"campaign {campaign_id}")
    audit.record(session, caller, "campaign.delete", "campaign", campaign_id)


def add_event(session: Session, caller: Principal, campaign_id: int, event_id: int) -> Campaign:
    """Count one of the caller's sessions in the campaign (again: nothing changes)."""
    campaign = get(session, caller, campaign_id)
    event = events.get_managed(session, caller, event_id)
    if event.organization_id != campaign.organization_id:
        raise Conflict(
            tr("the session belongs to another organizer"),
            errors=[FieldText("path.event_id", tr("another organizer's session"))],
        )
    if session.get(CampaignEvent, (campaign.id, event.id)) is None:
        session.add(CampaignEvent(campaign_id=campaign.id, event_id=event.id))
        flush(session, "the campaign's session")
        audit.record(session, caller, "campaign.add_event", "campaign", campaign.id, event=event.id)
    return campaign


def remove_event(session: Session, caller: Principal, campaign_id: int, event_id: int) -> None:
    """Stop counting a session in the campaign."""
    campaign = get(session, caller, campaign_id)
    session.execute(
        delete(CampaignEvent).where(
            CampaignEvent.campaign_id == campaign.id, CampaignEvent.event_id == event_id
        )
    )
    audit.record(session, caller, "campaign.remove_event", "campaign", campaign.id, event=event_id)
