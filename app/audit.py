"""The audit log: every write and every reveal of private contacts."""

from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.models import AuditEntry


def record(
    session: Session,
    caller: Principal | None,
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
