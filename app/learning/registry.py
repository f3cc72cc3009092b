"""Re-ranker versions: the active one, promotion, rollback.

A version's artifact is plain JSON (coefficients, feature names, library versions), rebuilt
with :meth:`matching.rerank.PairwiseReranker.from_dict`; nothing is ever unpickled. Promoting
or rolling back logs a ``model`` change, so every worker's index switches within a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ModelStatus, ModelVersion
from app.models.base import utcnow
from app.platform import changes

if TYPE_CHECKING:
    from matching.rerank import PairwiseReranker


def active(session: Session) -> ModelVersion | None:
    """The version shortlists use now, if any (the newest, should two ever be active)."""
    return session.scalars(
        select(ModelVersion)
        .where(ModelVersion.status == ModelStatus.active.value)
        .order_by(ModelVersion.promoted_at.desc(), ModelVersion.id.desc())
        .limit(1)
    ).first()


def load_active(session: Session) -> tuple[int, PairwiseReranker] | None:
    """The active version's id and model, or ``None`` (engine order)."""
    version = active(session)
    if version is None:
        return None
    # Imported only when a model is active: the re-ranker imports scikit-learn.
    from matching.rerank import PairwiseReranker

    return version.id, PairwiseReranker.from_dict(version.artifact)


def store(
    session: Session, artifact: dict[str, Any], metrics: dict[str, Any], *, promote: bool
) -> ModelVersion:
    """Save a trained version; if ``promote``, make it the active one."""
    version = ModelVersion(
        status=ModelStatus.rejected.value, artifact=artifact, metrics=metrics, previous_id=None
    )
    session.add(version)
    session.flush()
    if promote:
        current = active(session)
        if current is not None:
            current.status = ModelStatus.retired.value
            version.previous_id = current.id
        version.status = ModelStatus.active.value
        version.promoted_at = utcnow()
        session.flush()
        changes.record(session, changes.MODEL, version.id)
    return version


def rollback(session: Session) -> tuple[ModelVersion, ModelVersion | None]:
    """Withdraw the active version and reactivate the one before it (``None``: the engine).

    Raises
    ------
    LookupError
        If no version is active.
    """
    current = active(session)
    if current is None:
        raise LookupError("no active model version to roll back")
    current.status = ModelStatus.rolled_back.value
    previous = session.get(ModelVersion, current.previous_id) if current.previous_id else None
    if previous is not None:
        previous.status = ModelStatus.active.value
        previous.promoted_at = utcnow()
    session.flush()
    changes.record(session, changes.MODEL, previous.id if previous else None)
    return current, previous


def listing(session: Session) -> list[dict[str, Any]]:
    """Every version, newest first, as plain data (for ``xieshou model list``)."""
    rows = session.scalars(select(ModelVersion).order_by(ModelVersion.id.desc()))
    return [
        {
            "id": v.id,
            "status": v.status,
            "created_at": v.created_at.isoformat(),
            "promoted_at": v.promoted_at.isoformat() if v.promoted_at else None,
            "previous_id": v.previous_id,
            "metrics": v.metrics,
            "versions": v.artifact.get("versions", {}),
        }
        for v in rows
    ]
