"""Supply needs: a large firm's need, matched by the firm plus the need's title.

A status change follows the needs' transitions (:mod:`app.needs.rules`); every need written
is (re)placed on the chain map.
"""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select

from app.chains import placing
from app.chains.schemas import Subject
from app.imports import bulk
from app.imports.importer import Importer, Plan, Writes
from app.imports.profiles import PLACEMENTS
from app.imports.rows import ParsedRow
from app.models import SupplyNeed
from app.models.base import utcnow
from app.needs import rules as need_rules
from app.needs.schemas import NeedCreate
from app.rules import RuleProblem

_NEEDS: Table = SupplyNeed.__table__  # type: ignore[assignment]
_NEED_FIELDS = (*(f for f in NeedCreate.model_fields if f != "organization_id"),)


@dataclass
class NeedPlan(Plan):
    """A batch of needs: the rows to write (each is placed anew once written)."""

    writes: Writes = field(default_factory=Writes)

    def writes_anything(self) -> bool:
        """Does applying the plan write a row?"""
        return bool(self.writes.inserts or self.writes.updates)


class NeedImporter(Importer):
    def plan(self, rows: list[ParsedRow]) -> NeedPlan:
        """Look the needs up and classify them (see :meth:`Importer.plan`)."""
        self._start_plan()
        owned = self._owned_rows(rows, need_rules.poster_problem, _need_key)
        existing: dict[tuple[int, str], dict[str, Any]] = self._read(
            "_needs", tuple(sorted({org["id"] for _p, org in owned}))
        )
        now = utcnow()
        writes = Writes()
        for parsed, org in owned:
            data = parsed.data
            assert isinstance(data, NeedCreate)
            fields = data.model_dump(mode="json", exclude={"organization_id"})
            fields["deadline"] = data.deadline
            current = existing.get((org["id"], data.title))
            self._plan(
                writes, parsed, org["id"], current, fields, _NEED_FIELDS, now, _status_problem
            )
        return self._finish_plan(NeedPlan(writes=writes))

    def apply(self, plan: Plan) -> bool:
        """Write the needs and place them (see :meth:`Importer.apply`)."""
        assert isinstance(plan, NeedPlan)
        if not plan.writes_anything():
            return False
        self._write(_NEEDS, _NEED_FIELDS, plan.writes)
        needs = self.session.scalars(
            select(SupplyNeed).where(SupplyNeed.id.in_(self.written)).order_by(SupplyNeed.id)
        )
        placed = placing.model_placements(
            self.session,
            placing.placer(self.session),
            Subject.need,
            [(n.id, placing.need_terms(n)) for n in needs],
        )
        bulk.insert_rows(self.session, PLACEMENTS, placed)
        return True

    def _needs(self, org_ids: tuple[int, ...]) -> dict[tuple[int, str], dict[str, Any]]:
        out: dict[tuple[int, str], dict[str, Any]] = {}
        if not org_ids:
            return out
        found = self.session.execute(
            select(_NEEDS).where(_NEEDS.c.organization_id.in_(org_ids)).order_by(_NEEDS.c.id.desc())
        ).mappings()
        for row in found:
            out[(row["organization_id"], row["title"])] = dict(row)  # lowest id wins
        return out


def _need_key(parsed: ParsedRow, org: dict[str, Any]) -> tuple[str, int, str]:
    """A firm's need is one record per title."""
    assert isinstance(parsed.data, NeedCreate)
    return ("need", org["id"], parsed.data.title)


def _status_problem(current: dict[str, Any] | None, values: dict[str, Any]) -> RuleProblem | None:
    """A new need starts as a draft or open; a need on file moves along the transitions."""
    if current is None:
        return need_rules.new_status_problem(values["status"])
    return need_rules.transition_problem(current["status"], values["status"])
