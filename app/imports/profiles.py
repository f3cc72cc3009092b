"""Capability profiles: one per SME, matched by the SME's USCC or external id.

New profiles, and those whose products or technologies changed, are placed on the chain map
as the API places them (:func:`app.chains.placing.model_placements`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select

from app.chains import placing
from app.chains.schemas import Subject
from app.imports import bulk
from app.imports.importer import Importer, Plan, Writes
from app.imports.rows import ParsedRow
from app.models import CapabilityProfile, Placement, PlacementSource
from app.models.base import utcnow
from app.profiles import rules as profile_rules
from app.profiles.schemas import ProfileFields
from matching.placement_records import PlacementTerm

_PROFILES: Table = CapabilityProfile.__table__  # type: ignore[assignment]
PLACEMENTS: Table = Placement.__table__  # type: ignore[assignment]
_PROFILE_FIELDS = tuple(ProfileFields.model_fields)


@dataclass
class ProfilePlan(Plan):
    """A batch of profiles: the rows to write, the updated ones to place anew, and where the
    new ones go on the chain map (worked out with the plan: ``(chain, node, confidence,
    term)`` for each new profile, in order; ``None`` without a chain map)."""

    writes: Writes = field(default_factory=Writes)
    replaced: list[dict[str, Any]] = field(default_factory=list)
    new_places: bulk.Prepared | None = None

    def writes_anything(self) -> bool:
        """Does applying the plan write a row?"""
        return bool(self.writes)


class ProfileImporter(Importer):
    def plan(self, rows: list[ParsedRow]) -> ProfilePlan:
        """Look the profiles up, classify them and place the new ones (see
        :meth:`Importer.plan`)."""
        self._start_plan()
        owned = self._owned_rows(rows, profile_rules.owner_problem, _profile_key)
        existing: dict[int, dict[str, Any]] = self._read(
            "_profiles", tuple(sorted(org["id"] for _p, org in owned))
        )
        now = utcnow()
        writes = Writes()
        replaced: list[dict[str, Any]] = []
        for parsed, org in owned:
            data = parsed.data
            assert isinstance(data, ProfileFields)
            current = existing.get(org["id"])
            fields = data.model_dump(mode="json")
            update = self._plan(writes, parsed, org["id"], current, fields, _PROFILE_FIELDS, now)
            if update is not None and _placed_anew(update, current):
                replaced.append(update)
        plan = ProfilePlan(writes=writes, replaced=replaced)
        # New profiles are placed on the chain map as the API places them; that work, and
        # binding the rows' values, is done here, outside the writing transaction (the new
        # rows' ids are known only once written: the placements hold their positions).
        if self.prepare and writes.inserts:
            model = placing.placer(self.session)
            places = (
                model.place_many([_terms(row) for row in writes.inserts])
                if model is not None
                else []
            )
            plan.new_places = self._prepared(
                PLACEMENTS,
                _placement_rows(
                    (n, p.chain_id, p.node_id, p.confidence, p.term)
                    for n, nodes in enumerate(places)
                    for p in nodes
                ),
            )
            writes.prepared = self._prepared(_PROFILES, writes.inserts)
            writes.inserts = []
        return self._finish_plan(plan)

    def apply(self, plan: Plan) -> bool:
        """Write the profiles and their placements (see :meth:`Importer.apply`)."""
        assert isinstance(plan, ProfilePlan)
        if not plan.writes_anything():
            return False
        ids = self._write(_PROFILES, _PROFILE_FIELDS, plan.writes)
        if plan.new_places is not None:
            bulk.insert_rows(self.session, PLACEMENTS, plan.new_places.with_ids("profile_id", ids))
            placed = []
        else:
            placed = placing.model_placements(
                self.session,
                placing.placer(self.session),
                Subject.profile,
                [(i, _terms(row)) for i, row in zip(ids, plan.writes.inserts, strict=True)],
                new=True,
            )
        # Those whose products or technologies changed are placed anew, as the API does.
        if plan.replaced:
            placed += placing.model_placements(
                self.session,
                placing.placer(self.session),
                Subject.profile,
                [(u["id"], _terms(u)) for u in plan.replaced],
            )
        bulk.insert_rows(self.session, PLACEMENTS, placed)
        return True

    def _profiles(self, org_ids: tuple[int, ...]) -> dict[int, dict[str, Any]]:
        if not org_ids:
            return {}
        found = self.session.execute(
            select(_PROFILES)
            .where(self._among(_PROFILES.c.organization_id, org_ids))
            .order_by(_PROFILES.c.id)
        ).mappings()
        return {row["organization_id"]: dict(row) for row in found}


def _profile_key(_parsed: ParsedRow, org: dict[str, Any]) -> tuple[str, str]:
    """A firm has one profile."""
    return ("uscc", org["uscc"])


def _placed_anew(update: dict[str, Any], current: dict[str, Any] | None) -> bool:
    """An updated profile is placed anew when its products or technologies changed."""
    return current is not None and any(
        update[f] != current[f] for f in ("products", "technologies")
    )


def _placement_rows(places: Iterable[tuple[int, int, int, float, str]]) -> list[dict[str, Any]]:
    """The placement rows of new profiles (no frozen chain nor earlier placement to mind), as
    :func:`app.chains.placing.model_placements` makes them; ``profile_id`` holds the new
    profile's position among the batch's new rows for now."""
    now = utcnow()
    return [
        {
            "chain_id": chain_id,
            "node_id": node_id,
            "profile_id": position,
            "need_id": None,
            "confidence": min(max(confidence, 0.0), 1.0),
            "source": PlacementSource.model.value,
            "reviewed": False,
            "term": term[:200],
            "created_at": now,
            "updated_at": now,
        }
        for position, chain_id, node_id, confidence, term in places
    ]


def _terms(profile: dict[str, Any]) -> list[PlacementTerm]:
    return placing.profile_terms(profile["products"], profile["technologies"])
