"""Accounts: sign-up, verification, approval, invitations and claims, sign-in, passwords.

One write path: the API (:mod:`app.accounts.router`) and the console (:mod:`app.web.accounts`)
call these functions. Answers to strangers (sign-up, code, reset requests) are the same
whether the e-mail has an account or not; what differs goes only into the e-mail sent
(:mod:`app.accounts.messages`, through the outbox in the caller's transaction).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.orm import Session

from app import audit, consent
from app.accounts import messages
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.accounts.schemas import SignUp
from app.auth.principal import Principal
from app.auth.sessions import end_user_sessions
from app.auth.throttle import AuthThrottle
from app.auth.tokens import code_matches, hash_token, new_code, new_link_token
from app.errors import Conflict, Forbidden, InvalidInput, NotFound, ProblemError
from app.listing import region_prefix
from app.messages import tr
from app.models import (
    Invitation,
    Organization,
    OrganizationKind,
    OrgRole,
    Registration,
    RegistrationStatus,
    Role,
    TokenPurpose,
    User,
    UserToken,
)
from app.models.base import utcnow
from app.notifications.outbox import enqueue
from app.organizations import service as organizations
from app.organizations.schemas import OrganizationCreate
from app.platform.db import flush

VERIFY_TTL = timedelta(hours=48)
RESET_TTL = timedelta(hours=1)
CODE_TTL = timedelta(minutes=10)
INVITATION_TTL = timedelta(days=30)
#: Wrong codes per code, wrong USCCs per invitation, before it is spent.
MAX_ATTEMPTS = 5

#: The role a user of an organization of each kind acts as.
ROLE_OF_KIND = {
    OrganizationKind.sme: Role.sme,
    OrganizationKind.large_firm: Role.large_firm,
    OrganizationKind.organizer: Role.organizer,
}


class SignInFailed(ProblemError):
    """Wrong e-mail, password or code (which one is not said)."""

    status = 401

    def __init__(self) -> None:
        super().__init__("wrong e-mail, password or code")


class AwaitingApproval(ProblemError):
    """The right password of a sign-up not approved yet."""

    status = 403

    def __init__(self, status: str) -> None:
        super().__init__(f"the sign-up is {status}: it can sign in once an organizer approves it")
        self.registration_status = status


class LinkInvalid(ProblemError):
    """A link that is unknown, used, revoked or expired."""

    status = 410

    def __init__(self) -> None:
        super().__init__("the link is unknown, used or expired")


def normalize_email(email: str) -> str:
    """E-mail addresses are compared and stored lower-case."""
    return email.strip().lower()


def _link(base_url: str, path: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{path}?token={token}"


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail (any case), if any."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


# ---------------------------------------------------------------- sign-up and verification


def sign_up(session: Session, data: SignUp, *, base_url: str) -> None:
    """A firm registers itself; a verification e-mail goes out. Answers nothing either way.

    An address that has an account gets an e-mail saying so instead; one whose sign-up is
    awaiting approval gets told that. The password is hashed in every case, so the answer
    takes as long whether the address is known or not.
    """
    email = normalize_email(data.email)
    password_hash = hash_password(data.password)
    if user_by_email(session, email) is not None:
        enqueue(
            session,
            messages.already_registered(
                email, f"{base_url.rstrip('/')}/login", f"{base_url.rstrip('/')}/password/forgot"
            ),
        )
        return
    open_rows = list(
        session.scalars(
            select(Registration).where(
                Registration.email == email,
                Registration.status.in_(
                    [RegistrationStatus.unverified.value, RegistrationStatus.pending.value]
                ),
            )
        )
    )
    if any(r.status == RegistrationStatus.pending for r in open_rows):
        enqueue(session, messages.already_pending(email))
        return
    row = open_rows[0] if open_rows else Registration(email=email)
    token, digest = new_link_token()
    row.person = data.person
    row.phone = data.phone
    row.password_hash = password_hash
    row.kind = data.kind
    row.name = data.name
    row.uscc = data.uscc
    row.region_code = data.region_code
    row.status = RegistrationStatus.unverified.value
    row.verify_hash = digest
    row.verify_expires_at = utcnow() + VERIFY_TTL
    session.add(row)
    flush(session, "the sign-up")
    enqueue(session, messages.verify(email, _link(base_url, "/verify", token)))


def verify_email(session: Session, token: str, *, base_url: str) -> Registration:
    """Follow a verification link: the sign-up now awaits approval (410 if the link is spent).

    The organizers' users of the firm's region are told it is waiting.
    """
    row = session.scalar(select(Registration).where(Registration.verify_hash == hash_token(token)))
    now = utcnow()
    if (
        row is None
        or row.status != RegistrationStatus.unverified
        or row.verify_expires_at is None
        or row.verify_expires_at <= now
    ):
        raise LinkInvalid()
    row.status = RegistrationStatus.pending.value
    row.verified_at = now
    row.verify_hash = None
    flush(session, "the sign-up")
    for user in _approvers(session, row.region_code):
        enqueue(
            session,
            messages.approval_waiting(
                user.email, user.id, row.name, f"{base_url.rstrip('/')}/approvals"
            ),
        )
    return row


def _approvers(session: Session, region_code: str) -> list[User]:
    """Enabled users of organizers whose region covers ``region_code``."""
    rows = session.execute(
        select(User, Organization.region_code)
        .join(Organization, Organization.id == User.organization_id)
        .where(User.role == Role.organizer.value, User.disabled_at.is_(None))
        .where(Organization.region_code.is_not(None))
    ).all()
    return [u for u, region in rows if region and region_code.startswith(region_prefix(region))]


# ---------------------------------------------------------------- approval


def _organizer_region(session: Session, caller: Principal) -> str | None:
    """The region prefix an organizer approves for (``None``: none set, approves nothing)."""
    org = session.get(Organization, caller.organization_id) if caller.organization_id else None
    return region_prefix(org.region_code) if org and org.region_code else None


def approval_queue(session: Session, caller: Principal) -> list[Registration]:
    """Verified sign-ups waiting for ``caller``: an admin's all, an organizer's of its region."""
    query = (
        select(Registration)
        .where(Registration.status == RegistrationStatus.pending.value)
        .order_by(Registration.verified_at, Registration.id)
    )
    if not caller.is_admin:
        if not caller.is_organizer:
            raise Forbidden(tr("only organizers and admins approve sign-ups"))
        prefix = _organizer_region(session, caller)
        if prefix is None:
            return []
        query = query.where(Registration.region_code.startswith(prefix))
    return list(session.scalars(query))


def _queued(session: Session, caller: Principal, registration_id: int) -> Registration:
    row = session.get(Registration, registration_id)
    if row is None or not (caller.is_admin or caller.is_organizer):
        raise NotFound(tr("sign-up {id} not found", id=registration_id))
    if not caller.is_admin:
        prefix = _organizer_region(session, caller)
        if prefix is None or not row.region_code.startswith(prefix):
            raise NotFound(tr("sign-up {id} not found", id=registration_id))
    if row.status != RegistrationStatus.pending:
        raise Conflict(
            tr(
                "sign-up {id} is {status}, not awaiting approval",
                id=registration_id,
                status=row.status,
            )
        )
    return row


def existing_record(session: Session, row: Registration) -> Organization | None:
    """The organization already recorded with the sign-up's USCC (an imported firm), if any."""
    return session.scalar(select(Organization).where(Organization.uscc == row.uscc))


def approve(session: Session, caller: Principal, registration_id: int, *, base_url: str) -> User:
    """Approve a sign-up: its organization is created (or, already recorded, claimed) and its
    person becomes the organization's first owner.

    A firm already on record with the same USCC is attached only by an approver that manages
    that record (the organizer that imported it, or an admin); anyone else gets 409.
    """
    row = _queued(session, caller, registration_id)
    if user_by_email(session, row.email) is not None:
        raise Conflict(tr("the sign-up's e-mail has an account already"))
    org = existing_record(session, row)
    claimed = org is not None
    if org is not None:
        if org.kind != row.kind or not caller.manages(org):
            raise Conflict(
                tr(
                    "USCC {uscc} is on record already; the organizer that manages it approves",
                    uscc=row.uscc,
                )
            )
    else:
        org = organizations.create(
            session,
            caller,
            OrganizationCreate(
                kind=OrganizationKind(row.kind),
                name=row.name,
                uscc=row.uscc,
                region_code=row.region_code,
                contacts=consent.registrant_contacts(row.person, row.phone, row.email),
            ),
        )
    user = User(
        organization_id=org.id,
        email=row.email,
        name=row.person,
        phone=row.phone,
        role=ROLE_OF_KIND[OrganizationKind(org.kind)].value,
        org_role=OrgRole.owner.value,
        password_hash=row.password_hash,
        email_verified_at=row.verified_at,
    )
    session.add(user)
    flush(session, "the user")
    row.status = RegistrationStatus.approved.value
    row.decided_at = utcnow()
    row.decided_by_user_id = caller.user_id
    row.organization_id = org.id
    audit.record(
        session,
        caller,
        "registration.approve",
        "registration",
        row.id,
        organization_id=org.id,
        user_id=user.id,
        existing_record=claimed,
    )
    enqueue(
        session,
        messages.decided(row.email, user.id, org.name, True, f"{base_url.rstrip('/')}/login"),
    )
    return user


def reject(session: Session, caller: Principal, registration_id: int, *, base_url: str) -> None:
    """Turn a sign-up down (the firm is told by e-mail)."""
    row = _queued(session, caller, registration_id)
    row.status = RegistrationStatus.rejected.value
    row.decided_at = utcnow()
    row.decided_by_user_id = caller.user_id
    row.verify_hash = None
    audit.record(session, caller, "registration.reject", "registration", row.id)
    enqueue(session, messages.decided(row.email, None, row.name, False, base_url))


# ---------------------------------------------------------------- sign-in


def authenticate_password(session: Session, email: str, password: str) -> User:
    """The user with this e-mail and password; :class:`SignInFailed` otherwise.

    The password is checked against a dummy hash when there is no such user, so a wrong
    e-mail costs as long as a wrong password. The right password of a sign-up still awaiting
    approval gets :class:`AwaitingApproval` (it proves the caller made that sign-up).
    """
    user = user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None:
        pending = session.scalar(
            select(Registration)
            .where(Registration.email == normalize_email(email))
            .where(
                Registration.status.in_(
                    [RegistrationStatus.unverified.value, RegistrationStatus.pending.value]
                )
            )
            .order_by(Registration.id.desc())
            .limit(1)
        )
        if pending is not None and verify_password(pending.password_hash, password):
            raise AwaitingApproval(pending.status)
        raise SignInFailed()
    if not ok or user.disabled_at is not None:
        raise SignInFailed()
    assert user.password_hash is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def request_code(session: Session, email: str, *, by_sms: bool = False) -> None:
    """Send a one-time sign-in code to the user's e-mail (or phone, through the SMS gateway).

    Nothing is said about whether the address has an account. Earlier codes are spent.
    """
    user = user_by_email(session, email)
    if user is None or user.disabled_at is not None or user.email_verified_at is None:
        return
    now = utcnow()
    session.execute(
        update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == TokenPurpose.code.value)
        .where(UserToken.used_at.is_(None))
        .values(used_at=now)
    )
    value, stored = new_code()
    session.add(
        UserToken(
            user_id=user.id,
            purpose=TokenPurpose.code.value,
            token_hash=stored,
            created_at=now,
            expires_at=now + CODE_TTL,
        )
    )
    flush(session, "the code")
    phone = user.phone if by_sms and user.phone else None
    enqueue(session, messages.code(None if phone else user.email, phone, user.id, value))


def authenticate_code(session: Session, email: str, code: str) -> User | None:
    """The user whose current code this is; ``None`` when wrong (the try is counted and the
    caller must commit it: past :data:`MAX_ATTEMPTS` the code is spent)."""
    user = user_by_email(session, email)
    if user is None or user.disabled_at is not None:
        return None
    now = utcnow()
    token = session.scalar(
        select(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == TokenPurpose.code.value)
        .where(UserToken.used_at.is_(None), UserToken.expires_at > now)
        .order_by(UserToken.id.desc())
        .limit(1)
    )
    if token is None:
        return None
    if not code_matches(token.token_hash, code):
        token.attempts += 1
        if token.attempts >= MAX_ATTEMPTS:
            token.used_at = now
        flush(session, "the code")
        return None
    token.used_at = now
    return user


# ---------------------------------------------------------------- passwords


def request_reset(session: Session, email: str, *, base_url: str) -> None:
    """E-mail a password-reset link, if the address has an account (the answer is the same)."""
    user = user_by_email(session, email)
    if user is None or user.disabled_at is not None:
        return
    token, digest = new_link_token()
    now = utcnow()
    session.add(
        UserToken(
            user_id=user.id,
            purpose=TokenPurpose.reset.value,
            token_hash=digest,
            created_at=now,
            expires_at=now + RESET_TTL,
        )
    )
    flush(session, "the reset link")
    enqueue(session, messages.reset(user.email, user.id, _link(base_url, "/password/reset", token)))


def reset_token_valid(session: Session, token: str) -> bool:
    """Whether a reset link can still be used (for showing its form)."""
    return _reset_row(session, token) is not None


def _reset_row(session: Session, token: str) -> UserToken | None:
    row = session.scalar(
        select(UserToken).where(
            UserToken.token_hash == hash_token(token),
            UserToken.purpose == TokenPurpose.reset.value,
        )
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def reset_password(session: Session, token: str, password: str) -> User:
    """Set a new password through a reset link; every sign-in of the user ends."""
    row = _reset_row(session, token)
    user = session.get(User, row.user_id) if row else None
    if row is None or user is None or user.disabled_at is not None:
        raise LinkInvalid()
    now = utcnow()
    row.used_at = now
    user.password_hash = hash_password(password)
    if user.email_verified_at is None:
        user.email_verified_at = now  # the link reached the mailbox
    end_user_sessions(session, user.id, now=now)
    principal = Principal(
        key_id=None, user_id=user.id, role=Role(user.role), organization_id=user.organization_id
    )
    audit.record(session, principal, "user.password_reset", "user", user.id)
    return user


# ---------------------------------------------------------------- invitations and claims


def _caller_user(session: Session, caller: Principal) -> User | None:
    return session.get(User, caller.user_id) if caller.user_id else None


def may_administer(session: Session, caller: Principal, org: Organization) -> bool:
    """Whether ``caller`` manages ``org``'s users, invitations and keys.

    Admins; the organizer that manages the firm (any of its users); for the organization's
    own users, its owners (an API key of the organization counts as an owner).
    """
    if not caller.manages(org):
        return False
    if caller.is_admin or caller.organization_id != org.id:
        return True
    user = _caller_user(session, caller)
    return user is None or user.org_role == OrgRole.owner


def _administered(session: Session, caller: Principal, organization_id: int) -> Organization:
    org = session.get(Organization, organization_id)
    if org is None or not caller.manages(org):
        raise NotFound(tr("organization {id} not found", id=organization_id))
    if not may_administer(session, caller, org):
        raise Forbidden(tr("only the organization's owners manage its users"))
    return org


def _inviter_name(session: Session, caller: Principal) -> str:
    org = session.get(Organization, caller.organization_id) if caller.organization_id else None
    return org.name if org else "携手平台"


def invite(
    session: Session,
    caller: Principal,
    organization_id: int,
    email: str | None,
    *,
    base_url: str,
) -> Invitation:
    """Invite ``email`` (default: the organization's contact e-mail) to claim the record.

    Earlier open invitations of the same organization and address are revoked.
    """
    org = _administered(session, caller, organization_id)
    address = normalize_email(email or consent.own_address(org) or "")
    if not address:
        raise InvalidInput("body.email", tr("the organization has no contact e-mail: give one"))
    return _invite(session, caller, org, address, base_url=base_url)


def _invite(
    session: Session, caller: Principal, org: Organization, email: str, *, base_url: str
) -> Invitation:
    now = utcnow()
    session.execute(
        update(Invitation)
        .where(Invitation.organization_id == org.id, Invitation.email == email)
        .where(Invitation.claimed_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    token, digest = new_link_token()
    row = Invitation(
        organization_id=org.id,
        email=email,
        invited_by_organization_id=caller.organization_id,
        invited_by_user_id=caller.user_id,
        token_hash=digest,
        created_at=now,
        expires_at=now + INVITATION_TTL,
    )
    session.add(row)
    flush(session, "the invitation")
    audit.record(session, caller, "invitation.create", "organization", org.id, invitation=row.id)
    enqueue(
        session,
        messages.invitation(
            email,
            org.name,
            _inviter_name(session, caller),
            _link(base_url, "/claim", token),
            INVITATION_TTL.days,
        ),
    )
    return row


def invite_imported(session: Session, caller: Principal, *, base_url: str) -> int:
    """Invite every firm ``caller`` manages that has a contact e-mail, no user yet and no open
    invitation (the firms an organizer imported); how many were invited.

    Running it again invites nobody twice; claiming attaches to the existing record, so no
    duplicate organization is ever created.
    """
    if not (caller.is_admin or caller.is_organizer):
        raise Forbidden(tr("only organizers and admins invite imported firms"))
    now = utcnow()
    has_user = exists().where(User.organization_id == Organization.id)
    open_invitation = exists().where(
        and_(
            Invitation.organization_id == Organization.id,
            Invitation.claimed_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
    )
    query = (
        select(Organization)
        .where(Organization.kind.in_([OrganizationKind.sme.value, OrganizationKind.large_firm]))
        .where(consent.has_own_address())
        .where(~has_user, ~open_invitation)
        .order_by(Organization.id)
    )
    if not caller.is_admin:
        query = query.where(Organization.registered_by_id == caller.organization_id)
    count = 0
    for org in session.scalars(query):
        address = consent.own_address(org)
        assert address is not None
        _invite(session, caller, org, normalize_email(address), base_url=base_url)
        count += 1
    return count


def invitations_of(session: Session, caller: Principal) -> list[Invitation]:
    """The invitations ``caller``'s organization sent (an admin's: all), newest first."""
    query = select(Invitation).order_by(Invitation.id.desc()).limit(500)
    if not caller.is_admin:
        query = query.where(Invitation.invited_by_organization_id == caller.organization_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class ClaimTarget:
    """What a claim link offers (shown on its form)."""

    invitation: Invitation
    organization: Organization


def claim_target(session: Session, token: str) -> ClaimTarget:
    """The open invitation a claim link stands for; 410 when unknown, used or expired."""
    row = session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if (
        row is None
        or row.claimed_at is not None
        or row.revoked_at is not None
        or row.expires_at <= utcnow()
        or row.attempts >= MAX_ATTEMPTS
    ):
        raise LinkInvalid()
    org = session.get(Organization, row.organization_id)
    if org is None:
        raise LinkInvalid()
    return ClaimTarget(row, org)


def claim(session: Session, token: str, *, uscc: str, name: str, password: str) -> User | None:
    """Claim an organization through an invitation link; the new user, signed up and verified.

    ``None`` when the USCC is not the record's: the try is counted (the caller commits it),
    and past :data:`MAX_ATTEMPTS` the link is spent. The first user becomes an owner.
    """
    target = claim_target(session, token)
    row, org = target.invitation, target.organization
    if uscc.strip().upper() != org.uscc:
        row.attempts += 1
        flush(session, "the invitation")
        return None
    if user_by_email(session, row.email) is not None:
        raise Conflict(tr("this e-mail has an account already: sign in instead"))
    now = utcnow()
    has_owner = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.organization_id == org.id, User.org_role == OrgRole.owner.value)
    )
    user = User(
        organization_id=org.id,
        email=row.email,
        name=name,
        role=ROLE_OF_KIND[OrganizationKind(org.kind)].value,
        org_role=(OrgRole.member if has_owner else OrgRole.owner).value,
        password_hash=hash_password(password),
        email_verified_at=now,
        created_at=now,
    )
    session.add(user)
    flush(session, "the user")
    row.claimed_at = now
    row.claimed_by_user_id = user.id
    principal = Principal(
        key_id=None, user_id=user.id, role=Role(user.role), organization_id=org.id
    )
    audit.record(session, principal, "invitation.claim", "organization", org.id, invitation=row.id)
    return user


# ---------------------------------------------------------------- an organization's users


def users_of(session: Session, caller: Principal, organization_id: int) -> list[User]:
    """The users of an organization ``caller`` manages (404 otherwise)."""
    org = session.get(Organization, organization_id)
    if org is None or not caller.manages(org):
        raise NotFound(tr("organization {id} not found", id=organization_id))
    return list(
        session.scalars(
            select(User).where(User.organization_id == organization_id).order_by(User.id)
        )
    )


def update_user(
    session: Session,
    caller: Principal,
    user_id: int,
    *,
    org_role: OrgRole | None = None,
    disabled: bool | None = None,
    now: datetime | None = None,
) -> User:
    """Change a user's standing (owner/member) or disable/enable it; audited.

    An organization keeps at least one enabled owner. Disabling ends the user's sign-ins.
    """
    user = session.get(User, user_id)
    if user is None or user.organization_id is None:
        raise NotFound(tr("user {id} not found", id=user_id))
    _administered(session, caller, user.organization_id)
    now = now or utcnow()
    leaves_owners = (org_role is OrgRole.member or disabled) and user.org_role == OrgRole.owner
    if leaves_owners and user.disabled_at is None:
        others = session.scalar(
            select(func.count())
            .select_from(User)
            .where(User.organization_id == user.organization_id, User.id != user.id)
            .where(User.org_role == OrgRole.owner.value, User.disabled_at.is_(None))
        )
        if not others:
            raise Conflict(tr("an organization keeps at least one owner"))
    if org_role is not None and org_role != user.org_role:
        audit.record(
            session,
            caller,
            "user.role_change",
            "user",
            user.id,
            before=user.org_role,
            after=org_role.value,
        )
        user.org_role = org_role.value
    if disabled is not None and disabled != (user.disabled_at is not None):
        user.disabled_at = now if disabled else None
        if disabled:
            end_user_sessions(session, user.id, now=now)
        audit.record(
            session, caller, "user.disable" if disabled else "user.enable", "user", user.id
        )
    flush(session, f"user {user_id}")
    return user


# ---------------------------------------------------------------- throttled sign-in


def sign_in_password(
    session: Session, email: str, password: str, *, throttle: AuthThrottle, address: str | None
) -> User:
    """:func:`authenticate_password`, throttled per client address and per e-mail (429)."""
    account = normalize_email(email)
    throttle.check(address, "", account=account)
    try:
        return authenticate_password(session, email, password)
    except SignInFailed:
        throttle.failed(address, "", account=account)
        raise


def sign_in_code(
    session: Session, email: str, code: str, *, throttle: AuthThrottle, address: str | None
) -> User | None:
    """:func:`authenticate_code`, throttled per client address and per e-mail (429)."""
    account = normalize_email(email)
    throttle.check(address, "", account=account)
    user = authenticate_code(session, email, code)
    if user is None:
        throttle.failed(address, "", account=account)
    return user
