"""The authenticated caller and the ownership rules every service applies."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, false

from app.models import Organization, Role

Columns = TypeVarTuple("Columns")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: an API key or a signed-in user, its role and its organization.

    Exactly one of ``key_id`` and ``user_id`` is set. The rules below see only the role and
    the organization, so a user acts exactly as a key of its role and organization would.
    """

    key_id: int | None
    role: Role
    organization_id: int | None
    user_id: int | None = None

    def as_record(self) -> dict[str, Any]:
        """This caller as plain JSON (a job's payload carries who asked for it)."""
        return {
            "key_id": self.key_id,
            "role": self.role.value,
            "organization_id": self.organization_id,
            "user_id": self.user_id,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Principal":
        """The caller :meth:`as_record` wrote."""
        return cls(
            key_id=record["key_id"],
            role=Role(record["role"]),
            organization_id=record["organization_id"],
            user_id=record.get("user_id"),
        )

    @property
    def is_admin(self) -> bool:
        """Admins may read and change everything."""
        return self.role is Role.admin

    @property
    def is_organizer(self) -> bool:
        """Organizers (local bureaus, service centres) run sessions and register firms."""
        return self.role is Role.organizer

    def manages(self, org: Organization) -> bool:
        """May this caller change ``org`` and its records (see :func:`manages`)?"""
        return manages(self.role, self.organization_id, org)


def manages(role: Role | str | None, organization_id: int | None, org: Organization) -> bool:
    """Does a key of ``role`` held by ``organization_id`` manage ``org``?

    Admins manage everything; a firm or organizer manages itself; an organizer also manages
    the firms it registered. No role (a record from before authors were kept) manages
    nothing. Who may see ``org``'s contacts is decided by :mod:`app.consent`.
    """
    if role is None:
        return False
    if role == Role.admin:
        return True
    if organization_id is None:
        return False
    if org.id == organization_id:
        return True
    return role == Role.organizer and org.registered_by_id == organization_id


def readable_rows(
    statement: Select[*Columns],
    caller: Principal,
    rule: Callable[[int], ColumnElement[bool]],
) -> Select[*Columns]:
    """``statement`` narrowed to the rows ``caller`` may read: all of them for an admin, none
    for a caller without an organization, else those ``rule(caller's organization id)`` admits.

    Each domain states only its rule (who besides admins reads its records); see
    :func:`app.deals.service.readable` and :mod:`app.challenges.access`.
    """
    if caller.is_admin:
        return statement
    if caller.organization_id is None:
        return statement.where(false())
    return statement.where(rule(caller.organization_id))
