"""Issuing, checking, listing and revoking API keys."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import audit
from app.auth.keys import matches, may_revoke, new_key, split_prefix
from app.auth.principal import Principal
from app.auth.usage import SESSION_INFO_KEY, KeyUsage
from app.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from app.messages import tr, word
from app.models import (
    ApiKey,
    ConsoleSession,
    Organization,
    OrganizationKind,
    OrgRole,
    Role,
    User,
)
from app.models.base import utcnow
from app.platform import changes
from app.platform.db import flush

#: Which roles a key of an organization of each kind may have.
ROLES_FOR_KIND: dict[OrganizationKind, frozenset[Role]] = {
    OrganizationKind.sme: frozenset({Role.sme}),
    OrganizationKind.large_firm: frozenset({Role.large_firm}),
    OrganizationKind.organizer: frozenset({Role.organizer, Role.admin}),
}


def authenticate(session: Session, key: str) -> Principal:
    """The caller a presented API key stands for; 401 when it is unknown or revoked."""
    prefix = split_prefix(key)
    row = (
        session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
        if prefix
        else None
    )
    if row is None or row.revoked_at is not None or not matches(key, row.secret_hash):
        raise Unauthorized(tr("unknown or revoked API key"))
    touch(session, row)
    return principal_of(row)


def active_key(session: Session, key_id: int) -> ApiKey | None:
    """The key with this id unless it is unknown or revoked."""
    row = session.get(ApiKey, key_id)
    return row if row is not None and row.revoked_at is None else None


def principal_of(row: ApiKey) -> Principal:
    """The caller a (checked, unrevoked) key row stands for."""
    return Principal(key_id=row.id, role=Role(row.role), organization_id=row.organization_id)


def touch(session: Session, row: ApiKey) -> None:
    """Note that the key was used, writing nothing: a read stays a read.

    The worker's :class:`~app.auth.usage.KeyUsage` (in ``session.info``, see
    :func:`app.main.create_app`) writes ``last_used_at`` in the background.
    """
    usage = session.info.get(SESSION_INFO_KEY)
    if isinstance(usage, KeyUsage):
        usage.note(row.id)


def issue(
    session: Session,
    caller: Principal | None,
    *,
    role: Role,
    organization_id: int | None,
    label: str = "",
) -> tuple[ApiKey, str]:
    """Create a key; returns the stored row and the full key (to show once).

    ``caller`` is ``None`` only for the command line, which may issue any key. Over the API,
    admins issue any key and organizers issue firm keys for the firms they registered.
    """
    org: Organization | None = None
    if organization_id is not None:
        org = session.get(Organization, organization_id)
        if org is None:
            raise InvalidInput(
                "body.organization_id", tr("organization {id} not found", id=organization_id)
            )
        if role not in ROLES_FOR_KIND[OrganizationKind(org.kind)]:
            raise InvalidInput(
                "body.role",
                tr(
                    "a {kind} organization cannot hold {role} keys",
                    kind=word(org.kind),
                    role=word(role),
                ),
            )
    elif role is not Role.admin:
        raise InvalidInput("body.organization_id", tr("required for {role} keys", role=word(role)))
    if caller is not None and not caller.is_admin:
        allowed = (
            caller.is_organizer
            and org is not None
            and org.registered_by_id == caller.organization_id
            and role in (Role.sme, Role.large_firm)
        ) or _owner_for_own(session, caller, org, role)
        if not allowed:
            raise Forbidden(tr("organizers issue keys only for the firms they registered"))
    key, prefix, digest = new_key()
    row = ApiKey(
        organization_id=organization_id,
        role=role.value,
        prefix=prefix,
        secret_hash=digest,
        label=label,
    )
    session.add(row)
    flush(session, "the key")
    audit.record(session, caller, "key.create", "api_key", row.id, role=role.value)
    return row, key


def _owner_for_own(
    session: Session, caller: Principal, org: Organization | None, role: Role
) -> bool:
    """A signed-in owner issuing a key of its own role for its own organization (issue 16)."""
    if caller.user_id is None or org is None or org.id != caller.organization_id:
        return False
    user = session.get(User, caller.user_id)
    return (
        user is not None
        and user.disabled_at is None
        and user.org_role == OrgRole.owner
        and role is caller.role
        and role is not Role.admin
    )


def visible_keys(session: Session, caller: Principal) -> list[ApiKey]:
    """Admins see every key; others see their organization's keys."""
    query = select(ApiKey).order_by(ApiKey.id)
    if not caller.is_admin:
        query = query.where(ApiKey.organization_id == caller.organization_id)
    return list(session.scalars(query))


def revoke(session: Session, caller: Principal, key_id: int) -> ApiKey:
    """Revoke a key: admins any; others keys below admin of organizations they manage.

    A key the caller cannot see is 404; an admin key it can see (its own organization's) 403.
    """
    row = session.get(ApiKey, key_id)
    org = session.get(Organization, row.organization_id) if row and row.organization_id else None
    if row is None or not (caller.is_admin or (org is not None and caller.manages(org))):
        raise NotFound(tr("key {id} not found", id=key_id))
    if not may_revoke(caller, Role(row.role), org):
        raise Forbidden(tr("key {id} is an admin key: only admins revoke it", id=key_id))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        flush(session, f"key {key_id}")
        audit.record(session, caller, "key.revoke", "api_key", key_id)
        changes.record(session, changes.API_KEY, key_id)  # workers drop it from their caches
        session.execute(  # and the console sessions signed in with it end
            update(ConsoleSession)
            .where(ConsoleSession.api_key_id == key_id, ConsoleSession.revoked_at.is_(None))
            .values(revoked_at=row.revoked_at)
        )
    return row
