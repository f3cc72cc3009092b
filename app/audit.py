"""The audit log: every write and every reveal of private contacts."""

from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.models import AuditEntry


class Actor(Protocol):
    """Who acts, as the log records it (:class:`app.auth.principal.Principal`)."""

    @property
    def key_id(self) -> int | None: ...
    @property
    def user_id(self) -> int | None: ...
    @property
    def organization_id(self) -> int | None: ...


def record(
    session: Session,
    caller: Actor | None,
    action: str,
    entity: str,
    entity_id: int | None,
    **detail: Any,
) -> None:
    """Append an audit entry in the caller's transaction (it commits or rolls back with it).

    ``detail`` holds field names and ids, never secrets or contact values.
    """
    session.add(
        AuditEntry(
            api_key_id=caller.key_id if caller else None,
            user_id=caller.user_id if caller else None,
            actor_organization_id=caller.organization_id if caller else None,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        )
    )
