"""The rules of a capability profile, written once for the API, the console and the importer."""

from app.messages import tr
from app.models import OrganizationKind
from app.rules import RuleProblem


def owner_problem(kind: str) -> RuleProblem | None:
    """A capability profile belongs to an SME."""
    if kind != OrganizationKind.sme:
        return RuleProblem("organization_id", tr("capability profiles are for SMEs only"))
    return None
